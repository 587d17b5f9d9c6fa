"""Reads for the groups pages (D-2)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Lower

from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer, CustomerGroup, GroupMembership
from partnerdesk.customers.selectors import CustomerFilters, customer_queryset


@dataclass(slots=True)
class GroupSummary:
    group: CustomerGroup
    members: int


def group_summaries(actor: Actor) -> list[GroupSummary]:
    """The partner's groups with how many of the actor's visible customers are in each."""
    visible = Customer.objects.visible_to(actor).values("id")
    groups = (
        CustomerGroup.objects.filter(partner_id=actor.partner_pk)
        .annotate(members=Count("memberships", filter=Q(memberships__customer_id__in=visible)))
        .order_by(Lower("name"))
    )
    return [GroupSummary(g, g.members) for g in groups]  # type: ignore[attr-defined]


def group_non_members(
    actor: Actor, group: CustomerGroup, term: str, limit: int = 20
) -> list[Customer]:
    """Customers matching `term` that are not yet in `group`, for the add-members search."""
    qs = customer_queryset(actor, CustomerFilters(q=term)).exclude(
        id__in=GroupMembership.objects.filter(group=group).values("customer_id")
    )
    return list(qs[:limit])
