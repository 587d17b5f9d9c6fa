"""Unused license keys for the demo partners, printed by `manage.py demo` (issue 4).

Demo keys are derived from a fixed seed, like the demo passwords: every run prints the same keys
until one is applied, then the next key of that kind. They are bound to the demo partners, so
they are of no use on an install without the demo data."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from partnerdesk.audit.services import audit_record
from partnerdesk.core import demo_data
from partnerdesk.core.actor import Actor
from partnerdesk.licensing import keys
from partnerdesk.licensing.access import operator_actor
from partnerdesk.licensing.models import LicenseKey, Product
from partnerdesk.partners.models import Partner

# (product code, quantity, term in months): one key of each per demo partner.
DEMO_KEYS = [
    ("endpoint-advanced", 25, 12),
    ("server-protection", 10, 12),
    ("email-security", 50, 12),
]
MAX_PER_SLOT = 200


def demo_key_text(partner_name: str, product_code: str, serial: int) -> str:
    """The `serial`-th demo key of one kind: a valid key, the same on every install."""
    digest = hashlib.sha256(f"partnerdesk-demo:{partner_name}:{product_code}:{serial}".encode())
    raw = digest.digest()
    body = "".join(keys.ALPHABET[b % len(keys.ALPHABET)] for b in raw[: keys.BODY_LEN])
    return keys.format_key(body + keys._check_char(body))


@transaction.atomic
def ensure_demo_keys() -> list[tuple[str, str, int, int, str]]:
    """One unused key per kind and demo partner (created when missing); returns
    `(partner, product, quantity, months, key)` rows to print."""
    actor = operator_actor(label="partnerdesk demo data")
    rows = []
    for partner_name in (demo_data.PARTNER_A, demo_data.PARTNER_B):
        partner = Partner.objects.filter(name=partner_name).first()
        if partner is None:
            continue
        for code, quantity, months in DEMO_KEYS:
            product = Product.objects.filter(code=code).first()
            if product is None:
                continue
            text = _unused_key(actor, partner, product, quantity, months)
            if text:
                rows.append((partner_name, product.name, quantity, months, text))
    return rows


def _unused_key(
    actor: Actor, partner: Partner, product: Product, quantity: int, months: int
) -> str | None:
    for serial in range(MAX_PER_SLOT):
        text = demo_key_text(partner.name, product.code, serial)
        key = LicenseKey.objects.filter(key_hash=keys.key_hash(text)).first()
        if key is None:
            key = LicenseKey.objects.create(
                key_hash=keys.key_hash(text),
                suffix=keys.suffix(text),
                product=product,
                quantity=quantity,
                term_months=months,
                partner=partner,
            )
            audit_record(
                actor=actor,
                action="license_key.issued",
                target=key,
                label=f"Demo key …{key.suffix}: {product.name}, quantity {quantity}",
                partner_id=partner.pk,
                after={"product": product.code, "quantity": quantity, "term_months": months},
            )
        if key.used_at is None and key.revoked_at is None:
            return text
    return None


def print_demo_keys(out: Any) -> None:
    """Write the demo keys under the demo sign-ins (`out` is a command's stdout)."""
    rows = ensure_demo_keys()
    if not rows:
        return
    out.write("\nDemo license keys (unused; use a customer row's Apply license key):")
    for partner_name, product_name, quantity, months, text in rows:
        what = f"{partner_name}: {product_name}, {quantity} for {months} months"
        out.write(f"  {what:<76} {text}")
