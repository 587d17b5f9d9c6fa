"""Lookups for licensing: the operator's Actor, and keys by id or by their text."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.licensing import keys
from partnerdesk.licensing.models import LicenseKey


def operator_actor(
    *, user_id: int | None = None, label: str = "", address: str | None = None
) -> Actor:
    """The operator (Django admin or command line) as an Actor: no partner, no role, so the
    partner-side services refuse it and the key services accept it."""
    return Actor(
        partner_id=None,
        role=None,
        user_id=user_id,
        display_name=label or "operator",
        address=address,
    )


def key_for_operator(ref: str) -> LicenseKey:
    """A key by its database id or by its full text (the operator's CSV); NotFound otherwise."""
    text = (ref or "").strip()
    if text.isdigit():
        found = LicenseKey.objects.filter(pk=int(text)).first()
    else:
        try:
            canonical = keys.normalize(text)
        except keys.MalformedKey as exc:
            raise NotFound(f"Not a key id, and not a well-formed key: {exc}") from None
        found = LicenseKey.objects.filter(key_hash=keys.key_hash(canonical)).first()
    if found is None:
        raise NotFound(f"No license key matches {text!r}.")
    return found
