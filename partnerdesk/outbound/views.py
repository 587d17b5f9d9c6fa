"""Webhook pages (N-3): Super Admins register endpoints, see deliveries and their attempts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerdesk.core.errors import Conflict, ValidationFailed
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, PageInfo
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.outbound import services
from partnerdesk.outbound.access import delivery_for, endpoint_for
from partnerdesk.outbound.events import EVENT_LABELS, EVENT_TYPES
from partnerdesk.outbound.selectors import delivery_attempts, webhook_deliveries, webhook_endpoints


def _no_store(response: HttpResponse) -> HttpResponse:
    # The page may carry a secret: never keep it in a cache or the browser's history store.
    response["Cache-Control"] = "no-store"
    return response


def _form(request: HttpRequest) -> dict[str, Any]:
    return {
        "url": request.POST.get("url", ""),
        "description": request.POST.get("description", ""),
        "events": request.POST.getlist("events"),
        "active": request.POST.get("active") == "on",
    }


@require_http_methods(["GET", "POST"])
@partner_view
def endpoint_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_PARTNER)
    form: dict[str, Any] = {"url": "", "description": "", "events": [], "active": True}
    new, error, status = None, None, 200
    if request.method == "POST":
        form = _form(request) | {"active": True}
        try:
            new = services.webhook_endpoint_create(
                actor=actor, url=form["url"], events=form["events"], description=form["description"]
            )
        except (ValidationFailed, Conflict) as exc:
            error, status = exc.message, exc.status
        else:
            form = {"url": "", "description": "", "events": [], "active": True}
    context = {
        "endpoints": list(webhook_endpoints(actor)),
        "form": form,
        "new": new,
        "error": error,
        "event_types": EVENT_TYPES,
        "event_labels": EVENT_LABELS,
    }
    return _no_store(render(request, "outbound/endpoints.html", context, status=status))


@require_http_methods(["GET", "POST"])
@partner_view
def endpoint_edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_PARTNER)
    endpoint = endpoint_for(actor, endpoint_id)
    form: dict[str, Any] = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }
    error, status = None, 200
    if request.method == "POST":
        form = _form(request)
        try:
            services.webhook_endpoint_update(actor=actor, endpoint_id=endpoint.pk, **form)
        except (ValidationFailed, Conflict) as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"Endpoint {endpoint.url} saved.")
            return redirect("webhooks:list")
    context = {"endpoint": endpoint, "form": form, "error": error, "event_types": EVENT_TYPES}
    return render(request, "outbound/endpoint_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@partner_view
def endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_PARTNER)
    endpoint = endpoint_for(actor, endpoint_id)
    if request.method == "POST":
        url = endpoint.url
        dropped = services.webhook_endpoint_delete(actor=actor, endpoint_id=endpoint.pk)
        note = f" {dropped} waiting deliver{'ies were' if dropped != 1 else 'y was'} dropped."
        messages.success(request, f"Endpoint {url} deleted." + (note if dropped else ""))
        return redirect("webhooks:list")
    pending = webhook_deliveries(actor, endpoint_id=endpoint.pk).filter(status="pending").count()
    return render(
        request, "outbound/endpoint_delete.html", {"endpoint": endpoint, "pending": pending}
    )


@require_http_methods(["GET", "POST"])
@partner_view
def endpoint_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_PARTNER)
    endpoint = endpoint_for(actor, endpoint_id)
    rotated = False
    if request.method == "POST":
        endpoint = services.webhook_endpoint_rotate_secret(actor=actor, endpoint_id=endpoint.pk)
        rotated = True
    context = {"endpoint": endpoint, "rotated": rotated}
    return _no_store(render(request, "outbound/endpoint_rotate.html", context))


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 10_000_000 else 1


@require_GET
@partner_view
def delivery_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    qs = webhook_deliveries(actor)
    total = qs.count()
    page = PageInfo(number=_page_number(request), size=DEFAULT_PAGE_SIZE, total=total)
    if page.number > page.pages:
        page = PageInfo(number=page.pages, size=DEFAULT_PAGE_SIZE, total=total)
    deliveries = list(qs[page.offset : page.offset + page.size])
    context = {"deliveries": deliveries, "page": page, "event_labels": EVENT_LABELS}
    return render(request, "outbound/deliveries.html", context)


@require_GET
@partner_view
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_PARTNER)
    delivery = delivery_for(actor, delivery_id)
    context = {
        "delivery": delivery,
        "attempts": list(delivery_attempts(delivery)),
        "event_labels": EVENT_LABELS,
    }
    return render(request, "outbound/delivery.html", context)


@require_POST
@partner_view
def delivery_redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    actor = get_actor(request)
    try:
        services.delivery_redeliver(actor=actor, delivery_id=delivery_id)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Queued for delivery again.")
    return redirect("webhooks:delivery", delivery_id=delivery_id)
