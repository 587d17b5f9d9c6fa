"""L-3..L-5: applying a license key through the service, each refusal by its rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.errors import DomainError, NotFound, PermissionDenied
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.licensing import services
from partnerdesk.licensing.models import License, LicenseKey, LicenseType
from partnerdesk.licensing.services import (
    COTERM,
    RENEW,
    OverlapChoiceRequired,
    TooManyAttempts,
    add_months,
    license_key_apply,
    term_end,
)
from tests.factories import CustomerFactory, license_for
from tests.licensing.conftest import actor_of

TODAY = timezone.localdate


def apply(user, customer, key, *, terms=True, overlap=None):
    return license_key_apply(
        actor=actor_of(user),
        customer_id=str(customer.uuid),
        key_text=key,
        terms_accepted=terms,
        overlap=overlap,
    )


def state(customer) -> tuple:
    """Everything an apply may change, to compare before and after a refusal."""
    return (
        list(License.objects.filter(customer=customer).values()),
        list(LicenseKey.objects.values("id", "used_at", "revoked_at")),
        AuditEvent.objects.count(),
        type(customer).objects.get(pk=customer.pk).billing_type,
    )


def assert_nothing_changed(customer, before_licenses: int) -> None:
    assert License.objects.filter(customer=customer).count() == before_licenses
    assert not AuditEvent.objects.filter(action="license_key.applied").exists()


def refusal(user, customer, key, **kwargs) -> DomainError:
    before = state(customer)
    with pytest.raises(DomainError) as caught:
        apply(user, customer, key, **kwargs)
    assert state(customer) == before
    return caught.value


# -- L-3 ----------------------------------------------------------------------------------------


def test_l3_apply_creates_a_term_license_and_records_the_accepted_terms(
    super_admin, customer, make_key
) -> None:
    key = make_key(quantity=25, months=12)
    result = apply(super_admin, customer, key.lower().replace("-", " "))
    lic = result.license
    today = TODAY()
    assert (lic.license_type, lic.quantity, lic.starts_on) == (LicenseType.TERM, 25, today)
    assert lic.ends_on == add_months(today, 12) - dt.timedelta(days=1)
    assert lic.terms_version == services.TERMS_VERSION
    assert lic.terms_accepted_at is not None
    assert lic.applied_by_id == super_admin.pk
    assert lic.source_key.used_at is not None
    assert lic.product.name in result.message
    assert "quantity 25" in result.message


def test_l3_apply_is_audited_with_before_and_after(super_admin, customer, make_key) -> None:
    apply(super_admin, customer, make_key())
    event = AuditEvent.objects.get(action="license_key.applied")
    assert event.customer_id == customer.pk
    assert event.user_id == super_admin.pk
    assert event.address == "192.0.2.10"
    assert event.after is not None
    assert event.before is not None
    assert event.after["terms_version"] == services.TERMS_VERSION
    assert event.after["license"]["quantity"] == 25
    assert event.before["billing_type"] == "term"


def test_l3_activation_cannot_be_undone(super_admin, customer, make_key) -> None:
    apply(super_admin, customer, make_key())
    key = LicenseKey.objects.get()
    with pytest.raises(DomainError, match="cannot be undone"):
        services.license_key_revoke(actor=services_operator(), key=key)
    assert License.objects.filter(customer=customer).count() == 1


def services_operator():
    from partnerdesk.licensing.access import operator_actor

    return operator_actor(label="operator (test)")


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.BUSINESS_ADMIN])
def test_l3_admin_and_business_admin_may_apply(partner, make_user, make_key, role) -> None:
    from tests.factories import assign

    user = make_user(partner, role)
    customer = CustomerFactory(partner=partner)
    assign(user, customer)
    apply(user, customer, make_key())
    assert License.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("role", [PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_l3_help_desk_and_read_only_are_refused(partner, make_user, make_key, role) -> None:
    from tests.factories import assign

    user = make_user(partner, role)
    customer = CustomerFactory(partner=partner)
    assign(user, customer)
    with pytest.raises(PermissionDenied):
        apply(user, customer, make_key())
    assert_nothing_changed(customer, 0)


def test_s1_another_partners_customer_is_not_found(
    other_partner, make_user, customer, make_key
) -> None:
    stranger = make_user(other_partner)
    with pytest.raises(NotFound):
        apply(stranger, customer, make_key())
    assert_nothing_changed(customer, 0)


# -- L-4: every refusal has its own message and changes nothing --------------------------------


def test_l4_refused_when_key_malformed(super_admin, customer, make_key) -> None:
    key = make_key()
    typo = key[:-1] + ("0" if key[-1] != "0" else "1")
    error = refusal(super_admin, customer, typo)
    assert error.code == "malformedKey"
    assert "typing error" in error.message


def test_l4_refused_when_key_too_short(super_admin, customer) -> None:
    error = refusal(super_admin, customer, "ABCDE-12345")
    assert error.code == "malformedKey"
    assert "25 characters" in error.message


def test_l4_refused_when_key_missing(super_admin, customer) -> None:
    error = refusal(super_admin, customer, "   ")
    assert error.code == "keyMissing"
    assert "Enter the license key" in error.message


def test_l4_refused_when_key_unknown(super_admin, customer) -> None:
    from partnerdesk.licensing import keys

    error = refusal(super_admin, customer, keys.generate())
    assert error.code == "unknownKey"
    assert error.status == 400
    assert "No license key matches" in error.message


def test_l4_refused_when_key_already_used_by_anyone(
    super_admin, other_partner, customer, make_key
) -> None:
    key = make_key()
    elsewhere = CustomerFactory(partner=customer.partner)
    apply(super_admin, elsewhere, key)
    error = refusal(super_admin, customer, key)
    assert (error.code, error.status) == ("keyAlreadyUsed", 409)
    assert "already been used" in error.message


def test_l4_refused_when_key_revoked(super_admin, customer, make_key) -> None:
    error = refusal(super_admin, customer, make_key(revoked=True))
    assert (error.code, error.status) == ("keyRevoked", 409)
    assert "revoked" in error.message


def test_l4_refused_when_key_bound_to_another_partner(
    super_admin, other_partner, customer, make_key
) -> None:
    error = refusal(super_admin, customer, make_key(partner=other_partner))
    assert (error.code, error.status) == ("keyBoundToOtherPartner", 403)
    assert "another partner" in error.message


def test_l4_key_bound_to_own_partner_is_accepted(super_admin, customer, make_key) -> None:
    apply(super_admin, customer, make_key(partner=customer.partner))
    assert License.objects.filter(customer=customer).count() == 1


def test_l4_refused_when_product_not_allowed_for_billing_type(
    super_admin, partner, make_key
) -> None:
    monthly = CustomerFactory(partner=partner, billing_type="usage")
    license_for(monthly, category="endpoint", license_type=LicenseType.USAGE)
    error = refusal(super_admin, monthly, make_key(category="email"))
    assert (error.code, error.status) == ("productNotAllowed", 409)
    assert "billed monthly by usage" in error.message
    assert not LicenseKey.objects.filter(used_at__isnull=False).exists()


def test_l4_refused_when_terms_not_accepted(super_admin, customer, make_key) -> None:
    error = refusal(super_admin, customer, make_key(), terms=False)
    assert error.code == "termsNotAccepted"
    assert "I accept the terms" in error.message
    assert not LicenseKey.objects.filter(used_at__isnull=False).exists()


def test_l4_refused_when_overlap_choice_invalid(super_admin, customer, make_key) -> None:
    error = refusal(super_admin, customer, make_key(), overlap="both")
    assert error.code == "invalidOverlapChoice"


def test_l4_throttled_after_10_failed_attempts_in_10_minutes(
    super_admin, customer, make_key
) -> None:
    from partnerdesk.licensing import keys

    for _ in range(10):
        with pytest.raises(DomainError):
            apply(super_admin, customer, keys.generate())
    good = make_key()
    with pytest.raises(TooManyAttempts) as caught:
        apply(super_admin, customer, good)
    assert caught.value.status == 429
    assert "Try again in 10 minutes" in caught.value.message
    assert_nothing_changed(customer, 0)


def test_l4_throttle_counts_per_user(super_admin, partner, make_user, customer, make_key) -> None:
    from partnerdesk.licensing import keys

    for _ in range(10):
        with pytest.raises(DomainError):
            apply(super_admin, customer, keys.generate())
    colleague = make_user(partner, PartnerRole.SUPER_ADMIN)
    apply(colleague, customer, make_key())


def test_l4_terms_refusals_do_not_count_towards_the_throttle(
    super_admin, customer, make_key
) -> None:
    key = make_key()
    for _ in range(12):
        with pytest.raises(DomainError):
            apply(super_admin, customer, key, terms=False)
    apply(super_admin, customer, key)


# -- L-5: overlap with an active term license --------------------------------------------------


def test_l5_overlap_asks_renew_or_coterm_and_changes_nothing(
    super_admin, customer, make_key
) -> None:
    current = license_for(customer, category="endpoint", ends_in=100, quantity=10)
    key = make_key(quantity=5, months=12)
    with pytest.raises(OverlapChoiceRequired) as caught:
        apply(super_admin, customer, key)
    choice = caught.value
    assert choice.current == current
    assert choice.renew.starts_on == current.ends_on + dt.timedelta(days=1)
    assert choice.coterm.starts_on == TODAY()
    assert_nothing_changed(customer, 1)
    assert LicenseKey.objects.get().used_at is None


def test_l5_renew_starts_the_day_after_the_current_term_ends(
    super_admin, customer, make_key
) -> None:
    current = license_for(customer, category="endpoint", ends_in=100, quantity=10)
    result = apply(super_admin, customer, make_key(quantity=5, months=12), overlap=RENEW)
    new = result.license
    assert new.starts_on == current.ends_on + dt.timedelta(days=1)
    assert new.ends_on == term_end(new.starts_on, 12)
    current.refresh_from_db()
    assert current.ends_on == TODAY() + dt.timedelta(days=100)
    assert "renewal starts" in result.message


def test_l5_coterm_adds_quantities_and_both_end_on_the_later_date(
    super_admin, customer, make_key
) -> None:
    current = license_for(customer, category="endpoint", ends_in=100, quantity=10)
    result = apply(super_admin, customer, make_key(quantity=5, months=12), overlap=COTERM)
    new = result.license
    current.refresh_from_db()
    later = term_end(TODAY(), 12)
    assert new.starts_on == TODAY()
    assert new.ends_on == current.ends_on == later
    assert result.quantity_now == 15
    assert "15 in total" in result.message


def test_l5_coterm_keeps_the_current_end_when_it_is_later(super_admin, customer, make_key) -> None:
    current = license_for(customer, category="endpoint", ends_in=700, quantity=10)
    result = apply(super_admin, customer, make_key(quantity=5, months=12), overlap="co-term")
    current.refresh_from_db()
    assert result.license.ends_on == current.ends_on == TODAY() + dt.timedelta(days=700)


def test_l5_other_products_and_expired_terms_do_not_overlap(
    super_admin, customer, make_key
) -> None:
    license_for(customer, category="server", ends_in=100)
    license_for(customer, category="endpoint", ends_in=-1)
    result = apply(super_admin, customer, make_key(category="endpoint"))
    assert result.mode is None
    assert result.license.starts_on == TODAY()


def test_l5_same_product_trial_is_cut_to_end_the_day_before_the_term(
    super_admin, partner, make_key
) -> None:
    trial_customer = CustomerFactory(partner=partner, billing_type="trial")
    trial = license_for(
        trial_customer,
        category="endpoint",
        license_type=LicenseType.TRIAL,
        ends_in=20,
        started_days_ago=10,
    )
    other_trial = license_for(
        trial_customer, category="server", license_type=LicenseType.TRIAL, ends_in=20
    )
    apply(super_admin, trial_customer, make_key(category="endpoint"))
    trial.refresh_from_db()
    other_trial.refresh_from_db()
    assert trial.ends_on == TODAY() - dt.timedelta(days=1)
    assert other_trial.ends_on == TODAY() + dt.timedelta(days=20)


def test_l5_trial_started_today_is_cut_without_breaking_dates(
    super_admin, partner, make_key
) -> None:
    trial_customer = CustomerFactory(partner=partner, billing_type="trial")
    trial = license_for(
        trial_customer,
        category="endpoint",
        license_type=LicenseType.TRIAL,
        ends_in=30,
        started_days_ago=0,
    )
    apply(super_admin, trial_customer, make_key(category="endpoint"))
    trial.refresh_from_db()
    assert trial.ends_on == TODAY() - dt.timedelta(days=1)
    assert trial.starts_on <= trial.ends_on


# -- billing types (B-3, docs/decisions.md) ----------------------------------------------------


def test_b3_trial_customer_becomes_term_when_a_key_is_applied(
    super_admin, partner, make_key
) -> None:
    trial_customer = CustomerFactory(partner=partner, billing_type="trial")
    result = apply(super_admin, trial_customer, make_key())
    trial_customer.refresh_from_db()
    assert trial_customer.billing_type == "term"
    assert "Billing type is now term" in result.message


def test_b3_usage_customer_moves_to_term_product_by_product(super_admin, partner, make_key) -> None:
    monthly = CustomerFactory(partner=partner, billing_type="usage")
    endpoint = license_for(monthly, category="endpoint", license_type=LicenseType.USAGE)
    server = license_for(monthly, category="server", license_type=LicenseType.USAGE)
    apply(super_admin, monthly, make_key(category="endpoint"))
    endpoint.refresh_from_db()
    monthly.refresh_from_db()
    assert endpoint.revoked_at is not None
    assert monthly.billing_type == "usage"
    apply(super_admin, monthly, make_key(category="server"))
    server.refresh_from_db()
    monthly.refresh_from_db()
    assert server.revoked_at is not None
    assert monthly.billing_type == "term"
    apply(super_admin, monthly, make_key(category="email"))  # now a term account


def test_add_months_clamps_to_the_end_of_shorter_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 3), 12) == dt.date(2027, 12, 3)
    assert term_end(dt.date(2026, 12, 3), 12) == dt.date(2027, 12, 2)
