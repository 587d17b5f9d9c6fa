"""Early access programs (B-7): customer admins enrol their tenant."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from partnerdesk.audit.services import audit_record
from partnerdesk.console.models import EarlyAccessEnrollment, EarlyAccessProgram
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.customers.models import BillingType, Customer


def _program(program_id: int | str) -> EarlyAccessProgram:
    try:
        key = int(program_id)
    except (TypeError, ValueError):
        raise NotFound("No such early access program.") from None
    program = EarlyAccessProgram.objects.filter(pk=key, active=True).first()
    if program is None:
        raise NotFound("No such early access program.")
    return program


def _check(actor: Actor, customer: Customer) -> None:
    if actor.customer_id != customer.pk:
        raise NotFound("No such customer console.")
    actor.console_require(ConsoleAction.EARLY_ACCESS)


def early_access_join(
    *, actor: Actor, customer: Customer, program_id: int | str
) -> EarlyAccessEnrollment:
    _check(actor, customer)
    program = _program(program_id)
    if customer.billing_type == BillingType.USAGE and not program.allows_usage_billing:
        raise Conflict(
            f"{customer.show_as} cannot join “{program.name}”: the program is not open to "
            "customers billed by monthly usage (MSP Flex), and this customer is. Ask your "
            "partner about a term license, or choose another program.",
            code="earlyAccess.usageBillingNotAllowed",
        )
    try:
        with transaction.atomic():
            enrollment = EarlyAccessEnrollment.objects.create(
                partner_id=customer.partner_id,
                customer=customer,
                program=program,
                enrolled_by=actor.display_name,
            )
            audit_record(
                actor=actor,
                action="early_access.joined",
                target=customer,
                label=program.name,
                after={"program": program.name},
            )
    except IntegrityError:
        raise Conflict(f"{customer.show_as} is already enrolled in “{program.name}”.") from None
    return enrollment


def early_access_leave(*, actor: Actor, customer: Customer, program_id: int | str) -> None:
    _check(actor, customer)
    program = _program(program_id)
    with transaction.atomic():
        deleted, _ = EarlyAccessEnrollment.objects.filter(
            customer=customer, program=program
        ).delete()
        if not deleted:
            raise Conflict(f"{customer.show_as} is not enrolled in “{program.name}”.")
        audit_record(
            actor=actor,
            action="early_access.left",
            target=customer,
            label=program.name,
            before={"program": program.name},
        )


def early_access_overview(customer: Customer) -> list[tuple[EarlyAccessProgram, bool, bool]]:
    """Each active program, whether the customer is in it, and whether it may join it."""
    enrolled = set(
        EarlyAccessEnrollment.objects.filter(customer=customer).values_list("program_id", flat=True)
    )
    usage = customer.billing_type == BillingType.USAGE
    return [
        (p, p.pk in enrolled, p.allows_usage_billing or not usage)
        for p in EarlyAccessProgram.objects.filter(active=True)
    ]
