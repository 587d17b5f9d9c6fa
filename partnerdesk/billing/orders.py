"""Managed customer orders (B-6, C-8): an MSP Flex Connect partner creates a customer together
with an order (order number and subscriptions). The customer is billed by term, has Partner
Assistance on and is tagged "$" in the Customers list; each subscription is a term license whose
`source_order` is the order number, so details list them with their state.

Like billing_types: check the actor, validate everything, then write the customer, the order,
the licenses and the audit event in one transaction (S-2, S-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record, snapshot
from partnerdesk.billing.models import ManagedOrder
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.customers.models import BillingType, Customer
from partnerdesk.customers.trials import TrialRequest, clean_details
from partnerdesk.licensing.models import License, LicenseType, Product
from partnerdesk.outbound.services import event_emit
from partnerdesk.partners.models import Partner

ORDER_NUMBER_MAX = 60
MAX_SUBSCRIPTIONS = 20
MAX_QUANTITY = 100_000

NOT_MSP_FLEX_CONNECT = (
    "Managed customer orders are only for partners in the MSP Flex Connect program, and "
    "{partner} is not in it. Ask your vendor to join MSP Flex Connect, or create the customer "
    "with a trial or a license key."
)


@dataclass(frozen=True, slots=True)
class Subscription:
    product_code: str
    quantity: int
    starts_on: dt.date
    ends_on: dt.date


def require_msp_flex_connect(actor: Actor) -> Partner:
    """B-6: only MSP Flex Connect partners create managed customer orders."""
    partner = Partner.objects.get(pk=actor.partner_pk)
    if not partner.msp_flex_connect:
        raise PermissionDenied(
            NOT_MSP_FLEX_CONNECT.format(partner=partner.name), code="notMspFlexConnect"
        )
    return partner


def _order_number(actor: Actor, value: str) -> str:
    number = (value or "").strip()
    if not number:
        raise ValidationFailed("'orderNumber' is required.", fields={"orderNumber": "required"})
    if len(number) > ORDER_NUMBER_MAX or any(ord(c) < 32 for c in number):
        raise ValidationFailed(
            f"'orderNumber' is at most {ORDER_NUMBER_MAX} characters, without control characters.",
            fields={"orderNumber": "invalid"},
        )
    if ManagedOrder.objects.filter(partner_id=actor.partner_pk, order_number=number).exists():
        raise Conflict(_taken(number), code="orderNumberTaken")
    return number


def _taken(number: str) -> str:
    return f"Order number {number} is already used by another managed order; give a new one."


def _subscriptions(
    subscriptions: list[Subscription], today: dt.date
) -> list[tuple[Subscription, Product]]:
    if not subscriptions:
        raise ValidationFailed(
            "Add at least one subscription (product, quantity, start and end).",
            fields={"subscriptions": "required"},
        )
    if len(subscriptions) > MAX_SUBSCRIPTIONS:
        raise ValidationFailed(
            f"An order has at most {MAX_SUBSCRIPTIONS} subscriptions.",
            fields={"subscriptions": "tooMany"},
        )
    codes = [s.product_code.strip() for s in subscriptions]
    products = {p.code: p for p in Product.objects.filter(code__in=codes)}
    seen: set[str] = set()
    out = []
    for n, (sub, code) in enumerate(zip(subscriptions, codes, strict=True), start=1):
        where = f"Subscription {n}"
        field = {"subscriptions": f"{n}"}
        if code not in products:
            raise ValidationFailed(f"{where}: unknown product code '{code}'.", fields=field)
        if code in seen:
            raise ValidationFailed(
                f"{where}: {products[code].name} is already in this order; each product at "
                "most once.",
                fields=field,
            )
        seen.add(code)
        if not 1 <= sub.quantity <= MAX_QUANTITY:
            raise ValidationFailed(
                f"{where}: the quantity is a whole number from 1 to {MAX_QUANTITY:,}.",
                fields=field,
            )
        if sub.starts_on > sub.ends_on:
            raise ValidationFailed(f"{where}: the start is after the end.", fields=field)
        if sub.ends_on < today:
            raise ValidationFailed(f"{where}: the end is in the past.", fields=field)
        out.append((sub, products[code]))
    return out


def managed_order_create(
    *,
    actor: Actor,
    details: TrialRequest,
    order_number: str,
    subscriptions: list[Subscription],
) -> ManagedOrder:
    """B-6: a term customer with Partner Assistance on, the "$" tag (`managed_order`), the
    order, and one term license per subscription."""
    actor.require(Action.CREATE_MANAGED_ORDER)
    require_msp_flex_connect(actor)
    clean = clean_details(details)
    now = timezone.now()
    today = timezone.localdate(now)
    number = _order_number(actor, order_number)
    subs = _subscriptions(subscriptions, today)
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                partner_id=actor.partner_pk,
                show_as=clean.show_as,
                legal_name=clean.legal_name,
                data_region=clean.data_region,
                billing_type=BillingType.TERM,
                partner_assistance=True,
                managed_order=True,
                **clean.contact,
            )
            order = ManagedOrder.objects.create(
                partner_id=actor.partner_pk,
                customer=customer,
                order_number=number,
                created_by_id=actor.user_id,
            )
            License.objects.bulk_create(
                License(
                    partner_id=actor.partner_pk,
                    customer=customer,
                    product=product,
                    license_type=LicenseType.TERM,
                    quantity=sub.quantity,
                    starts_on=sub.starts_on,
                    ends_on=sub.ends_on,
                    source_order=number,
                    applied_by_id=actor.user_id,
                )
                for sub, product in subs
            )
            audit_record(
                actor=actor,
                action="managed_order.created",
                target=customer,
                label=customer.show_as,
                customer_id=customer.pk,
                after={
                    **snapshot(customer, ["show_as", "legal_name", "data_region", "billing_type"]),
                    "partner_assistance": True,
                    "order_number": number,
                    "subscriptions": [
                        {
                            "product": product.code,
                            "quantity": sub.quantity,
                            "starts_on": sub.starts_on.isoformat(),
                            "ends_on": sub.ends_on.isoformat(),
                        }
                        for sub, product in subs
                    ],
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
    except IntegrityError:
        # Another request took the number between the check and the insert.
        if ManagedOrder.objects.filter(partner_id=actor.partner_pk, order_number=number).exists():
            raise Conflict(_taken(number), code="orderNumberTaken") from None
        raise
    return order
