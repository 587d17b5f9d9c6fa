"""Creating a partner trial customer (B-1, P-2 (a)): 30-day trials of the chosen products and
Partner Assistance on. The billing issue extends this with monthly usage accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record, snapshot
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.customers.models import REGION_GEOGRAPHY, BillingType, Customer
from partnerdesk.licensing.models import License, LicenseType, Product
from partnerdesk.outbound.services import event_emit

TRIAL_DAYS = 30
TRIAL_QUANTITY = 50


@dataclass(frozen=True, slots=True)
class TrialRequest:
    show_as: str
    legal_name: str = ""
    data_region: str = ""
    data_geography: str = ""
    product_codes: list[str] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)


CONTACT_FIELDS = (
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "contact_mobile",
    "contact_fax",
    "address1",
    "address2",
    "address3",
    "city",
    "state",
    "country_code",
    "postal_code",
)


def _max_length(name: str) -> int:
    return getattr(Customer._meta.get_field(name), "max_length", None) or 0


def _clean_text(value: str, name: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"'{name}' is required.", fields={name: "required"})
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise ValidationFailed(
            f"'{name}' is at most {limit} characters, without control characters.",
            fields={name: "invalid"},
        )
    return value


def _region(request: TrialRequest) -> str:
    if request.data_region:
        if request.data_region not in REGION_GEOGRAPHY:
            raise ValidationFailed(
                f"'dataRegion' must be one of: {', '.join(REGION_GEOGRAPHY)}.",
                fields={"dataRegion": "invalid"},
            )
        return request.data_region
    for region, geography in REGION_GEOGRAPHY.items():
        if geography == request.data_geography.upper():
            return region
    raise ValidationFailed(
        "Give 'dataRegion' (or a known 'dataGeography').", fields={"dataRegion": "required"}
    )


def products_for(codes: list[str]) -> list[Product]:
    wanted = list(dict.fromkeys(c.strip() for c in codes))
    if not wanted:
        raise ValidationFailed("Name at least one product to try.", fields={"products": "required"})
    products = {p.code: p for p in Product.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in products]
    if unknown:
        raise ValidationFailed(
            f"Unknown product code: {', '.join(unknown)}.", fields={"products": "unknown"}
        )
    return [products[c] for c in wanted]


# B-2: a monthly account needs a reachable contact and a postal address.
REQUIRED_FOR_MONTHLY = {
    "contact_first_name": "firstName",
    "contact_last_name": "lastName",
    "contact_email": "email",
    "address1": "address1",
    "city": "city",
    "country_code": "countryCode",
}


@dataclass(frozen=True, slots=True)
class CleanDetails:
    show_as: str
    legal_name: str
    data_region: str
    contact: dict[str, str]


def clean_details(request: TrialRequest, *, contact_required: bool = False) -> CleanDetails:
    """Validated customer details, shared by trials (B-1) and monthly accounts (B-2)."""
    show_as = _clean_text(request.show_as, "showAs", 100, required=True)
    legal_name = _clean_text(request.legal_name, "name", 200)
    region = _region(request)
    contact = {
        name: _clean_text(request.contact.get(name, ""), name, _max_length(name))
        for name in CONTACT_FIELDS
    }
    if contact_required:
        for name, label in REQUIRED_FOR_MONTHLY.items():
            if not contact[name]:
                raise ValidationFailed(f"'{label}' is required.", fields={label: "required"})
    code = contact["country_code"]
    if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise ValidationFailed(
            "'countryCode' is a two-letter code.", fields={"countryCode": "invalid"}
        )
    contact["country_code"] = contact["country_code"].upper()
    if contact["contact_email"]:
        try:
            validate_email(contact["contact_email"])
        except DjangoValidationError:
            raise ValidationFailed(
                "'email' is not an email address.", fields={"email": "invalid"}
            ) from None
    return CleanDetails(show_as, legal_name, region, contact)


def customer_trial_create(*, actor: Actor, request: TrialRequest) -> Customer:
    """A Super Admin creates a trial customer; Partner Assistance is on (P-2 (a))."""
    actor.require(Action.CREATE_TRIAL)
    details = clean_details(request)
    show_as, legal_name, region, contact = (
        details.show_as,
        details.legal_name,
        details.data_region,
        details.contact,
    )
    products = products_for(request.product_codes)
    today = timezone.localdate()
    with transaction.atomic():
        customer = Customer.objects.create(
            partner_id=actor.partner_pk,
            show_as=show_as,
            legal_name=legal_name,
            data_region=region,
            billing_type=BillingType.TRIAL,
            partner_assistance=True,
            **contact,
        )
        License.objects.bulk_create(
            License(
                partner_id=actor.partner_pk,
                customer=customer,
                product=product,
                license_type=LicenseType.TRIAL,
                quantity=TRIAL_QUANTITY,
                starts_on=today,
                ends_on=today + dt.timedelta(days=TRIAL_DAYS),
            )
            for product in products
        )
        audit_record(
            actor=actor,
            action="customer.created",
            target=customer,
            label=customer.show_as,
            customer_id=customer.pk,
            after={
                **snapshot(customer, ["show_as", "legal_name", "data_region", "billing_type"]),
                "partner_assistance": True,
                "trial_products": [p.code for p in products],
            },
        )
        event_emit(
            event_type="customer.created",
            partner_id=customer.partner_id,
            customer_id=customer.pk,
            payload={
                "customerId": str(customer.uuid),
                "showAs": customer.show_as,
                "billingType": customer.billing_type,
            },
        )
    return customer
