"""Writes to customers and their groups. Each checks permission, validates, and changes data
inside one transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for, group_for
from partnerdesk.customers.models import Customer, CustomerGroup, GroupMembership


def customer_group_add(*, actor: Actor, customer_id: str, group_id: int | str) -> GroupMembership:
    """D-2: put a customer into one of the partner's existing groups (Super Admins only)."""
    customer: Customer = customer_for(actor, customer_id, for_action=Action.MANAGE_GROUPS)
    group: CustomerGroup = group_for(actor, group_id)
    try:
        with transaction.atomic():
            return GroupMembership.objects.create(
                partner_id=customer.partner_id, group=group, customer=customer
            )
    except IntegrityError:
        raise Conflict(
            f"{customer.show_as} is already in the group {group.name}.", code="alreadyMember"
        ) from None


def customer_group_remove(*, actor: Actor, customer_id: str, group_id: int | str) -> None:
    """D-2: take a customer out of a group (Super Admins only)."""
    customer = customer_for(actor, customer_id, for_action=Action.MANAGE_GROUPS)
    group = group_for(actor, group_id)
    with transaction.atomic():
        deleted, _ = GroupMembership.objects.filter(group=group, customer=customer).delete()
    if not deleted:
        raise Conflict(f"{customer.show_as} is not in the group {group.name}.", code="notMember")
