"""Benchmark of usage metering and the billing-usage report (B-4, B-5, S-5).

    .venv/bin/python bench/billing.py                  # 10,000 usage customers on SQLite
    .venv/bin/python bench/billing.py --customers 2000 --repeat 5   # quick
    .venv/bin/python bench/billing.py --database-url postgres://postgres@127.0.0.1/bench_billing

Builds (once, then reuses; --rebuild starts again) a database with one MSP Flex partner holding
N usage customers, each with 90 days (1 Sep - 29 Nov 2026) x 3 products of daily usage rows
(10,000 customers: 2.7M DailyUsage rows), then times, through Django's test client (the whole
server side: token auth, rate limit, queries, serialisation, templates):

- GET /partner/v1/billing/usage/2026/10: the first page, and a page deep in the month
  (pageFromKey of the last customers);
- the report page /billing/usage/?month=2026-10 (first 100 lines plus the totals per product,
  which aggregate the whole month);
- the CSV export of the whole month (N x 3 lines);
- a device check-in of 1,000 new devices, and the same 1,000 checked in again (updates);
- the daily job for one day of 1,000 device-days.

Prints p50 / p95 and the ratio of p50 to the target; never fails on timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(os.environ.get("PARTNERDESK_VAR_DIR", ROOT / "var"))
PARTNER = "Bench Billing MSP"
FIRST_DAY = dt.date(2026, 9, 1)
DAYS = 90
PRODUCTS = [
    ("bench-endpoint", "Bench Endpoint", "endpoint"),
    ("bench-server", "Bench Server", "server"),
    ("bench-mobile", "Bench Mobile", "mobile"),
]


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def report(label: str, samples: list[float], target: float | None) -> dict[str, Any]:
    p50 = statistics.median(samples)
    p95 = sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]
    ratio = f"{p50 / target:.2f}x of the {target:.0f} s target" if target else ""
    print(f"  {label:<58} p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  {ratio}")
    return {"label": label, "p50_ms": round(p50 * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def build(customers: int) -> float:
    from django.db import connection, transaction

    from partnerdesk.billing.models import DailyUsage
    from partnerdesk.customers.models import Customer
    from partnerdesk.licensing.models import Product
    from partnerdesk.partners.models import Partner

    started = time.monotonic()
    partner, _ = Partner.objects.get_or_create(name=PARTNER, defaults={"msp_flex": True})
    products = [
        Product.objects.get_or_create(
            code=code, defaults={"name": name, "category": cat, "usage_billable": True}
        )[0]
        for code, name, cat in PRODUCTS
    ]
    have = Customer.objects.filter(partner=partner).count()
    Customer.objects.bulk_create(
        [
            Customer(
                partner=partner,
                show_as=f"Usage customer {n:05d}",
                legal_name=f"Usage customer {n:05d} Ltd",
                data_region="eu01",
                billing_type="usage",
                partner_assistance=True,
                country_code="GB",
            )
            for n in range(have, customers)
        ],
        batch_size=500,
    )
    ids = list(
        Customer.objects.filter(partner=partner).order_by("pk").values_list("pk", flat=True)
    )[:customers]
    DailyUsage.objects.filter(partner=partner).delete()
    table = DailyUsage._meta.db_table
    sql = (
        f"INSERT INTO {table} (partner_id, customer_id, product_id, day, devices) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    days = [FIRST_DAY + dt.timedelta(days=d) for d in range(DAYS)]
    with transaction.atomic(), connection.cursor() as cursor:
        for cid in ids:
            rows = [
                (partner.pk, cid, p.pk, day, 5 + (cid * 7 + i * 3 + d) % 40)
                for i, p in enumerate(products)
                for d, day in enumerate(days)
            ]
            cursor.executemany(sql, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{VAR / f'bench-billing-{args.customers}.sqlite3'}"
    marker = VAR / f"bench-billing-{args.customers}.json"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from partnerdesk.accounts.models import User
    from partnerdesk.accounts.services import credential_create_for_partner, token_issue
    from partnerdesk.billing.metering import meter_day
    from partnerdesk.customers.models import Customer
    from partnerdesk.partners.models import Partner

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    # The manifest of collected static files is not needed to render the page here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.API_RATE_LIMIT = 10_000_000
    call_command("migrate", "--no-input", verbosity=0)
    call_command("createcachetable", verbosity=0)
    fresh = args.rebuild or args.database_url is not None or not marker.exists()
    if fresh:
        print(f"building {args.customers:,} customers x {DAYS} days x 3 products ...", flush=True)
        seconds = build(args.customers)
        if args.database_url is None:
            marker.write_text(json.dumps({"customers": args.customers, "load_seconds": seconds}))
        print(f"  built in {seconds:.1f} s")
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"billing benchmark: {args.customers:,} usage customers, {engine}, repeat {args.repeat}")

    partner = Partner.objects.get(name=PARTNER)
    new = credential_create_for_partner(
        partner=partner, name=f"bench {uuid.uuid4().hex[:6]}", role="super_admin"
    )
    token = token_issue(client_id=new.client_id, client_secret=new.client_secret).access_token
    api = Client(headers={"Authorization": f"Bearer {token}", "X-Partner-ID": str(partner.pk)})
    user, _ = User.objects.get_or_create(
        username="bench-billing-super",
        defaults={"partner": partner, "partner_role": "super_admin"},
    )
    web = Client()
    web.force_login(user)

    def get_ok(client: Client, path: str, params: dict[str, Any] | None = None) -> Any:
        response = client.get(path, params or {})
        assert response.status_code == 200, response.content[:300]
        return response

    month_url = "/partner/v1/billing/usage/2026/10"
    last_ids = list(
        Customer.objects.filter(partner=partner).order_by("-pk").values_list("pk", flat=True)[:2]
    )
    deep_key = f"{last_ids[-1]}-0"
    results = [
        report(
            "API month report, page 1 (50 items)",
            timed(lambda: get_ok(api, month_url), args.repeat),
            2.0,
        ),
        report(
            "API month report, last page (pageFromKey near the end)",
            timed(lambda: get_ok(api, month_url, {"pageFromKey": deep_key}), args.repeat),
            2.0,
        ),
        report(
            "report page (100 lines + totals of the whole month)",
            timed(lambda: get_ok(web, "/billing/usage/", {"month": "2026-10"}), args.repeat),
            2.0,
        ),
        report(
            f"CSV export of the whole month ({args.customers * 3:,} lines)",
            timed(
                lambda: b"".join(
                    get_ok(web, "/billing/usage/export.csv", {"month": "2026-10"}).streaming_content
                ),
                max(3, args.repeat // 3),
            ),
            None,
        ),
    ]

    from partnerdesk.console.services import enrollment_token_lookup

    customer = Customer.objects.filter(partner=partner).order_by("pk").first()
    assert customer is not None
    secret = f"pdenr_bench-{uuid.uuid4().hex}"
    from partnerdesk.console.models import EnrollmentToken
    from partnerdesk.console.services import token_hash

    EnrollmentToken.objects.create(
        partner=partner, customer=customer, token_hash=token_hash(secret), suffix=secret[-6:]
    )
    assert enrollment_token_lookup(secret) is not None
    agent = Client(headers={"Authorization": f"Bearer {secret}"})
    run = [0]

    def batch(prefix: str) -> str:
        return json.dumps(
            {
                "devices": [
                    {
                        "deviceId": f"{prefix}-{n:04d}",
                        "hostname": f"host-{n:04d}",
                        "os": "Windows 11",
                        "health": "good",
                        "products": [code for code, _, _ in PRODUCTS[: 1 + n % 3]],
                    }
                    for n in range(1000)
                ]
            }
        )

    def check_in(body: str) -> None:
        response = agent.post("/partnerdesk/v1/devices/check-in", body, "application/json")
        assert response.status_code == 200, response.content[:300]

    def new_batch() -> None:
        run[0] += 1
        check_in(batch(f"{uuid.uuid4().hex[:8]}-{run[0]}"))

    same = batch("repeat")
    results += [
        report("check-in, 1,000 new devices", timed(new_batch, args.repeat), 1.0),
        report(
            "check-in, the same 1,000 devices again",
            timed(lambda: check_in(same), args.repeat),
            1.0,
        ),
        report(
            "daily job for today (all device-days of the day)",
            timed(lambda: meter_day(dt.datetime.now(dt.UTC).date()), max(3, args.repeat // 3)),
            None,
        ),
    ]
    out = VAR / f"bench-billing-{engine}-{args.customers}-results.json"
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
