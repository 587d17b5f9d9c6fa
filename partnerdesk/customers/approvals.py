"""Approval requests (P-3): a partner asks the customer to turn Partner Assistance on."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound, ValidationFailed
from partnerdesk.core.periodic import daily
from partnerdesk.core.permissions import Action, ConsoleAction
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import (
    APPROVAL_LIFETIME_DAYS,
    ApprovalRequest,
    ApprovalStatus,
    Customer,
)
from partnerdesk.customers.tasks import approval_request_notify
from partnerdesk.outbound.services import event_emit

MESSAGE_MAX = 500


def approval_requests_expire(now: dt.datetime | None = None, customer_id: int | None = None) -> int:
    """Mark pending requests past their 30 days as expired; returns how many."""
    qs = ApprovalRequest.objects.filter(
        status=ApprovalStatus.PENDING, expires_at__lte=now or timezone.now()
    )
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.update(status=ApprovalStatus.EXPIRED)


@daily("approval_requests_expire")
def approval_requests_expire_job(today: dt.date) -> str:
    """The daily sweep; expiry is also applied wherever a request is created, answered or
    listed, so a missed day never lets an old request be approved."""
    return f"{approval_requests_expire()} approval requests expired"


def pending_request_for(customer: Customer) -> ApprovalRequest | None:
    """The customer's live pending request, if any (an expired one no longer counts)."""
    return ApprovalRequest.objects.filter(
        customer=customer, status=ApprovalStatus.PENDING, expires_at__gt=timezone.now()
    ).first()


def approval_request_create(
    *, actor: Actor, customer_id: str, message: str = ""
) -> ApprovalRequest:
    customer = customer_for(actor, customer_id, for_action=Action.REQUEST_APPROVAL)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationFailed(
            f"The message can be at most {MESSAGE_MAX} characters (it has {len(message)}).",
            fields={"message": "Too long."},
        )
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in message):
        raise ValidationFailed(
            "The message cannot contain control characters.", fields={"message": "Invalid."}
        )
    if customer.partner_assistance:
        raise Conflict(
            f"Partner Assistance is already on for {customer.show_as}: you can launch its "
            "console without asking.",
            code="partnerAssistanceOn",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            approval_requests_expire(now, customer.pk)
            pending = pending_request_for(customer)
            if pending is not None:
                raise _already_pending(customer, pending)
            request = ApprovalRequest.objects.create(
                partner_id=customer.partner_id,
                customer=customer,
                requested_by_id=actor.user_id,
                requested_by_label=actor.display_name,
                message=message,
                created_at=now,
                expires_at=now + dt.timedelta(days=APPROVAL_LIFETIME_DAYS),
            )
            audit_record(
                actor=actor,
                action="approval_request.created",
                target=request,
                label=customer.show_as,
                customer_id=customer.pk,
                after={"expires_at": request.expires_at, "message": message},
            )
            event_emit(
                event_type="approval_request.created",
                partner_id=customer.partner_id,
                customer_id=customer.pk,
                payload={
                    "id": str(request.uuid),
                    "customerId": str(customer.uuid),
                    "expiresAt": request.expires_at.isoformat(),
                },
            )
            transaction.on_commit(lambda: _notify(request.pk))
    except IntegrityError:
        # Two partner users asked at the same moment: the unique index let one through.
        pending = pending_request_for(customer)
        if pending is None:
            raise
        raise _already_pending(customer, pending) from None
    return request


def _already_pending(customer: Customer, pending: ApprovalRequest) -> Conflict:
    return Conflict(
        f"A request to {customer.show_as} is already pending: sent by "
        f"{pending.requested_by_label} on {pending.created_at:%d %B %Y}, it expires on "
        f"{pending.expires_at:%d %B %Y} unless the customer answers.",
        code="approvalPending",
    )


def _notify(request_id: int) -> None:
    approval_request_notify.enqueue(request_id)


def approval_request_for_console(actor: Actor, request_id: str | uuid.UUID) -> ApprovalRequest:
    try:
        key = uuid.UUID(str(request_id))
    except ValueError:
        raise NotFound("No such approval request.") from None
    if actor.customer_id is None:
        raise NotFound("No such approval request.")
    request = ApprovalRequest.objects.filter(uuid=key, customer_id=actor.customer_id).first()
    if request is None:
        raise NotFound("No such approval request.")
    return request


def approval_request_answer(
    *, actor: Actor, request_id: str | uuid.UUID, approve: bool
) -> ApprovalRequest:
    """A customer admin approves (turning Partner Assistance on) or denies a request."""
    found = approval_request_for_console(actor, request_id)
    actor.console_require(ConsoleAction.ANSWER_APPROVAL)
    now = timezone.now()
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().get(pk=found.pk)
        customer = Customer.objects.select_for_update().get(pk=request.customer_id)
        if request.status == ApprovalStatus.PENDING and request.expires_at <= now:
            ApprovalRequest.objects.filter(pk=request.pk).update(status=ApprovalStatus.EXPIRED)
            request.status = ApprovalStatus.EXPIRED
        if request.status != ApprovalStatus.PENDING:
            raise Conflict(_not_pending_message(request), code="approvalNotPending")
        request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DENIED
        request.decided_at = now
        request.decided_by_label = actor.display_name
        request.save(update_fields=["status", "decided_at", "decided_by_label"])
        audit_record(
            actor=actor,
            action="approval_request.approved" if approve else "approval_request.denied",
            target=request,
            label=customer.show_as,
            partner_id=customer.partner_id,
            customer_id=customer.pk,
            before={"status": "pending"},
            after={"status": request.status},
        )
        event_emit(
            event_type="approval_request.answered",
            partner_id=customer.partner_id,
            customer_id=customer.pk,
            payload={
                "id": str(request.uuid),
                "customerId": str(customer.uuid),
                "status": request.status,
            },
        )
        if approve and not customer.partner_assistance:
            _assistance_on(actor, customer)
    return request


def _assistance_on(actor: Actor, customer: Customer) -> None:
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=True)
    customer.partner_assistance = True
    audit_record(
        actor=actor,
        action="partner_assistance.changed",
        target=customer,
        partner_id=customer.partner_id,
        customer_id=customer.pk,
        before={"partner_assistance": False},
        after={"partner_assistance": True},
    )
    event_emit(
        event_type="partner_assistance.changed",
        partner_id=customer.partner_id,
        customer_id=customer.pk,
        payload={"customerId": str(customer.uuid), "partnerAssistance": True},
    )


def _not_pending_message(request: ApprovalRequest) -> str:
    if request.status == ApprovalStatus.EXPIRED:
        return (
            f"This request expired on {request.expires_at:%d %B %Y}; "
            "the partner can send a new one."
        )
    when = f" on {request.decided_at:%d %B %Y}" if request.decided_at else ""
    state = request.get_status_display().lower()
    return f"This request was already {state}{when} by {request.decided_by_label}."
