"""Shared helpers for device, metering and dashboard tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from partnerdesk.console.models import Dashboard, DashboardWidget, EnrollmentToken
from partnerdesk.console.services import TOKEN_PREFIX, token_hash
from partnerdesk.customers.models import Customer

CHECK_IN = "/partnerdesk/v1/devices/check-in"


def enrollment_secret(customer: Customer, suffix: str = "") -> str:
    secret = f"{TOKEN_PREFIX}test-{customer.pk}-{suffix or 'a'}"
    EnrollmentToken.objects.create(
        partner_id=customer.partner_id,
        customer=customer,
        token_hash=token_hash(secret),
        suffix=secret[-6:],
    )
    return secret


def device(n: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "deviceId": f"agent-{n:04d}",
        "hostname": f"pc-{n:04d}",
        "os": "Windows 11",
        "health": "good",
        "products": ["endpoint-test"],
        **extra,
    }


def check_in(secret: str | None, body: Any, *, raw: bool = False) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    data = body if raw else json.dumps(body)
    return Client().post(CHECK_IN, data, content_type="application/json", headers=headers)


def make_dashboard(
    customer: Customer, name: str = "Front desk", *widgets: tuple[str, int, int, int, int]
) -> Dashboard:
    """A custom dashboard of `customer` with widgets given as (type, x, y, w, h)."""
    d = Dashboard.objects.create(
        partner_id=customer.partner_id, customer=customer, name=name, created_by="Test"
    )
    for key, x, y, w, h in widgets:
        DashboardWidget.objects.create(
            partner_id=customer.partner_id,
            customer=customer,
            dashboard=d,
            widget_key=key,
            x=x,
            y=y,
            w=w,
            h=h,
        )
    return d
