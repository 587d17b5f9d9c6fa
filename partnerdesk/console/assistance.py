"""Partner Assistance (P-1): only the customer's own admins turn it on or off."""

from __future__ import annotations

from django.db import transaction

from partnerdesk.audit.services import audit_record
from partnerdesk.console.delegation import delegated_sessions_end_for
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.customers.models import Customer
from partnerdesk.outbound.services import event_emit


def partner_assistance_set(*, actor: Actor, customer: Customer, enabled: bool) -> bool:
    """Turn Partner Assistance on or off; returns whether anything changed. Turning it off ends
    every delegated session into the console (P-5)."""
    if actor.customer_id != customer.pk:
        raise NotFound("No such customer console.")
    actor.console_require(ConsoleAction.SET_PARTNER_ASSISTANCE)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.partner_assistance == enabled:
            return False
        Customer.objects.filter(pk=customer.pk).update(partner_assistance=enabled)
        customer.partner_assistance = enabled
        if not enabled:
            delegated_sessions_end_for(customer_id=customer.pk, reason="partner_assistance_off")
        audit_record(
            actor=actor,
            action="partner_assistance.changed",
            target=customer,
            partner_id=customer.partner_id,
            customer_id=customer.pk,
            before={"partner_assistance": not enabled},
            after={"partner_assistance": enabled},
        )
        event_emit(
            event_type="partner_assistance.changed",
            partner_id=customer.partner_id,
            customer_id=customer.pk,
            payload={"customerId": str(customer.uuid), "partnerAssistance": enabled},
        )
    return True
