"""Reads of partner users and API credentials, each scoped to the actor's partner."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import Lower

from partnerdesk.accounts.models import APICredential, User
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.core.permissions import Action
from partnerdesk.customers.models import Customer


def credentials_for(actor: Actor) -> QuerySet[APICredential]:
    """The partner's credentials, newest first, for Super Admins (A-5)."""
    actor.require(Action.MANAGE_PARTNER)
    return (
        APICredential.objects.filter(partner_id=actor.partner_pk, customer__isnull=True)
        .annotate(assigned=Count("assignments"))
        .order_by("revoked_at", "-created_at", "-id")
    )


def partner_users(actor: Actor) -> QuerySet[User]:
    """The partner's active users (the admins of `/partner/v1/admins`)."""
    if not actor.is_partner_actor:
        return User.objects.none()
    return User.objects.filter(partner_id=actor.partner_pk, is_active=True).order_by(
        "last_name", "first_name", "id"
    )


def partner_user_for(actor: Actor, user_id: int | str) -> User:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        raise NotFound("No such admin.") from None
    user = partner_users(actor).filter(pk=key).first()
    if user is None:
        raise NotFound("No such admin.")
    return user


def credential_for(actor: Actor, credential_id: int | str) -> APICredential:
    """One of the partner's credentials, for Super Admins; NotFound otherwise."""
    try:
        key = int(credential_id)
    except (TypeError, ValueError):
        raise NotFound("No such credential.") from None
    credential = credentials_for(actor).filter(pk=key).first()
    if credential is None:
        raise NotFound("No such credential.")
    return credential


def assigned_customers(credential: APICredential, limit: int = 200) -> list[Customer]:
    """The customers assigned to a credential, by name (the first `limit`)."""
    return list(
        Customer.objects.linked()
        .filter(credential_assignments__credential=credential)
        .order_by(Lower("show_as"), "id")[:limit]
    )
