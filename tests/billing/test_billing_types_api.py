# ruff: noqa: F811  (fixtures imported from tests.compat.conftest)
"""The API routes of B-1..B-3: partnerdesk/v1 routes and POST /partner/v1/tenants (A-2, A-4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from partnerdesk.accounts.models import CredentialAssignment
from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import License
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser, _clear_cache, api_user, make_api_user  # noqa: F401
from tests.factories import CustomerFactory, license_for, product

ERROR_KEYS = {"error", "message", "correlationId", "requestId", "createdAt"}
DETAILS: dict[str, Any] = {
    "showAs": "Cedar Dental",
    "name": "Cedar Dental Ltd",
    "dataRegion": "eu01",
    "contact": {
        "firstName": "Aoife",
        "lastName": "Murphy",
        "email": "aoife@cedar.example",
        "address1": "12 Grand Parade",
        "city": "Cork",
        "countryCode": "IE",
    },
    "products": ["endpoint-test"],
}
TENANT: dict[str, Any] = {
    "name": "Cedar Dental Ltd",
    "dataRegion": "eu01",
    "billingType": "usage",
    "contact": {
        "firstName": "Aoife",
        "lastName": "Murphy",
        "email": "aoife@cedar.example",
        "address": {"address1": "12 Grand Parade", "city": "Cork", "countryCode": "IE"},
    },
    "products": [{"code": "endpoint-test"}],
}


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for category in ("endpoint", "server", "email"):
        product(category)


def test_b1_trial_customer_through_the_api(api_user: ApiUser) -> None:
    response = api_user.post("/partnerdesk/v1/trial-customers", DETAILS)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["billingType"] == "trial"
    assert body["partnerAssistance"] is True
    assert [lic["type"] for lic in body["licenses"]] == ["trial"]


def test_b2_monthly_account_through_the_api(api_user: ApiUser) -> None:
    response = api_user.post("/partnerdesk/v1/monthly-accounts", DETAILS | {"acceptTerms": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["billingType"], body["partnerAssistance"]) == ("usage", True)
    assert body["licenses"][0]["quantity"] is None
    assert body["licenses"][0]["endsOn"] is None


def test_b2_api_refused_without_terms(api_user: ApiUser) -> None:
    response = api_user.post("/partnerdesk/v1/monthly-accounts", DETAILS | {"acceptTerms": False})
    assert response.status_code == 400
    assert response.json()["error"] == "termsNotAccepted"
    assert not Customer.objects.exists()


def test_b2_compat_usage_tenant_is_a_monthly_account(api_user: ApiUser) -> None:
    response = api_user.post("/partner/v1/tenants", TENANT)
    assert response.status_code == 201, response.content
    assert response.json()["billingType"] == "usage"
    customer = Customer.objects.get(uuid=response.json()["id"])
    assert customer.partner_assistance is True
    lic = License.objects.get(customer=customer)
    assert (lic.license_type, lic.quantity, lic.ends_on) == ("usage", None, None)


def test_b2_refused_for_partners_outside_msp_flex(
    other_partner: Partner, make_api_user: Callable[..., ApiUser]
) -> None:
    outsider = make_api_user(other_partner)
    for path, body in (
        ("/partner/v1/tenants", TENANT),
        ("/partnerdesk/v1/monthly-accounts", DETAILS | {"acceptTerms": True}),
    ):
        response = outsider.post(path, body)
        assert response.status_code == 403, response.content
        assert response.json()["error"] == "notMspFlex"
        assert "MSP Flex" in response.json()["message"]
    assert not Customer.objects.exists()


def test_b2_compat_term_tenant_points_to_license_keys(api_user: ApiUser) -> None:
    response = api_user.post("/partner/v1/tenants", TENANT | {"billingType": "term"})
    assert response.status_code == 400
    assert "license key" in response.json()["message"]


def test_b3_trial_to_usage_through_the_api(api_user: ApiUser, partner: Partner) -> None:
    customer = CustomerFactory(partner=partner, billing_type="trial", partner_assistance=False)
    license_for(customer, license_type="trial", ends_in=10)
    path = f"/partnerdesk/v1/customers/{customer.uuid}/billing-type"
    refused = api_user.post(path, {"billingType": "usage", "confirm": False})
    assert refused.status_code == 400
    assert refused.json()["error"] == "confirmationRequired"
    response = api_user.post(path, {"billingType": "usage", "confirm": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["billingType"], body["partnerAssistance"]) == ("usage", True)
    assert [lic["type"] for lic in body["licenses"]] == ["usage"]  # the trial has ended
    again = api_user.post(path, {"billingType": "usage", "confirm": True})
    assert again.status_code == 409


def test_b3_term_to_usage_through_the_api(api_user: ApiUser, partner: Partner) -> None:
    customer = CustomerFactory(partner=partner, billing_type="term")
    license_for(customer, license_type="term", ends_in=100)
    path = f"/partnerdesk/v1/customers/{customer.uuid}/billing-type"
    body = {
        "billingType": "usage",
        "confirm": True,
        "licenseTypes": ["endpoint"],
        "products": ["endpoint-test"],
    }
    response = api_user.post(path, body)
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.billing_type == "usage"


def test_b3_api_credential_of_another_partner_cannot_change_the_customer(
    partner: Partner, other_partner: Partner, make_api_user: Callable[..., ApiUser]
) -> None:
    Partner.objects.filter(pk=other_partner.pk).update(msp_flex=True)
    outsider = make_api_user(other_partner)
    mine = make_api_user(partner)
    customer = CustomerFactory(partner=partner, billing_type="trial")
    path = f"/partnerdesk/v1/customers/{customer.uuid}/billing-type"
    response = outsider.post(path, {"billingType": "usage", "confirm": True})
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS
    # X-Partner-ID must name the credential's own partner.
    forged = mine.post(
        path,
        {"billingType": "usage", "confirm": True},
        **{"X-Partner-ID": str(other_partner.pk)},
    )
    assert forged.status_code == 403
    customer.refresh_from_db()
    assert customer.billing_type == "trial"
    assert not AuditEvent.objects.filter(action="billing_type.changed").exists()


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.READ_ONLY])
def test_b3_api_refused_for_roles_without_billing(
    partner: Partner, make_api_user: Callable[..., ApiUser], role: PartnerRole
) -> None:
    customer = CustomerFactory(partner=partner, billing_type="trial")
    user = make_api_user(partner, role)
    CredentialAssignment.objects.create(
        partner=partner, credential_id=user.credential_pk, customer=customer
    )
    response = user.post(
        f"/partnerdesk/v1/customers/{customer.uuid}/billing-type",
        {"billingType": "usage", "confirm": True},
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.billing_type == "trial"
