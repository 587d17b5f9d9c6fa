"""Writes to licenses and license keys: applying a key (L-3..L-6), issuing and revoking keys
(L-2). Each checks permission, validates, changes data inside one transaction and records the
change in the audit log."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerdesk.audit.services import audit_record, snapshot
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from partnerdesk.core.permissions import Action
from partnerdesk.core.throttle import FailureThrottle
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import BillingType, Customer
from partnerdesk.licensing import keys
from partnerdesk.licensing.models import License, LicenseKey, LicenseType, Product
from partnerdesk.outbound.services import event_emit
from partnerdesk.partners.models import Partner

# L-3: the terms text lives in templates/licensing/terms/<version>.html; a new text gets a new
# version (and a new file), so every license records exactly what was accepted.
TERMS_VERSION = "2026-12"
TERMS_TEMPLATE = f"licensing/terms/{TERMS_VERSION}.html"

RENEW, COTERM = "renew", "coterm"
OVERLAP_CHOICES = (RENEW, COTERM)

# L-4: failed attempts per user (or API credential) in a sliding window.
KEY_FAILURE_LIMIT = getattr(settings, "LICENSE_KEY_FAILURE_LIMIT", 10)
KEY_FAILURE_WINDOW_SECONDS = getattr(settings, "LICENSE_KEY_FAILURE_WINDOW_SECONDS", 600)
key_throttle = FailureThrottle("license_key", KEY_FAILURE_LIMIT, KEY_FAILURE_WINDOW_SECONDS)

# Refusals that look like guessing count towards the throttle; the others are honest mistakes.
COUNTED_FAILURES = frozenset(
    {"malformedKey", "unknownKey", "keyAlreadyUsed", "keyRevoked", "keyBoundToOtherPartner"}
)

MAX_KEYS_PER_BATCH = 1000
MAX_KEY_QUANTITY = 100_000
MAX_TERM_MONTHS = 60

LICENSE_FIELDS = ["product_id", "license_type", "quantity", "starts_on", "ends_on", "revoked_at"]


class TooManyAttempts(DomainError):
    """L-4: too many failed key attempts in the window; refused until it has passed."""

    code = "tooManyAttempts"
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            "Too many license keys were refused for your sign-in. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class TermPlan:
    """Where a new term license would sit: its dates, and the licenses that change with it."""

    mode: str | None
    starts_on: dt.date
    ends_on: dt.date
    quantity: int

    def describe(self) -> str:
        return f"{self.quantity} from {day_text(self.starts_on)} to {day_text(self.ends_on)}"


class OverlapChoiceRequired(Conflict):
    """L-5: a term license of the same product is active; the user must choose renew or co-term.
    Raised before anything changes; carries both outcomes so the user can compare them."""

    code = "overlapChoiceRequired"

    def __init__(
        self, current: License, renew: TermPlan, coterm: TermPlan, current_quantity: int
    ) -> None:
        super().__init__(
            f"{current.product.name} already has an active term license "
            f"({current_quantity} until {day_text(current.ends_on)}). "
            "Choose whether the key renews it or is co-termed with it."
        )
        self.current, self.renew, self.coterm = current, renew, coterm
        self.current_quantity = current_quantity

    @property
    def renew_text(self) -> str:
        return (
            f"a new term of {self.renew.quantity} starts the day after the current one ends, "
            f"so no day is lost: {day_text(self.renew.starts_on)} to "
            f"{day_text(self.renew.ends_on)}."
        )

    @property
    def coterm_text(self) -> str:
        total = self.current_quantity + self.coterm.quantity
        return (
            f"{self.coterm.quantity} more from today; the current {self.current_quantity} and "
            f"the new {self.coterm.quantity} ({total} in total) both end on "
            f"{day_text(self.coterm.ends_on)}."
        )


@dataclass(frozen=True, slots=True)
class AppliedKey:
    """What applying a key did, for the success message, the API and the audit log."""

    license: License
    customer: Customer
    mode: str | None
    quantity_now: int
    changed: list[dict[str, Any]] = field(default_factory=list)
    billing_before: str = ""
    billing_after: str = ""

    @property
    def message(self) -> str:
        lic = self.license
        text = (
            f"License key applied to {self.customer.show_as}: {lic.product.name}, "
            f"quantity {lic.quantity}, ends {day_text(lic.ends_on)}."
        )
        if self.mode == RENEW:
            text += f" The renewal starts {day_text(lic.starts_on)}."
        elif self.mode == COTERM:
            text += f" Co-termed: {self.quantity_now} in total until {day_text(lic.ends_on)}."
        if self.billing_before != self.billing_after:
            text += (
                f" Billing type is now {BillingType(self.billing_after).label.lower()}"
                f" (was {BillingType(self.billing_before).label.lower()})."
            )
        return text


# -- dates ------------------------------------------------------------------------------------


def day_text(day: dt.date | None) -> str:
    """ "3 Dec 2026": the way messages write dates."""
    return f"{day.day} {day:%b %Y}" if day else ""


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def term_end(starts_on: dt.date, months: int) -> dt.date:
    """The inclusive last day of a term of `months` starting on `starts_on`."""
    return add_months(starts_on, months) - dt.timedelta(days=1)


# -- applying a key (L-3..L-6) ----------------------------------------------------------------


def throttle_subject(actor: Actor) -> str:
    if actor.credential_id is not None:
        return f"credential:{actor.credential_id}"
    return f"user:{actor.user_pk}"


def license_key_apply(
    *,
    actor: Actor,
    customer_id: str,
    key_text: str,
    terms_accepted: bool,
    overlap: str | None = None,
    today: dt.date | None = None,
) -> AppliedKey:
    """L-3: apply a key to a customer. Every refusal (L-4) changes nothing; the key is claimed
    with a conditional UPDATE so that two simultaneous applies succeed exactly once (L-6)."""
    customer = customer_for(actor, customer_id, for_action=Action.APPLY_LICENSE_KEY)
    subject = throttle_subject(actor)
    wait = key_throttle.retry_after(subject)
    if wait:
        raise TooManyAttempts(wait)
    try:
        return _apply(actor, customer, key_text, terms_accepted, overlap, today)
    except DomainError as error:
        if error.code in COUNTED_FAILURES:
            key_throttle.fail(subject)  # outside the rolled-back transaction, so it sticks
        raise


def _parse_overlap(overlap: str | None) -> str | None:
    choice = (overlap or "").strip().lower().replace("-", "")
    if not choice:
        return None
    if choice not in OVERLAP_CHOICES:
        raise ValidationFailed(
            "Choose renew or co-term.",
            fields={"overlap": "Choose renew or co-term."},
            code="invalidOverlapChoice",
        )
    return choice


def _canonical(key_text: str) -> str:
    if not (key_text or "").strip():
        message = "Enter the license key (like XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)."
        raise ValidationFailed(message, fields={"key": message}, code="keyMissing")
    try:
        return keys.normalize(key_text or "")
    except keys.MalformedKey as exc:
        raise ValidationFailed(str(exc), fields={"key": str(exc)}, code="malformedKey") from None


def _check_key(key: LicenseKey | None, customer: Customer) -> LicenseKey:
    """The L-4 refusals that depend on the key alone, each with its own message."""
    if key is None:
        message = "No license key matches the one entered. Check it against the key you received."
        raise ValidationFailed(message, fields={"key": message}, code="unknownKey")
    if key.revoked_at is not None:
        raise Conflict(
            "This license key has been revoked by the vendor and can no longer be applied.",
            code="keyRevoked",
        )
    if key.used_at is not None:
        raise Conflict(
            "This license key has already been used: a key can be applied only once.",
            code="keyAlreadyUsed",
        )
    if key.partner_id is not None and key.partner_id != customer.partner_id:
        raise PermissionDenied(
            "This license key was issued to another partner and cannot be applied by yours.",
            code="keyBoundToOtherPartner",
        )
    return key


def _check_billing(customer: Customer, product: Product) -> None:
    """L-4 "product not allowed for the customer's billing type" (docs/decisions.md): a monthly
    usage account holds only products billed by usage (B-2); a term key for another product
    cannot join it until the account has moved to term billing."""
    if customer.billing_type == BillingType.USAGE and not product.usage_billable:
        raise Conflict(
            f"{customer.show_as} is billed monthly by usage, and {product.name} cannot be billed "
            "that way: a key for it cannot be applied to a monthly usage account. Apply keys for "
            "the customer's monthly products first to move it to term billing.",
            code="productNotAllowed",
        )


def _term_licenses(customer: Customer, product: Product, today: dt.date) -> Any:
    return License.objects.filter(
        customer=customer,
        product=product,
        license_type=LicenseType.TERM,
        revoked_at__isnull=True,
        ends_on__gte=today,
    )


def plan_term(
    customer: Customer, key: LicenseKey, today: dt.date, mode: str | None
) -> tuple[TermPlan, License | None]:
    """L-5: the new term's dates for `mode`, and the active same-product term it overlaps.
    Raises OverlapChoiceRequired when there is such a term and no choice was made."""
    months, quantity = key.term_months, key.quantity
    current = (
        _term_licenses(customer, key.product, today).order_by("-ends_on", "-starts_on").first()
    )
    if current is None or current.ends_on is None:
        return TermPlan(None, today, term_end(today, months), quantity), None
    renew_start = current.ends_on + dt.timedelta(days=1)
    renew = TermPlan(RENEW, renew_start, term_end(renew_start, months), quantity)
    coterm = TermPlan(COTERM, today, max(term_end(today, months), current.ends_on), quantity)
    if mode is None:
        group = _term_licenses(customer, key.product, today).filter(ends_on=current.ends_on)
        running = sum(lic.quantity or 0 for lic in group if lic.starts_on <= today)
        raise OverlapChoiceRequired(current, renew, coterm, running or (current.quantity or 0))
    return (renew if mode == RENEW else coterm), current


def _apply(
    actor: Actor,
    customer: Customer,
    key_text: str,
    terms_accepted: bool,
    overlap: str | None,
    today: dt.date | None,
) -> AppliedKey:
    mode = _parse_overlap(overlap)
    canonical = _canonical(key_text)
    if not terms_accepted:
        message = "Read the terms and tick “I accept the terms” to apply the key."
        raise ValidationFailed(message, fields={"terms": message}, code="termsNotAccepted")
    found = LicenseKey.objects.select_related("product").filter(key_hash=keys.key_hash(canonical))
    key = _check_key(found.first(), customer)
    now = timezone.now()
    today = today or timezone.localdate()
    try:
        return _claim_and_create(actor, customer, key, mode, now, today)
    except IntegrityError:  # the unique source key: a claim lost a race the UPDATE missed
        raise Conflict(
            "This license key has already been used: a key can be applied only once.",
            code="keyAlreadyUsed",
        ) from None


def _claim_and_create(
    actor: Actor,
    customer: Customer,
    key: LicenseKey,
    mode: str | None,
    now: dt.datetime,
    today: dt.date,
) -> AppliedKey:
    with transaction.atomic():
        # One apply per customer at a time (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE
        # already serialises writers), so two keys cannot both see "no overlap".
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        claimed = LicenseKey.objects.filter(
            pk=key.pk, used_at__isnull=True, revoked_at__isnull=True
        ).update(used_at=now)
        if claimed != 1:  # L-6: someone else claimed (or the vendor revoked) it just now
            key.refresh_from_db(fields=["used_at", "revoked_at"])
            _check_key(key, customer)
            raise Conflict("This license key has already been used.", code="keyAlreadyUsed")
        key.used_at = now
        _check_billing(customer, key.product)
        plan, current = plan_term(customer, key, today, mode)
        return _create_license(actor, customer, key, plan, current, now, today)


def _create_license(
    actor: Actor,
    customer: Customer,
    key: LicenseKey,
    plan: TermPlan,
    current: License | None,
    now: dt.datetime,
    today: dt.date,
) -> AppliedKey:
    product = key.product
    changed: list[dict[str, Any]] = []
    quantity_now = plan.quantity
    if plan.mode == COTERM and current is not None:
        # Co-term: the current term (and whatever is already co-termed with it) ends on the
        # later date; quantities add up because every license in the group runs to that date.
        group = list(_term_licenses(customer, product, today).filter(ends_on=current.ends_on))
        quantity_now += sum(lic.quantity or 0 for lic in group if lic.starts_on <= today)
        for lic in group:
            if lic.ends_on != plan.ends_on:
                changed.append(_change(lic, ends_on=plan.ends_on))
    # L-5: a same-product trial ends the day before the new term starts.
    cut = plan.starts_on - dt.timedelta(days=1)
    trials = License.objects.filter(
        customer=customer,
        product=product,
        license_type=LicenseType.TRIAL,
        revoked_at__isnull=True,
        ends_on__gt=cut,
    )
    for trial in trials:
        changed.append(_change(trial, ends_on=cut, starts_on=min(trial.starts_on, cut)))
    billing_before = customer.billing_type
    if billing_before == BillingType.USAGE and product.usage_billable:
        # B-3 usage -> term, product by product: the key replaces this product's monthly usage.
        usage = License.objects.filter(
            customer=customer,
            product=product,
            license_type=LicenseType.USAGE,
            revoked_at__isnull=True,
        )
        for lic in usage:
            changed.append(_change(lic, revoked_at=now))
    license = License.objects.create(
        partner_id=customer.partner_id,
        customer=customer,
        product=product,
        license_type=LicenseType.TERM,
        quantity=plan.quantity,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        source_key=key,
        terms_version=TERMS_VERSION,
        terms_accepted_at=now,
        applied_by_id=actor.user_id,
    )
    billing_after = _billing_after(customer)
    if billing_after != billing_before:
        customer.billing_type = billing_after
        customer.save(update_fields=["billing_type", "updated_at"])
    audit_record(
        actor=actor,
        action="license_key.applied",
        target=license,
        label=f"{product.name}, quantity {plan.quantity} → {customer.show_as} (key …{key.suffix})",
        customer_id=customer.id,
        before={"billing_type": billing_before, "changed": [c["before"] for c in changed]},
        after={
            "license": snapshot(license, ["id", *LICENSE_FIELDS]),
            "key": f"…{key.suffix}",
            "overlap": plan.mode,
            "terms_version": TERMS_VERSION,
            "terms_accepted_at": now,
            "billing_type": billing_after,
            "changed": [c["after"] for c in changed],
        },
    )
    event_emit(
        event_type="license.applied",
        partner_id=customer.partner_id,
        customer_id=customer.id,
        payload={
            "customerId": str(customer.uuid),
            "productCode": product.code,
            "quantity": plan.quantity,
            "endsOn": plan.ends_on.isoformat() if plan.ends_on else None,
        },
    )
    if billing_after != billing_before:
        event_emit(
            event_type="billing_type.changed",
            partner_id=customer.partner_id,
            customer_id=customer.id,
            payload={"customerId": str(customer.uuid), "from": billing_before, "to": billing_after},
        )
    return AppliedKey(
        license=license,
        customer=customer,
        mode=plan.mode,
        quantity_now=quantity_now,
        changed=changed,
        billing_before=billing_before,
        billing_after=billing_after,
    )


def _change(lic: License, **values: Any) -> dict[str, Any]:
    fields = list(values)
    before = snapshot(lic, ["id", *fields])
    for name, value in values.items():
        setattr(lic, name, value)
    lic.save(update_fields=fields)
    return {"before": before, "after": snapshot(lic, ["id", *fields])}


def _billing_after(customer: Customer) -> str:
    """A trial customer that applies a key becomes a term customer; a usage customer does once
    no product is billed by usage any more (B-3, usage -> term by applying keys)."""
    if customer.billing_type == BillingType.TRIAL:
        return BillingType.TERM
    if customer.billing_type == BillingType.USAGE:
        still_usage = License.objects.filter(
            customer=customer, license_type=LicenseType.USAGE, revoked_at__isnull=True
        ).exists()
        return BillingType.USAGE if still_usage else BillingType.TERM
    return customer.billing_type


# -- issuing and revoking keys (L-2, the operator) --------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: its text exists only in this object, never in the database."""

    text: str
    key: LicenseKey


def _require_operator(actor: Actor) -> None:
    if actor.partner_id is not None or actor.credential_id is not None:
        raise PermissionDenied("Only the operator issues and revokes license keys.")


def _bounded(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise ValidationFailed(f"{name} must be a whole number.", fields={name: ""}) from None
    if not low <= value <= high:
        raise ValidationFailed(
            f"{name} must be between {low:,} and {high:,}; got {value:,}.", fields={name: ""}
        )
    return value


def license_keys_issue(
    *,
    actor: Actor,
    product: Product | str,
    quantity: int | str,
    term_months: int | str,
    count: int | str,
    partner: Partner | int | str | None = None,
) -> list[IssuedKey]:
    """L-2: `count` new keys; only their hash and suffix are stored. The caller shows or writes
    the returned texts once."""
    _require_operator(actor)
    if not isinstance(product, Product):
        code = str(product).strip()
        found = Product.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Product.objects.order_by("code").values_list("code", flat=True))
            raise ValidationFailed(
                f"No product has the code {code!r}. Known codes: {known or 'none yet'}.",
                fields={"product": ""},
            )
        product = found
    if partner is not None and not isinstance(partner, Partner):
        partner_id = _bounded("partner", partner, 1, 2**62)
        found_partner = Partner.objects.filter(pk=partner_id).first()
        if found_partner is None:
            raise ValidationFailed(f"No partner has the id {partner_id}.", fields={"partner": ""})
        partner = found_partner
    quantity = _bounded("quantity", quantity, 1, MAX_KEY_QUANTITY)
    term_months = _bounded("months", term_months, 1, MAX_TERM_MONTHS)
    count = _bounded("count", count, 1, MAX_KEYS_PER_BATCH)
    for _attempt in range(3):
        texts = {keys.generate() for _ in range(count)}
        if len(texts) < count:
            continue
        try:
            with transaction.atomic():
                return _store_keys(actor, product, quantity, term_months, partner, texts)
        except IntegrityError:  # a 120-bit collision with an existing key: draw again
            continue
    raise Conflict("Could not generate unique keys; try again.", code="keyCollision")


def _store_keys(
    actor: Actor,
    product: Product,
    quantity: int,
    term_months: int,
    partner: Partner | None,
    texts: Iterable[str],
) -> list[IssuedKey]:
    issued = []
    for text in sorted(texts):
        key = LicenseKey.objects.create(
            key_hash=keys.key_hash(text),
            suffix=keys.suffix(text),
            product=product,
            quantity=quantity,
            term_months=term_months,
            partner=partner,
        )
        audit_record(
            actor=actor,
            action="license_key.issued",
            target=key,
            label=f"Key …{key.suffix}: {product.name}, quantity {quantity}, {term_months} months",
            partner_id=partner.pk if partner else None,
            after={
                "product": product.code,
                "quantity": quantity,
                "term_months": term_months,
                "partner_id": partner.pk if partner else None,
                "suffix": key.suffix,
            },
        )
        issued.append(IssuedKey(text, key))
    return issued


CSV_HEADER = [
    "license_key",
    "suffix",
    "product_code",
    "product_name",
    "quantity",
    "term_months",
    "partner_id",
    "partner_name",
    "issued_at",
]


def issued_keys_csv(issued: list[IssuedKey]) -> str:
    """The new keys as CSV text (the only place their full text is ever written)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for item in issued:
        k = item.key
        writer.writerow(
            [
                item.text,
                k.suffix,
                k.product.code,
                k.product.name,
                k.quantity,
                k.term_months,
                k.partner_id or "",
                k.partner.name if k.partner else "",
                k.issued_at.isoformat(),
            ]
        )
    return out.getvalue()


def license_key_revoke(*, actor: Actor, key: LicenseKey | int | str) -> LicenseKey:
    """L-2: the operator revokes an unused key; applying it is refused from then on. A used key
    cannot be revoked: activation cannot be undone (L-3)."""
    _require_operator(actor)
    if not isinstance(key, LicenseKey):
        key_id = key
        found = None
        if str(key_id).strip().isdigit():
            found = LicenseKey.objects.filter(pk=int(str(key_id).strip())).first()
        if found is None:
            raise NotFound(f"No license key has the id {key_id}.")
        key = found
    with transaction.atomic():
        now = timezone.now()
        updated = LicenseKey.objects.filter(
            pk=key.pk, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        key.refresh_from_db()
        if not updated:
            if key.revoked_at is not None:
                raise Conflict(f"Key …{key.suffix} is already revoked.", code="keyRevoked")
            raise Conflict(
                f"Key …{key.suffix} was applied on "
                f"{day_text(key.used_at.date() if key.used_at else None)}; "
                "activation cannot be undone, so it cannot be revoked.",
                code="keyAlreadyUsed",
            )
        audit_record(
            actor=actor,
            action="license_key.revoked",
            target=key,
            label=f"Key …{key.suffix}",
            partner_id=key.partner_id,
            before={"revoked_at": None},
            after={"revoked_at": now},
        )
    return key
