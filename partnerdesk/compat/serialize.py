"""Model rows to the objects of SPEC A-2, key for key."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from partnerdesk.accounts.models import User
from partnerdesk.core.paging import MAX_PAGE_SIZE
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import License
from partnerdesk.licensing.status import license_status

ROLE_DESCRIPTIONS = {
    PartnerRole.SUPER_ADMIN: "Sees every customer; manages users, groups, credentials, billing.",
    PartnerRole.ADMIN: "Sees assigned customers; renames, applies keys, launches as Admin.",
    PartnerRole.HELP_DESK: "Sees assigned customers; launches them as console Help Desk.",
    PartnerRole.READ_ONLY: "Sees assigned customers; launches them as console Read-only.",
    PartnerRole.BUSINESS_ADMIN: "Sees every customer; billing, keys and reports, no launch.",
}


def base_url(request: HttpRequest) -> str:
    """This portal's absolute address as the caller reached it (A-2 apiHosts, apiHost)."""
    return request.build_absolute_uri("/").rstrip("/")


def _or_none(value: str) -> str | None:
    return value or None


def tenant_dict(c: Customer, api_host: str) -> dict[str, Any]:
    """A tenant object with exactly the keys of SPEC A-2."""
    return {
        "id": str(c.uuid),
        "showAs": c.show_as,
        "name": c.legal_name or c.show_as,
        "dataGeography": c.data_geography,
        "dataRegion": c.data_region,
        "billingType": c.billing_type,
        "partner": {"id": str(c.partner_id)},
        "organization": {"id": str(c.organization_uuid)} if c.organization_uuid else None,
        "apiHost": api_host,
        "status": c.status,
        "contact": {
            "firstName": _or_none(c.contact_first_name),
            "lastName": _or_none(c.contact_last_name),
            "email": _or_none(c.contact_email),
            "phone": _or_none(c.contact_phone),
            "mobile": _or_none(c.contact_mobile),
            "fax": _or_none(c.contact_fax),
            "address": {
                "address1": _or_none(c.address1),
                "address2": _or_none(c.address2),
                "address3": _or_none(c.address3),
                "city": _or_none(c.city),
                "state": _or_none(c.state),
                "countryCode": _or_none(c.country_code),
                "postalCode": _or_none(c.postal_code),
            },
        },
    }


def page_dict(page: int, size: int, total: int | None) -> dict[str, int]:
    """A-2's `pages`: `total` (pages) and `items` (count) only when `total` is given."""
    info: dict[str, int] = {"current": page, "size": size, "maxSize": MAX_PAGE_SIZE}
    if total is not None:
        info["total"] = max(1, math.ceil(total / size))
        info["items"] = total
    return info


def admin_dict(user: User) -> dict[str, Any]:
    role = user.role
    return {
        "id": str(user.pk),
        "profile": {
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": user.email,
        },
        "roleAssignments": [{"roleId": role.value, "roleName": role.label}] if role else [],
    }


def role_items() -> list[dict[str, str]]:
    return [
        {
            "id": role.value,
            "name": role.label,
            "description": ROLE_DESCRIPTIONS[role],
            "type": "predefined",
            "principalType": "user",
        }
        for role in PartnerRole
    ]


def license_dict(lic: License) -> dict[str, Any]:
    status = license_status(lic, timezone.localdate())
    return {
        "id": str(lic.pk),
        "licenseIdentifier": lic.source_key.suffix if lic.source_key else None,
        "product": {
            "code": lic.product.code,
            "name": lic.product.name,
            "genericCode": lic.product.category,
        },
        "startDate": lic.starts_on.isoformat(),
        "endDate": lic.ends_on.isoformat() if lic.ends_on else None,
        "perpetual": False,
        "type": lic.license_type,
        "quantity": lic.quantity,
        "state": status.key,
    }
