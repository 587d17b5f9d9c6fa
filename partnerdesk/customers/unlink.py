"""Unlinking customers (U-1 .. U-4): who may leave now, who later, who not yet and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import BillingType, Customer, ScheduledUnlink, UnlinkStatus
from partnerdesk.licensing.models import License, LicenseType
from partnerdesk.outbound.services import event_emit

REACTIVATION_DAYS = 60


@dataclass(frozen=True, slots=True)
class UnlinkOutcome:
    """What happens (or happened) to one customer: done, scheduled or refused, and why."""

    customer: Customer
    result: str  # "done" | "scheduled" | "refused"
    message: str
    on: dt.date | None = None


def first_of_next_month(today: dt.date) -> dt.date:
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _blocker(customer: Customer, today: dt.date) -> UnlinkOutcome | None:
    """U-1/U-2: the reason this customer cannot be unlinked yet, or None when it can."""
    licenses = list(License.objects.filter(customer=customer).select_related("product"))
    if customer.billing_type == BillingType.TRIAL and not any(
        lic.license_type == LicenseType.TERM for lic in licenses
    ):
        return None  # a free trial account with no term license (U-1)
    latest_possible: dt.date | None = None
    for lic in licenses:
        if lic.revoked_at is not None:
            continue
        if lic.license_type == LicenseType.USAGE and customer.billing_type == BillingType.USAGE:
            continue  # monthly usage ends with the month (U-3)
        if lic.ends_on is None or lic.ends_on >= today:
            ends = f", ends {lic.ends_on:%d %b %Y}" if lic.ends_on else ""
            return UnlinkOutcome(
                customer, "refused", f"It holds an active license: {lic.product.name}{ends}."
            )
        possible = lic.ends_on + dt.timedelta(days=REACTIVATION_DAYS + 1)
        if possible > today and (latest_possible is None or possible > latest_possible):
            latest_possible = possible
    if latest_possible is not None:
        return UnlinkOutcome(
            customer,
            "refused",
            "A license expired less than 60 days ago (the reactivation period); "
            f"unlinking is possible from {latest_possible:%d %b %Y}.",
            on=latest_possible,
        )
    return None


def unlink_preview(customer: Customer, today: dt.date) -> UnlinkOutcome:
    """What unlinking this customer would do today, without doing it."""
    blocked = _blocker(customer, today)
    if blocked:
        return blocked
    if customer.billing_type == BillingType.USAGE:
        due = first_of_next_month(today)
        return UnlinkOutcome(
            customer, "scheduled", f"Monthly usage customer: unlinked on {due:%d %b %Y}.", on=due
        )
    if customer.billing_type == BillingType.TRIAL:
        return UnlinkOutcome(customer, "done", "A free trial account without a term license.")
    return UnlinkOutcome(
        customer, "done", "Every license is revoked or expired for 60 days or more."
    )


def _unlink_now(actor: Actor, customer: Customer, *, action: str = "customer.unlinked") -> None:
    now = timezone.now()
    updated = Customer.objects.filter(pk=customer.pk, unlinked_at__isnull=True).update(
        unlinked_at=now
    )
    if updated:
        audit_record(
            actor=actor,
            action=action,
            target=customer,
            customer_id=customer.pk,
            partner_id=customer.partner_id,
            before={"linked": True},
            after={"linked": False, "unlinked_at": now},
        )
        if action == "customer.unlinked":
            event_emit(
                event_type="customer.unlinked",
                partner_id=customer.partner_id,
                customer_id=customer.pk,
                payload={"customerId": str(customer.uuid), "unlinkedAt": now.isoformat()},
            )


def customer_unlink(
    *, actor: Actor, customer_ids: list[str], confirmed: bool, today: dt.date | None = None
) -> list[UnlinkOutcome]:
    """U-4: unlink several customers after confirmation; each gets its own outcome. Customers
    the actor cannot see answer "not found" like any missing one."""
    actor.require(Action.UNLINK_CUSTOMERS)
    if not confirmed:
        raise Conflict(
            "Tick “Yes, make unlinking effective immediately” to confirm.", code="notConfirmed"
        )
    today = today or timezone.localdate()
    outcomes = []
    for customer_id in dict.fromkeys(customer_ids):
        try:
            customer = customer_for(actor, customer_id, for_action=Action.UNLINK_CUSTOMERS)
        except NotFound:
            continue
        with transaction.atomic():
            outcome = unlink_preview(customer, today)
            if outcome.result == "done":
                _unlink_now(actor, customer)
            elif outcome.result == "scheduled":
                outcome = _schedule(actor, customer, outcome)
        outcomes.append(outcome)
    return outcomes


def _schedule(actor: Actor, customer: Customer, outcome: UnlinkOutcome) -> UnlinkOutcome:
    assert outcome.on is not None
    try:
        with transaction.atomic():
            ScheduledUnlink.objects.create(
                partner_id=customer.partner_id,
                customer=customer,
                due_on=outcome.on,
                requested_by=actor.display_name,
            )
            audit_record(
                actor=actor,
                action="customer.unlink_scheduled",
                target=customer,
                customer_id=customer.pk,
                after={"due_on": outcome.on},
            )
    except IntegrityError:
        existing = ScheduledUnlink.objects.get(customer=customer, status=UnlinkStatus.SCHEDULED)
        return UnlinkOutcome(
            customer,
            "scheduled",
            f"Already scheduled for {existing.due_on:%d %b %Y}.",
            on=existing.due_on,
        )
    return outcome


def scheduled_unlink_cancel(*, actor: Actor, customer_id: str) -> ScheduledUnlink:
    """U-3: cancel a scheduled unlink before it is carried out."""
    customer = customer_for(actor, customer_id, for_action=Action.UNLINK_CUSTOMERS)
    with transaction.atomic():
        pending = ScheduledUnlink.objects.filter(
            customer=customer, status=UnlinkStatus.SCHEDULED
        ).first()
        if pending is None:
            raise Conflict(
                f"No unlink of {customer.show_as} is waiting; nothing to cancel.",
                code="noScheduledUnlink",
            )
        claimed = ScheduledUnlink.objects.filter(
            pk=pending.pk, status=UnlinkStatus.SCHEDULED
        ).update(status=UnlinkStatus.CANCELLED, finished_at=timezone.now())
        if not claimed:
            raise Conflict("The unlink has just been carried out.", code="alreadyDone")
        audit_record(
            actor=actor,
            action="customer.unlink_cancelled",
            target=customer,
            customer_id=customer.pk,
            before={"due_on": pending.due_on},
            after={"due_on": None},
        )
    pending.refresh_from_db()
    return pending


def carry_out_due_unlinks(today: dt.date) -> int:
    """The worker's part of U-3: unlink every customer whose scheduled day has come. Each one is
    claimed with a conditional update, so a restarted or second worker never unlinks twice."""
    from partnerdesk.core.actor import Actor as _Actor

    system = _Actor(partner_id=None, role=None, display_name="partnerdesk (scheduled unlink)")
    done = 0
    due = ScheduledUnlink.objects.filter(status=UnlinkStatus.SCHEDULED, due_on__lte=today)
    for pending in due.select_related("customer").order_by("due_on", "pk"):
        with transaction.atomic():
            claimed = ScheduledUnlink.objects.filter(
                pk=pending.pk, status=UnlinkStatus.SCHEDULED
            ).update(status=UnlinkStatus.DONE, finished_at=timezone.now())
            if claimed:
                _unlink_now(system, pending.customer)
                done += 1
    return done


def scheduled_unlinks_for(customer_ids: list[int]) -> dict[int, dt.date]:
    """Pending unlink dates of these customers (one query), for the list and details."""
    return dict(
        ScheduledUnlink.objects.filter(
            customer_id__in=customer_ids, status=UnlinkStatus.SCHEDULED
        ).values_list("customer_id", "due_on")
    )
