"""Device check-in (A-7, B-4) and enrollment tokens: the writes of the console app."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record
from partnerdesk.console.models import Device, DeviceDay, EnrollmentToken
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.licensing.models import Product

MAX_BATCH = 1000
TOKEN_PREFIX = "pdenr_"  # noqa: S105 (a prefix, not a secret)
# How far an agent's clock may run ahead, and how late a queued check-in may still arrive.
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_AGE = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DeviceReport:
    """One device as its agent reports it (already shape-checked by the API schema)."""

    device_id: str
    hostname: str
    os: str
    health: str
    products: Sequence[str]
    last_seen: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckinResult:
    created: int
    updated: int


@dataclass(frozen=True, slots=True)
class NewEnrollmentToken:
    token: EnrollmentToken
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enrollment_token_create(*, actor: Actor, customer_id: str) -> NewEnrollmentToken:
    """A new enrollment token for one customer (Super Admins); the secret is returned once."""
    customer = customer_for(actor, customer_id, for_action=Action.MANAGE_PARTNER)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = EnrollmentToken.objects.create(
            partner_id=customer.partner_id,
            customer=customer,
            token_hash=token_hash(secret),
            suffix=secret[-6:],
        )
        audit_record(
            actor=actor,
            action="enrollment_token.created",
            target=customer,
            customer_id=customer.pk,
            after={"token": f"…{token.suffix}"},
        )
    return NewEnrollmentToken(token=token, secret=secret)


def enrollment_token_lookup(secret: str) -> EnrollmentToken | None:
    """The live token for this secret, or None (unknown, revoked, or malformed alike)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return (
        EnrollmentToken.objects.filter(token_hash=token_hash(secret), revoked_at__isnull=True)
        .select_related("customer")
        .first()
    )


def _validate(reports: Sequence[DeviceReport], now: dt.datetime) -> dict[str, int]:
    """Refuses the whole batch on the first bad entry, naming it; returns product ids by code."""
    if not reports:
        raise ValidationFailed("Send at least one device.", fields={"devices": "empty"})
    if len(reports) > MAX_BATCH:
        raise ValidationFailed(
            f"At most {MAX_BATCH} devices per call; this call has {len(reports)}.",
            fields={"devices": "too many"},
        )
    codes = {code for r in reports for code in r.products}
    known = dict(Product.objects.filter(code__in=codes).values_list("code", "id"))
    seen: dict[str, int] = {}
    for index, report in enumerate(reports):
        where = f"devices[{index}]"
        if report.device_id in seen:
            raise ValidationFailed(
                f"{where}.deviceId: {report.device_id!r} also appears at devices"
                f"[{seen[report.device_id]}]; send each device once per call.",
                fields={f"{where}.deviceId": "duplicate"},
            )
        seen[report.device_id] = index
        unknown = [code for code in report.products if code not in known]
        if unknown:
            raise ValidationFailed(
                f"{where}.products: unknown product code {unknown[0]!r}.",
                fields={f"{where}.products": "unknown product"},
            )
        if report.last_seen is not None:
            if report.last_seen > now + CLOCK_SKEW:
                raise ValidationFailed(
                    f"{where}.lastSeen: is in the future.", fields={f"{where}.lastSeen": "future"}
                )
            if report.last_seen < now - MAX_AGE:
                raise ValidationFailed(
                    f"{where}.lastSeen: is more than 7 days ago.",
                    fields={f"{where}.lastSeen": "too old"},
                )
    return known


def devices_check_in(
    *, token: EnrollmentToken, reports: Sequence[DeviceReport], now: dt.datetime | None = None
) -> CheckinResult:
    """Upsert the devices of the token's customer and record the products each ran that day.

    Idempotent on device id; all or nothing: a batch with one bad entry writes nothing."""
    now = now or timezone.now()
    product_ids = _validate(reports, now)
    customer_id, partner_id = token.customer_id, token.partner_id
    ids = [r.device_id for r in reports]
    with transaction.atomic():
        existing = set(
            Device.objects.filter(customer_id=customer_id, device_id__in=ids).values_list(
                "device_id", flat=True
            )
        )
        rows = []
        for r in reports:
            seen = min(r.last_seen or now, now)
            rows.append(
                Device(
                    partner_id=partner_id,
                    customer_id=customer_id,
                    device_id=r.device_id,
                    hostname=r.hostname,
                    os=r.os,
                    health=r.health,
                    products=sorted(set(r.products)),
                    first_seen=seen,
                    last_seen=seen,
                )
            )
        Device.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["customer", "device_id"],
            update_fields=["hostname", "os", "health", "products", "last_seen"],
        )
        pks = dict(
            Device.objects.filter(customer_id=customer_id, device_id__in=ids).values_list(
                "device_id", "pk"
            )
        )
        days = [
            DeviceDay(
                partner_id=partner_id,
                customer_id=customer_id,
                device_id=pks[row.device_id],
                product_id=product_ids[code],
                day=row.last_seen.astimezone(dt.UTC).date(),
            )
            for row in rows
            for code in row.products
        ]
        DeviceDay.objects.bulk_create(days, ignore_conflicts=True, batch_size=2000)
    return CheckinResult(created=len(ids) - len(existing), updated=len(existing))
