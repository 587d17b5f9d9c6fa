"""Tenant API credentials (A-5): a customer's console Super Admins create them for scripts and
integrations that work on that one tenant (X-Tenant-ID routes, device check-in)."""

from __future__ import annotations

import secrets
import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from partnerdesk.accounts.models import APICredential, APIToken
from partnerdesk.accounts.services import NewCredential, _validated_name, secret_hash
from partnerdesk.audit.services import audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound, ValidationFailed
from partnerdesk.core.permissions import ConsoleAction, ConsoleRole
from partnerdesk.customers.models import Customer


def _require(actor: Actor, customer: Customer) -> None:
    if not actor.is_console_actor or actor.customer_id != customer.pk:
        raise NotFound("No such customer console.")
    actor.console_require(ConsoleAction.MANAGE_TENANT_CREDENTIALS)


def _role(value: str) -> ConsoleRole:
    try:
        return ConsoleRole(value)
    except ValueError:
        allowed = ", ".join(r.value for r in ConsoleRole)
        raise ValidationFailed(
            f"The role must be one of: {allowed}.", fields={"role": "invalid"}
        ) from None


def tenant_credentials(actor: Actor, customer: Customer) -> QuerySet[APICredential]:
    _require(actor, customer)
    return APICredential.objects.filter(customer=customer).order_by("revoked_at", "name", "id")


def tenant_credential_create(
    *, actor: Actor, customer: Customer, name: str, role: str
) -> NewCredential:
    """Create a credential for this tenant only; the secret is returned once."""
    _require(actor, customer)
    clean_name, clean_role = _validated_name(name), _role(role)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        credential = APICredential.objects.create(
            partner_id=customer.partner_id,
            customer=customer,
            name=clean_name,
            role=clean_role.value,
            client_id=str(uuid.uuid4()),
            secret_hash=secret_hash(secret),
            created_by_id=actor.user_id,
        )
        audit_record(
            actor=actor,
            action="tenant_credential.created",
            target=credential,
            label=credential.name,
            after={"name": credential.name, "role": credential.role},
        )
    return NewCredential(credential, secret)


def tenant_credential_revoke(
    *, actor: Actor, customer: Customer, credential_id: int | str
) -> APICredential:
    _require(actor, customer)
    try:
        key = int(credential_id)
    except (TypeError, ValueError):
        raise NotFound("No such credential.") from None
    with transaction.atomic():
        credential = (
            APICredential.objects.select_for_update().filter(customer=customer, pk=key).first()
        )
        if credential is None:
            raise NotFound("No such credential.")
        if credential.revoked_at is None:
            credential.revoked_at = timezone.now()
            credential.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="tenant_credential.revoked",
                target=credential,
                label=credential.name,
                after={"revoked_at": credential.revoked_at},
            )
        APIToken.objects.filter(credential=credential).delete()
    return credential
