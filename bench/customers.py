"""Benchmark of the Customers page (C-5, S-5): server time at 100,000 and 1,000,000 customers.

    .venv/bin/python bench/customers.py                      # 100k and 1M on SQLite
    .venv/bin/python bench/customers.py --sizes 100000 --repeat 50
    .venv/bin/python bench/customers.py --quick              # 20k customers, few repetitions
    .venv/bin/python bench/customers.py --database-url postgres://postgres@127.0.0.1/bench_pd \\
        --sizes 100000

For each size it builds (once, then reuses) a database of that many customers for the demo
partner "Northbridge IT Services" through `manage.py demo --customers N` (the bulk path), then
signs in as its Super Admin and times GET /customers/ through Django's test client: session,
middleware, the page's queries and template rendering, i.e. the whole server side except the
HTTP parsing of gunicorn. Each case runs a few times to warm up, then --repeat times. Printed:
p50 and p95 of the wall-clock time, p50 of the process CPU time (the server's own work, which
a busy shared machine inflates less), p50 of the raw SQL that fetches the same rows (the page
of 50 and the total count; on a fresh connection where production opens one per request, as
with SQLite), and the ratio of the page's p50 to the raw SQL's. A benchmark reports numbers;
it never fails because of them (the target is in docs/performance.md).

SQLite databases live in var/bench-customers-<size>.sqlite3 beside a .json file that records
the load time and marks the build complete; --rebuild starts them again.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("PARTNERDESK_VAR_DIR", ROOT / "var"))
PYTHON = sys.executable
PARTNER = "Northbridge IT Services"
USERNAME = "northbridge-super"
DEMO_CUSTOMERS = 240  # `manage.py demo` gives the partner this many before the bulk load
PAGE_SIZE = 50

# (label, search term). Names are "<first> <second> <serial>" (demo_data.NAME_FIRST/SECOND),
# so "dental" matches about 1 customer in 30 and "77777" a dozen or so serial numbers.
CASES = [
    ("page 1, no filter", ""),
    ("common term 'dental'", "dental"),
    ("rare term '77777'", "77777"),
    ("2-char term 'ab' (no match)", "ab"),
    ("2-char term 'ro' (common)", "ro"),
]


def sqlite_url(size: int) -> str:
    return f"sqlite:///{VAR / f'bench-customers-{size}.sqlite3'}"


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    subprocess.run(command, env=env, check=True, cwd=ROOT)  # noqa: S603 (our own manage.py)


def build(url: str, size: int, marker: Path | None) -> float:
    """Migrate, load the demo data and bulk-add customers up to `size`; returns load seconds."""
    manage(url, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    manage(url, "demo", "--quiet", "--customers", str(max(size - DEMO_CUSTOMERS, 0)))
    seconds = time.monotonic() - started
    if marker is not None:
        marker.write_text(json.dumps({"customers": size, "load_seconds": round(seconds, 1)}))
    return seconds


def prepare(size: int, url: str | None, rebuild: bool) -> tuple[str, float | None, bool]:
    """The database URL for `size`, its bulk-load time, and whether it was built just now."""
    if url is not None:
        count = run_child(url, ["--count"])["count"]
        if count == 0:
            return url, build(url, size, None), True
        manage(url, "migrate", "--no-input", "-v0")
        if count != size:
            print(f"  note: {url} holds {count:,} customers for {PARTNER}, not {size:,}")
        return url, None, False
    db = VAR / f"bench-customers-{size}.sqlite3"
    marker = db.with_suffix(".json")
    if rebuild or not marker.exists():
        for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), marker):
            leftover.unlink(missing_ok=True)
        print(f"  building {db.name} ({size:,} customers) ...", flush=True)
        return sqlite_url(size), build(sqlite_url(size), size, marker), True
    manage(sqlite_url(size), "migrate", "--no-input", "-v0")  # the code may have moved on
    return sqlite_url(size), json.loads(marker.read_text())["load_seconds"], False


def run_child(url: str, args: list[str]) -> dict[str, Any]:
    """Measure in a fresh interpreter: Django reads DATABASE_URL once, at start-up."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(  # noqa: S603 (this script, run again)
        [PYTHON, __file__, "--child", *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------- measuring (child process)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def raw_sql(term: str, vendor: str) -> tuple[str, str, list[Any]]:
    """Hand-written SQL for the same rows as the page: the page of 50 by name, and the total.

    Terms of 3+ characters use the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL
    through ILIKE's UPPER(...) LIKE form); shorter ones a LIKE on both names."""
    where = "c.partner_id = %s AND c.unlinked_at IS NULL"
    params: list[Any] = []
    if term and len(term) >= 3 and vendor == "sqlite":
        where += (
            " AND c.id IN (SELECT rowid FROM customers_customer_search"
            " WHERE customers_customer_search MATCH %s)"
        )
        params.append('"' + term.replace('"', '""') + '"')
    elif term:
        like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if vendor == "sqlite":
            where += " AND (c.show_as LIKE %s ESCAPE '\\' OR c.legal_name LIKE %s ESCAPE '\\')"
        else:
            where += (
                " AND (UPPER(c.show_as::text) LIKE UPPER(%s)"
                " OR UPPER(c.legal_name::text) LIKE UPPER(%s))"
            )
        params += [like, like]
    page = (
        f"SELECT c.* FROM customers_customer c WHERE {where}"
        f" ORDER BY LOWER(c.show_as), c.id LIMIT {PAGE_SIZE}"
    )
    count = f"SELECT COUNT(*) FROM customers_customer c WHERE {where}"
    return page, count, params


def child(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import DatabaseError, connection

    from partnerdesk.customers.models import Customer
    from partnerdesk.partners.models import Partner

    if "--count" in argv:
        try:
            partner = Partner.objects.filter(name=PARTNER).first()
            count = Customer.objects.filter(partner=partner).count() if partner else 0
        except DatabaseError:  # not migrated yet
            count = 0
        print(json.dumps({"count": count}))
        return
    partner = Partner.objects.filter(name=PARTNER).first()
    repeat, warmup = int(argv[argv.index("--repeat") + 1]), int(argv[argv.index("--warmup") + 1])
    assert partner is not None, "no demo partner in the database"

    from django.test import Client

    from partnerdesk.accounts.models import User
    from partnerdesk.core.actor import Actor
    from partnerdesk.core.permissions import PartnerRole
    from partnerdesk.customers.selectors import customer_page, parse_filters

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    # The manifest of collected static files is not needed to render the page here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = User.objects.get(username=USERNAME)
    actor = Actor(partner_id=partner.pk, role=PartnerRole.SUPER_ADMIN, user_id=user.pk)
    client = Client()
    client.force_login(user)
    vendor = connection.vendor
    fresh_connections = connection.settings_dict["CONN_MAX_AGE"] == 0
    results = []
    for label, term in CASES:
        page = customer_page(actor, parse_filters({"q": term}))
        total, shown = page.page.total, len(page.rows)
        server: list[float] = []
        cpu: list[float] = []
        for i in range(warmup + repeat):
            # The test client keeps the connection between requests; gunicorn does not when
            # CONN_MAX_AGE is 0 (SQLite): then every timed request opens its own, as in
            # production. PostgreSQL keeps its connections (CONN_MAX_AGE=60).
            if fresh_connections:
                connection.close()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/customers/", {"q": term} if term else {})
            elapsed, used = time.perf_counter() - started, time.process_time() - started_cpu
            assert response.status_code == 200, response.status_code
            if i >= warmup:
                server.append(elapsed)
                cpu.append(used)
        page_sql, count_sql, params = raw_sql(term, vendor)
        raw: list[float] = []
        raw_total = raw_rows = 0
        for i in range(warmup + repeat):
            if fresh_connections:
                connection.close()  # like a request
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(count_sql, [partner.pk, *params])
                raw_total = cursor.fetchone()[0]
                cursor.execute(page_sql, [partner.pk, *params])
                raw_rows = len(cursor.fetchall())
            elapsed = time.perf_counter() - started
            if i >= warmup:
                raw.append(elapsed)
        results.append(
            {
                "case": label,
                "term": term,
                "total": total,
                "rows": shown,
                "raw_total": raw_total,
                "raw_rows": raw_rows,
                "p50": statistics.median(server),
                "p95": percentile(server, 0.95),
                "cpu_p50": statistics.median(cpu),
                "raw_p50": statistics.median(raw),
            }
        )
    print(json.dumps({"vendor": vendor, "results": results}))


# ---------------------------------------------------------------- driver


def main() -> None:
    if "--child" in sys.argv:
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--quick", action="store_true", help="20,000 customers, 10 repeats")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument(
        "--database-url",
        help="measure this database (built if it has no demo data) instead of var/*.sqlite3",
    )
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes, args.repeat, args.warmup = [20_000], 10, 2
    print(f"Customers page benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for size in sizes:
        print(f"\n{size:,} customers")
        url, load_seconds, fresh = prepare(size, args.database_url, args.rebuild)
        if load_seconds is not None:
            how = "just now" if fresh else "when built"
            print(f"  bulk load ({how}): {load_seconds:,.1f} s")
        out = run_child(url, ["--repeat", str(args.repeat), "--warmup", str(args.warmup)])
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"  database: {out['vendor']}; {args.repeat} timed requests per case after "
            f"{args.warmup} warm-up; load average after: {load}\n"
            f"  {'case':<30} {'matches':>9} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} "
            f"{'raw SQL p50 ms':>15} {'ratio':>6}"
        )
        for r in out["results"]:
            same = r["total"] == r["raw_total"] and r["rows"] == r["raw_rows"]
            print(
                f"  {r['case']:<30} {r['total']:>9,} {r['p50'] * 1e3:>8.1f} "
                f"{r['p95'] * 1e3:>8.1f} {r['cpu_p50'] * 1e3:>8.1f} {r['raw_p50'] * 1e3:>15.1f} "
                f"{r['p50'] / r['raw_p50']:>6.1f}" + ("" if same else "  (raw SQL rows differ!)")
            )


if __name__ == "__main__":
    main()
