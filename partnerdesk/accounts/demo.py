"""Fixed API credentials for the demo partners, so docs/api.md's examples work as printed."""

from __future__ import annotations

from partnerdesk.accounts.models import APICredential
from partnerdesk.accounts.services import credential_create_for_partner, secret_hash
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner

# (partner name, client id, client secret): demo only, printed by `manage.py demo`.
DEMO_CREDENTIALS = [
    ("Northbridge IT Services", "northbridge-demo-client", "Northbridge-api-demo-2026"),
    ("Lakeside Computer Resellers", "lakeside-demo-client", "Lakeside-api-demo-2026"),
]


def ensure_demo_credentials() -> list[tuple[str, str, str]]:
    """Create (or restore) each demo partner's Super Admin credential; returns
    `(who, client id, secret)` rows for the demo partners that exist."""
    rows = []
    for partner_name, client_id, secret in DEMO_CREDENTIALS:
        partner = Partner.objects.filter(name=partner_name).first()
        if partner is None:
            continue
        existing = APICredential.objects.filter(client_id=client_id).first()
        if existing is None:
            credential_create_for_partner(
                partner=partner,
                name="Demo script",
                role=PartnerRole.SUPER_ADMIN.value,
                client_id=client_id,
                client_secret=secret,
            )
        elif existing.revoked_at is not None or existing.secret_hash != secret_hash(secret):
            existing.revoked_at = None
            existing.secret_hash = secret_hash(secret)
            existing.save(update_fields=["revoked_at", "secret_hash"])
        rows.append((f"{partner_name}: API (Super Admin)", client_id, secret))
    return rows
