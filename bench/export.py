"""Benchmark of the dashboard PDF export (X-2).

    .venv/bin/python bench/export.py                     # 10,000 devices, 100,000 alerts, SQLite
    .venv/bin/python bench/export.py --repeat 3 --no-chromium   # quick
    .venv/bin/python bench/export.py --database-url postgres://postgres@127.0.0.1/bench_export

Builds (once per database, then reuses; --rebuild starts again) one customer holding N devices
(3 products each, 30 days of check-ins: N x 30 DeviceDay rows) and M alerts over the last 45
days, then, for a 12-widget dashboard (every widget type once, at its default size):

- times each widget's drawing (its selector queries plus the SVG), p50 over the runs;
- times the whole export as the worker runs it (`render_dashboard_pdf`: widgets, HTML,
  WeasyPrint layout, PDF bytes), p50 and p95, against the 1.5 s target;
- times the HTML -> PDF step alone with WeasyPrint, and the same HTML printed to PDF by
  headless Chromium (Playwright driving Debian's /usr/bin/chromium; page.set_content +
  page.pdf, the browser already running), and prints the ratio;
- reports peak memory: the process's peak RSS, and Python's peak allocation during one export
  (tracemalloc).

Prints numbers and ratios; never fails on timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(os.environ.get("PARTNERDESK_VAR_DIR", ROOT / "var"))
PARTNER = "Bench Export MSP"
CUSTOMER = "Bench Export Customer"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TARGET_SECONDS = 1.5
PRODUCTS = [
    ("bench-x-endpoint", "Bench Endpoint", "endpoint"),
    ("bench-x-server", "Bench Server", "server"),
    ("bench-x-mobile", "Bench Mobile", "mobile"),
]
OSES = ["Windows 11", "Windows 10", "macOS 15", "Ubuntu 24.04", "Windows Server 2022"]
CATEGORIES = ["malware", "pua", "web", "policy", "runtime-detection", "exploit", "ransomware"]


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def line(label: str, samples: list[float], extra: str = "") -> dict[str, Any]:
    print(
        f"  {label:<52} p50 {p50(samples) * 1000:8.1f} ms  p95 {p95(samples) * 1000:8.1f} ms"
        f"  {extra}"
    )
    return {
        "label": label,
        "p50_ms": round(p50(samples) * 1000, 1),
        "p95_ms": round(p95(samples) * 1000, 1),
    }


def build(devices: int, alerts: int, now: dt.datetime) -> float:
    from django.db import connection, transaction

    from partnerdesk.console.models import Alert, Device, DeviceDay
    from partnerdesk.customers.models import Customer
    from partnerdesk.licensing.models import License, Product
    from partnerdesk.partners.models import Partner

    started = time.monotonic()
    partner, _ = Partner.objects.get_or_create(name=PARTNER, defaults={"msp_flex": True})
    Customer.objects.filter(partner=partner).delete()
    customer = Customer.objects.create(
        partner=partner,
        show_as=CUSTOMER,
        legal_name=f"{CUSTOMER} Ltd",
        data_region="eu01",
        billing_type="term",
        partner_assistance=True,
        country_code="GB",
    )
    products = [
        Product.objects.get_or_create(
            code=code, defaults={"name": name, "category": cat, "usage_billable": True}
        )[0]
        for code, name, cat in PRODUCTS
    ]
    today = now.date()
    for i, p in enumerate(products):
        License.objects.create(
            partner=partner,
            customer=customer,
            product=p,
            license_type="term",
            quantity=devices // (i + 1),
            starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=20 + 200 * i),
        )
    health = ["good"] * 7 + ["suspicious", "bad", "unknown"]
    with transaction.atomic():
        Device.objects.bulk_create(
            (
                Device(
                    partner=partner,
                    customer=customer,
                    device_id=f"bench-{n:06d}",
                    hostname=f"host-{n:06d}",
                    os=OSES[n % len(OSES)],
                    health=health[n % len(health)],
                    products=[code for code, _, _ in PRODUCTS[: 1 + n % 3]],
                    first_seen=now - dt.timedelta(days=200),
                    last_seen=now - dt.timedelta(days=(n % 13) if n % 9 == 0 else 0, hours=1),
                )
                for n in range(devices)
            ),
            batch_size=2000,
        )
    ids = list(Device.objects.filter(customer=customer).order_by("pk").values_list("pk", flat=True))
    day_table = DeviceDay._meta.db_table
    day_sql = (
        f"INSERT INTO {day_table} (partner_id, customer_id, device_id, product_id, day) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for back in range(1, 31):
            day = today - dt.timedelta(days=back)
            cursor.executemany(
                day_sql,
                [
                    (partner.pk, customer.pk, pk, products[0].pk, day)
                    for n, pk in enumerate(ids)
                    if (n + back) % 17  # a few devices skip a day
                ],
            )
    alert_table = Alert._meta.db_table
    alert_sql = (
        f"INSERT INTO {alert_table} (partner_id, customer_id, alert_id, severity, category, "
        "description, device_id, raised_at, resolved_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    rows = []
    for n in range(alerts):
        # Skewed towards a few noisy devices; a spread over the last 45 days.
        device = ids[(n * n) % len(ids)] if n % 4 else ids[n % 50]
        raised = now - dt.timedelta(minutes=(n * 37) % (45 * 24 * 60) + 5)
        resolved = None if n % 10 == 0 else raised + dt.timedelta(minutes=30 + n % 500)
        rows.append(
            (
                partner.pk,
                customer.pk,
                f"bench-alert-{n:07d}",
                ["high", "medium", "low", "low"][n % 4],
                CATEGORIES[n % len(CATEGORIES)],
                f"Detection {n} on a bench device: a description of typical length here",
                device,
                raised,
                resolved if resolved is None or resolved < now else None,
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(alert_sql, rows[start : start + 5000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def chromium_pdf(html: str, repeat: int) -> tuple[list[float], list[float], int]:
    """Seconds per print with the browser already running (set_content + pdf), seconds per
    print with a browser launched for it (launch, print, close), and the PDF's size."""
    from playwright.sync_api import Page, sync_playwright

    size = [0]

    def print_pdf(page: Page) -> None:
        page.set_content(html, wait_until="load")
        pdf = page.pdf(
            format="A4", landscape=True, print_background=True, prefer_css_page_size=True
        )
        size[0] = len(pdf)

    with sync_playwright() as pw:

        def cold() -> None:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            print_pdf(browser.new_page())
            browser.close()

        cold_samples = timed(cold, max(3, repeat // 2))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        warm_samples = timed(lambda: print_pdf(page), repeat)
        browser.close()
    return warm_samples, cold_samples, size[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-chromium", action="store_true")
    args = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    name = f"bench-export-{args.devices}-{args.alerts}"
    url = args.database_url or f"sqlite:///{VAR / f'{name}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Max

    from partnerdesk.console.models import Alert, Device
    from partnerdesk.console.widgets import WIDGET_TYPES, render_widget
    from partnerdesk.customers.models import Customer
    from partnerdesk.reports.layout import GRID_COLUMNS, Placement
    from partnerdesk.reports.pdf import (
        dashboard_html,
        html_pdf,
        render_dashboard_pdf,
    )

    call_command("migrate", "--no-input", verbosity=0)
    existing = Customer.objects.filter(show_as=CUSTOMER, partner__name=PARTNER).first()
    counts_match = existing is not None and (
        Device.objects.filter(customer=existing).count(),
        Alert.objects.filter(customer=existing).count(),
    ) == (args.devices, args.alerts)
    if args.rebuild or not counts_match:
        print(f"building {args.devices:,} devices and {args.alerts:,} alerts ...", flush=True)
        seconds = build(args.devices, args.alerts, dt.datetime.now(dt.UTC).replace(microsecond=0))
        print(f"  built in {seconds:.1f} s")
    customer = Customer.objects.get(show_as=CUSTOMER, partner__name=PARTNER)
    # Draw as of the build (the newest alert was raised 5 minutes before it), so the
    # last-30-days windows hold the data however old the database is.
    newest = Alert.objects.filter(customer=customer).aggregate(at=Max("raised_at"))["at"]
    now = newest + dt.timedelta(minutes=5)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]

    placements: list[Placement] = []
    x = y = 0
    row_h = 1
    for key, widget in WIDGET_TYPES.items():
        if x + widget.default_w > GRID_COLUMNS:
            x, y, row_h = 0, y + row_h, 1
        placements.append(Placement(key, x, y, widget.default_w, widget.default_h))
        x += widget.default_w
        row_h = max(row_h, widget.default_h)
    print(
        f"export benchmark: {len(placements)} widgets, {args.devices:,} devices, "
        f"{args.alerts:,} alerts, {engine}, repeat {args.repeat}"
    )

    results: dict[str, Any] = {"engine": engine, "widgets": {}, "cases": []}
    print("widget drawing (selector queries + SVG):")
    for p in placements:
        samples = timed(partial(render_widget, p.key, customer=customer, now=now), args.repeat)
        results["widgets"][p.key] = line(p.key, samples)["p50_ms"]
    widget_total = sum(results["widgets"].values())
    print(f"  {'all widgets, sum of p50':<52}     {widget_total:8.1f} ms")

    def export() -> bytes:
        return render_dashboard_pdf(
            customer=customer,
            title="Security overview",
            placements=placements,
            exported_by="Bench Admin",
            now=now,
        )

    print("whole export:")
    # The first export pays WeasyPrint's import and font setup once per process.
    started = time.perf_counter()
    pdf = export()
    first = time.perf_counter() - started
    print(f"  {'first export in a fresh process':<52}     {first * 1000:8.1f} ms")
    samples = timed(export, args.repeat, warmup=0)
    ratio = p50(samples) / TARGET_SECONDS
    results["cases"].append(
        line(
            "export (widgets + HTML + WeasyPrint + PDF)",
            samples,
            f"{ratio:.2f}x of the {TARGET_SECONDS} s target; {len(pdf):,} bytes",
        )
    )
    cpu: list[float] = []

    def export_cpu() -> None:
        started = time.process_time()
        export()
        cpu.append(time.process_time() - started)

    timed(export_cpu, args.repeat, warmup=0)
    print(f"  {'export, CPU time of this process (all threads)':<52} p50 {p50(cpu) * 1000:8.1f} ms")

    def page_html() -> str:
        return dashboard_html(
            customer=customer,
            title="Security overview",
            placements=placements,
            exported_by="Bench Admin",
            now=now,
        )

    results["cases"].append(line("all widgets + HTML", timed(page_html, args.repeat)))
    html = page_html()
    weasy = timed(lambda: html_pdf(html), args.repeat)
    results["cases"].append(line("HTML -> PDF, WeasyPrint", weasy))

    tracemalloc.start()
    export()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"  peak memory: Python allocations during one export {traced_peak / 2**20:.1f} MiB; "
        f"process peak RSS {rss_kib / 1024:.0f} MiB"
    )
    results["traced_peak_mib"] = round(traced_peak / 2**20, 1)
    results["peak_rss_mib"] = round(rss_kib / 1024)

    if not args.no_chromium and Path(CHROMIUM).exists():
        warm, cold, size = chromium_pdf(html, args.repeat)
        results["cases"].append(
            line("HTML -> PDF, Chromium already running (same HTML)", warm, f"{size:,} bytes")
        )
        results["cases"].append(line("HTML -> PDF, Chromium launched for the export", cold))
        for label, chrome in (("already running", warm), ("launched per export", cold)):
            ratio = p50(chrome) / p50(weasy)
            verdict = "faster" if ratio > 1 else "slower"
            print(
                f"  Chromium {label}: Chromium p50 / WeasyPrint p50 = {ratio:.2f} "
                f"(WeasyPrint is {verdict})"
            )
        results["chromium_warm_over_weasyprint"] = round(p50(warm) / p50(weasy), 2)
        results["chromium_cold_over_weasyprint"] = round(p50(cold) / p50(weasy), 2)
    else:
        print("  (Chromium not run)")
    out = VAR / f"bench-export-{engine}-{args.devices}-{args.alerts}-results.json"
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
