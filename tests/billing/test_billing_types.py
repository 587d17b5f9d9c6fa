"""Monthly accounts and billing-type changes, at the service level (B-1..B-3, P-2, S-2, S-3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from partnerdesk.accounts.models import User
from partnerdesk.audit.models import AuditEvent
from partnerdesk.billing import billing_types
from partnerdesk.billing.billing_types import (
    billing_term_to_usage,
    billing_trial_to_usage,
    customer_monthly_create,
    term_to_usage_plan,
)
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.customers.trials import TrialRequest, customer_trial_create
from partnerdesk.licensing.models import License
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, license_for, product

CONTACT = {
    "contact_first_name": "Aoife",
    "contact_last_name": "Murphy",
    "contact_email": "aoife@cedar.example",
    "address1": "12 Grand Parade",
    "city": "Cork",
    "country_code": "ie",
}


def actor_of(user: User) -> Actor:
    return Actor(
        partner_id=user.partner_id,
        role=user.role,
        user_id=user.pk,
        display_name=user.username,
        address="192.0.2.10",
    )


def monthly_request(**change: Any) -> TrialRequest:
    values: dict[str, Any] = {
        "show_as": "Cedar Dental",
        "legal_name": "Cedar Dental Ltd",
        "data_region": "eu01",
        "product_codes": ["endpoint-test", "server-test"],
        "contact": dict(CONTACT),
    }
    return TrialRequest(**(values | change))


@pytest.fixture
def catalogue(db: None) -> None:
    for category in ("endpoint", "server", "mobile", "email"):
        product(category)


def state(customer: Customer) -> tuple[Any, ...]:
    customer.refresh_from_db()
    licenses = sorted(
        License.objects.filter(customer=customer).values_list(
            "product__code", "license_type", "starts_on", "ends_on", "quantity"
        )
    )
    return customer.billing_type, customer.partner_assistance, licenses


# --- B-1 / P-2 (a): trial customers -------------------------------------------------------------


def test_b1_trial_customer_has_30_day_trials_and_partner_assistance(
    super_admin: User, catalogue: None
) -> None:
    customer = customer_trial_create(
        actor=actor_of(super_admin),
        request=monthly_request(product_codes=["endpoint-test", "email-test"]),
    )
    assert customer.billing_type == "trial"
    assert customer.partner_assistance is True  # P-2 (a)
    for lic in License.objects.filter(customer=customer):
        assert lic.license_type == "trial"
        assert lic.ends_on is not None
        assert lic.ends_on - lic.starts_on == dt.timedelta(days=30)


@pytest.mark.parametrize("role", [r for r in PartnerRole if r is not PartnerRole.SUPER_ADMIN])
def test_b1_refused_for_roles_other_than_super_admin(
    partner: Partner, make_user: Callable[..., User], catalogue: None, role: PartnerRole
) -> None:
    with pytest.raises(PermissionDenied):
        customer_trial_create(actor=actor_of(make_user(partner, role)), request=monthly_request())
    assert not Customer.objects.exists()


# --- B-2: monthly accounts ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [PartnerRole.SUPER_ADMIN, PartnerRole.BUSINESS_ADMIN])
def test_b2_monthly_account_is_usage_with_partner_assistance(
    partner: Partner, make_user: Callable[..., User], catalogue: None, role: PartnerRole
) -> None:
    user = make_user(partner, role)
    customer = customer_monthly_create(
        actor=actor_of(user), request=monthly_request(), terms_accepted=True
    )
    assert customer.billing_type == "usage"
    assert customer.partner_assistance is True  # P-2 (b)
    assert customer.country_code == "IE"
    licenses = list(License.objects.filter(customer=customer).select_related("product"))
    assert sorted(lic.product.code for lic in licenses) == ["endpoint-test", "server-test"]
    for lic in licenses:
        assert (lic.license_type, lic.quantity, lic.ends_on) == ("usage", None, None)
        assert lic.terms_version == billing_types.TERMS_VERSION
        assert lic.terms_accepted_at is not None
        assert lic.applied_by_id == user.pk
    event = AuditEvent.objects.get(action="customer.created", customer_id=customer.pk)
    assert event.after["billing_type"] == "usage"


def test_b2_refused_for_partners_outside_msp_flex(
    partner: Partner, super_admin: User, catalogue: None
) -> None:
    Partner.objects.filter(pk=partner.pk).update(msp_flex=False)
    with pytest.raises(PermissionDenied, match="only for partners in the MSP Flex program"):
        customer_monthly_create(
            actor=actor_of(super_admin), request=monthly_request(), terms_accepted=True
        )
    assert not Customer.objects.exists()


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_b2_refused_for_roles_without_billing(
    partner: Partner, make_user: Callable[..., User], catalogue: None, role: PartnerRole
) -> None:
    with pytest.raises(PermissionDenied):
        customer_monthly_create(
            actor=actor_of(make_user(partner, role)), request=monthly_request(), terms_accepted=True
        )
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contact": CONTACT | {"contact_email": ""}}, "'email' is required"),
        ({"contact": CONTACT | {"contact_email": "not-an-email"}}, "not an email address"),
        ({"contact": CONTACT | {"country_code": "IRL"}}, "at most 2 characters"),
        ({"contact": CONTACT | {"country_code": "1e"}}, "two-letter code"),
        ({"contact": CONTACT | {"city": " "}}, "'city' is required"),
        ({"contact": CONTACT | {"contact_first_name": ""}}, "'firstName' is required"),
        ({"show_as": ""}, "'showAs' is required"),
        ({"data_region": "xx01"}, "'dataRegion' must be one of"),
        ({"product_codes": []}, "at least one product"),
        ({"product_codes": ["email-test"]}, "Not billable by usage: email-test"),
        ({"product_codes": ["nope"]}, "Unknown product code: nope"),
    ],
)
def test_b2_refuses_bad_details_and_writes_nothing(
    super_admin: User, catalogue: None, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        customer_monthly_create(
            actor=actor_of(super_admin), request=monthly_request(**change), terms_accepted=True
        )
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.exists()


def test_b2_refused_without_terms_acceptance(super_admin: User, catalogue: None) -> None:
    with pytest.raises(ValidationFailed, match="I accept the terms") as refused:
        customer_monthly_create(
            actor=actor_of(super_admin), request=monthly_request(), terms_accepted=False
        )
    assert refused.value.code == "termsNotAccepted"
    assert not Customer.objects.exists()


def test_b2_interrupted_creation_leaves_nothing(
    super_admin: User, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(billing_types, "audit_record", broken)
    with pytest.raises(RuntimeError):
        customer_monthly_create(
            actor=actor_of(super_admin), request=monthly_request(), terms_accepted=True
        )
    assert not Customer.objects.exists()
    assert not License.objects.exists()


# --- B-3: trial -> usage ------------------------------------------------------------------------


@pytest.fixture
def trial_customer(partner: Partner) -> Customer:
    customer = CustomerFactory(partner=partner, billing_type="trial", partner_assistance=False)
    license_for(
        customer, category="endpoint", license_type="trial", ends_in=20, started_days_ago=10
    )
    license_for(customer, category="email", license_type="trial", ends_in=20, started_days_ago=0)
    return customer


def test_b3_trial_to_usage_ends_every_trial_and_turns_partner_assistance_on(
    super_admin: User, trial_customer: Customer
) -> None:
    change = billing_trial_to_usage(
        actor=actor_of(super_admin), customer_id=str(trial_customer.uuid), confirmed=True
    )
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    trial_customer.refresh_from_db()
    assert trial_customer.billing_type == "usage"
    assert trial_customer.partner_assistance is True  # P-2 (b)
    trials = License.objects.filter(customer=trial_customer, license_type="trial")
    assert {t.ends_on for t in trials} == {yesterday}
    # A trial that started today is moved to start yesterday: it cannot end before it starts.
    assert all(t.starts_on <= t.ends_on for t in trials if t.ends_on)
    usage = License.objects.get(customer=trial_customer, license_type="usage")
    assert usage.product.code == "endpoint-test"  # the usage-billable product it was trying
    assert (usage.starts_on, usage.quantity, usage.ends_on) == (today, None, None)
    assert len(change.ended) == 2
    event = AuditEvent.objects.get(action="billing_type.changed")
    assert event.before["billing_type"] == "trial"
    assert event.after["billing_type"] == "usage"


def test_b3_trial_to_usage_needs_the_confirmation(
    super_admin: User, trial_customer: Customer
) -> None:
    before = state(trial_customer)
    with pytest.raises(ValidationFailed, match="Confirm"):
        billing_trial_to_usage(
            actor=actor_of(super_admin), customer_id=str(trial_customer.uuid), confirmed=False
        )
    assert state(trial_customer) == before


def test_b3_refused_for_partners_outside_msp_flex(
    partner: Partner, super_admin: User, trial_customer: Customer
) -> None:
    Partner.objects.filter(pk=partner.pk).update(msp_flex=False)
    before = state(trial_customer)
    with pytest.raises(PermissionDenied, match="MSP Flex") as refused:
        billing_trial_to_usage(
            actor=actor_of(super_admin), customer_id=str(trial_customer.uuid), confirmed=True
        )
    assert refused.value.code == "notMspFlex"
    assert state(trial_customer) == before


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_b3_refused_for_roles_without_billing(
    partner: Partner,
    make_user: Callable[..., User],
    trial_customer: Customer,
    role: PartnerRole,
) -> None:
    from tests.factories import assign

    user = make_user(partner, role)
    assign(user, trial_customer)
    before = state(trial_customer)
    with pytest.raises(PermissionDenied):
        billing_trial_to_usage(
            actor=actor_of(user), customer_id=str(trial_customer.uuid), confirmed=True
        )
    assert state(trial_customer) == before


def test_b3_another_partners_customer_is_not_found(
    other_partner: Partner, make_user: Callable[..., User], trial_customer: Customer
) -> None:
    Partner.objects.filter(pk=other_partner.pk).update(msp_flex=True)
    before = state(trial_customer)
    with pytest.raises(NotFound):
        billing_trial_to_usage(
            actor=actor_of(make_user(other_partner)),
            customer_id=str(trial_customer.uuid),
            confirmed=True,
        )
    assert state(trial_customer) == before


def test_b3_trial_to_usage_refused_for_a_customer_not_on_trial(
    super_admin: User, partner: Partner
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="usage")
    with pytest.raises(Conflict, match="not on trial"):
        billing_trial_to_usage(
            actor=actor_of(super_admin), customer_id=str(customer.uuid), confirmed=True
        )


def test_b3_interrupted_trial_to_usage_leaves_the_customer_as_it_was(
    super_admin: User, trial_customer: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(trial_customer)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(billing_types, "audit_record", broken)
    with pytest.raises(RuntimeError):
        billing_trial_to_usage(
            actor=actor_of(super_admin), customer_id=str(trial_customer.uuid), confirmed=True
        )
    assert state(trial_customer) == before


# --- B-3: term -> usage -------------------------------------------------------------------------


@pytest.fixture
def term_customer(partner: Partner, catalogue: None) -> Customer:
    customer = CustomerFactory(partner=partner, billing_type="term", partner_assistance=False)
    license_for(customer, category="endpoint", license_type="term", ends_in=200)
    license_for(customer, category="email", license_type="term", ends_in=200)
    return customer


def test_b3_term_to_usage_ends_the_switched_types_and_keeps_the_others(
    super_admin: User, term_customer: Customer
) -> None:
    change = billing_term_to_usage(
        actor=actor_of(super_admin),
        customer_id=str(term_customer.uuid),
        switch_now=True,
        license_types=["endpoint", "server"],
        product_codes=["endpoint-test", "server-test"],
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    term_customer.refresh_from_db()
    assert (term_customer.billing_type, term_customer.partner_assistance) == ("usage", True)
    endpoint = License.objects.get(
        customer=term_customer, license_type="term", product__category="endpoint"
    )
    email = License.objects.get(customer=term_customer, product__category="email")
    assert endpoint.ends_on == yesterday
    assert email.ends_on is not None and email.ends_on > timezone.localdate()
    assert sorted(lic.product.code for lic in change.created) == ["endpoint-test", "server-test"]
    assert AuditEvent.objects.filter(action="billing_type.changed").count() == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"switch_now": False}, "immediately"),
        ({"license_types": []}, "at least one license type"),
        ({"license_types": ["email"]}, "Unknown license type: email"),
        ({"product_codes": ["mobile-test"]}, "Not billable by usage: mobile-test"),
        ({"license_types": ["endpoint", "server"], "product_codes": ["endpoint-test"]}, "Server"),
        ({"product_codes": []}, "at least one product"),
    ],
)
def test_b3_term_to_usage_wizard_refuses_bad_answers_and_changes_nothing(
    super_admin: User, term_customer: Customer, answers: dict[str, Any], message: str
) -> None:
    values: dict[str, Any] = {
        "switch_now": True,
        "license_types": ["endpoint"],
        "product_codes": ["endpoint-test"],
    } | answers
    before = state(term_customer)
    with pytest.raises(ValidationFailed, match=message):
        billing_term_to_usage(
            actor=actor_of(super_admin), customer_id=str(term_customer.uuid), **values
        )
    assert state(term_customer) == before
    assert not AuditEvent.objects.exists()


def test_b3_term_plan_only_reads(super_admin: User, term_customer: Customer) -> None:
    before = state(term_customer)
    plan = term_to_usage_plan(
        actor=actor_of(super_admin),
        customer_id=str(term_customer.uuid),
        switch_now=True,
        license_types=["endpoint"],
        product_codes=["endpoint-test"],
    )
    assert [lic.product.category for lic in plan.ending] == ["endpoint"]
    assert state(term_customer) == before


def test_b3_interrupted_term_to_usage_leaves_the_customer_as_it_was(
    super_admin: User, term_customer: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(term_customer)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(billing_types, "audit_record", broken)
    with pytest.raises(RuntimeError):
        billing_term_to_usage(
            actor=actor_of(super_admin),
            customer_id=str(term_customer.uuid),
            switch_now=True,
            license_types=["endpoint"],
            product_codes=["endpoint-test"],
        )
    assert state(term_customer) == before


def test_b3_term_to_usage_refused_for_partners_outside_msp_flex(
    partner: Partner, super_admin: User, term_customer: Customer
) -> None:
    Partner.objects.filter(pk=partner.pk).update(msp_flex=False)
    before = state(term_customer)
    with pytest.raises(PermissionDenied, match="MSP Flex"):
        billing_term_to_usage(
            actor=actor_of(super_admin),
            customer_id=str(term_customer.uuid),
            switch_now=True,
            license_types=["endpoint"],
            product_codes=["endpoint-test"],
        )
    assert state(term_customer) == before
