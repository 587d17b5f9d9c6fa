"""By-id lookups: the object within the actor's scope, or NotFound (missing and foreign alike)."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.core.permissions import Action
from partnerdesk.customers.models import Customer, CustomerGroup

CUSTOMER_NOT_FOUND = "No such customer."


def _as_uuid(value: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def customer_for(
    actor: Actor, customer_id: str | uuid.UUID, *, for_action: Action | None = None
) -> Customer:
    """The customer with this public id if the actor may see it; with `for_action`, the actor's
    role must also allow that action (PermissionDenied only once the customer is visible)."""
    key = _as_uuid(customer_id)
    customer = (
        Customer.objects.visible_to(actor).filter(uuid=key).first() if key is not None else None
    )
    if customer is None:
        raise NotFound(CUSTOMER_NOT_FOUND)
    if for_action is not None:
        actor.require(for_action)
    return customer


def group_for(actor: Actor, group_id: int | str) -> CustomerGroup:
    try:
        key = int(group_id)
    except (TypeError, ValueError):
        raise NotFound("No such group.") from None
    group = (
        CustomerGroup.objects.filter(partner_id=actor.partner_pk, id=key).first()
        if actor.is_partner_actor
        else None
    )
    if group is None:
        raise NotFound("No such group.")
    return group
