"""B-4: the demo's usage customers come with 90 days of metered device history."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.db.models import Max, Min

from partnerdesk.billing.models import DailyUsage
from partnerdesk.console.models import Device, DeviceDay
from partnerdesk.customers.models import Customer


def test_b4_demo_has_90_days_of_device_history_and_stays_idempotent(db: None) -> None:
    call_command("demo", "--quiet")
    counts = (Device.objects.count(), DeviceDay.objects.count(), DailyUsage.objects.count())
    assert all(counts)
    span = DailyUsage.objects.aggregate(first=Min("day"), last=Max("day"))
    assert span["last"] - span["first"] == dt.timedelta(days=89)
    assert set(Device.objects.values_list("customer__billing_type", flat=True)) == {"usage"}
    assert Customer.objects.filter(pk__in=Device.objects.values("customer")).exists()
    call_command("demo", "--quiet")
    assert (Device.objects.count(), DeviceDay.objects.count(), DailyUsage.objects.count()) == counts
