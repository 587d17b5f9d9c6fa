"""Reads for the licensing pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import License
from partnerdesk.licensing.status import Status, license_status


@dataclass(frozen=True, slots=True)
class LicenseLine:
    license: License
    status: Status


def current_licenses(customer: Customer, today: dt.date | None = None) -> list[LicenseLine]:
    """The customer's licenses that are not expired or revoked (reached through access.py), so
    the apply page shows what a new key may overlap with (L-5)."""
    today = today or timezone.localdate()
    licenses = (
        License.objects.filter(customer=customer, revoked_at__isnull=True)
        .exclude(ends_on__lt=today)
        .select_related("product")
        .order_by("product__category", "product__name", "starts_on")
    )
    return [LicenseLine(lic, license_status(lic, today)) for lic in licenses]
