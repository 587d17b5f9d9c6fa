"""The pages of B-1..B-3: Create trial customer, Create monthly account, Update billing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from partnerdesk.accounts.models import User
from partnerdesk.audit.models import AuditEvent
from partnerdesk.billing import billing_types
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import License
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, assign, license_for, product

TRIAL = reverse("billing:create_trial")
MONTHLY = reverse("billing:monthly_account")
DETAILS = {
    "show_as": "Cedar Dental",
    "legal_name": "Cedar Dental Ltd",
    "data_region": "eu01",
    "first_name": "Aoife",
    "last_name": "Murphy",
    "email": "aoife@cedar.example",
    "address1": "12 Grand Parade",
    "city": "Cork",
    "country_code": "IE",
    "products": ["endpoint-test"],
}


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for category in ("endpoint", "server", "email"):
        product(category)


def test_b1_create_trial_page_creates_a_trial_customer(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(super_admin)
    assert client.get(TRIAL).status_code == 200
    response = client.post(TRIAL, DETAILS)
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.billing_type, customer.partner_assistance) == ("trial", True)
    assert License.objects.get(customer=customer).license_type == "trial"


def test_b1_create_trial_page_says_what_is_wrong_and_writes_nothing(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).post(TRIAL, DETAILS | {"products": []})
    assert response.status_code == 400
    assert "Name at least one product to try." in response.content.decode()
    assert 'value="Cedar Dental"' in response.content.decode()  # what was typed stays
    assert not Customer.objects.exists()


@pytest.mark.parametrize("role", [r for r in PartnerRole if r is not PartnerRole.SUPER_ADMIN])
def test_b1_create_trial_page_refused_for_other_roles(
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    role: PartnerRole,
) -> None:
    client = client_for(make_user(partner, role))
    assert client.get(TRIAL).status_code == 403
    assert client.post(TRIAL, DETAILS).status_code == 403
    assert "Create trial customer" not in client.get(reverse("customers:list")).content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize("role", [PartnerRole.SUPER_ADMIN, PartnerRole.BUSINESS_ADMIN])
def test_b2_monthly_account_page_creates_a_usage_customer(
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    role: PartnerRole,
) -> None:
    client = client_for(make_user(partner, role))
    page = client.get(MONTHLY)
    assert page.status_code == 200
    assert "Email Test" not in page.content.decode()  # only usage-billable categories
    refused = client.post(MONTHLY, DETAILS)
    assert refused.status_code == 400
    assert "I accept the terms" in refused.content.decode()
    assert not Customer.objects.exists()
    assert client.post(MONTHLY, DETAILS | {"terms": "on"}).status_code == 302
    customer = Customer.objects.get()
    assert (customer.billing_type, customer.partner_assistance) == ("usage", True)


def test_b2_monthly_account_page_checks_the_contact(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).post(
        MONTHLY, DETAILS | {"terms": "on", "email": "nope", "country_code": "I1"}
    )
    assert response.status_code == 400
    assert "two-letter code" in response.content.decode()
    assert not Customer.objects.exists()


def test_b2_refused_for_partners_outside_msp_flex(
    other_partner: Partner, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(other_partner))
    response = client.get(MONTHLY)
    assert response.status_code == 403
    assert "MSP Flex" in response.content.decode()
    assert client.post(MONTHLY, DETAILS | {"terms": "on"}).status_code == 403
    assert "Create monthly account" not in client.get(reverse("customers:list")).content.decode()
    assert not Customer.objects.exists()


# --- B-3 ----------------------------------------------------------------------------------------


def _update(customer: Customer) -> str:
    return reverse("billing:update", args=[customer.uuid])


def test_b3_trial_to_usage_page_needs_one_confirmation(
    partner: Partner, super_admin: User, client_for: Callable[[User], Client]
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="trial", partner_assistance=False)
    license_for(customer, license_type="trial", ends_in=10)
    client = client_for(super_admin)
    assert "Switch to monthly billing" in client.get(_update(customer)).content.decode()
    refused = client.post(_update(customer), {})
    assert refused.status_code == 400
    customer.refresh_from_db()
    assert customer.billing_type == "trial"
    assert client.post(_update(customer), {"confirm": "on"}).status_code == 302
    customer.refresh_from_db()
    assert (customer.billing_type, customer.partner_assistance) == ("usage", True)


def _walk_wizard(client: Client, url: str) -> Any:
    steps: list[dict[str, Any]] = [
        {"step": "confirm", "switch_now": "on"},
        {"step": "types", "switch_now": "on", "license_types": ["endpoint", "server"]},
        {
            "step": "products",
            "switch_now": "on",
            "license_types": ["endpoint", "server"],
            "products": ["endpoint-test", "server-test"],
        },
    ]
    expected = ["Step 2 of 4", "Step 3 of 4", "Step 4 of 4"]
    for data, shown in zip(steps, expected, strict=True):
        response = client.post(url, data)
        assert response.status_code == 200, response.content
        assert shown in response.content.decode()
    return client.post(
        url,
        {
            "step": "review",
            "switch_now": "on",
            "license_types": ["endpoint", "server"],
            "products": ["endpoint-test", "server-test"],
        },
    )


def test_b3_term_to_usage_wizard(
    partner: Partner, super_admin: User, client_for: Callable[[User], Client]
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="term")
    license_for(customer, license_type="term", ends_in=100)
    client = client_for(super_admin)
    assert "Step 1 of 4" in client.get(_update(customer)).content.decode()
    refused = client.post(_update(customer), {"step": "confirm"})
    assert refused.status_code == 400
    assert "immediately" in refused.content.decode()
    customer.refresh_from_db()
    assert customer.billing_type == "term"
    assert _walk_wizard(client, _update(customer)).status_code == 302
    customer.refresh_from_db()
    assert (customer.billing_type, customer.partner_assistance) == ("usage", True)
    assert License.objects.filter(customer=customer, license_type="usage").count() == 2


def test_b3_wizard_interrupted_on_save_leaves_the_customer_as_it_was(
    partner: Partner,
    super_admin: User,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="term")
    lic = license_for(customer, license_type="term", ends_in=100)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(billing_types, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _walk_wizard(client_for(super_admin), _update(customer))
    customer.refresh_from_db()
    assert customer.billing_type == "term"
    assert License.objects.get(pk=lic.pk).ends_on == lic.ends_on
    assert not License.objects.filter(customer=customer, license_type="usage").exists()
    assert not AuditEvent.objects.filter(action="billing_type.changed").exists()


def test_b3_usage_customer_is_sent_to_apply_license_key(
    partner: Partner, super_admin: User, client_for: Callable[[User], Client]
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="usage")
    html = client_for(super_admin).get(_update(customer)).content.decode()
    assert reverse("licensing:apply", args=[customer.uuid]) in html


def test_b3_refused_for_partners_outside_msp_flex(
    other_partner: Partner, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    customer = CustomerFactory(partner=other_partner, billing_type="trial")
    client = client_for(make_user(other_partner))
    response = client.post(_update(customer), {"confirm": "on"})
    assert response.status_code == 403
    assert "MSP Flex" in response.content.decode()
    assert "Update billing" not in client.get(reverse("customers:list")).content.decode()
    customer.refresh_from_db()
    assert customer.billing_type == "trial"


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_b3_refused_for_roles_without_billing(
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    role: PartnerRole,
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="trial")
    user = make_user(partner, role)
    assign(user, customer)
    client = client_for(user)
    assert client.get(_update(customer)).status_code == 403
    assert client.post(_update(customer), {"confirm": "on"}).status_code == 403
    customer.refresh_from_db()
    assert customer.billing_type == "trial"


def test_new_pages_answer_404_for_another_partners_customer(
    partner: Partner,
    other_partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    Partner.objects.filter(pk=other_partner.pk).update(msp_flex=True)
    customer = CustomerFactory(partner=partner, billing_type="trial")
    client = client_for(make_user(other_partner))
    assert client.get(_update(customer)).status_code == 404
    assert client.post(_update(customer), {"confirm": "on"}).status_code == 404
    customer.refresh_from_db()
    assert customer.billing_type == "trial"


def test_new_pages_send_anonymous_users_to_sign_in(partner: Partner) -> None:
    customer = CustomerFactory(partner=partner)
    for url in (TRIAL, MONTHLY, _update(customer)):
        assert Client().get(url).status_code == 302
