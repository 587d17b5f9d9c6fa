"""N-1: "Name shown as" is edited from the contact pop-up, validated, and never silently
overwritten; N-2/N-3: the change becomes one outbound event in the same transaction."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.outbound.models import OutboundEvent
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental")


def rename(client: Client, customer: Customer, name: str, version: int = 1, **headers: str) -> Any:
    return client.post(
        f"/customers/{customer.uuid}/rename/", {"show_as": name, "version": version}, **headers
    )


def test_n1_edit_is_offered_in_the_contact_popup(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    page = client_for(super_admin).get(f"/customers/{customer.uuid}/contact/").content.decode()
    assert f"/customers/{customer.uuid}/rename/" in page
    assert "Edit" in page


def test_n1_rename_saves_audits_and_emits_one_event(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    response = rename(
        client_for(super_admin), customer, "  Harbour Dental Group ", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Harbour Dental Group" in response.content.decode()
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dental Group"
    assert customer.version == 2
    event = AuditEvent.objects.get(action="customer.renamed")
    assert event.before == {"show_as": "Harbour Dental"}
    assert event.after == {"show_as": "Harbour Dental Group"}
    [outbound] = OutboundEvent.objects.filter(event_type="customer.renamed")
    assert outbound.payload["showAs"] == "Harbour Dental Group"
    assert outbound.customer_id == customer.pk


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "cannot be empty"),
        ("    ", "cannot be empty"),
        ("x" * 101, "at most 100 characters; this one has 101"),
        ("Harbour\tDental", "control characters"),
        ("Harbour\nDental", "control characters"),
        ("Harbour\x00Dental", "control characters"),
    ],
)
def test_n1_bad_names_are_refused_with_a_message(
    customer: Customer,
    super_admin: Any,
    client_for: Callable[..., Client],
    name: str,
    message: str,
) -> None:
    response = rename(client_for(super_admin), customer, name)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dental"
    assert not AuditEvent.objects.filter(action="customer.renamed").exists()
    assert not OutboundEvent.objects.exists()


def test_n1_second_of_two_concurrent_edits_is_refused_as_stale(
    customer: Customer,
    super_admin: Any,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
) -> None:
    first = client_for(super_admin)
    second = client_for(make_user(customer.partner, PartnerRole.SUPER_ADMIN))
    # Both opened the editor at version 1.
    assert rename(first, customer, "Harbour Dental Group", version=1).status_code == 302
    response = rename(second, customer, "Harbour Dentistry", version=1)
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Someone else renamed this customer" in page
    assert "Harbour Dental Group" in page
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dental Group"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert rename(second, customer, "Harbour Dentistry", version=2).status_code == 302
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dentistry"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (PartnerRole.SUPER_ADMIN, True),
        (PartnerRole.ADMIN, True),
        (PartnerRole.HELP_DESK, False),
        (PartnerRole.READ_ONLY, False),
        (PartnerRole.BUSINESS_ADMIN, False),
    ],
)
def test_n1_only_super_admins_and_admins_rename(
    customer: Customer,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
    role: PartnerRole,
    allowed: bool,
) -> None:
    user = make_user(customer.partner, role)
    assign(user, customer)
    response = rename(client_for(user), customer, "New name")
    assert response.status_code == (302 if allowed else 403)
    customer.refresh_from_db()
    assert (customer.show_as == "New name") == allowed


def test_n1_other_partner_cannot_rename(
    customer: Customer,
    other_partner: Partner,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
) -> None:
    response = rename(client_for(make_user(other_partner)), customer, "Taken over")
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.show_as == "Harbour Dental"
