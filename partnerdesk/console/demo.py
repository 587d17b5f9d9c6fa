"""Demo device history (B-4): 90 days of check-ins for the demo's usage customers, metered."""

from __future__ import annotations

import datetime as dt
import random
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from partnerdesk.billing.models import DailyUsage
from partnerdesk.console.models import Device, DeviceDay, EnrollmentToken
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
    the demo MSP Flex partner; bulk inserts only. A second run keeps what is there."""
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
    plans: list[tuple[Device, list[int], int]] = []
    codes = dict(License.objects.values_list("product_id", "product__code"))
    for c in customers:
        runs = sorted(set(products.get(c.pk, [])))
        if not runs:
            continue
        for n in range(r.randint(2, 12)):
            ran = [runs[0]] + [p for p in runs[1:] if r.random() < 0.5]
            start = r.choice([0] * 6 + list(range(DAYS - 10)))  # a few join later
            seen = dt.datetime.combine(days[-1], dt.time(18), tzinfo=dt.UTC)
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
            plans.append((d, ran, start))
    Device.objects.bulk_create(devices, batch_size=1000)
    rows: list[DeviceDay] = []
    counts: dict[tuple[int, int, dt.date], int] = {}
    for d, ran, start in plans:
        for i in range(start, DAYS):
            if i < DAYS - 1 and r.random() < 0.1:  # switched off that day
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
