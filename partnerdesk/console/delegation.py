"""Launch customer (P-4): delegated sessions into a customer's console, and their end."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record
from partnerdesk.console.models import DelegatedSession
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, PermissionDenied
from partnerdesk.core.permissions import CONSOLE_ROLE_FOR_PARTNER_ROLE, Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner

SESSION_HOURS = 8


def launch_allowed(actor: Actor, customer: Customer) -> bool:
    """Whether `delegated_session_start` would open a session into this customer, which the
    actor already sees (P-4): a signed-in partner user whose role launches, and Partner
    Assistance on. Pages offer Launch only then; the service still refuses with the reason."""
    return (
        actor.role is not None
        and actor.user_id is not None
        and actor.can(Action.LAUNCH_CUSTOMER)
        and customer.partner_assistance
    )


def delegated_session_start(*, actor: Actor, customer_id: str) -> DelegatedSession:
    """Open a delegated session with the console role mapped from the partner role (P-4)."""
    customer = customer_for(actor, customer_id, for_action=Action.LAUNCH_CUSTOMER)
    if actor.role is None or actor.user_id is None:
        raise PermissionDenied("Only a signed-in partner user can launch a customer's console.")
    if not customer.partner_assistance:
        raise Conflict(
            f"Partner Assistance is off for {customer.show_as}. Request the customer's approval "
            "first; once an admin of the customer approves, you can launch its console.",
            code="partnerAssistanceOff",
        )
    now = timezone.now()
    partner = Partner.objects.get(pk=actor.partner_pk)
    with transaction.atomic():
        session = DelegatedSession.objects.create(
            partner_id=actor.partner_pk,
            customer=customer,
            user_id=actor.user_id,
            user_label=actor.display_name,
            partner_label=partner.name,
            console_role=CONSOLE_ROLE_FOR_PARTNER_ROLE[actor.role].value,
            started_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS),
        )
        audit_record(
            actor=actor,
            action="customer.launched",
            target=customer,
            customer_id=customer.pk,
            after={"console_role": session.console_role, "expires_at": session.expires_at},
        )
    return session


def delegated_session_end(*, actor: Actor) -> None:
    """End the actor's own delegated session ("End session" in the banner)."""
    session_id = actor.delegated_session_id
    if session_id is None:
        raise PermissionDenied("This is not a delegated session.")
    with transaction.atomic():
        ended = DelegatedSession.objects.filter(pk=session_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="ended_by_user"
        )
        if ended:
            session = DelegatedSession.objects.select_related("customer").get(pk=session_id)
            audit_record(actor=actor, action="delegated_session.ended", target=session.customer)


def delegated_sessions_end_for(*, customer_id: int, reason: str) -> int:
    """Stop every open delegated session into a customer (P-5); returns how many."""
    return DelegatedSession.objects.filter(customer_id=customer_id, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )
