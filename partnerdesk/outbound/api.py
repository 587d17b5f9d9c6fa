"""Webhook endpoints and their deliveries through the API (N-3), under the partnerdesk/v1
conventions: bearer token, X-Partner-ID, `items` + `pages`, the common error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import EXAMPLE_TIME, EXAMPLE_UUID, PageInfo, errors
from partnerdesk.compat.serialize import page_dict
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.outbound import services
from partnerdesk.outbound.models import Delivery, WebhookEndpoint
from partnerdesk.outbound.selectors import (
    webhook_deliveries,
    webhook_endpoint,
    webhook_endpoints,
)

router = Router(tags=["Webhooks (partnerdesk)"])

EventName = Literal[
    "customer.created",
    "customer.renamed",
    "customer.unlinked",
    "license.applied",
    "billing_type.changed",
    "partner_assistance.changed",
    "approval_request.created",
    "approval_request.answered",
]
# An https URL with a host name (addresses on private networks are refused by the service).
URL_PATTERN = (
    r"^https://[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}"
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
    r"(/[^\x00-\x20\x7f#]*)?$"
)
DESCRIPTION_PATTERN = r"^[^\x00-\x1f]*$"
EXAMPLE_URL = "https://hooks.northwind.example/partnerdesk"
EXAMPLE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 - documentation
ENDPOINT_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "url": EXAMPLE_URL,
    "description": "Ticketing system",
    "events": ["customer.created", "customer.renamed"],
    "active": True,
    "createdAt": EXAMPLE_TIME,
    "createdBy": "Priya Sharma",
}


class Endpoint(Schema):
    model_config = ConfigDict(json_schema_extra={"example": ENDPOINT_EXAMPLE})

    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    createdAt: dt.datetime
    createdBy: str


class EndpointWithSecret(Endpoint):
    """An endpoint with its signing secret: only the answers of create and rotate carry it."""

    model_config = ConfigDict(
        json_schema_extra={"example": {**ENDPOINT_EXAMPLE, "secret": EXAMPLE_SECRET}}
    )

    secret: str


class EndpointPage(Schema):
    items: list[Endpoint]
    pages: PageInfo


class EndpointIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "url": EXAMPLE_URL,
                "description": "Ticketing system",
                "events": ["customer.created", "customer.renamed"],
            }
        },
    )

    url: str = Field(max_length=2000, pattern=URL_PATTERN)
    description: str = Field("", max_length=200, pattern=DESCRIPTION_PATTERN)
    events: list[EventName] = Field(min_length=1, max_length=20)
    active: bool = True


class EndpointPatch(BaseModel):
    """Only the fields given change; the secret changes through rotate-secret."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"events": ["customer.renamed"], "active": False}},
    )

    url: str | None = Field(None, max_length=2000, pattern=URL_PATTERN)
    description: str | None = Field(None, max_length=200, pattern=DESCRIPTION_PATTERN)
    events: list[EventName] | None = Field(None, min_length=1, max_length=20)
    active: bool | None = None


class DeliveryOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": 381,
                "eventId": EXAMPLE_UUID,
                "eventType": "customer.renamed",
                "endpointId": 7,
                "url": EXAMPLE_URL,
                "status": "pending",
                "attempts": 2,
                "lastStatusCode": 503,
                "lastError": "HTTP 503 Service Unavailable",
                "nextAttemptAt": EXAMPLE_TIME,
                "deliveredAt": None,
                "createdAt": EXAMPLE_TIME,
            }
        }
    )

    id: int
    eventId: str
    eventType: str
    endpointId: int | None
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    lastStatusCode: int | None
    lastError: str
    nextAttemptAt: dt.datetime | None
    deliveredAt: dt.datetime | None
    createdAt: dt.datetime


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    pages: PageInfo


class Paging(Schema):
    page: int = Field(1, ge=1, le=10_000_000)
    pageSize: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    pageTotal: bool = False


class DeliveryParams(Paging):
    endpointId: int | None = Field(None, ge=1, le=2**63 - 1, description="An endpoint's id.")
    status: Literal["", "pending", "delivered", "failed"] = ""


def _endpoint(e: WebhookEndpoint, *, secret: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": e.pk,
        "url": e.url,
        "description": e.description,
        "events": list(e.events),
        "active": e.active,
        "createdAt": e.created_at,
        "createdBy": e.created_by,
    }
    if secret:
        data["secret"] = e.secret
    return data


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "eventId": str(d.event.uuid),
        "eventType": d.event.event_type,
        "endpointId": d.endpoint_id,
        "url": d.url,
        "status": d.status,
        "attempts": d.attempts,
        "lastStatusCode": d.last_status_code,
        "lastError": d.last_error,
        "nextAttemptAt": d.next_attempt_at,
        "deliveredAt": d.delivered_at,
        "createdAt": d.created_at,
    }


# The deliveries routes come first: `/webhooks/deliveries` is not an endpoint id.
@router.get(
    "/webhooks/deliveries",
    response={200: DeliveryPage, **errors(400, 403)},
    exclude_unset=True,
    summary="List webhook deliveries",
)
def delivery_list(
    request: HttpRequest, params: Query[DeliveryParams], x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3 (Super Admin credentials only): deliveries to the partner's endpoints, newest first."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    qs = webhook_deliveries(actor, endpoint_id=params.endpointId)
    if params.status:
        qs = qs.filter(status=params.status)
    offset = (params.page - 1) * params.pageSize
    return {
        "items": [_delivery(d) for d in qs[offset : offset + params.pageSize]],
        "pages": page_dict(params.page, params.pageSize, qs.count() if params.pageTotal else None),
    }


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver",
    response={200: DeliveryOut, **errors(400, 403, 404, 409)},
    summary="Send a delivery again",
)
def delivery_redeliver(
    request: HttpRequest, delivery_id: int, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3: a delivered or failed delivery starts a fresh cycle of attempts (409 while it is
    still pending or when its endpoint is gone or inactive)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    return _delivery(services.delivery_redeliver(actor=actor, delivery_id=delivery_id))


@router.get(
    "/webhooks",
    response={200: EndpointPage, **errors(400, 403)},
    exclude_unset=True,
    summary="List webhook endpoints",
)
def endpoint_list(
    request: HttpRequest, params: Query[Paging], x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3 (Super Admin credentials only); secrets are never listed."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    qs = webhook_endpoints(actor)
    offset = (params.page - 1) * params.pageSize
    return {
        "items": [_endpoint(e) for e in qs[offset : offset + params.pageSize]],
        "pages": page_dict(params.page, params.pageSize, qs.count() if params.pageTotal else None),
    }


@router.post(
    "/webhooks",
    response={201: EndpointWithSecret, **errors(400, 403, 409)},
    summary="Register a webhook endpoint",
)
def endpoint_create(
    request: HttpRequest, body: EndpointIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3: the answer carries the signing secret, this once (and after rotate-secret).
    At most 20 endpoints per partner (409 beyond)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    endpoint = services.webhook_endpoint_create(
        actor=actor,
        url=body.url,
        events=list(body.events),
        description=body.description,
        active=body.active,
    )
    return Status(201, _endpoint(endpoint, secret=True))


@router.get(
    "/webhooks/{webhook_id}",
    response={200: Endpoint, **errors(400, 403, 404)},
    summary="A webhook endpoint",
)
def endpoint_get(request: HttpRequest, webhook_id: int, x_partner_id: str = PARTNER_HEADER) -> Any:
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    return _endpoint(webhook_endpoint(actor, webhook_id))


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: Endpoint, **errors(400, 403, 404)},
    summary="Change a webhook endpoint",
)
def endpoint_update(
    request: HttpRequest, webhook_id: int, body: EndpointPatch, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3: change the URL, description, events or whether it is active."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    endpoint = services.webhook_endpoint_update(
        actor=actor,
        endpoint_id=webhook_id,
        url=body.url,
        events=list(body.events) if body.events is not None else None,
        description=body.description,
        active=body.active,
    )
    return _endpoint(endpoint)


@router.delete(
    "/webhooks/{webhook_id}",
    response={204: None, **errors(400, 403, 404)},
    summary="Delete a webhook endpoint",
)
def endpoint_delete(
    request: HttpRequest, webhook_id: int, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3: deliveries still waiting for it are given up; past ones stay listed."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    services.webhook_endpoint_delete(actor=actor, endpoint_id=webhook_id)
    return Status(204, None)


@router.post(
    "/webhooks/{webhook_id}/rotate-secret",
    response={200: EndpointWithSecret, **errors(400, 403, 404)},
    summary="Replace a webhook endpoint's signing secret",
)
def endpoint_rotate_secret(
    request: HttpRequest, webhook_id: int, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-3: the new secret signs every send from now on, retries included."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    endpoint = services.webhook_endpoint_rotate_secret(actor=actor, endpoint_id=webhook_id)
    return _endpoint(endpoint, secret=True)
