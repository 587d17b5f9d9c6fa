"""Reading the audit log: a partner reads its own; Admins only what touches their customers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet

from partnerdesk.audit.actions import ACTION_LABELS
from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer


@dataclass(frozen=True, slots=True)
class AuditFilters:
    customer: str = ""
    user: int | None = None
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


def _date(data: Mapping[str, str], name: str) -> dt.date | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"'{name}' must be a date like 2026-12-31.", fields={name: raw}
        ) from None


def _number(data: Mapping[str, str], name: str, default: int | None, hi: int) -> int | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= hi:
        raise ValidationFailed(f"'{name}' must be a whole number from 1 to {hi}.")
    return int(raw)


def parse_audit_filters(data: Mapping[str, str]) -> AuditFilters:
    action = (data.get("action") or "").strip()
    if action and action not in ACTION_LABELS:
        raise ValidationFailed("'action' is not a kind of change the log knows.")
    since, until = _date(data, "since"), _date(data, "until")
    if since and until and since > until:
        raise ValidationFailed("The start date must not be after the end date.")
    return AuditFilters(
        customer=(data.get("customer") or "").strip(),
        user=_number(data, "user", None, 2**62),
        action=action,
        since=since,
        until=until,
        page=_number(data, "page", 1, 10_000_000) or 1,
        page_size=_number(data, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE,
    )


def audit_events(actor: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The partner's audit events the actor may read, narrowed by the filters, newest first."""
    actor.require(Action.READ_AUDIT_LOG)
    # A customer admin's own changes carry the partner only where the partner must know them
    # (Partner Assistance, answers to its requests); the rest stays in the customer's log.
    qs = AuditEvent.objects.filter(partner_id=actor.partner_pk)
    if not actor.sees_all_customers:
        qs = qs.filter(customer__in=Customer.objects.visible_to(actor).values("id"))
    if filters.customer:
        qs = qs.filter(customer=customer_for(actor, filters.customer))
    if filters.user:
        qs = qs.filter(user_id=filters.user)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.since:
        qs = qs.filter(occurred_at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__date__lte=filters.until)
    return qs.select_related("customer").order_by("-occurred_at", "-id")


def audit_user_choices(actor: Actor) -> list[tuple[int, str]]:
    from partnerdesk.accounts.models import User

    users = User.objects.filter(partner_id=actor.partner_pk).order_by("username")
    return [(u.pk, u.get_full_name() or u.username) for u in users]


# How the partner organises its customers is the partner's business, not the customer's.
PARTNER_INTERNAL_ACTIONS = (
    "group.member_added",
    "group.member_removed",
    "api_credential.customer_assigned",
    "api_credential.customer_unassigned",
)


def customer_audit_events(customer: Customer) -> QuerySet[AuditEvent]:
    """S-2: the customer's own log, its admins' changes and what partners did to the tenant,
    in its console (delegated) or from the partner side. The caller has checked the console."""
    return (
        AuditEvent.objects.filter(customer_id=customer.pk)
        .exclude(action__in=PARTNER_INTERNAL_ACTIONS)
        .select_related("partner")
        .order_by("-occurred_at", "-id")
    )
