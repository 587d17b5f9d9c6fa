"""Partner settings pages: the partner's logo for co-branding (G-1)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerdesk.core.errors import NotFound, ValidationFailed
from partnerdesk.core.images import logo_form_context, logo_response, read_upload
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.partners import services
from partnerdesk.partners.models import PartnerLogo


def _context(
    logo: PartnerLogo | None, *, error: str = "", remove_error: str = ""
) -> dict[str, object]:
    return logo_form_context(
        logo,
        image_url=reverse("partner_settings:logo_image"),
        upload_url=reverse("partner_settings:logo"),
        remove_url=reverse("partner_settings:logo_remove"),
        logo_alt="Your partner logo",
        usage="It appears at the left of the header of your customers' exported dashboards.",
        error=error,
        remove_error=remove_error,
    )


def _page(request: HttpRequest, *, status: int = 200, **errors: str) -> HttpResponse:
    logo = services.partner_logo(get_actor(request))
    return render(request, "partners/logo.html", _context(logo, **errors), status=status)


@require_http_methods(["GET", "POST"])
@partner_view
def logo_settings(request: HttpRequest) -> HttpResponse:
    """The logo page: the current logo, and an upload that replaces it."""
    actor = get_actor(request)
    actor.require(Action.PARTNER_LOGO)
    if request.method == "GET":
        return _page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, status=400, error="Choose a PNG or JPEG file to upload.")
    try:
        services.partner_logo_set(
            actor=actor, upload=read_upload(upload), filename=upload.name or ""
        )
    except ValidationFailed as exc:
        return _page(request, status=400, error=exc.message)
    messages.success(request, "Logo uploaded. Exported dashboards now show it.")
    return redirect("partner_settings:logo")


@require_POST
@partner_view
def logo_remove(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.PARTNER_LOGO)
    if request.POST.get("confirm") != "yes":
        return _page(
            request, status=400, remove_error="Tick the box to confirm that the logo goes."
        )
    try:
        services.partner_logo_remove(actor=actor)
    except NotFound as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, "Logo removed. Exported dashboards show no partner logo.")
    return redirect("partner_settings:logo")


@require_GET
@partner_view
def logo_image(request: HttpRequest) -> HttpResponse:
    """The stored logo, to every signed-in user of the partner (it is on their exports)."""
    return logo_response(services.partner_logo(get_actor(request)), request)
