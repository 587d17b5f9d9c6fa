"""Renaming a customer's "Name shown as" (N-1), pushed to the CRM and webhooks (N-2, N-3)."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from partnerdesk.audit.services import audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.outbound.services import event_emit

NAME_MAX = 100


class StaleEdit(Conflict):
    """Someone else saved a new name since this edit began; carries the current one."""

    code = "stale"

    def __init__(self, current: Customer) -> None:
        super().__init__(
            f"Someone else renamed this customer while you were editing. Its name is now "
            f"“{current.show_as}”. Check it and save again if your change is still needed."
        )
        self.current_name = current.show_as
        self.current_version = current.version


def clean_show_as(value: object) -> str:
    """The name as it will be stored, or ValidationFailed with the reason."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("Enter a name: it cannot be empty.", fields={"showAs": "Required."})
    name = value.strip()
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ValidationFailed(
            "The name cannot contain control characters such as tabs or line breaks.",
            fields={"showAs": "Control characters."},
        )
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            f"The name can be at most {NAME_MAX} characters; this one has {len(name)}.",
            fields={"showAs": "Too long."},
        )
    return name


def customer_rename(
    *, actor: Actor, customer_id: str, show_as: object, expected_version: int | None
) -> Customer:
    """Change "Name shown as"; `expected_version` is the version the editor saw (None skips
    the check, for API clients that do not send one)."""
    customer = customer_for(actor, customer_id, for_action=Action.RENAME_CUSTOMER)
    name = clean_show_as(show_as)
    with transaction.atomic():
        current = Customer.objects.select_for_update().get(pk=customer.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEdit(current)
        if current.show_as == name:
            return current
        previous = current.show_as
        Customer.objects.filter(pk=current.pk).update(
            show_as=name, version=F("version") + 1, updated_at=timezone.now()
        )
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="customer.renamed",
            target=current,
            customer_id=current.pk,
            before={"show_as": previous},
            after={"show_as": name},
        )
        event_emit(
            event_type="customer.renamed",
            partner_id=current.partner_id,
            customer_id=current.pk,
            payload={"customerId": str(current.uuid), "showAs": name, "previousShowAs": previous},
        )
    return current
