"""The customer's console (issue 6): P-1 to P-5, B-7 and S-2, rule by rule."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from partnerdesk.audit.models import AuditEvent
from partnerdesk.console.models import DelegatedSession, EarlyAccessEnrollment, EarlyAccessProgram
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.approvals import approval_requests_expire
from partnerdesk.customers.models import ApprovalRequest, Customer
from partnerdesk.customers.notify import approval_request_email
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, assign, customer_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental", partner_assistance=False)


@pytest.fixture
def admin_client(customer: Customer) -> Client:
    c = Client()
    c.force_login(customer_admin(customer, "super_admin", email="owner@harbour.example"))
    return c


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def console(customer: Customer, rest: str = "") -> str:
    return f"/console/{customer.uuid}/{rest}"


def assistance_on(customer: Customer) -> None:
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=True)


def launch(client: Client, customer: Customer) -> None:
    response = client.post(f"/customers/{customer.uuid}/launch/")
    assert response.status_code == 302, response.content
    assert response["Location"] == console(customer)


# --- P-1: only the customer's admins turn Partner Assistance on or off --------------------


def test_p1_customer_super_admin_turns_partner_assistance_on_and_off(
    admin_client: Client, customer: Customer
) -> None:
    admin_client.post(console(customer, "settings/partner-assistance/"), {"enabled": "on"})
    customer.refresh_from_db()
    assert customer.partner_assistance
    admin_client.post(console(customer, "settings/partner-assistance/"), {})
    customer.refresh_from_db()
    assert not customer.partner_assistance
    kinds = list(AuditEvent.objects.filter(customer=customer).values_list("actor_kind", "action"))
    assert kinds.count(("customer_admin", "partner_assistance.changed")) == 2


def test_p1_read_only_customer_admin_cannot_toggle(customer: Customer) -> None:
    c = Client()
    c.force_login(customer_admin(customer, "read_only"))
    response = c.post(console(customer, "settings/partner-assistance/"), {"enabled": "on"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert not customer.partner_assistance


def test_p1_partner_cannot_toggle_even_in_a_delegated_session(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    c = client_for(super_admin)
    launch(c, customer)
    response = c.post(console(customer, "settings/partner-assistance/"), {})
    assert response.status_code == 403
    assert "Only the customer's own admins" in text(response)
    customer.refresh_from_db()
    assert customer.partner_assistance


def test_p1_partner_user_without_a_session_does_not_reach_the_console(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    c = client_for(super_admin)
    assert c.get(console(customer)).status_code == 404
    assert c.post(console(customer, "settings/partner-assistance/"), {}).status_code == 404


# --- P-3: approval requests ----------------------------------------------------------------


def request_approval(client: Client, customer: Customer, message: str = "") -> int:
    return client.post(
        f"/customers/{customer.uuid}/request-approval/", {"message": message}
    ).status_code


def test_p3_request_shows_in_console_and_approval_turns_assistance_on(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client], admin_client: Client
) -> None:
    assert request_approval(client_for(super_admin), customer, "Monthly patching") == 302
    home = text(admin_client.get(console(customer)))
    assert "Your partner asks for Partner Assistance" in home
    assert "Monthly patching" in home
    req = ApprovalRequest.objects.get(customer=customer)
    admin_client.post(console(customer, f"approvals/{req.uuid}/"), {"decision": "approve"})
    req.refresh_from_db()
    customer.refresh_from_db()
    assert req.status == "approved"
    assert customer.partner_assistance
    partner_log = AuditEvent.objects.filter(partner=customer.partner, customer=customer)
    assert {"approval_request.created", "approval_request.approved"} <= set(
        partner_log.values_list("action", flat=True)
    )


def test_p3_deny_keeps_assistance_off(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client], admin_client: Client
) -> None:
    request_approval(client_for(super_admin), customer)
    req = ApprovalRequest.objects.get(customer=customer)
    admin_client.post(console(customer, f"approvals/{req.uuid}/"), {"decision": "deny"})
    req.refresh_from_db()
    customer.refresh_from_db()
    assert req.status == "denied"
    assert not customer.partner_assistance


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
def test_p3_only_super_admins_and_admins_request_approval(
    customer: Customer,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
    role: PartnerRole,
    allowed: bool,
) -> None:
    user = make_user(customer.partner, role)
    assign(user, customer)
    status = request_approval(client_for(user), customer)
    assert status == (302 if allowed else 403)
    assert ApprovalRequest.objects.filter(customer=customer).exists() == allowed


def test_p3_only_one_request_pending_per_customer(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    c = client_for(super_admin)
    assert request_approval(c, customer) == 302
    response = c.post(f"/customers/{customer.uuid}/request-approval/", {"message": ""})
    assert response.status_code == 409
    assert "already pending" in text(response)
    assert ApprovalRequest.objects.filter(customer=customer).count() == 1


def test_p3_request_refused_when_assistance_already_on(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    response = client_for(super_admin).post(f"/customers/{customer.uuid}/request-approval/")
    assert response.status_code == 409
    assert "already on" in text(response)


def test_p3_request_message_too_long_is_refused_with_a_message(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    response = client_for(super_admin).post(
        f"/customers/{customer.uuid}/request-approval/", {"message": "x" * 501}
    )
    assert response.status_code == 400
    assert "at most 500 characters" in text(response)
    assert not ApprovalRequest.objects.exists()


def test_p3_request_expires_after_30_days(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client], admin_client: Client
) -> None:
    c = client_for(super_admin)
    request_approval(c, customer)
    req = ApprovalRequest.objects.get(customer=customer)
    old = timezone.now() - dt.timedelta(days=31)
    ApprovalRequest.objects.filter(pk=req.pk).update(
        created_at=old, expires_at=old + dt.timedelta(days=30)
    )
    # The console no longer offers it, and answering it is refused.
    assert "asks for Partner Assistance" not in text(admin_client.get(console(customer)))
    response = admin_client.post(
        console(customer, f"approvals/{req.uuid}/"), {"decision": "approve"}
    )
    assert response.status_code == 409
    assert "expired" in text(response)
    customer.refresh_from_db()
    assert not customer.partner_assistance
    # A new request can now be sent.
    assert request_approval(c, customer) == 302
    assert ApprovalRequest.objects.filter(customer=customer, status="pending").count() == 1


def test_p3_daily_job_marks_old_requests_expired(customer: Customer) -> None:
    now = timezone.now()
    ApprovalRequest.objects.create(
        partner=customer.partner,
        customer=customer,
        requested_by_label="Sam",
        created_at=now - dt.timedelta(days=30, seconds=1),
        expires_at=now - dt.timedelta(seconds=1),
    )
    assert approval_requests_expire(now) == 1
    assert ApprovalRequest.objects.get().status == "expired"


def test_p3_notification_email_goes_to_the_customers_admins(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client], admin_client: Client
) -> None:
    customer_admin(customer, "admin", email="it@harbour.example")
    customer_admin(customer, "read_only", email="viewer@harbour.example")
    request_approval(client_for(super_admin), customer, "Please let us in")
    req = ApprovalRequest.objects.get(customer=customer)
    assert approval_request_email(req.pk) == 2
    [message] = mail.outbox
    assert sorted(message.to) == ["it@harbour.example", "owner@harbour.example"]
    assert "Partner Assistance" in message.subject
    assert f"/console/{customer.uuid}/" in message.body
    assert "Please let us in" in message.body


def test_p3_answering_is_for_the_customers_admins_only(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    request_approval(client_for(super_admin), customer)
    req = ApprovalRequest.objects.get(customer=customer)
    reader = Client()
    reader.force_login(customer_admin(customer, "read_only"))
    response = reader.post(console(customer, f"approvals/{req.uuid}/"), {"decision": "approve"})
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == "pending"


# --- P-4: Launch customer --------------------------------------------------------------------


def test_p4_launch_refused_while_assistance_is_off(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    response = client_for(super_admin).post(f"/customers/{customer.uuid}/launch/")
    assert response.status_code == 409
    assert "Partner Assistance is off" in text(response)
    assert not DelegatedSession.objects.exists()


@pytest.mark.parametrize("assistance", [True, False])
@pytest.mark.parametrize("role", list(PartnerRole))
def test_p4_launch_is_offered_exactly_when_the_service_accepts_it(
    customer: Customer,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
    role: PartnerRole,
    assistance: bool,
) -> None:
    """The Customers row and the details page show Launch by `launch_allowed`, the same rule
    `delegated_session_start` enforces: every role, with Partner Assistance on and off."""
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=assistance)
    user = make_user(customer.partner, role)
    assign(user, customer)
    c = client_for(user)
    launch_url = f"/customers/{customer.uuid}/launch/"
    offered_in_list = launch_url in text(c.get("/customers/"))
    offered_in_details = "Launch customer</button>" in text(c.get(f"/customers/{customer.uuid}/"))
    accepted = c.post(launch_url).status_code == 302
    assert offered_in_list == offered_in_details == accepted, (role, assistance)
    assert accepted == (assistance and role is not PartnerRole.BUSINESS_ADMIN)
    assert DelegatedSession.objects.filter(user=user).exists() == accepted


@pytest.mark.parametrize(
    ("role", "console_role"),
    [
        (PartnerRole.SUPER_ADMIN, "admin"),
        (PartnerRole.ADMIN, "admin"),
        (PartnerRole.HELP_DESK, "help_desk"),
        (PartnerRole.READ_ONLY, "read_only"),
    ],
)
def test_p4_session_role_is_mapped_from_the_partner_role(
    customer: Customer,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
    role: PartnerRole,
    console_role: str,
) -> None:
    assistance_on(customer)
    user = make_user(customer.partner, role)
    assign(user, customer)
    c = client_for(user)
    launch(c, customer)
    session = DelegatedSession.objects.get(user=user)
    assert session.console_role == console_role
    assert session.expires_at - session.started_at == dt.timedelta(hours=8)
    page = text(c.get(console(customer)))
    assert 'aria-label="Delegated session"' in page
    assert f"via {customer.partner.name}" in " ".join(page.split()) or customer.partner.name in page


def test_p4_business_admin_cannot_launch(
    customer: Customer, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    response = client_for(make_user(customer.partner, PartnerRole.BUSINESS_ADMIN)).post(
        f"/customers/{customer.uuid}/launch/"
    )
    assert response.status_code == 403


def test_p4_unassigned_admin_cannot_launch(
    customer: Customer, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    response = client_for(make_user(customer.partner, PartnerRole.ADMIN)).post(
        f"/customers/{customer.uuid}/launch/"
    )
    assert response.status_code == 404


def test_p4_actions_in_the_session_are_audited_as_user_via_partner(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    program = EarlyAccessProgram.objects.create(name="Preview", allows_usage_billing=True)
    c = client_for(super_admin)
    launch(c, customer)
    c.post(console(customer, f"early-access/{program.pk}/"), {"action": "join"})
    event = AuditEvent.objects.get(action="early_access.joined")
    name = super_admin.get_full_name() or super_admin.username
    assert event.actor_kind == "delegated"
    assert event.actor_label == f"{name} via {customer.partner.name}"
    assert event.partner_id == customer.partner_id
    assert event.customer_id == customer.pk


def test_p4_session_ends_after_8_hours(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    c = client_for(super_admin)
    launch(c, customer)
    DelegatedSession.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = c.get(console(customer))
    assert response.status_code == 403
    assert "ended after 8 hours" in text(response)
    assert DelegatedSession.objects.get().end_reason == "expired"


def test_p4_session_stops_when_the_partner_user_loses_the_customer(
    customer: Customer, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    user = make_user(customer.partner, PartnerRole.ADMIN)
    assignment = assign(user, customer)
    c = client_for(user)
    launch(c, customer)
    assignment.delete()
    assert c.get(console(customer)).status_code == 404


# --- P-5: turning Partner Assistance off stops open sessions ------------------------------


def test_p5_turning_assistance_off_ends_the_session_at_its_next_request(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client], admin_client: Client
) -> None:
    assistance_on(customer)
    partner_client = client_for(super_admin)
    launch(partner_client, customer)
    assert partner_client.get(console(customer)).status_code == 200
    admin_client.post(console(customer, "settings/partner-assistance/"), {})
    response = partner_client.get(console(customer, "settings/"))
    assert response.status_code == 403
    assert "turned Partner Assistance off" in text(response)
    assert partner_client.get(console(customer)).status_code == 404
    assert DelegatedSession.objects.get().ended_at is not None


def test_p5_session_stops_even_if_assistance_is_cleared_directly(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    assistance_on(customer)
    c = client_for(super_admin)
    launch(c, customer)
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=False)
    assert c.get(console(customer)).status_code == 403
    assert DelegatedSession.objects.get().end_reason == "partner_assistance_off"


# --- Isolation between consoles --------------------------------------------------------------


def test_delegated_session_into_x_cannot_reach_y(
    customer: Customer, partner: Partner, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    other = CustomerFactory(partner=partner, partner_assistance=True)
    assistance_on(customer)
    c = client_for(super_admin)
    launch(c, customer)
    for path in ("", "settings/", "audit/", "logo/"):
        assert c.get(console(other, path)).status_code == 404


def test_customer_admin_reaches_only_its_own_console(
    admin_client: Client, partner: Partner
) -> None:
    other = CustomerFactory(partner=partner)
    assert admin_client.get(console(other)).status_code == 404
    assert admin_client.get("/console/not-a-uuid/").status_code == 404
    assert admin_client.get("/customers/").status_code == 403
    assert admin_client.get(f"/customers/{other.uuid}/").status_code == 403


def test_customer_admin_lands_in_its_console_after_sign_in(
    admin_client: Client, customer: Customer
) -> None:
    response = admin_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == console(customer)


# --- B-7: early access -----------------------------------------------------------------------


def test_b7_customer_admin_joins_and_leaves_a_program(
    admin_client: Client, customer: Customer
) -> None:
    program = EarlyAccessProgram.objects.create(name="Linux beta", allows_usage_billing=False)
    admin_client.post(console(customer, f"early-access/{program.pk}/"), {"action": "join"})
    assert EarlyAccessEnrollment.objects.filter(customer=customer, program=program).exists()
    admin_client.post(console(customer, f"early-access/{program.pk}/"), {"action": "leave"})
    assert not EarlyAccessEnrollment.objects.exists()


def test_b7_usage_customer_refused_where_program_does_not_allow_usage_billing(
    partner: Partner,
) -> None:
    usage = CustomerFactory(partner=partner, billing_type="usage")
    c = Client()
    c.force_login(customer_admin(usage, "admin"))
    closed = EarlyAccessProgram.objects.create(name="Linux beta", allows_usage_billing=False)
    response = c.post(console(usage, f"early-access/{closed.pk}/"), {"action": "join"})
    assert response.status_code == 409
    assert "not open to customers billed by monthly usage" in text(response)
    assert not EarlyAccessEnrollment.objects.exists()
    open_program = EarlyAccessProgram.objects.create(name="Preview", allows_usage_billing=True)
    c.post(console(usage, f"early-access/{open_program.pk}/"), {"action": "join"})
    assert EarlyAccessEnrollment.objects.filter(program=open_program).exists()


# --- S-2: the customer's own audit log shows what partners did --------------------------


def test_s2_customer_log_shows_partner_actions(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client], admin_client: Client
) -> None:
    assistance_on(customer)
    partner_client = client_for(super_admin)
    launch(partner_client, customer)
    partner_client.post(
        f"/customers/{customer.uuid}/rename/", {"show_as": "Harbour Dental Group", "version": 1}
    )
    page = text(admin_client.get(console(customer, "audit/")))
    assert "Customer console launched" in page
    assert "Customer renamed" in page
    assert customer.partner.name in page
