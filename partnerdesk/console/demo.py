"""Demo device history (B-4): 90 days of check-ins for the demo's usage customers, metered, and
90 days of their devices' alerts (A-7) for the dashboards (X-1)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from partnerdesk.billing.models import DailyUsage
from partnerdesk.console.models import Alert, AlertSeverity, Device, DeviceDay, EnrollmentToken
from partnerdesk.console.services import token_hash
from partnerdesk.core.demo_data import PARTNER_A
from partnerdesk.customers.models import BillingType, Customer
from partnerdesk.licensing.models import License, LicenseType
from partnerdesk.partners.models import Partner

DAYS = 90


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


OS_NAMES = ["Windows 11", "Windows 10", "Windows Server 2022", "macOS 15", "Ubuntu 24.04"]
HEALTH = ["good"] * 8 + ["suspicious", "bad"]


def demo_enrollment_secret(customer: Customer) -> str:
    """A fixed token per demo customer, so the printed one works on every run."""
    return f"pdenr_demo-{str(customer.uuid)[:8]}"


@transaction.atomic
def load_device_history(stdout: Writer | None = None) -> None:
    """Once: devices, 90 days of DeviceDay rows and their DailyUsage for the usage customers of
    the demo MSP Flex partner, and 90 days of their devices' alerts; bulk inserts only. A second
    run keeps what is there (and adds the alerts to a database loaded before they existed)."""
    partner = Partner.objects.filter(name=PARTNER_A).first()
    if partner is None:
        return
    customers = list(
        Customer.objects.filter(partner=partner, billing_type=BillingType.USAGE).order_by("pk")
    )
    if not customers:
        return
    first = customers[0]
    if not Device.objects.filter(partner=partner).exists():
        _generate(partner, customers)
        secret = demo_enrollment_secret(first)
        EnrollmentToken.objects.get_or_create(
            token_hash=token_hash(secret),
            defaults={"partner": partner, "customer": first, "suffix": secret[-6:]},
        )
    if not Alert.objects.filter(partner=partner).exists():
        _generate_alerts(partner)
    if stdout is not None:
        stdout.write(
            f"\nDevice check-in (POST /partnerdesk/v1/devices/check-in) for {first.show_as}: "
            f"Authorization: Bearer {demo_enrollment_secret(first)}"
        )


def _generate(partner: Partner, customers: list[Customer]) -> None:
    r = random.Random(5)
    today = timezone.now().astimezone(dt.UTC).date()
    days = [today - dt.timedelta(days=DAYS - n) for n in range(DAYS)]  # ends yesterday
    products: dict[int, list[int]] = {}
    for customer_id, product_id in License.objects.filter(
        customer__in=customers, license_type=LicenseType.USAGE, product__usage_billable=True
    ).values_list("customer_id", "product_id"):
        products.setdefault(customer_id, []).append(product_id)
    devices: list[Device] = []
    plans: list[tuple[Device, list[int], int, int]] = []
    silent = random.Random(17)  # its own stream, so the other devices stay as they were
    codes = dict(License.objects.values_list("product_id", "product__code"))
    for c in customers:
        runs = sorted(set(products.get(c.pk, [])))
        if not runs:
            continue
        for n in range(r.randint(2, 12)):
            ran = [runs[0]] + [p for p in runs[1:] if r.random() < 0.5]
            start = r.choice([0] * 6 + list(range(DAYS - 10)))  # a few join later
            last = DAYS - 1
            if silent.random() < 0.07 and start < DAYS - 31:  # a few went quiet 1-4 weeks ago
                last = DAYS - silent.randint(8, 30)
            seen = dt.datetime.combine(days[last], dt.time(18), tzinfo=dt.UTC)
            d = Device(
                partner=partner,
                customer=c,
                device_id=f"demo-{c.pk}-{n:03d}",
                hostname=f"{c.show_as.split()[0].lower()}-{n:03d}",
                os=r.choice(OS_NAMES),
                health=r.choice(HEALTH),
                products=sorted(codes[p] for p in ran),
                first_seen=dt.datetime.combine(days[start], dt.time(9), tzinfo=dt.UTC),
                last_seen=seen,
            )
            devices.append(d)
            plans.append((d, ran, start, last))
    Device.objects.bulk_create(devices, batch_size=1000)
    rows: list[DeviceDay] = []
    counts: dict[tuple[int, int, dt.date], int] = {}
    for d, ran, start, last in plans:
        for i in range(start, last + 1):
            if i < last and r.random() < 0.1:  # switched off that day
                continue
            for p in ran:
                rows.append(
                    DeviceDay(
                        partner=partner,
                        customer_id=d.customer_id,
                        device_id=d.pk,
                        product_id=p,
                        day=days[i],
                    )
                )
                key = (d.customer_id, p, days[i])
                counts[key] = counts.get(key, 0) + 1
    DeviceDay.objects.bulk_create(rows, batch_size=2000)
    DailyUsage.objects.bulk_create(
        [
            DailyUsage(partner=partner, customer_id=c, product_id=p, day=day, devices=n)
            for (c, p, day), n in counts.items()
        ],
        batch_size=2000,
    )


# (category, severity, description, weight): what a small business's consoles typically show.
ALERT_KINDS: list[tuple[str, str, str, int]] = [
    ("malware", "high", "Malware detected: {threat} in {path}", 3),
    ("malware", "medium", "Malware cleaned up: {threat}", 4),
    ("pua", "medium", "PUA detected: {pua}", 4),
    ("pua", "low", "PUA blocked from running: {pua}", 3),
    ("web", "low", "Access to a malicious website blocked: {site}", 8),
    ("web", "medium", "Risky download blocked from {site}", 3),
    ("policy", "low", "Peripheral blocked by policy: USB mass storage", 5),
    ("policy", "medium", "Application blocked by policy: {app}", 3),
    ("runtime-detection", "high", "Runtime detection: {behaviour} by {process}", 2),
    ("update-failure", "low", "Updates have failed for 3 days", 4),
    ("update-failure", "medium", "Updates have failed for 7 days", 1),
]
ALERT_WORDS = {
    "threat": ["Troj/Agent-BFXY", "Mal/Generic-S", "Troj/Emotet-CQ", "Mal/DrodZp-A", "JS/Phish-A"],
    "path": [
        "C:\\Users\\Public\\invoice.pdf.exe",
        "C:\\Users\\reception\\Downloads\\scan_0042.zip",
        "/Users/shared/Downloads/update.dmg",
        "C:\\ProgramData\\tmp\\svc.dll",
    ],
    "pua": ["PsExec", "NirSoft NetPass", "Advanced IP Scanner", "uTorrent", "AnyDesk (portable)"],
    "site": ["login-micros0ft.example", "free-pdf-tools.example", "cdn-track.example"],
    "app": ["TeamViewer", "Tor Browser", "BitTorrent", "WinSCP"],
    "behaviour": ["Credential theft (LSASS access)", "Ransomware behaviour", "Process hollowing"],
    "process": ["powershell.exe", "rundll32.exe", "wscript.exe", "excel.exe"],
}
# How long an alert stays open once raised, by severity (hours: low, high).
RESOLVE_HOURS = {"high": (0.2, 8), "medium": (1, 72), "low": (1, 24 * 7)}


def _generate_alerts(partner: Partner) -> None:
    """About 90 days of alerts per demo device: most devices quiet, a few noisy ones; most
    alerts resolved after a while, some still open; a few about no one device."""
    r = random.Random(11)
    now = timezone.now()
    devices = list(
        Device.objects.filter(partner=partner)
        .order_by("pk")
        .values_list("pk", "customer_id", "first_seen", "last_seen")
    )
    kinds = [k[:3] for k in ALERT_KINDS]
    weights = [k[3] for k in ALERT_KINDS]
    alerts: list[Alert] = []
    for pk, customer_id, first_seen, last_seen in devices:
        per_day = r.choice([0.5, 0.8]) if r.random() < 0.08 else r.uniform(0.01, 0.08)
        start = max(first_seen, now - dt.timedelta(days=DAYS))
        # A device that went quiet raised nothing since; the others until now.
        end = now if last_seen > now - dt.timedelta(days=2) else last_seen
        hours = max((end - start).total_seconds() / 3600, 0)
        for n in range(round(per_day * hours / 24 * r.uniform(0.7, 1.3))):
            alerts.append(
                _alert(
                    r,
                    r.choices(kinds, weights)[0],
                    alert_id=f"demo-{pk}-{n:04d}",
                    customer_id=customer_id,
                    device_id=pk,
                    raised_at=start + dt.timedelta(hours=r.uniform(0, hours)),
                )
            )
    for customer_id in sorted({d[1] for d in devices}):
        for n in range(r.randint(0, 3)):
            alerts.append(
                _alert(
                    r,
                    ACCOUNT_ALERT,
                    alert_id=f"demo-c{customer_id}-{n:02d}",
                    customer_id=customer_id,
                    device_id=None,
                    raised_at=now - dt.timedelta(hours=r.uniform(1, 24 * DAYS)),
                )
            )
    for alert in alerts:
        alert.partner = partner
        _resolve(r, alert, now)
    Alert.objects.bulk_create(alerts, batch_size=2000)


ACCOUNT_ALERT = ("policy", "medium", "An administrator signed in from a new location")


def _alert(
    r: random.Random,
    kind: tuple[str, str, str],
    *,
    alert_id: str,
    customer_id: int,
    device_id: int | None,
    raised_at: dt.datetime,
) -> Alert:
    category, severity, text = kind
    words = {key: r.choice(values) for key, values in ALERT_WORDS.items()}
    return Alert(
        alert_id=alert_id,
        customer_id=customer_id,
        device_id=device_id,
        severity=AlertSeverity(severity),
        category=category,
        description=text.format(**words),
        raised_at=raised_at,
    )


def _resolve(r: random.Random, alert: Alert, now: dt.datetime) -> None:
    low, high = RESOLVE_HOURS[alert.severity]
    resolved = alert.raised_at + dt.timedelta(hours=r.uniform(low, high))
    # Still open: the recent ones, and a few that nobody has looked at yet.
    alert.resolved_at = None if resolved > now or r.random() < 0.05 else resolved
