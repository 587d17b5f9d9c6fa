"""Writes to customers and their groups. Each checks permission, validates, changes data inside
one transaction and records the change in the audit log."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from partnerdesk.audit.services import audit_record
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
            membership = GroupMembership.objects.create(
                partner_id=customer.partner_id, group=group, customer=customer
            )
            audit_record(
                actor=actor,
                action="group.member_added",
                target=group,
                label=f"{customer.show_as} → {group.name}",
                customer_id=customer.id,
                before={"member": False},
                after={"member": True, "group": group.name},
            )
            return membership
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
        if deleted:
            audit_record(
                actor=actor,
                action="group.member_removed",
                target=group,
                label=f"{customer.show_as} ← {group.name}",
                customer_id=customer.id,
                before={"member": True, "group": group.name},
                after={"member": False},
            )
    if not deleted:
        raise Conflict(f"{customer.show_as} is not in the group {group.name}.", code="notMember")
