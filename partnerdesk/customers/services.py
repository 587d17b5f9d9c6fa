"""Writes to customers and their groups. Each checks permission, validates, changes data inside
one transaction and records the change in the audit log."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from partnerdesk.audit.services import audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, ValidationFailed
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


def _clean_group_fields(name: str, description: str) -> tuple[str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the group."
    elif len(name) > 80:
        errors["name"] = "Group names are at most 80 characters."
    elif any(ord(c) < 32 for c in name):
        errors["name"] = "Group names cannot contain control characters."
    if len(description) > 300:
        errors["description"] = "Descriptions are at most 300 characters."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    return name, description


def _name_taken(actor: Actor, name: str, exclude_id: int | None = None) -> bool:
    qs = CustomerGroup.objects.filter(partner_id=actor.partner_pk, name__iexact=name)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def _taken(name: str) -> Conflict:
    return Conflict(f"A group named “{name}” already exists.", code="groupNameTaken")


def customer_group_create(*, actor: Actor, name: str, description: str = "") -> CustomerGroup:
    """D-2: a new group; names are unique per partner whatever their case (Super Admins only)."""
    actor.require(Action.MANAGE_GROUPS)
    name, description = _clean_group_fields(name, description)
    if _name_taken(actor, name):
        raise _taken(name)
    try:
        with transaction.atomic():
            group = CustomerGroup.objects.create(
                partner_id=actor.partner_pk, name=name, description=description
            )
            audit_record(
                actor=actor,
                action="group.created",
                target=group,
                after={"name": name, "description": description},
            )
            return group
    except IntegrityError:  # a concurrent create of the same name won the race
        raise _taken(name) from None


def customer_group_update(
    *, actor: Actor, group_id: int | str, name: str, description: str = ""
) -> CustomerGroup:
    """D-2: rename a group or change its description (Super Admins only)."""
    actor.require(Action.MANAGE_GROUPS)
    group = group_for(actor, group_id)
    name, description = _clean_group_fields(name, description)
    if _name_taken(actor, name, exclude_id=group.pk):
        raise _taken(name)
    before = {"name": group.name, "description": group.description}
    try:
        with transaction.atomic():
            group.name, group.description = name, description
            group.save(update_fields=["name", "description"])
            audit_record(
                actor=actor,
                action="group.renamed",
                target=group,
                before=before,
                after={"name": name, "description": description},
            )
    except IntegrityError:
        raise _taken(name) from None
    return group


def customer_group_delete(*, actor: Actor, group_id: int | str) -> int:
    """D-2: delete a group; its customers stay, they only leave the group. Returns how many
    customers were in it."""
    actor.require(Action.MANAGE_GROUPS)
    group = group_for(actor, group_id)
    with transaction.atomic():
        members = GroupMembership.objects.filter(group=group).count()
        audit_record(
            actor=actor,
            action="group.deleted",
            target=group,
            before={"name": group.name, "description": group.description, "members": members},
        )
        group.delete()
    return members
