"""License state, derived from dates on every read (L-1, C-2); never stored, never late."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from django.db.models import Q

from partnerdesk.licensing.models import Category, LicenseType

EXPIRING_WITHIN_DAYS = 30


class State(IntEnum):
    """States in C-2's order of precedence: a lower value wins."""

    ACTIVE = 0
    EXPIRING = 1
    TRIAL = 2
    EXPIRED = 3
    REVOKED = 4
    NONE = 5

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.name.capitalize()


STATE_BY_KEY = {s.key: s for s in State}


class LicenseLike(Protocol):
    license_type: str
    starts_on: dt.date
    ends_on: dt.date | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Status:
    """A derived state with the date that explains it (end date, or expiry date)."""

    state: State
    ends_on: dt.date | None = None
    days_left: int | None = None
    starts_on: dt.date | None = None

    @property
    def key(self) -> str:
        return self.state.key

    def describe(self, today: dt.date) -> str:
        if self.state is State.TRIAL and self.days_left is not None:
            return f"Trial, {self.days_left} day{'s' if self.days_left != 1 else ''} left"
        if self.state is State.EXPIRING and self.ends_on:
            return f"Expiring {self.ends_on:%d %b %Y}"
        if self.state is State.EXPIRED and self.ends_on:
            return f"Expired {self.ends_on:%d %b %Y}"
        if self.state is State.NONE and self.starts_on:
            return f"Starts {self.starts_on:%d %b %Y}"
        return self.state.label


NO_LICENSE = Status(State.NONE)


def license_status(lic: LicenseLike, today: dt.date) -> Status:
    """The state of one license on `today`. End dates are inclusive: a license ending today is
    still usable today. A license that has not started yet protects nothing so far."""
    if lic.revoked_at is not None:
        return Status(State.REVOKED, ends_on=lic.ends_on)
    if lic.starts_on > today:
        return Status(State.NONE, starts_on=lic.starts_on)
    if lic.ends_on is None:  # usage licenses run until the customer leaves monthly billing
        return Status(State.ACTIVE)
    if lic.ends_on < today:
        return Status(State.EXPIRED, ends_on=lic.ends_on)
    days_left = (lic.ends_on - today).days
    if lic.license_type == LicenseType.TRIAL:
        return Status(State.TRIAL, ends_on=lic.ends_on, days_left=days_left)
    if days_left <= EXPIRING_WITHIN_DAYS:
        return Status(State.EXPIRING, ends_on=lic.ends_on, days_left=days_left)
    return Status(State.ACTIVE, ends_on=lic.ends_on, days_left=days_left)


def best_status(statuses: list[Status]) -> Status:
    """C-2: the best state wins; among equals, the one that explains most (latest end, most
    trial days left)."""
    if not statuses:
        return NO_LICENSE
    best_state = min(s.state for s in statuses)
    same = [s for s in statuses if s.state is best_state]
    return max(same, key=lambda s: (s.ends_on or dt.date.max, s.days_left or 0))


def category_statuses(licenses: list[tuple[str, LicenseLike]], today: dt.date) -> dict[str, Status]:
    """Per category (in table order), the best status among `(category, license)` pairs."""
    grouped: dict[str, list[Status]] = {c.value: [] for c in Category}
    for category, lic in licenses:
        grouped[category].append(license_status(lic, today))
    return {category: best_status(statuses) for category, statuses in grouped.items()}


def state_q(state: State, today: dt.date, prefix: str = "") -> Q:
    """A filter on License rows (fields reached through `prefix`) for one state, matching
    `license_status` exactly, so that list filters and the table agree."""
    p = prefix
    live = Q(**{f"{p}revoked_at__isnull": True, f"{p}starts_on__lte": today})
    soon = today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    trial = Q(**{f"{p}license_type": LicenseType.TRIAL})
    if state is State.REVOKED:
        return Q(**{f"{p}revoked_at__isnull": False})
    if state is State.EXPIRED:
        return live & Q(**{f"{p}ends_on__lt": today})
    if state is State.TRIAL:
        return live & trial & Q(**{f"{p}ends_on__gte": today})
    if state is State.EXPIRING:
        return live & ~trial & Q(**{f"{p}ends_on__gte": today, f"{p}ends_on__lte": soon})
    if state is State.ACTIVE:
        return live & (
            Q(**{f"{p}ends_on__isnull": True}) | (~trial & Q(**{f"{p}ends_on__gt": soon}))
        )
    raise ValueError("NONE is the absence of licenses, not a license state")
