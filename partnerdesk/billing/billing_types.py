"""Monthly usage accounts and billing-type changes (B-2, B-3, P-2 (b)).

Every function here checks the actor, validates, and changes the data inside one transaction
that also writes the audit event: a refused or interrupted change leaves the customer as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record, snapshot
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import BillingType, Customer
from partnerdesk.customers.trials import TrialRequest, clean_details, products_for
from partnerdesk.licensing.models import Category, License, LicenseType, Product
from partnerdesk.licensing.services import TERMS_VERSION
from partnerdesk.outbound.services import event_emit
from partnerdesk.partners.models import Partner

# B-2: monthly accounts bill products of these categories by usage.
MONTHLY_CATEGORIES = (Category.ENDPOINT, Category.MOBILE, Category.SERVER)
# B-3: the term -> usage wizard picks license types (categories) among these.
SWITCH_CATEGORIES = (Category.ENDPOINT, Category.SERVER)

NOT_MSP_FLEX = (
    "Monthly usage billing is only for partners in the MSP Flex program, and {partner} is "
    "not in it. Ask your vendor to join MSP Flex, or use trials and license keys."
)


def require_msp_flex(actor: Actor) -> Partner:
    """B-2: only MSP Flex partners create monthly accounts or convert customers to usage."""
    partner = Partner.objects.get(pk=actor.partner_pk)
    if not partner.msp_flex:
        raise PermissionDenied(NOT_MSP_FLEX.format(partner=partner.name), code="notMspFlex")
    return partner


def monthly_products() -> list[Product]:
    """The products a monthly account may choose (B-2)."""
    return list(
        Product.objects.filter(usage_billable=True, category__in=MONTHLY_CATEGORIES).order_by(
            "category", "name"
        )
    )


def _usage_products(codes: list[str], categories: tuple[str, ...]) -> list[Product]:
    products = products_for(codes)
    wrong = [p.code for p in products if not p.usage_billable or p.category not in categories]
    if wrong:
        names = ", ".join(Category(c).label for c in categories)
        raise ValidationFailed(
            f"Not billable by usage: {', '.join(wrong)}. Choose products of the {names} "
            "categories that are billed monthly.",
            fields={"products": "notUsageBillable"},
            code="productNotUsageBillable",
        )
    return products


def _usage_license(actor: Actor, customer: Customer, product: Product, now: dt.datetime) -> License:
    return License(
        partner_id=customer.partner_id,
        customer=customer,
        product=product,
        license_type=LicenseType.USAGE,
        quantity=None,
        starts_on=timezone.localdate(now),
        ends_on=None,
        terms_version=TERMS_VERSION,
        terms_accepted_at=now,
        applied_by_id=actor.user_id,
    )


def _require_terms(accepted: bool) -> None:
    if not accepted:
        message = "Read the terms and tick “I accept the terms” to create the account."
        raise ValidationFailed(message, fields={"terms": message}, code="termsNotAccepted")


def customer_monthly_create(
    *, actor: Actor, request: TrialRequest, terms_accepted: bool
) -> Customer:
    """B-2: a usage customer with usage licenses (no quantity, no end) of the chosen products
    and Partner Assistance on (P-2 (b))."""
    actor.require(Action.MANAGE_BILLING)
    require_msp_flex(actor)
    details = clean_details(request, contact_required=True)
    products = _usage_products(request.product_codes, MONTHLY_CATEGORIES)
    _require_terms(terms_accepted)
    now = timezone.now()
    with transaction.atomic():
        customer = Customer.objects.create(
            partner_id=actor.partner_pk,
            show_as=details.show_as,
            legal_name=details.legal_name,
            data_region=details.data_region,
            billing_type=BillingType.USAGE,
            partner_assistance=True,
            **details.contact,
        )
        License.objects.bulk_create(_usage_license(actor, customer, p, now) for p in products)
        audit_record(
            actor=actor,
            action="customer.created",
            target=customer,
            label=customer.show_as,
            customer_id=customer.pk,
            after={
                **snapshot(customer, ["show_as", "legal_name", "data_region", "billing_type"]),
                "partner_assistance": True,
                "usage_products": [p.code for p in products],
                "terms_version": TERMS_VERSION,
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


@dataclass(frozen=True, slots=True)
class BillingChange:
    """What a billing-type change did, for the page and the API."""

    customer: Customer
    ended: list[License]
    created: list[License]
    message: str


def end_day(lic: License, today: dt.date) -> tuple[dt.date, dt.date]:
    """An ended license's (starts_on, ends_on): it ends yesterday, so it shows as expired from
    today on; one that started today (or later) is moved to start yesterday as well, since an
    end cannot come before the start."""
    yesterday = today - dt.timedelta(days=1)
    return min(lic.starts_on, yesterday), yesterday


def _end(licenses: list[License], today: dt.date) -> None:
    for lic in licenses:
        lic.starts_on, lic.ends_on = end_day(lic, today)
        lic.save(update_fields=["starts_on", "ends_on"])


def _live(customer: Customer, types: list[str], today: dt.date) -> list[License]:
    return list(
        License.objects.select_for_update()
        .filter(
            customer=customer,
            license_type__in=types,
            revoked_at__isnull=True,
            ends_on__gte=today,
        )
        .select_related("product")
        .order_by("id")
    )


def _customer_for_billing(actor: Actor, customer_id: str) -> Customer:
    customer = customer_for(actor, customer_id, for_action=Action.MANAGE_BILLING)
    require_msp_flex(actor)
    return customer


def _locked(customer: Customer, expected: str) -> Customer:
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.billing_type != expected:
        raise Conflict(
            f"{locked.show_as} is billed by {locked.billing_type} now, not {expected}; "
            "reload the page.",
            code="billingTypeChanged",
        )
    return locked


def _switch(
    actor: Actor,
    customer: Customer,
    ended: list[License],
    products: list[Product],
    now: dt.datetime,
) -> list[License]:
    before = {
        "billing_type": customer.billing_type,
        "partner_assistance": customer.partner_assistance,
    }
    _end(ended, timezone.localdate(now))
    have = set(
        License.objects.filter(
            customer=customer, license_type=LicenseType.USAGE, revoked_at__isnull=True
        ).values_list("product_id", flat=True)
    )
    created = License.objects.bulk_create(
        _usage_license(actor, customer, p, now) for p in products if p.pk not in have
    )
    customer.billing_type = BillingType.USAGE
    customer.partner_assistance = True
    customer.save(update_fields=["billing_type", "partner_assistance"])
    audit_record(
        actor=actor,
        action="billing_type.changed",
        target=customer,
        label=customer.show_as,
        customer_id=customer.pk,
        before=before,
        after={
            "billing_type": BillingType.USAGE,
            "partner_assistance": True,
            "ended_licenses": [f"{lic.product.code} ({lic.license_type})" for lic in ended],
            "usage_products": [lic.product.code for lic in created],
        },
    )
    event_emit(
        event_type="billing_type.changed",
        partner_id=customer.partner_id,
        customer_id=customer.pk,
        payload={
            "customerId": str(customer.uuid),
            "from": before.get("billing_type"),
            "to": BillingType.USAGE,
        },
    )
    return created


def _message(customer: Customer, ended: list[License], created: list[License]) -> str:
    parts = [f"{customer.show_as} is now billed monthly by usage."]
    if ended:
        parts.append(f"Ended {len(ended)} license{'s' if len(ended) != 1 else ''}.")
    if created:
        parts.append("Usage licenses: " + ", ".join(lic.product.name for lic in created) + ".")
    return " ".join(parts)


def billing_trial_to_usage(*, actor: Actor, customer_id: str, confirmed: bool) -> BillingChange:
    """B-3 trial -> usage: one confirmation; every live trial of the customer ends (yesterday,
    see `end_day`), the usage-billable products it was trying get usage licenses, and Partner
    Assistance is on (P-2 (b))."""
    customer = _customer_for_billing(actor, customer_id)
    if not confirmed:
        raise ValidationFailed(
            "Confirm the switch to monthly usage billing.",
            fields={"confirm": "required"},
            code="confirmationRequired",
        )
    if customer.billing_type != BillingType.TRIAL:
        raise Conflict(
            f"{customer.show_as} is not on trial (billing type: {customer.billing_type}).",
            code="notTrial",
        )
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        customer = _locked(customer, BillingType.TRIAL)
        trials = _live(customer, [LicenseType.TRIAL], today)
        products = list(
            {
                lic.product.pk: lic.product
                for lic in trials
                if lic.product.usage_billable and lic.product.category in MONTHLY_CATEGORIES
            }.values()
        )
        created = _switch(actor, customer, trials, products, now)
    return BillingChange(customer, trials, created, _message(customer, trials, created))


@dataclass(frozen=True, slots=True)
class TermSwitchPlan:
    """The reviewed plan of the term -> usage wizard, before anything is written."""

    customer: Customer
    categories: list[str]
    products: list[Product]
    ending: list[License]


def check_switch_now(switch_now: bool) -> None:
    """Wizard step 1 (B-3): the switch is immediate and must be confirmed."""
    if not switch_now:
        raise ValidationFailed(
            "Confirm that the customer switches to monthly usage billing immediately.",
            fields={"switchNow": "required"},
            code="confirmationRequired",
        )


def check_license_types(license_types: list[str]) -> list[str]:
    """Wizard step 2 (B-3): license types among Endpoint and Server."""
    categories = list(dict.fromkeys(t.strip() for t in license_types))
    if not categories:
        raise ValidationFailed(
            "Pick at least one license type (Endpoint or Server).",
            fields={"licenseTypes": "required"},
        )
    wrong = [c for c in categories if c not in SWITCH_CATEGORIES]
    if wrong:
        raise ValidationFailed(
            f"Unknown license type: {', '.join(wrong)}. Pick endpoint or server.",
            fields={"licenseTypes": "invalid"},
        )
    return categories


def term_to_usage_plan(
    *,
    actor: Actor,
    customer_id: str,
    switch_now: bool,
    license_types: list[str],
    product_codes: list[str],
) -> TermSwitchPlan:
    """Validates the wizard's answers and says what saving will do (reads only)."""
    customer = _customer_for_billing(actor, customer_id)
    if customer.billing_type != BillingType.TERM:
        raise Conflict(
            f"{customer.show_as} is not billed by term (billing type: {customer.billing_type}).",
            code="notTerm",
        )
    check_switch_now(switch_now)
    categories = check_license_types(license_types)
    products = _usage_products(product_codes, tuple(categories))
    missing = [c for c in categories if not any(p.category == c for p in products)]
    if missing:
        raise ValidationFailed(
            "Pick a product for each license type chosen: "
            + ", ".join(Category(c).label for c in missing)
            + ".",
            fields={"products": "required"},
        )
    today = timezone.localdate()
    ending = list(
        License.objects.filter(
            customer=customer,
            license_type__in=[LicenseType.TERM, LicenseType.TRIAL],
            product__category__in=categories,
            revoked_at__isnull=True,
            ends_on__gte=today,
        )
        .select_related("product")
        .order_by("id")
    )
    return TermSwitchPlan(customer, categories, products, ending)


def billing_term_to_usage(
    *,
    actor: Actor,
    customer_id: str,
    switch_now: bool,
    license_types: list[str],
    product_codes: list[str],
) -> BillingChange:
    """B-3 term -> usage, the wizard's Save: switching is immediate, so the live term (and
    trial) licenses of the chosen license types end yesterday; licenses of other categories
    (Email, Firewall, ...) keep running. Usage licenses for the chosen products; Partner
    Assistance on (P-2 (b))."""
    plan = term_to_usage_plan(
        actor=actor,
        customer_id=customer_id,
        switch_now=switch_now,
        license_types=license_types,
        product_codes=product_codes,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        customer = _locked(plan.customer, BillingType.TERM)
        ending = [
            lic
            for lic in _live(customer, [LicenseType.TERM, LicenseType.TRIAL], today)
            if lic.product.category in plan.categories
        ]
        created = _switch(actor, customer, ending, plan.products, now)
    return BillingChange(customer, ending, created, _message(customer, ending, created))
