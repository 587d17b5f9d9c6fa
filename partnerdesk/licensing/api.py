"""Applying a license key through the API (L-3 .. L-6), under the partnerdesk/v1 conventions."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import errors
from partnerdesk.licensing.services import license_key_apply

router = Router(tags=["License keys (partnerdesk)"])


class ApplyKeyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"key": "7K2QM-0X4TB-9RPVA-E3HWN-5CJD8", "acceptTerms": True}
        },
    )

    key: str = Field(..., max_length=60, description="The key as printed, with or without dashes.")
    acceptTerms: bool = Field(..., description="The terms must be accepted (L-3).")
    overlap: Literal["renew", "coterm"] | None = Field(
        None,
        description="Required when the customer holds an active term license of the same "
        "product (L-5): renew starts after it ends, coterm adds to it until the later end.",
    )


class AppliedLicense(Schema):
    id: str
    productCode: str
    productName: str
    type: Literal["trial", "term", "usage"]
    quantity: int | None
    startsOn: dt.date
    endsOn: dt.date | None


class ApplyKeyOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "license": {
                    "id": "812",
                    "productCode": "endpoint-advanced",
                    "productName": "Endpoint Protection Advanced",
                    "type": "term",
                    "quantity": 25,
                    "startsOn": "2026-12-03",
                    "endsOn": "2027-12-02",
                },
                "overlap": None,
                "billingType": "term",
                "message": "License key applied to Cedar Dental: Endpoint Protection Advanced, "
                "quantity 25, ends 2 Dec 2027.",
            }
        }
    )

    license: AppliedLicense
    overlap: Literal["renew", "coterm"] | None
    billingType: Literal["trial", "term", "usage"]
    message: str


@router.post(
    "/customers/{customer_id}/license-keys",
    response={201: ApplyKeyOut, **errors(400, 403, 404, 409)},
    summary="Apply a license key to a customer",
)
def apply_key(
    request: HttpRequest, customer_id: str, body: ApplyKeyIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """L-3..L-6. Refusals answer with their own error code (`malformedKey`, `unknownKey`,
    `keyAlreadyUsed`, `keyRevoked`, `keyBoundToOtherPartner`, `productNotAllowed`,
    `termsNotAccepted`, `overlapChoiceRequired`, `tooManyAttempts`) and change nothing."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    applied = license_key_apply(
        actor=actor,
        customer_id=customer_id,
        key_text=body.key,
        terms_accepted=body.acceptTerms,
        overlap=body.overlap,
    )
    lic = applied.license
    return Status(
        201,
        {
            "license": {
                "id": str(lic.pk),
                "productCode": lic.product.code,
                "productName": lic.product.name,
                "type": lic.license_type,
                "quantity": lic.quantity,
                "startsOn": lic.starts_on,
                "endsOn": lic.ends_on,
            },
            "overlap": applied.mode,
            "billingType": applied.billing_after or applied.customer.billing_type,
            "message": applied.message,
        },
    )
