"""G-1 in the customer's console: the customer logo service, and who may use it."""

from __future__ import annotations

import pytest

from partnerdesk.audit.models import AuditEvent
from partnerdesk.console.logos import (
    customer_logo,
    customer_logo_remove,
    customer_logo_set,
    logo_response,
)
from partnerdesk.console.models import CustomerLogo
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import ConsoleRole, PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from tests.core import logo_files as files
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental")


def console_actor(
    customer: Customer, role: ConsoleRole = ConsoleRole.ADMIN, *, delegated: bool = False
) -> Actor:
    return Actor(
        partner_id=None,
        role=None,
        user_id=None,
        display_name="Dana Admin",
        customer_id=customer.pk,
        console_role=role,
        delegated_session_id=7 if delegated else None,
        via_partner_id=customer.partner_id if delegated else None,
        via_partner="Northwind MSP" if delegated else "",
    )


def nothing_stored() -> None:
    assert not CustomerLogo.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="customer_logo").exists()


@pytest.mark.parametrize("role", [ConsoleRole.SUPER_ADMIN, ConsoleRole.ADMIN])
def test_console_admins_set_the_logo_audited_in_the_customers_log(
    role: ConsoleRole, customer: Customer
) -> None:
    logo = customer_logo_set(
        actor=console_actor(customer, role), customer=customer, upload=files.png(), filename="a"
    )
    assert logo.customer_id == customer.pk and logo.partner_id == customer.partner_id
    event = AuditEvent.objects.get(action="customer_logo.set")
    # A customer admin's own change stays in the customer's log.
    assert event.customer_id == customer.pk and event.partner_id is None
    assert event.after is not None and event.after["sha256"] == logo.sha256
    assert "image" not in event.after
    assert customer_logo(console_actor(customer, ConsoleRole.READ_ONLY), customer) == logo


def test_delegated_admin_session_may_set_it(customer: Customer) -> None:
    actor = console_actor(customer, ConsoleRole.ADMIN, delegated=True)
    customer_logo_set(actor=actor, customer=customer, upload=files.jpeg(), filename="a.jpg")
    event = AuditEvent.objects.get(action="customer_logo.set")
    assert event.actor_label == "Dana Admin via Northwind MSP"
    # A partner's change in the console is in the partner's log too.
    assert event.partner_id == customer.partner_id


@pytest.mark.parametrize("role", [ConsoleRole.HELP_DESK, ConsoleRole.READ_ONLY])
def test_help_desk_and_read_only_console_roles_are_refused(
    role: ConsoleRole, customer: Customer
) -> None:
    with pytest.raises(PermissionDenied):
        customer_logo_set(
            actor=console_actor(customer, role), customer=customer, upload=files.png()
        )
    nothing_stored()


def test_console_actor_of_another_customer_gets_not_found(customer: Customer) -> None:
    stranger = CustomerFactory(partner=customer.partner)
    with pytest.raises(NotFound):
        customer_logo_set(actor=console_actor(stranger), customer=customer, upload=files.png())
    with pytest.raises(NotFound):
        customer_logo_remove(actor=console_actor(stranger), customer=customer)
    with pytest.raises(NotFound):
        customer_logo(console_actor(stranger), customer)
    nothing_stored()


def test_partner_actor_is_not_a_console_actor(customer: Customer) -> None:
    partner_side = Actor(partner_id=customer.partner_id, role=PartnerRole.SUPER_ADMIN, user_id=1)
    with pytest.raises(NotFound):
        customer_logo_set(actor=partner_side, customer=customer, upload=files.png())
    nothing_stored()


@pytest.mark.parametrize(
    "data", [files.SVG_WITH_SCRIPT, files.png_declaring(60000, 60000), files.PDF, b""]
)
def test_refused_upload_stores_nothing(data: bytes, customer: Customer) -> None:
    with pytest.raises(ValidationFailed):
        customer_logo_set(
            actor=console_actor(customer), customer=customer, upload=data, filename="logo.png"
        )
    nothing_stored()


def test_remove_is_audited_and_then_not_found(customer: Customer) -> None:
    actor = console_actor(customer)
    logo = customer_logo_set(actor=actor, customer=customer, upload=files.png())
    customer_logo_remove(actor=actor, customer=customer)
    assert not CustomerLogo.objects.exists()
    event = AuditEvent.objects.get(action="customer_logo.removed")
    assert event.before is not None and event.before["sha256"] == logo.sha256
    assert event.customer_id == customer.pk and event.partner_id is None
    with pytest.raises(NotFound):
        customer_logo_remove(actor=actor, customer=customer)


def test_read_only_cannot_remove(customer: Customer) -> None:
    customer_logo_set(actor=console_actor(customer), customer=customer, upload=files.png())
    with pytest.raises(PermissionDenied):
        customer_logo_remove(
            actor=console_actor(customer, ConsoleRole.READ_ONLY), customer=customer
        )
    assert CustomerLogo.objects.count() == 1


def test_logo_response_serves_a_customer_logo(customer: Customer) -> None:
    logo = customer_logo_set(actor=console_actor(customer), customer=customer, upload=files.jpeg())
    response = logo_response(logo)
    assert response["Content-Type"] == "image/jpeg" and response.content == bytes(logo.image)
    assert response["X-Content-Type-Options"] == "nosniff"
