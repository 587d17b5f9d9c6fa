"""C-2 and L-1: license states are derived from dates, with C-2's precedence."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdesk.licensing.models import License
from partnerdesk.licensing.status import State, best_status, license_status, state_q
from tests.factories import CustomerFactory, license_for

TODAY = dt.date(2026, 12, 3)


def lic(kind: str = "term", start: int = -30, end: int | None = 365, revoked: bool = False):
    return SimpleNamespace(
        license_type=kind,
        starts_on=TODAY + dt.timedelta(days=start),
        ends_on=None if end is None else TODAY + dt.timedelta(days=end),
        revoked_at=timezone.now() if revoked else None,
    )


def test_c2_term_ending_within_30_days_is_expiring() -> None:
    status = license_status(lic(end=12), TODAY)
    assert status.state is State.EXPIRING
    assert status.days_left == 12


def test_c2_term_ending_in_31_days_is_active() -> None:
    assert license_status(lic(end=31), TODAY).state is State.ACTIVE


def test_l1_end_date_is_inclusive_and_expiry_needs_no_job() -> None:
    assert license_status(lic(end=0), TODAY).state is State.EXPIRING
    assert license_status(lic(end=-1), TODAY).state is State.EXPIRED
    assert license_status(lic(end=-1), TODAY).ends_on == TODAY - dt.timedelta(days=1)


def test_c2_trial_shows_days_left() -> None:
    status = license_status(lic("trial", end=9), TODAY)
    assert status.state is State.TRIAL
    assert status.describe(TODAY) == "Trial, 9 days left"


def test_c2_usage_license_without_end_is_active() -> None:
    assert license_status(lic("usage", end=None), TODAY).state is State.ACTIVE


def test_c2_revoked_wins_over_dates() -> None:
    assert license_status(lic(end=200, revoked=True), TODAY).state is State.REVOKED


def test_c2_one_license_next_week_and_one_next_year_is_active() -> None:
    statuses = [license_status(lic(end=7), TODAY), license_status(lic(end=365), TODAY)]
    assert best_status(statuses).state is State.ACTIVE


@pytest.mark.parametrize(
    ("licenses", "expected"),
    [
        ([lic(end=10), lic("trial", end=20)], State.EXPIRING),
        ([lic("trial", end=20), lic(end=-5)], State.TRIAL),
        ([lic(end=-5), lic(end=100, revoked=True)], State.EXPIRED),
        ([lic(end=100, revoked=True)], State.REVOKED),
        ([], State.NONE),
    ],
)
def test_c2_precedence_active_expiring_trial_expired_revoked_none(licenses, expected) -> None:
    assert best_status([license_status(x, TODAY) for x in licenses]).state is expected


def test_c2_expired_shows_latest_expiry_date() -> None:
    best = best_status([license_status(lic(end=-40), TODAY), license_status(lic(end=-3), TODAY)])
    assert best.describe(TODAY) == f"Expired {TODAY - dt.timedelta(days=3):%d %b %Y}"


def test_license_that_has_not_started_protects_nothing_yet() -> None:
    status = license_status(lic(start=5, end=370), TODAY)
    assert status.state is State.NONE
    assert status.starts_on == TODAY + dt.timedelta(days=5)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(["trial", "term", "usage"]),
    start=st.integers(-400, 10),
    length=st.integers(0, 800),
    revoked=st.booleans(),
)
def test_sql_filter_agrees_with_derivation(kind, start, length, revoked) -> None:
    """The list filters (SQL) and the table (Python) never disagree about a license's state."""
    License.objects.all().delete()
    today = timezone.localdate()
    customer = CustomerFactory()
    end = None if kind == "usage" else start + length
    license_for(
        customer,
        license_type=kind,
        started_days_ago=-start,
        ends_in=end,
        revoked=revoked,
    )
    row = License.objects.get()
    derived = license_status(row, today).state
    for state in State:
        if state is State.NONE:
            continue
        matched = License.objects.filter(state_q(state, today)).exists()
        assert matched == (state is derived), (state, derived)
