"""Demo logos: drawn here with Pillow (no image files in the repository), so a dashboard export
of a demo customer shows co-branding from the start (G-1, X-2). They go through the same check
and re-encoding as uploads. Northbridge and the customers with a demo console get one;
Lakeside keeps none, so the PDF without a partner logo can be seen too."""

from __future__ import annotations

import io

from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from partnerdesk.accounts.models import CustomerAdmin
from partnerdesk.console.models import CustomerLogo
from partnerdesk.core import demo_data
from partnerdesk.core.images import store_checked, validate_logo
from partnerdesk.partners.models import Partner, PartnerLogo

DEMO_BY = "Demo data"
PARTNER_COLOUR = (19, 38, 61)
CUSTOMER_COLOURS = [(29, 59, 47), (122, 52, 24), (35, 63, 140)]


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def draw_logo(name: str, colour: tuple[int, int, int]) -> bytes:
    """A wordmark: a rounded square with the initials, then the name, on a transparent PNG."""
    height, pad = 160, 16
    title = ImageFont.load_default(size=54)
    mark = ImageFont.load_default(size=60)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    text_w = int(probe.textlength(name, font=title))
    width = min(height + pad * 2 + text_w + pad, 1900)
    img = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    side = height - 2 * pad
    draw.rounded_rectangle((pad, pad, pad + side, pad + side), radius=24, fill=(*colour, 255))
    draw.text(
        (pad + side / 2, pad + side / 2), _initials(name), font=mark, fill="white", anchor="mm"
    )
    draw.text(
        (pad * 2 + side + pad, height / 2), name, font=title, fill=(*colour, 255), anchor="lm"
    )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@transaction.atomic
def ensure_demo_logos() -> list[str]:
    """Give the demo partner and its demo-console customers a logo when they have none; returns
    who received one now (nothing on a second run, nor once someone has replaced it)."""
    given: list[str] = []
    partner = Partner.objects.filter(name=demo_data.PARTNER_A).first()
    if partner is not None and not PartnerLogo.objects.filter(partner=partner).exists():
        logo = PartnerLogo(partner=partner)
        store_checked(
            logo, validate_logo(draw_logo(partner.name, PARTNER_COLOUR)), updated_by=DEMO_BY
        )
        logo.save()
        given.append(partner.name)
    admins = (
        CustomerAdmin.objects.filter(user__username__endswith="-console")
        .select_related("customer")
        .order_by("user__username")
    )
    for admin, colour in zip(admins, CUSTOMER_COLOURS, strict=False):
        customer = admin.customer
        if CustomerLogo.objects.filter(customer=customer).exists():
            continue
        mine = CustomerLogo(customer=customer, partner_id=customer.partner_id)
        store_checked(mine, validate_logo(draw_logo(customer.show_as, colour)), updated_by=DEMO_BY)
        mine.save()
        given.append(customer.show_as)
    return given
