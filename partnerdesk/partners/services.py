"""Partner settings writes: the partner's logo for co-branding (G-1)."""

from __future__ import annotations

from django.db import transaction

from partnerdesk.audit.services import actor_label, audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.core.images import image_summary, store_checked, validate_logo
from partnerdesk.core.permissions import Action
from partnerdesk.partners.models import Partner, PartnerLogo


def partner_logo_set(*, actor: Actor, upload: bytes, filename: str = "") -> PartnerLogo:
    """Check, re-encode and store the partner's logo, replacing any earlier one (Super Admin,
    Help Desk). A refused upload raises ValidationFailed before anything is written."""
    actor.require(Action.PARTNER_LOGO)
    checked = validate_logo(upload, filename=filename)
    with transaction.atomic():
        # The partner row is the lock: two uploads at once store one logo, audited in order.
        partner = Partner.objects.select_for_update().get(pk=actor.partner_pk)
        logo = PartnerLogo.objects.filter(partner=partner).first()
        before = image_summary(logo)
        if logo is None:
            logo = PartnerLogo(partner=partner)
        store_checked(logo, checked, updated_by=actor_label(actor))
        logo.save()
        audit_record(
            actor=actor,
            action="partner_logo.set",
            target=logo,
            label=f"logo of {partner.name}",
            before=before,
            after=image_summary(logo),
        )
    return logo


def partner_logo_remove(*, actor: Actor) -> None:
    """Remove the partner's logo (Super Admin, Help Desk); NotFound when there is none."""
    actor.require(Action.PARTNER_LOGO)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=actor.partner_pk)
        logo = PartnerLogo.objects.filter(partner=partner).first()
        if logo is None:
            raise NotFound("There is no logo to remove.", code="notFound.logo")
        audit_record(
            actor=actor,
            action="partner_logo.removed",
            target=logo,
            label=f"logo of {partner.name}",
            before=image_summary(logo),
        )
        logo.delete()


def partner_logo(actor: Actor) -> PartnerLogo | None:
    """The actor's partner's logo, for any signed-in user or credential of that partner."""
    if not actor.is_partner_actor:
        return None
    return PartnerLogo.objects.filter(partner_id=actor.partner_pk).first()
