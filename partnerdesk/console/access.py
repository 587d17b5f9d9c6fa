"""Who is in a customer's console: one of its customer admins, or a partner user in a
delegated (Launch customer) session. Built once per request from the session, never from input;
the URL only names which console is asked for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from partnerdesk.accounts.models import CustomerAdmin, User
from partnerdesk.console.models import DelegatedSession
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, NotFound, PermissionDenied
from partnerdesk.core.permissions import Action, ConsoleRole
from partnerdesk.customers.models import Customer

SESSION_KEY = "delegated_sessions"
CONSOLE_NOT_FOUND = "No such customer console."


class SessionEnded(PermissionDenied):
    """A delegated session that has stopped: expired, or Partner Assistance turned off (P-5)."""

    code = "delegatedSessionEnded"


@dataclass(frozen=True, slots=True)
class Console:
    """The console a request works in, and who works in it."""

    customer: Customer
    actor: Actor
    delegated: DelegatedSession | None = None


def _uuid(value: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def partner_actor_of(user: User, address: str | None) -> Actor:
    return Actor(
        partner_id=user.partner_id,
        role=user.role,
        user_id=user.pk,
        display_name=user.get_full_name() or user.get_username(),
        address=address,
    )


def delegated_ids(request: HttpRequest) -> dict[str, int]:
    value = request.session.get(SESSION_KEY, {})
    return value if isinstance(value, dict) else {}


def remember_delegated(request: HttpRequest, session: DelegatedSession) -> None:
    ids = delegated_ids(request)
    ids[str(session.customer.uuid)] = session.pk
    request.session[SESSION_KEY] = ids


def forget_delegated(request: HttpRequest, customer: Customer) -> None:
    ids = delegated_ids(request)
    if ids.pop(str(customer.uuid), None) is not None:
        request.session[SESSION_KEY] = ids


def console_for(request: HttpRequest, customer_id: str | uuid.UUID) -> Console:
    """The console of this customer for the signed-in user, or NotFound (missing and foreign
    alike); SessionEnded when a delegated session has just stopped."""
    user: AbstractBaseUser | AnonymousUser = request.user
    key = _uuid(customer_id)
    if key is None or not isinstance(user, User) or not user.is_active:
        raise NotFound(CONSOLE_NOT_FOUND)
    customer = Customer.objects.filter(uuid=key, unlinked_at__isnull=True).first()
    if customer is None:
        raise NotFound(CONSOLE_NOT_FOUND)
    address = request.META.get("REMOTE_ADDR")
    membership = CustomerAdmin.objects.filter(user=user, customer=customer).first()
    if membership is not None:
        actor = Actor(
            partner_id=None,
            role=None,
            user_id=user.pk,
            display_name=user.get_full_name() or user.get_username(),
            address=address,
            customer_id=customer.pk,
            console_role=membership.console_role,
        )
        return Console(customer=customer, actor=actor)
    return _delegated_console(request, user, customer, address)


def _delegated_console(
    request: HttpRequest, user: User, customer: Customer, address: str | None
) -> Console:
    session_id = delegated_ids(request).get(str(customer.uuid))
    session = (
        DelegatedSession.objects.filter(pk=session_id, user=user, customer=customer).first()
        if session_id
        else None
    )
    if session is None:
        raise NotFound(CONSOLE_NOT_FOUND)
    reason = session.end_reason if session.ended_at is not None else ""
    if not reason and timezone.now() >= session.expires_at:
        reason = "expired"
    elif not reason and not customer.partner_assistance:
        reason = "partner_assistance_off"
    if reason:
        _end(session, reason)
        raise _ended(customer, reason)
    partner_actor = partner_actor_of(user, address)
    still_allowed = partner_actor.can(Action.LAUNCH_CUSTOMER) and (
        Customer.objects.visible_to(partner_actor).filter(pk=customer.pk).exists()
    )
    if not still_allowed:
        _end(session, "access_removed")
        raise NotFound(CONSOLE_NOT_FOUND)
    actor = Actor(
        partner_id=None,
        role=None,
        user_id=user.pk,
        display_name=session.user_label,
        address=address,
        customer_id=customer.pk,
        console_role=ConsoleRole(session.console_role),
        delegated_session_id=session.pk,
        via_partner_id=session.partner_id,
        via_partner=session.partner_label,
    )
    return Console(customer=customer, actor=actor, delegated=session)


def _ended(customer: Customer, reason: str) -> DomainError:
    if reason == "expired":
        return SessionEnded(
            f"Your session in {customer.show_as}'s console ended after 8 hours. "
            "Launch the customer again to continue."
        )
    if reason == "partner_assistance_off":
        return SessionEnded(
            f"{customer.show_as} turned Partner Assistance off, so your session in its console "
            "has ended. Request the customer's approval to work in it again."
        )
    if reason == "ended_by_user":
        return SessionEnded(f"You ended your session in {customer.show_as}'s console.")
    return NotFound(CONSOLE_NOT_FOUND)


def _end(session: DelegatedSession, reason: str) -> None:
    DelegatedSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )
