"""Shared helpers for device and metering tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from partnerdesk.console.models import EnrollmentToken
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
