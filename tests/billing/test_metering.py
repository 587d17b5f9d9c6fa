"""B-4: usage metering — the daily job counts, per customer and product, the devices that ran it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from partnerdesk.billing.metering import meter_day
from partnerdesk.billing.models import DailyUsage
from partnerdesk.billing.report import Month, usage_report_page
from partnerdesk.console.models import EnrollmentToken
from partnerdesk.console.services import DeviceReport, devices_check_in
from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from tests.console.helpers import enrollment_secret
from tests.factories import CustomerFactory, product


@pytest.fixture
def customer(partner: Partner) -> Customer:
    product("endpoint", code="endpoint-test")
    product("server", code="server-test")
    return CustomerFactory(partner=partner, billing_type="usage")


@pytest.fixture
def token(customer: Customer) -> EnrollmentToken:
    enrollment_secret(customer)
    return EnrollmentToken.objects.get(customer=customer)


@pytest.fixture
def actor(partner: Partner) -> Actor:
    return Actor(partner_id=partner.pk, role=PartnerRole.SUPER_ADMIN)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def seen(
    token: EnrollmentToken, day: dt.date, *ids: int, products: tuple[str, ...] = ("endpoint-test",)
) -> None:
    reports = [DeviceReport(f"agent-{n}", f"pc-{n}", "Linux", "good", products) for n in ids]
    devices_check_in(token=token, reports=reports, now=at(day))


def counts(customer: Customer, code: str = "endpoint-test") -> dict[dt.date, int]:
    return dict(
        DailyUsage.objects.filter(customer=customer, product__code=code).values_list(
            "day", "devices"
        )
    )


def line(actor: Actor, year: int, month: int) -> tuple[int, int]:
    page = usage_report_page(actor=actor, month=Month(year, month))
    [only] = [x for x in page.lines if x.product_code == "endpoint-test"]
    return only.billable, only.actual


def test_b4_device_seen_last_day_and_first_day_is_counted_in_both_months(
    customer: Customer, token: EnrollmentToken, actor: Actor
) -> None:
    nov30, dec1 = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    seen(token, nov30, 1)
    seen(token, dec1, 1)
    meter_day(nov30)
    meter_day(dec1)
    assert counts(customer) == {nov30: 1, dec1: 1}
    assert line(actor, 2026, 11) == (1, 1)
    assert line(actor, 2026, 12) == (1, 1)


def test_b4_billable_is_highest_daily_count_and_actual_is_last_days_count(
    customer: Customer, token: EnrollmentToken, actor: Actor
) -> None:
    days = {dt.date(2026, 11, 3): 2, dt.date(2026, 11, 14): 7, dt.date(2026, 11, 30): 4}
    for day, n in days.items():
        seen(token, day, *range(n))
        meter_day(day)
    assert line(actor, 2026, 11) == (7, 4)


def test_b4_actual_is_zero_when_no_device_ran_the_product_on_the_last_day(
    customer: Customer, token: EnrollmentToken, actor: Actor
) -> None:
    seen(token, dt.date(2026, 11, 10), 1, 2, products=("server-test",))
    seen(token, dt.date(2026, 11, 30), 1)
    meter_day(dt.date(2026, 11, 10))
    meter_day(dt.date(2026, 11, 30))
    page = usage_report_page(actor=actor, month=Month(2026, 11))
    got = {x.product_code: (x.billable, x.actual) for x in page.lines}
    assert got == {"endpoint-test": (1, 1), "server-test": (2, 0)}


def test_b4_billing_starts_on_the_first_check_in_day(
    customer: Customer, token: EnrollmentToken
) -> None:
    first = dt.date(2026, 11, 20)
    for day in (dt.date(2026, 11, 18), dt.date(2026, 11, 19)):
        meter_day(day)
    seen(token, first, 1)
    meter_day(first)
    assert counts(customer) == {first: 1}


def test_b4_a_late_job_still_counts_the_day_exactly(
    customer: Customer, token: EnrollmentToken
) -> None:
    day, next_day = dt.date(2026, 11, 10), dt.date(2026, 11, 11)
    seen(token, day, 1, 2, 3)
    seen(token, next_day, 1)  # the devices move on before the job runs
    meter_day(day)
    assert counts(customer) == {day: 3}


def test_b4_rerunning_a_day_replaces_its_counts(customer: Customer, token: EnrollmentToken) -> None:
    day = dt.date(2026, 11, 10)
    seen(token, day, 1, 2)
    meter_day(day)
    seen(token, day, 3)
    meter_day(day)
    meter_day(day)
    assert counts(customer) == {day: 3}
    assert DailyUsage.objects.count() == 1


def test_b4_daily_job_runs_through_run_daily_jobs(
    customer: Customer, token: EnrollmentToken, actor: Actor
) -> None:
    yesterday, today = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    seen(token, yesterday, 1, 2)
    seen(token, today, 1)
    call_command("run_daily_jobs", "--date", today.isoformat())
    assert counts(customer) == {yesterday: 2, today: 1}
    assert line(actor, 2026, 11) == (2, 2)
