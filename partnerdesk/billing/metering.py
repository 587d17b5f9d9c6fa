"""The daily usage-metering job (B-4): per customer and product, how many devices ran it.

The count for a day comes from DeviceDay rows that check-ins write as they arrive, so it is
exact even when the job runs late; the job replaces the day's DailyUsage rows (delete, then
insert, in one transaction), so re-running it for a past day is safe:
`python manage.py run_daily_jobs --date 2026-11-30`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count

from partnerdesk.billing.models import DailyUsage
from partnerdesk.console.models import DeviceDay
from partnerdesk.core.periodic import daily


def meter_day(day: dt.date) -> int:
    """Record `day`'s device counts per customer and product; returns the rows written."""
    counts = (
        DeviceDay.objects.filter(day=day)
        .values("partner_id", "customer_id", "product_id")
        .annotate(devices=Count("device_id", distinct=True))
        .order_by()
    )
    rows = [
        DailyUsage(
            partner_id=c["partner_id"],
            customer_id=c["customer_id"],
            product_id=c["product_id"],
            day=day,
            devices=c["devices"],
        )
        for c in counts.iterator(chunk_size=5000)
    ]
    with transaction.atomic():
        DailyUsage.objects.filter(day=day).delete()
        DailyUsage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@daily("usage_metering")
def usage_metering(today: dt.date) -> str:
    """Runs after midnight UTC: meters yesterday, which is complete, and today so far."""
    yesterday = today - dt.timedelta(days=1)
    done = meter_day(yesterday)
    partial = meter_day(today)
    return f"metered {yesterday}: {done} rows; {today} so far: {partial} rows"
