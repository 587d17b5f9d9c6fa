"""A-5 (tenant part): a customer's console Super Admins create tenant credentials, which reach
that one tenant's routes (X-Tenant-ID) and nothing of the partner or of other tenants."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from partnerdesk.accounts.models import APICredential
from partnerdesk.audit.models import AuditEvent
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from tests.compat.conftest import get_token
from tests.factories import CustomerFactory, customer_admin, license_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental")


def owner_client(customer: Customer, role: str = "super_admin") -> Client:
    c = Client()
    c.force_login(customer_admin(customer, role))
    return c


def create(
    client: Client, customer: Customer, name: str = "RMM sync", role: str = "read_only"
) -> Any:
    return client.post(
        f"/console/{customer.uuid}/settings/api-credentials/", {"name": name, "role": role}
    )


def token_for(client_id: str, secret: str) -> str:
    response = get_token(Client(), client_id, secret)
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def made(customer: Customer) -> tuple[str, str]:
    """Create a credential through the page and read the one-time secret from it."""
    response = create(owner_client(customer), customer)
    assert response.status_code == 200
    credential = APICredential.objects.get(customer=customer)
    page = html.unescape(response.content.decode())
    secret = page.split("Client secret</dt><dd><code>")[1].split("</code>")[0]
    return credential.client_id, secret


def test_a5_console_super_admin_creates_a_tenant_credential_shown_once(customer: Customer) -> None:
    client_id, secret = made(customer)
    credential = APICredential.objects.get(client_id=client_id)
    assert credential.customer_id == customer.pk
    assert credential.partner_id == customer.partner_id
    assert secret not in credential.secret_hash
    assert AuditEvent.objects.filter(action="tenant_credential.created", customer=customer).exists()
    again = owner_client(customer).get(f"/console/{customer.uuid}/settings/api-credentials/")
    assert secret not in again.content.decode()


@pytest.mark.parametrize("role", ["admin", "help_desk", "read_only"])
def test_a5_only_console_super_admins_manage_tenant_credentials(
    customer: Customer, role: str
) -> None:
    response = create(owner_client(customer, role), customer)
    assert response.status_code == 403
    assert not APICredential.objects.exists()


def test_a5_delegated_partner_session_cannot_create_tenant_credentials(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=True)
    c = client_for(super_admin)
    assert c.post(f"/customers/{customer.uuid}/launch/").status_code == 302
    assert create(c, customer).status_code == 403
    assert not APICredential.objects.exists()


def test_a5_bad_name_is_refused_with_a_message(customer: Customer) -> None:
    response = create(owner_client(customer), customer, name="   ")
    assert response.status_code == 400
    assert "Give the credential a name" in response.content.decode()
    assert not APICredential.objects.exists()


def test_tenant_credential_whoami_and_own_licenses(customer: Customer) -> None:
    license_for(customer)
    token = token_for(*made(customer))
    headers = {"Authorization": f"Bearer {token}"}
    who = Client().get("/whoami/v1", headers=headers).json()
    assert who["id"] == str(customer.uuid)
    assert who["idType"] == "tenant"
    assert set(who["apiHosts"]) == {"global", "dataRegion"}
    own = Client().get(
        "/licenses/v1/licenses", headers={**headers, "X-Tenant-ID": str(customer.uuid)}
    )
    assert own.status_code == 200
    assert len(own.json()["items"]) == 1


def test_tenant_credential_reaches_no_other_tenant_and_no_partner_route(
    customer: Customer, partner: Partner
) -> None:
    other = CustomerFactory(partner=partner)
    license_for(other)
    token = token_for(*made(customer))
    headers = {"Authorization": f"Bearer {token}"}
    foreign = Client().get(
        "/licenses/v1/licenses", headers={**headers, "X-Tenant-ID": str(other.uuid)}
    )
    assert foreign.status_code == 404
    for path in ("/partner/v1/tenants", "/partnerdesk/v1/customers", "/partnerdesk/v1/groups"):
        for partner_id in (str(partner.pk), "None", ""):
            response = Client().get(path, headers={**headers, "X-Partner-ID": partner_id})
            assert response.status_code in (400, 403), (path, partner_id, response.status_code)
            assert str(other.uuid) not in response.content.decode()


def test_revoked_tenant_credential_stops_at_once(customer: Customer) -> None:
    client_id, secret = made(customer)
    token = token_for(client_id, secret)
    credential = APICredential.objects.get(client_id=client_id)
    owner = owner_client(customer)
    owner.post(f"/console/{customer.uuid}/settings/api-credentials/{credential.pk}/revoke/")
    response = Client().get("/whoami/v1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert get_token(Client(), client_id, secret).status_code in (400, 401)


def test_partner_credential_pages_do_not_list_tenant_credentials(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    client_id, _ = made(customer)
    page = client_for(super_admin).get("/accounts/credentials/").content.decode()
    assert client_id not in page


def test_a7_tenant_credential_checks_devices_in_unless_read_only(customer: Customer) -> None:
    from partnerdesk.accounts.tenant_credentials import tenant_credential_create
    from partnerdesk.core.actor import Actor
    from partnerdesk.core.permissions import ConsoleRole

    actor = Actor(
        partner_id=None,
        role=None,
        user_id=None,
        customer_id=customer.pk,
        console_role=ConsoleRole.SUPER_ADMIN,
        display_name="Owner",
    )
    agent = tenant_credential_create(actor=actor, customer=customer, name="Agent 2", role="admin")
    viewer = tenant_credential_create(
        actor=actor, customer=customer, name="Viewer 2", role="read_only"
    )
    device = {"deviceId": "d-1", "hostname": "front-desk", "products": []}
    ok = Client().post(
        "/partnerdesk/v1/devices/check-in",
        device,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(agent.client_id, agent.client_secret)}"},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["customerId"] == str(customer.uuid)
    refused = Client().post(
        "/partnerdesk/v1/devices/check-in",
        device,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(viewer.client_id, viewer.client_secret)}"},
    )
    assert refused.status_code == 401
