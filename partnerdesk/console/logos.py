"""The customer's logo (G-1), set in its console by its admins or through Launch customer.

`logo_response` is the one way both the partner and the console pages serve a stored logo.
"""

from __future__ import annotations

from django.db import transaction

from partnerdesk.audit.services import actor_label, audit_record
from partnerdesk.console.models import CustomerLogo
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.core.images import image_summary, logo_response, store_checked, validate_logo
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.customers.models import Customer

__all__ = ["customer_logo", "customer_logo_remove", "customer_logo_set", "logo_response"]


def _require(actor: Actor, customer: Customer) -> None:
    # Another customer's console is "not found", never "forbidden": it does not exist to it.
    if not actor.is_console_actor or actor.customer_id != customer.pk:
        raise NotFound("No such customer.")
    actor.console_require(ConsoleAction.CUSTOMER_LOGO)


def customer_logo(actor: Actor, customer: Customer) -> CustomerLogo | None:
    """The customer's logo, for any console actor of that customer (None when there is none)."""
    if not actor.is_console_actor or actor.customer_id != customer.pk:
        raise NotFound("No such customer.")
    return CustomerLogo.objects.filter(customer=customer).first()


def customer_logo_set(
    *, actor: Actor, customer: Customer, upload: bytes, filename: str = ""
) -> CustomerLogo:
    """Check, re-encode and store the customer's logo (console Super Admin and Admin, also in a
    delegated session). A refused upload raises ValidationFailed before anything is written."""
    _require(actor, customer)
    checked = validate_logo(upload, filename=filename)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        logo = CustomerLogo.objects.filter(customer=locked).first()
        before = image_summary(logo)
        if logo is None:
            logo = CustomerLogo(customer=locked, partner_id=locked.partner_id)
        store_checked(logo, checked, updated_by=actor_label(actor))
        logo.save()
        audit_record(
            actor=actor,
            action="customer_logo.set",
            target=logo,
            label=f"logo of {locked.show_as}",
            customer_id=locked.pk,
            before=before,
            after=image_summary(logo),
        )
    return logo


def customer_logo_remove(*, actor: Actor, customer: Customer) -> None:
    """Remove the customer's logo; NotFound when there is none."""
    _require(actor, customer)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        logo = CustomerLogo.objects.filter(customer=locked).first()
        if logo is None:
            raise NotFound("There is no logo to remove.", code="notFound.logo")
        audit_record(
            actor=actor,
            action="customer_logo.removed",
            target=logo,
            label=f"logo of {locked.show_as}",
            customer_id=locked.pk,
            before=image_summary(logo),
        )
        logo.delete()
