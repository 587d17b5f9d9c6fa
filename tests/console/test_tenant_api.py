"""The console over the API for tenant credentials: P-1, P-3, G-1 and B-7 through
/partnerdesk/v1/tenant/..., and nothing for anyone else."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone

from partnerdesk.accounts.tenant_credentials import tenant_credential_create
from partnerdesk.console.models import CustomerLogo, EarlyAccessEnrollment, EarlyAccessProgram
from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import ConsoleRole
from partnerdesk.customers.models import ApprovalRequest, Customer
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser, _clear_cache, api_user, get_token, make_api_user
from tests.core import logo_files
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental", partner_assistance=False)


def tenant_client(customer: Customer, role: str = "super_admin") -> dict[str, str]:
    owner = Actor(
        partner_id=None,
        role=None,
        customer_id=customer.pk,
        console_role=ConsoleRole.SUPER_ADMIN,
        display_name="Owner",
    )
    new = tenant_credential_create(actor=owner, customer=customer, name=f"{role} script", role=role)
    token = get_token(Client(), new.client_id, new.client_secret).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "X-Tenant-ID": str(customer.uuid)}


def call(method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    return getattr(Client(), method)(
        "/partnerdesk/v1/tenant/" + path,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=headers,
    )


def pending_request(customer: Customer) -> ApprovalRequest:
    now = timezone.now()
    return ApprovalRequest.objects.create(
        partner=customer.partner,
        customer=customer,
        requested_by_label="Sam",
        created_at=now,
        expires_at=now + dt.timedelta(days=30),
    )


def test_p1_tenant_credential_turns_partner_assistance_on_and_off(customer: Customer) -> None:
    headers = tenant_client(customer)
    assert call("get", "partner-assistance", headers).json() == {"enabled": False}
    assert call("put", "partner-assistance", headers, {"enabled": True}).json() == {"enabled": True}
    customer.refresh_from_db()
    assert customer.partner_assistance
    call("put", "partner-assistance", headers, {"enabled": False})
    customer.refresh_from_db()
    assert not customer.partner_assistance


def test_p1_read_only_tenant_credential_is_refused(customer: Customer) -> None:
    response = call(
        "put", "partner-assistance", tenant_client(customer, "read_only"), {"enabled": True}
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert not customer.partner_assistance


def test_partner_credentials_are_refused_the_customers_decisions(
    customer: Customer, api_user: ApiUser
) -> None:
    headers = {**api_user.headers(), "X-Tenant-ID": str(customer.uuid)}
    response = call("put", "partner-assistance", headers, {"enabled": True})
    assert response.status_code == 403
    assert "tenant credential" in response.json()["message"]
    customer.refresh_from_db()
    assert not customer.partner_assistance


def test_tenant_credential_reaches_only_its_own_tenant(
    customer: Customer, partner: Partner
) -> None:
    other = CustomerFactory(partner=partner, partner_assistance=False)
    headers = {**tenant_client(customer), "X-Tenant-ID": str(other.uuid)}
    assert call("get", "partner-assistance", headers).status_code == 404
    assert call("put", "partner-assistance", headers, {"enabled": True}).status_code == 404
    other.refresh_from_db()
    assert not other.partner_assistance


def test_p3_tenant_credential_answers_an_approval_request(customer: Customer) -> None:
    req = pending_request(customer)
    headers = tenant_client(customer, "admin")
    listed = call("get", "approval-requests?pageTotal=true", headers).json()
    assert [i["id"] for i in listed["items"]] == [str(req.uuid)]
    answered = call(
        "post", f"approval-requests/{req.uuid}/answer", headers, {"decision": "approve"}
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "approved"
    customer.refresh_from_db()
    assert customer.partner_assistance
    again = call("post", f"approval-requests/{req.uuid}/answer", headers, {"decision": "deny"})
    assert again.status_code == 409


def test_p3_another_tenants_request_answers_as_missing(
    customer: Customer, partner: Partner
) -> None:
    other = CustomerFactory(partner=partner)
    req = pending_request(other)
    response = call(
        "post",
        f"approval-requests/{req.uuid}/answer",
        tenant_client(customer),
        {"decision": "approve"},
    )
    assert response.status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"


def test_g1_tenant_logo_upload_read_and_remove(customer: Customer) -> None:
    headers = tenant_client(customer)
    put = put_logo(headers, logo_files.png())
    assert put.status_code == 200, put.content
    assert put.json()["contentType"] == "image/png"
    got = Client().get("/partnerdesk/v1/tenant/logo", headers=headers)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert Client().delete("/partnerdesk/v1/tenant/logo", headers=headers).status_code == 204
    assert not CustomerLogo.objects.exists()


def test_g1_tenant_logo_refuses_hostile_files(customer: Customer) -> None:
    put = put_logo(tenant_client(customer), b"<svg><script>x</script></svg>", "a.png")
    assert put.status_code == 400
    assert "SVG" in put.json()["message"]
    assert not CustomerLogo.objects.exists()


def test_b7_early_access_through_the_api(partner: Partner) -> None:
    usage = CustomerFactory(partner=partner, billing_type="usage")
    closed = EarlyAccessProgram.objects.create(name="Linux beta", allows_usage_billing=False)
    open_program = EarlyAccessProgram.objects.create(name="Preview", allows_usage_billing=True)
    headers = tenant_client(usage)
    items = {p["name"]: p for p in call("get", "early-access-programs", headers).json()["items"]}
    assert items["Linux beta"]["mayJoin"] is False
    refused = call("post", f"early-access-programs/{closed.pk}/enrollment", headers)
    assert refused.status_code == 409
    assert "not open to customers billed by monthly usage" in refused.json()["message"]
    ok = call("post", f"early-access-programs/{open_program.pk}/enrollment", headers)
    assert ok.status_code == 204
    assert EarlyAccessEnrollment.objects.filter(customer=usage, program=open_program).exists()
    assert (
        call("delete", f"early-access-programs/{open_program.pk}/enrollment", headers).status_code
        == 204
    )
    assert not EarlyAccessEnrollment.objects.exists()


BOUNDARY = "tenant-logo-boundary"


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def put_logo(headers: dict[str, str], data: bytes, name: str = "logo.png") -> Any:
    return Client().put(
        "/partnerdesk/v1/tenant/logo",
        encode_multipart(BOUNDARY, {"file": _Upload(data, name)}),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
    )


__all__ = ["_clear_cache", "api_user", "make_api_user"]
