"""Writes for API credentials (A-5) and the bearer tokens issued to them (A-2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerdesk.accounts.models import APICredential, APIToken, CredentialAssignment
from partnerdesk.audit.services import audit_record, snapshot
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from partnerdesk.core.permissions import Action, PartnerRole
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner

TOKEN_LIFETIME_SECONDS = 3600
REFRESH_LIFETIME_SECONDS = 24 * 3600
# last_used_at is written at most this often per credential, not on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


# Changes made from the command line are recorded as the operator's.
OPERATOR = Actor(partner_id=None, role=None, display_name="Operator (command line)")
AUDITED_FIELDS = ["name", "role", "client_id"]


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewCredential:
    credential: APICredential
    client_secret: str

    @property
    def client_id(self) -> str:
        return self.credential.client_id


def _validated_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Give the credential a name.", fields={"name": "required"})
    if len(name) > 100 or any(ord(c) < 32 for c in name):
        raise ValidationFailed(
            "A credential name is at most 100 characters, without control characters.",
            fields={"name": "invalid"},
        )
    return name


def _validated_role(role: str) -> PartnerRole:
    try:
        return PartnerRole(role)
    except ValueError:
        allowed = ", ".join(r.value for r in PartnerRole)
        raise ValidationFailed(
            f"The role must be one of: {allowed}.", fields={"role": "invalid"}
        ) from None


def credential_create_for_partner(
    *,
    partner: Partner,
    name: str,
    role: str,
    created_by_id: int | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    actor: Actor | None = None,
) -> NewCredential:
    """Create a credential; the secret is returned once and only its hash is kept.

    `client_id` and `client_secret` are for the demo's fixed credentials only."""
    secret = client_secret or secrets.token_urlsafe(32)
    with transaction.atomic():
        credential = APICredential.objects.create(
            partner=partner,
            name=_validated_name(name),
            role=_validated_role(role).value,
            client_id=client_id or str(uuid.uuid4()),
            secret_hash=secret_hash(secret),
            created_by_id=created_by_id,
        )
        audit_record(
            actor=actor or OPERATOR,
            action="api_credential.created",
            target=credential,
            label=credential.name,
            partner_id=partner.pk,
            after=snapshot(credential, AUDITED_FIELDS),
        )
    return NewCredential(credential, secret)


def credential_create(*, actor: Actor, name: str, role: str) -> NewCredential:
    """A-5: a Super Admin creates a credential for the own partner."""
    actor.require(Action.MANAGE_PARTNER)
    partner = Partner.objects.get(pk=actor.partner_pk)
    return credential_create_for_partner(
        partner=partner, name=name, role=role, created_by_id=actor.user_id, actor=actor
    )


def _credential_for(actor: Actor, credential_id: int | str) -> APICredential:
    actor.require(Action.MANAGE_PARTNER)
    try:
        key = int(credential_id)
    except (TypeError, ValueError):
        raise NotFound("No such credential.") from None
    credential = APICredential.objects.filter(
        partner_id=actor.partner_pk, customer__isnull=True, pk=key
    ).first()
    if credential is None:
        raise NotFound("No such credential.")
    return credential


def credential_revoke(*, actor: Actor, credential_id: int | str) -> APICredential:
    """A-5: revoke a credential; its tokens stop working at once (they are deleted)."""
    return credential_revoke_as_operator(
        credential=_credential_for(actor, credential_id), actor=actor
    )


def credential_revoke_as_operator(
    *, credential: APICredential, actor: Actor | None = None
) -> APICredential:
    """Revoke; without a partner actor it is the operator's command line."""
    with transaction.atomic():
        if credential.revoked_at is None:
            credential.revoked_at = timezone.now()
            credential.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor or OPERATOR,
                action="api_credential.revoked",
                target=credential,
                label=credential.name,
                partner_id=credential.partner_id,
                after={"revoked_at": credential.revoked_at},
            )
        APIToken.objects.filter(credential=credential).delete()
    return credential


def credential_assign(*, credential: APICredential, customer_ids: Iterable[str | uuid.UUID]) -> int:
    """Assign customers (public ids) of the credential's partner to it; returns how many were
    added. Operator and Super Admin tooling; unknown or foreign ids are refused as a whole."""
    keys = set()
    for raw in customer_ids:
        try:
            keys.add(uuid.UUID(str(raw)))
        except ValueError:
            raise ValidationFailed(f"{raw!r} is not a customer id.") from None
    customers = list(
        Customer.objects.filter(partner_id=credential.partner_id, uuid__in=keys).only("id")
    )
    if len(customers) != len(keys):
        raise NotFound("Some of these customers do not belong to the credential's partner.")
    with transaction.atomic():
        before = credential.assignments.count()
        CredentialAssignment.objects.bulk_create(
            [
                CredentialAssignment(
                    partner_id=credential.partner_id, credential=credential, customer=c
                )
                for c in customers
            ],
            ignore_conflicts=True,
        )
        return credential.assignments.count() - before


def credential_customer_add(
    *, actor: Actor, credential_id: int | str, customer_id: str
) -> CredentialAssignment:
    """A Super Admin assigns one of the partner's customers to a credential below Super Admin."""
    credential = _credential_for(actor, credential_id)
    customer = customer_for(actor, customer_id)
    if credential.revoked_at is not None:
        raise Conflict("This credential is revoked.", code="credentialRevoked")
    if credential.partner_role.sees_all_customers:
        raise Conflict(
            f"A {credential.partner_role.label} credential sees every customer already.",
            code="seesAllCustomers",
        )
    try:
        with transaction.atomic():
            assignment = CredentialAssignment.objects.create(
                partner_id=credential.partner_id, credential=credential, customer=customer
            )
            _audit_assignment(actor, "api_credential.customer_assigned", credential, customer)
            return assignment
    except IntegrityError:
        raise Conflict(
            f"{customer.show_as} is already assigned to {credential.name}.", code="alreadyAssigned"
        ) from None


def credential_customer_remove(*, actor: Actor, credential_id: int | str, customer_id: str) -> None:
    credential = _credential_for(actor, credential_id)
    key = _uuid_or_none(customer_id)
    assignment = (
        CredentialAssignment.objects.filter(credential=credential, customer__uuid=key)
        .select_related("customer")
        .first()
        if key is not None
        else None
    )
    if assignment is None:
        raise NotFound("That customer is not assigned to this credential.")
    with transaction.atomic():
        assignment.delete()
        _audit_assignment(
            actor, "api_credential.customer_unassigned", credential, assignment.customer
        )


def _audit_assignment(
    actor: Actor, action: str, credential: APICredential, customer: Customer
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=credential,
        label=f"{credential.name}: {customer.show_as}",
        customer_id=customer.pk,
        after={"customer": customer.uuid, "credential": credential.client_id},
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class TokenError(DomainError):
    """A refusal of the token endpoint, with the OAuth-style code of SPEC A-2."""

    status = 401


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    refresh_token: str
    expires_in: int


def _authenticated_credential(client_id: str, client_secret: str) -> APICredential:
    # Client ids are short printable strings; anything else (a NUL byte, which PostgreSQL
    # cannot even compare) is simply unknown.
    well_formed = 0 < len(client_id) <= 64 and client_id.isprintable()
    credential = APICredential.objects.filter(client_id=client_id).first() if well_formed else None
    if credential is None or credential.revoked_at is not None:
        # Compare anyway so that unknown and known ids take the same time.
        hmac.compare_digest(secret_hash(client_secret), secret_hash(""))
        raise TokenError(
            "The client id is unknown or has been revoked.", code="oauth.invalid_client_id"
        )
    if not hmac.compare_digest(credential.secret_hash, secret_hash(client_secret)):
        raise TokenError("The client secret is not valid.", code="oauth.invalid_client_secret")
    return credential


def _issue(credential: APICredential) -> IssuedToken:
    now = timezone.now()
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with transaction.atomic():
        # Expired tokens of this credential are pruned here, so the table stays small.
        APIToken.objects.filter(credential=credential, refresh_expires_at__lte=now).delete()
        APIToken.objects.create(
            credential=credential,
            token_hash=secret_hash(access),
            refresh_hash=secret_hash(refresh),
            expires_at=now + dt.timedelta(seconds=TOKEN_LIFETIME_SECONDS),
            refresh_expires_at=now + dt.timedelta(seconds=REFRESH_LIFETIME_SECONDS),
        )
        APICredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return IssuedToken(access, refresh, TOKEN_LIFETIME_SECONDS)


def token_issue(*, client_id: str, client_secret: str) -> IssuedToken:
    """A-2: the client-credentials grant."""
    return _issue(_authenticated_credential(client_id, client_secret))


def token_refresh(*, client_id: str, client_secret: str, refresh_token: str) -> IssuedToken:
    """The refresh-token grant: the old token pair is replaced by a new one."""
    credential = _authenticated_credential(client_id, client_secret)
    with transaction.atomic():
        deleted, _ = APIToken.objects.filter(
            credential=credential,
            refresh_hash=secret_hash(refresh_token),
            refresh_expires_at__gt=timezone.now(),
        ).delete()
    if not deleted:
        raise TokenError(
            "The refresh token is not valid or has expired.", code="oauth.invalid_refresh_token"
        )
    return _issue(credential)


def actor_for_token(token: str, *, address: str | None = None) -> Actor | None:
    """The actor of a valid, unexpired bearer token of an active credential, or None."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    row = (
        APIToken.objects.select_related("credential")
        .filter(
            token_hash=secret_hash(token), expires_at__gt=now, credential__revoked_at__isnull=True
        )
        .first()
    )
    if row is None:
        return None
    credential = row.credential
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_RESOLUTION:
        APICredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    if credential.customer_id is not None:
        # A tenant credential: a console actor of its one customer, with no partner role.
        return Actor(
            partner_id=None,
            role=None,
            credential_id=credential.pk,
            display_name=f"API credential {credential.name}",
            address=address,
            customer_id=credential.customer_id,
            console_role=credential.console_role,
        )
    return Actor(
        partner_id=credential.partner_id,
        role=credential.partner_role,
        credential_id=credential.pk,
        display_name=f"API credential {credential.name}",
        address=address,
    )
