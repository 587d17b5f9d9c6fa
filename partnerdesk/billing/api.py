"""Trial customers, monthly accounts and billing-type changes through the API (B-1..B-3, A-4)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from partnerdesk.billing.billing_types import (
    billing_term_to_usage,
    billing_trial_to_usage,
    customer_monthly_create,
)
from partnerdesk.billing.orders import Subscription, managed_order_create
from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import REGIONS, TEXT, errors
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.customers.trials import TrialRequest, customer_trial_create
from partnerdesk.licensing.models import License

router = Router(tags=["Billing (partnerdesk)"])
CODE = r"^[A-Za-z0-9_-]+$"

EXAMPLE_DETAILS: dict[str, Any] = {
    "showAs": "Cedar Dental",
    "name": "Cedar Dental Ltd",
    "dataRegion": "eu01",
    "contact": {
        "firstName": "Aoife",
        "lastName": "Murphy",
        "email": "aoife.murphy@cedardental.example",
        "phone": "+353 21 555 0100",
        "address1": "12 Grand Parade",
        "city": "Cork",
        "countryCode": "IE",
        "postalCode": "T12 X2Y3",
    },
    "products": ["endpoint-advanced"],
}


class BillingContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firstName: str = Field(default="", max_length=60)
    lastName: str = Field(default="", max_length=60)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    address1: str = Field(default="", max_length=200)
    address2: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=100)
    countryCode: str = Field(default="", max_length=2)
    postalCode: str = Field(default="", max_length=20)


class NewCustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": EXAMPLE_DETAILS})

    showAs: str = Field(..., min_length=1, max_length=100, pattern=TEXT)
    name: str = Field(default="", max_length=200)
    dataRegion: REGIONS
    contact: BillingContactIn = Field(default_factory=lambda: BillingContactIn())
    products: list[Annotated[str, Field(min_length=1, max_length=40, pattern=CODE)]] = Field(
        ..., max_length=20, description="Product codes."
    )

    def details(self) -> TrialRequest:
        c = self.contact
        return TrialRequest(
            show_as=self.showAs,
            legal_name=self.name,
            data_region=self.dataRegion,
            product_codes=list(self.products),
            contact={
                "contact_first_name": c.firstName,
                "contact_last_name": c.lastName,
                "contact_email": c.email,
                "contact_phone": c.phone,
                "address1": c.address1,
                "address2": c.address2,
                "city": c.city,
                "state": c.state,
                "country_code": c.countryCode,
                "postal_code": c.postalCode,
            },
        )


class MonthlyAccountIn(NewCustomerIn):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {**EXAMPLE_DETAILS, "acceptTerms": True}}
    )

    acceptTerms: bool = Field(..., description="The terms must be accepted (B-2).")


class BillingChangeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "billingType": "usage",
                "confirm": True,
                "licenseTypes": ["endpoint", "server"],
                "products": ["endpoint-advanced", "server-advanced"],
            }
        },
    )

    billingType: Literal["usage"] = Field(
        ..., description="Only `usage`; usage -> term is done by applying a license key."
    )
    confirm: bool = Field(
        ..., description="Confirms the switch (trial) or switching immediately (term)."
    )
    licenseTypes: list[Literal["endpoint", "server"]] = Field(
        default_factory=list, max_length=2, description="Term customers only."
    )
    products: list[Annotated[str, Field(min_length=1, max_length=40, pattern=CODE)]] = Field(
        default_factory=list, max_length=20, description="Term customers only: product codes."
    )


class BillingLicense(Schema):
    id: str
    productCode: str
    productName: str
    type: Literal["trial", "term", "usage"]
    quantity: int | None
    startsOn: dt.date
    endsOn: dt.date | None


class BillingCustomer(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "5f0c6a8e-3f7b-4a53-9a3c-2f4d1b7e9c10",
                "showAs": "Cedar Dental",
                "billingType": "usage",
                "partnerAssistance": True,
                "licenses": [
                    {
                        "id": "812",
                        "productCode": "endpoint-advanced",
                        "productName": "Endpoint Protection Advanced",
                        "type": "usage",
                        "quantity": None,
                        "startsOn": "2026-12-03",
                        "endsOn": None,
                    }
                ],
                "message": "Cedar Dental is now billed monthly by usage.",
            }
        }
    )

    id: str
    showAs: str
    billingType: Literal["trial", "term", "usage"]
    partnerAssistance: bool
    licenses: list[BillingLicense]
    message: str


def _out(customer: Customer, message: str) -> dict[str, Any]:
    today = timezone.localdate()
    licenses = (
        License.objects.filter(customer=customer, revoked_at__isnull=True)
        .exclude(ends_on__lt=today)
        .select_related("product")
        .order_by("product__category", "product__code", "id")
    )
    return {
        "id": str(customer.uuid),
        "showAs": customer.show_as,
        "billingType": customer.billing_type,
        "partnerAssistance": customer.partner_assistance,
        "licenses": [
            {
                "id": str(lic.pk),
                "productCode": lic.product.code,
                "productName": lic.product.name,
                "type": lic.license_type,
                "quantity": lic.quantity,
                "startsOn": lic.starts_on,
                "endsOn": lic.ends_on,
            }
            for lic in licenses
        ],
        "message": message,
    }


@router.post(
    "/trial-customers",
    response={201: BillingCustomer, **errors(400, 403)},
    summary="Create a trial customer",
)
def trial_create(
    request: HttpRequest, body: NewCustomerIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """B-1, P-2 (a): Super Admin credentials only; 30-day trial licenses of the products named,
    Partner Assistance on. The same service as the portal's Create trial customer."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    customer = customer_trial_create(actor=actor, request=body.details())
    return Status(201, _out(customer, f"Trial customer {customer.show_as} created."))


@router.post(
    "/monthly-accounts",
    response={201: BillingCustomer, **errors(400, 403)},
    summary="Create a monthly usage account",
)
def monthly_create(
    request: HttpRequest, body: MonthlyAccountIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """B-2: MSP Flex partners only (`notMspFlex` otherwise), Super Admin or Business Admin
    credentials. Contact name, email, address1, city and countryCode are required; products
    among Endpoint, Mobile/UEM and Server (`productNotUsageBillable`); `acceptTerms` must be
    true (`termsNotAccepted`)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    customer = customer_monthly_create(
        actor=actor, request=body.details(), terms_accepted=body.acceptTerms
    )
    return Status(201, _out(customer, f"Monthly account {customer.show_as} created."))


@router.post(
    "/customers/{customer_id}/billing-type",
    response={200: BillingCustomer, **errors(400, 403, 404, 409)},
    summary="Change a customer's billing type to monthly usage",
)
def billing_change(
    request: HttpRequest,
    customer_id: str,
    body: BillingChangeIn,
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """B-3: a trial customer switches with `confirm: true` (its trials end); a term customer
    needs `confirm` (switch immediately), `licenseTypes` and `products` (the term licenses of
    those types end). MSP Flex partners only (`notMspFlex`). Usage -> term: apply a license key."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    customer = customer_for(actor, customer_id)
    if customer.billing_type == "term":
        change = billing_term_to_usage(
            actor=actor,
            customer_id=customer_id,
            switch_now=body.confirm,
            license_types=list(body.licenseTypes),
            product_codes=body.products,
        )
    else:
        change = billing_trial_to_usage(
            actor=actor, customer_id=customer_id, confirmed=body.confirm
        )
    return _out(change.customer, change.message)


EXAMPLE_ORDER: dict[str, Any] = {
    **{k: v for k, v in EXAMPLE_DETAILS.items() if k != "products"},
    "orderNumber": "PO-2026-0412",
    "subscriptions": [
        {
            "productCode": "endpoint-advanced",
            "quantity": 250,
            "startsOn": "2026-12-01",
            "endsOn": "2027-11-30",
        }
    ],
}


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    productCode: str = Field(..., min_length=1, max_length=40, pattern=CODE)
    quantity: int = Field(..., ge=1, le=100_000)
    startsOn: dt.date
    endsOn: dt.date = Field(..., description="On or after startsOn, and not in the past.")


class ManagedOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": EXAMPLE_ORDER})

    showAs: str = Field(..., min_length=1, max_length=100, pattern=TEXT)
    name: str = Field(default="", max_length=200)
    dataRegion: REGIONS
    contact: BillingContactIn = Field(default_factory=lambda: BillingContactIn())
    orderNumber: str = Field(..., min_length=1, max_length=60, pattern=TEXT)
    subscriptions: list[SubscriptionIn] = Field(
        ..., min_length=1, max_length=20, description="Each product at most once."
    )

    def details(self) -> TrialRequest:
        return NewCustomerIn(
            showAs=self.showAs,
            name=self.name,
            dataRegion=self.dataRegion,
            contact=self.contact,
            products=[],
        ).details()


class ManagedOrderOut(BillingCustomer):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "5f0c6a8e-3f7b-4a53-9a3c-2f4d1b7e9c10",
                "showAs": "Cedar Dental",
                "billingType": "term",
                "partnerAssistance": True,
                "managedOrder": True,
                "orderNumber": "PO-2026-0412",
                "licenses": [
                    {
                        "id": "812",
                        "productCode": "endpoint-advanced",
                        "productName": "Endpoint Protection Advanced",
                        "type": "term",
                        "quantity": 250,
                        "startsOn": "2026-12-01",
                        "endsOn": "2027-11-30",
                    }
                ],
                "message": "Managed order PO-2026-0412 created for Cedar Dental.",
            }
        }
    )

    managedOrder: bool
    orderNumber: str


@router.post(
    "/managed-orders",
    response={201: ManagedOrderOut, **errors(400, 403, 409)},
    summary="Create a managed customer order",
)
def managed_order_post(
    request: HttpRequest, body: ManagedOrderIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """B-6, C-8: MSP Flex Connect partners only (`notMspFlexConnect` otherwise), Super Admin or
    Business Admin credentials. Creates a term customer with Partner Assistance on, tagged "$",
    and one term license per subscription; an order number already used by the partner is
    refused (`orderNumberTaken`, 409)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    order = managed_order_create(
        actor=actor,
        details=body.details(),
        order_number=body.orderNumber,
        subscriptions=[
            Subscription(s.productCode, s.quantity, s.startsOn, s.endsOn)
            for s in body.subscriptions
        ],
    )
    customer = order.customer
    message = f"Managed order {order.order_number} created for {customer.show_as}."
    return Status(
        201,
        _out(customer, message)
        | {"managedOrder": customer.managed_order, "orderNumber": order.order_number},
    )
