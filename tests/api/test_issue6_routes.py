"""A-4 for the console issue: rename (N-1) and approval requests (P-3) through the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import ApprovalRequest, Customer
from partnerdesk.outbound.models import OutboundEvent
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def send(api: ApiUser, method: str, path: str, body: Any = None) -> Any:
    return getattr(api.client, method)(
        path,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=api.partner_headers(),
    )


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental")


def test_rename_through_the_api(api_user: ApiUser, customer: Customer) -> None:
    response = send(
        api_user, "patch", f"/partnerdesk/v1/customers/{customer.uuid}", {"showAs": "Harbour Group"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"id": str(customer.uuid), "showAs": "Harbour Group", "version": 2}
    assert OutboundEvent.objects.filter(event_type="customer.renamed").count() == 1


def test_rename_with_stale_version_is_refused_with_the_current_name(
    api_user: ApiUser, customer: Customer
) -> None:
    send(
        api_user,
        "patch",
        f"/partnerdesk/v1/customers/{customer.uuid}",
        {"showAs": "First", "version": 1},
    )
    response = send(
        api_user,
        "patch",
        f"/partnerdesk/v1/customers/{customer.uuid}",
        {"showAs": "Second", "version": 1},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "stale"
    assert "“First”" in body["message"]
    customer.refresh_from_db()
    assert customer.show_as == "First"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\there"])
def test_rename_bad_names_are_400_with_a_message(
    api_user: ApiUser, customer: Customer, name: str
) -> None:
    response = send(
        api_user, "patch", f"/partnerdesk/v1/customers/{customer.uuid}", {"showAs": name}
    )
    assert response.status_code == 400
    assert response.json()["message"]
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dental"


def test_rename_refused_for_help_desk_credential(
    make_api_user: Callable[..., ApiUser], partner: Partner, customer: Customer
) -> None:
    api = make_api_user(partner, PartnerRole.HELP_DESK)
    response = send(api, "patch", f"/partnerdesk/v1/customers/{customer.uuid}", {"showAs": "Nope"})
    # Help Desk credentials see only assigned customers: this one answers as missing.
    assert response.status_code in (403, 404)
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dental"


def test_other_partner_cannot_rename_or_request(
    make_api_user: Callable[..., ApiUser], other_partner: Partner, customer: Customer
) -> None:
    api = make_api_user(other_partner)
    assert (
        send(
            api, "patch", f"/partnerdesk/v1/customers/{customer.uuid}", {"showAs": "X"}
        ).status_code
        == 404
    )
    assert (
        send(
            api, "post", f"/partnerdesk/v1/customers/{customer.uuid}/approval-requests", {}
        ).status_code
        == 404
    )
    assert (
        send(api, "get", f"/partnerdesk/v1/customers/{customer.uuid}/approval-requests").status_code
        == 404
    )
    assert not ApprovalRequest.objects.exists()


def test_approval_request_create_and_list(api_user: ApiUser, customer: Customer) -> None:
    path = f"/partnerdesk/v1/customers/{customer.uuid}/approval-requests"
    response = send(api_user, "post", path, {"message": "Policy roll-out"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending"
    assert created["customerId"] == str(customer.uuid)
    again = send(api_user, "post", path, {})
    assert again.status_code == 409
    assert "already pending" in again.json()["message"]
    listed = send(api_user, "get", path + "?pageTotal=true").json()
    assert [i["id"] for i in listed["items"]] == [created["id"]]
    assert listed["pages"]["items"] == 1
