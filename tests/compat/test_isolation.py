"""S-1 for the API: a credential reaches nothing of another partner, whatever headers it
forges, and a credential below Super Admin reaches only the customers assigned to it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from partnerdesk.accounts.models import APICredential, User
from partnerdesk.accounts.services import credential_assign
from partnerdesk.core.errors import NotFound
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer, GroupMembership
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser
from tests.factories import CustomerFactory, GroupFactory, license_for, product

ERROR_KEYS = {"error", "message", "correlationId", "requestId", "createdAt"}
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def mine(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Mine")


@pytest.fixture
def theirs(other_partner: Partner) -> Customer:
    customer = CustomerFactory(partner=other_partner, show_as="Theirs")
    license_for(customer)
    return customer


def _reads(customer: str) -> list[tuple[str, dict[str, str]]]:
    """(path, extra headers) of every read that names one customer."""
    return [
        (f"/partner/v1/tenants/{customer}", {}),
        (f"/partnerdesk/v1/customers/{customer}", {}),
        ("/licenses/v1/licenses", {"X-Tenant-ID": customer}),
    ]


def _shape(response: object) -> tuple[int, str, str]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == ERROR_KEYS
    return response.status_code, body["error"], body["message"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("index", range(3))
def test_another_partners_customer_answers_exactly_as_a_missing_one(
    api_user: ApiUser, mine: Customer, theirs: Customer, index: int
) -> None:
    path, extra = _reads(str(theirs.uuid))[index]
    foreign = api_user.get(path, **extra)
    path_missing, extra_missing = _reads(MISSING)[index]
    missing = api_user.get(path_missing, **extra_missing)
    assert _shape(foreign) == _shape(missing)
    assert foreign.status_code == 404
    assert "Theirs" not in foreign.content.decode()


@pytest.mark.parametrize("index", range(3))
def test_forged_partner_header_is_refused(
    api_user: ApiUser, theirs: Customer, other_partner: Partner, index: int
) -> None:
    path, extra = _reads(str(theirs.uuid))[index]
    headers = api_user.partner_headers(other_partner.pk) | extra
    response = api_user.client.get(path, headers=headers)
    assert response.status_code in (403, 404)
    assert "Theirs" not in response.content.decode()


def test_lists_hold_only_the_own_partners_customers(
    api_user: ApiUser, mine: Customer, theirs: Customer, other_partner: Partner
) -> None:
    for path in ("/partner/v1/tenants", "/partnerdesk/v1/customers"):
        body = api_user.get(path, {"pageTotal": "true"}).json()
        assert [t["id"] for t in body["items"]] == [str(mine.uuid)]
        assert body["pages"]["items"] == 1
        forged = api_user.client.get(
            path, {"pageTotal": "true"}, headers=api_user.partner_headers(other_partner.pk)
        )
        assert forged.status_code == 403
    export = api_user.get("/partnerdesk/v1/customers/export.csv")
    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Mine" in text and "Theirs" not in text


def test_another_partners_admins_and_groups_are_out_of_reach(
    api_user: ApiUser,
    theirs: Customer,
    mine: Customer,
    other_partner: Partner,
    make_user: Callable[..., User],
) -> None:
    their_admin = make_user(other_partner)
    assert api_user.get(f"/partner/v1/admins/{their_admin.pk}").status_code == 404
    their_group = GroupFactory(partner=other_partner)
    my_group = GroupFactory(partner=mine.partner)
    assert api_user.get("/partnerdesk/v1/groups").json()["items"] == [
        {"id": my_group.id, "name": my_group.name, "description": ""}
    ]
    # Their customer into my group, my customer into their group: both refused, nothing made.
    refused = [
        api_user.post(f"/partnerdesk/v1/customers/{theirs.uuid}/groups", {"groupId": my_group.id}),
        api_user.post(f"/partnerdesk/v1/customers/{mine.uuid}/groups", {"groupId": their_group.id}),
    ]
    assert [r.status_code for r in refused] == [404, 404]
    assert not GroupMembership.objects.exists()
    GroupMembership.objects.create(partner=other_partner, group=their_group, customer=theirs)
    response = api_user.client.delete(
        f"/partnerdesk/v1/customers/{theirs.uuid}/groups/{their_group.id}",
        headers=api_user.partner_headers(),
    )
    assert response.status_code == 404
    assert GroupMembership.objects.count() == 1


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_credential_below_super_admin_sees_only_assigned_customers(
    partner: Partner, make_api_user: Callable[..., ApiUser], role: PartnerRole
) -> None:
    assigned, other = CustomerFactory.create_batch(2, partner=partner)
    api = make_api_user(partner, role)
    credential = APICredential.objects.get(pk=api.credential_pk)
    assert api.get("/partner/v1/tenants").json()["items"] == []
    credential_assign(credential=credential, customer_ids=[assigned.uuid])
    items = api.get("/partner/v1/tenants").json()["items"]
    assert [t["id"] for t in items] == [str(assigned.uuid)]
    assert api.get(f"/partner/v1/tenants/{assigned.uuid}").status_code == 200
    assert api.get(f"/partner/v1/tenants/{other.uuid}").status_code == 404
    licenses = api.client.get(
        "/licenses/v1/licenses", headers=api.headers(**{"X-Tenant-ID": str(other.uuid)})
    )
    assert licenses.status_code == 404
    # Role limits: no trial creation, no admins, no group changes (SPEC section 1).
    created = api.post(
        "/partner/v1/tenants", {"name": "X", "dataRegion": "eu01", "billingType": "trial"}
    )
    assert created.status_code == 403
    assert api.get("/partner/v1/admins").status_code == 403
    group = GroupFactory(partner=partner)
    add = api.post(f"/partnerdesk/v1/customers/{assigned.uuid}/groups", {"groupId": group.id})
    assert add.status_code == 403
    assert not GroupMembership.objects.exists()
    assert Customer.objects.count() == 2


def test_business_admin_credential_sees_all_but_cannot_create_trials(
    partner: Partner, make_api_user: Callable[..., ApiUser]
) -> None:
    CustomerFactory.create_batch(3, partner=partner)
    api = make_api_user(partner, PartnerRole.BUSINESS_ADMIN)
    assert len(api.get("/partner/v1/tenants").json()["items"]) == 3
    created = api.post(
        "/partner/v1/tenants", {"name": "X", "dataRegion": "eu01", "billingType": "trial"}
    )
    assert created.status_code == 403


def test_assignment_refuses_another_partners_customer(
    partner: Partner, theirs: Customer, make_api_user: Callable[..., ApiUser]
) -> None:
    api = make_api_user(partner, PartnerRole.HELP_DESK)
    credential = APICredential.objects.get(pk=api.credential_pk)
    with pytest.raises(NotFound):
        credential_assign(credential=credential, customer_ids=[theirs.uuid])
    assert not credential.assignments.exists()


def test_forged_partner_header_changes_nothing(
    api_user: ApiUser, theirs: Customer, other_partner: Partner
) -> None:
    product("endpoint", code="endpoint-advanced")
    body = {
        "name": "Planted",
        "dataRegion": "eu01",
        "billingType": "trial",
        "products": [{"code": "endpoint-advanced"}],
    }
    forged = api_user.client.post(
        "/partner/v1/tenants",
        body,
        content_type="application/json",
        headers=api_user.partner_headers(other_partner.pk),
    )
    assert forged.status_code == 403
    assert list(Customer.objects.values_list("show_as", flat=True)) == ["Theirs"]
    group = GroupFactory(partner=other_partner)
    moved = api_user.client.post(
        f"/partnerdesk/v1/customers/{theirs.uuid}/groups",
        {"groupId": group.id},
        content_type="application/json",
        headers=api_user.partner_headers(other_partner.pk),
    )
    assert moved.status_code == 403
    assert not GroupMembership.objects.exists()
