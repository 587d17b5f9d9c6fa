"""Device check-in and alerts ingest (A-7) with a customer's enrollment token, and enrollment
token creation."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError

from partnerdesk.compat.auth import api_actor
from partnerdesk.compat.ratelimit import resolve_actor
from partnerdesk.compat.schemas import errors
from partnerdesk.console.alerts import MAX_ALERTS, AlertReport, alerts_ingest
from partnerdesk.console.models import EnrollmentToken
from partnerdesk.console.services import (
    MAX_BATCH,
    TOKEN_PREFIX,
    DeviceReport,
    devices_check_in,
    enrollment_token_create,
    enrollment_token_lookup,
)
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.permissions import ConsoleRole
from partnerdesk.customers.models import Customer

router = Router(tags=["Devices"])

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]


class EnrollmentTokenAuth(HttpBearer):
    """`Authorization: Bearer <enrollment token>`: the token names its one customer. A tenant
    credential's access token (A-5, A-7) is accepted too, unless its role is Read-only."""

    openapi_description = (
        "A customer's device enrollment token (`pdenr_...`), or the access token of a tenant "
        "API credential that is not Read-only."
    )

    def authenticate(self, request: HttpRequest, token: str) -> EnrollmentToken | None:
        if token.startswith(TOKEN_PREFIX):
            return enrollment_token_lookup(token)
        actor = resolve_actor(request)
        if actor is None or actor.customer_id is None or actor.console_role is None:
            return None
        if actor.console_role == ConsoleRole.READ_ONLY:
            return None
        customer = Customer.objects.filter(pk=actor.customer_id, unlinked_at__isnull=True).first()
        if customer is None:
            return None
        # An unsaved token standing for "this tenant": the services need only its customer.
        return EnrollmentToken(customer=customer, partner_id=customer.partner_id)


class DeviceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    deviceId: Annotated[Text, StringConstraints(max_length=100)] = Field(
        description="The agent's own id for the device; check-ins are idempotent on it."
    )
    hostname: Annotated[Text, StringConstraints(max_length=255)]
    os: Annotated[str, StringConstraints(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    health: Literal["good", "suspicious", "bad", "unknown"] = "unknown"
    products: list[Code] = Field(max_length=50, description="Codes of the products it runs.")
    lastSeen: AwareDatetime | None = Field(
        None, description="When the agent last saw the device (default: now); at most 7 days ago."
    )


class DeviceBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    devices: list[DeviceIn] = Field(min_length=1, max_length=MAX_BATCH)


class CheckinOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "customerId": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "created": 998,
                "updated": 2,
            }
        }
    )

    customerId: str
    created: int
    updated: int


class EnrollmentTokenOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "customerId": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "token": "pdenr_Zm9vYmFy...",
                "createdAt": "2026-12-03T10:15:00Z",
            }
        }
    )

    customerId: str
    token: str = Field(description="Shown once; store it in the agent's configuration.")
    createdAt: str


def _device_schema() -> dict[str, Any]:
    device = DeviceIn.model_json_schema()
    device.pop("title", None)
    batch = {
        "type": "object",
        "required": ["devices"],
        "additionalProperties": False,
        "properties": {
            "devices": {"type": "array", "items": device, "minItems": 1, "maxItems": MAX_BATCH}
        },
    }
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"anyOf": [batch, device]},
                "example": {
                    "devices": [
                        {
                            "deviceId": "8c2f0b6e-agent-0001",
                            "hostname": "reception-pc",
                            "os": "Windows 11",
                            "health": "good",
                            "products": ["endpoint-advanced"],
                        }
                    ]
                },
            }
        },
    }


def _where(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_devices(raw: bytes) -> list[DeviceIn]:
    """The body as devices: one device object or `{"devices": [...]}`. A bad entry refuses the
    whole call with a message naming it (`devices[3].hostname: ...`)."""
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise ValidationFailed("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValidationFailed('Send one device object, or {"devices": [...]}.')
    try:
        if "devices" in data:
            return DeviceBatchIn.model_validate(data).devices
        return [DeviceIn.model_validate(data)]
    except PydanticValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        fields = {_where(e["loc"]): e["msg"] for e in exc.errors()[:5]}
        raise ValidationFailed("Invalid request. " + "; ".join(problems), fields=fields) from None


@router.post(
    "/devices/check-in",
    auth=EnrollmentTokenAuth(),
    response={200: CheckinOut, **errors(400)},
    summary='Check devices in (one device, or up to 1,000 as {"devices": [...]})',
    openapi_extra={"requestBody": _device_schema()},
)
def check_in(request: HttpRequest) -> Any:
    """Upserts the devices of the token's customer with their products, OS and health, and
    records which products each ran today (usage metering, B-4). Idempotent on `deviceId`.
    A batch with one bad device is refused whole, naming the entry; nothing is written."""
    token: EnrollmentToken = request.auth  # type: ignore[attr-defined]
    reports = [
        DeviceReport(
            device_id=d.deviceId,
            hostname=d.hostname,
            os=d.os,
            health=d.health,
            products=d.products,
            last_seen=d.lastSeen,
        )
        for d in parse_devices(request.body)
    ]
    result = devices_check_in(token=token, reports=reports)
    return Status(
        200,
        {
            "customerId": str(token.customer.uuid),
            "created": result.created,
            "updated": result.updated,
        },
    )


@router.post(
    "/customers/{customer_id}/enrollment-tokens",
    response={201: EnrollmentTokenOut, **errors(400, 403, 404)},
    summary="Create a device enrollment token for a customer (Super Admins)",
)
def create_enrollment_token(request: HttpRequest, customer_id: str) -> Any:
    """The token is shown once and stored hashed; devices checked in with it belong to this
    customer only."""
    new = enrollment_token_create(actor=api_actor(request), customer_id=customer_id)
    return Status(
        201,
        {
            "customerId": str(new.token.customer.uuid),
            "token": new.secret,
            "createdAt": new.token.created_at.isoformat().replace("+00:00", "Z"),
        },
    )


# Alerts ingest: the same token, body shapes, batch limit and refusals as check-in.

AlertCategory = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
]

ALERT_EXAMPLE = {
    "alertId": "8c2f0b6e-alert-0042",
    "severity": "high",
    "category": "malware",
    "description": "Malware detected and cleaned up: Troj/Agent-BFXY in invoice.pdf.exe",
    "deviceId": "8c2f0b6e-agent-0001",
    "raisedAt": "2026-12-03T09:12:00Z",
    "resolvedAt": "2026-12-03T09:14:30Z",
}


class AlertIn(Schema):
    model_config = ConfigDict(extra="forbid")

    alertId: Annotated[Text, StringConstraints(max_length=100)] = Field(
        description="The sender's own id for the alert; ingest is idempotent on it per customer."
    )
    severity: Literal["high", "medium", "low"]
    category: AlertCategory = Field(
        description="Lowercase code, such as malware, pua, web, policy, runtime-detection or "
        "update-failure."
    )
    description: Annotated[Text, StringConstraints(max_length=500)]
    deviceId: Annotated[Text, StringConstraints(max_length=100)] | None = Field(
        None,
        description="The deviceId the device checked in with; an id that has not checked in "
        "for this customer is refused. Leave it out for alerts about no one device.",
    )
    raisedAt: AwareDatetime = Field(description="When it was raised; at most 365 days ago.")
    resolvedAt: AwareDatetime | None = Field(
        None, description="When it was resolved (not before raisedAt); absent while open."
    )


class AlertBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    alerts: list[AlertIn] = Field(min_length=1, max_length=MAX_ALERTS)


class AlertIngestOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "customerId": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "created": 12,
                "updated": 1,
            }
        }
    )

    customerId: str
    created: int
    updated: int


def _alert_schema() -> dict[str, Any]:
    alert = AlertIn.model_json_schema()
    alert.pop("title", None)
    batch = {
        "type": "object",
        "required": ["alerts"],
        "additionalProperties": False,
        "properties": {
            "alerts": {"type": "array", "items": alert, "minItems": 1, "maxItems": MAX_ALERTS}
        },
    }
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"anyOf": [batch, alert]},
                "examples": {
                    "batch": {
                        "summary": "A batch (up to 1,000 alerts)",
                        "value": {
                            "alerts": [
                                ALERT_EXAMPLE,
                                {
                                    "alertId": "8c2f0b6e-alert-0043",
                                    "severity": "low",
                                    "category": "update-failure",
                                    "description": "Updates have failed for 3 days.",
                                    "raisedAt": "2026-12-03T09:30:00Z",
                                },
                            ]
                        },
                    },
                    "single": {"summary": "One alert", "value": ALERT_EXAMPLE},
                },
            }
        },
    }


def parse_alerts(raw: bytes) -> list[AlertIn]:
    """The body as alerts: one alert object or `{"alerts": [...]}`. A bad entry refuses the
    whole call with a message naming it (`alerts[3].severity: ...`)."""
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise ValidationFailed("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValidationFailed('Send one alert object, or {"alerts": [...]}.')
    try:
        if "alerts" in data:
            return AlertBatchIn.model_validate(data).alerts
        return [AlertIn.model_validate(data)]
    except PydanticValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        fields = {_where(e["loc"]): e["msg"] for e in exc.errors()[:5]}
        raise ValidationFailed("Invalid request. " + "; ".join(problems), fields=fields) from None


@router.post(
    "/alerts/ingest",
    auth=EnrollmentTokenAuth(),
    response={200: AlertIngestOut, **errors(400)},
    tags=["Alerts"],
    summary='Ingest alerts (one alert, or up to 1,000 as {"alerts": [...]})',
    openapi_extra={"requestBody": _alert_schema()},
)
def ingest_alerts(request: HttpRequest) -> Any:
    """Upserts the alerts of the token's customer, idempotent on `alertId` per customer: sending
    an alert again (say, with its `resolvedAt`) updates it. `deviceId` links the alert to the
    customer's device with that id. A batch with one bad alert is refused whole, naming the
    entry (`alerts[3].resolvedAt: is before raisedAt.`); nothing is written."""
    token: EnrollmentToken = request.auth  # type: ignore[attr-defined]
    reports = [
        AlertReport(
            alert_id=a.alertId,
            severity=a.severity,
            category=a.category,
            description=a.description,
            device_id=a.deviceId,
            raised_at=a.raisedAt,
            resolved_at=a.resolvedAt,
        )
        for a in parse_alerts(request.body)
    ]
    result = alerts_ingest(token=token, reports=reports)
    return Status(
        200,
        {
            "customerId": str(token.customer.uuid),
            "created": result.created,
            "updated": result.updated,
        },
    )
