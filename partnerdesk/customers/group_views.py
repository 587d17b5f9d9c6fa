"""Groups pages (D-2): Super Admins create, rename and delete groups and manage members."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnerdesk.core.errors import Conflict, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.customers import services
from partnerdesk.customers.access import group_for
from partnerdesk.customers.group_selectors import group_non_members, group_summaries
from partnerdesk.customers.models import GroupMembership


@require_http_methods(["GET", "POST"])
@partner_view
def group_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_GROUPS)
    form = {"name": "", "description": ""}
    error, status = None, 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            group = services.customer_group_create(actor=actor, **form)
        except (ValidationFailed, Conflict) as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"Group “{group.name}” created.")
            return redirect("groups:list")
    context = {"groups": group_summaries(actor), "form": form, "error": error}
    return render(request, "customers/groups.html", context, status=status)


@require_http_methods(["GET", "POST"])
@partner_view
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_GROUPS)
    group = group_for(actor, group_id)
    form = {"name": group.name, "description": group.description}
    error, status = None, 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            group = services.customer_group_update(actor=actor, group_id=group.pk, **form)
        except (ValidationFailed, Conflict) as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"Group “{group.name}” saved.")
            return redirect("groups:edit", group_id=group.pk)
    term = (request.GET.get("q") or "").strip()[:100]
    context = {
        "group": group,
        "form": form,
        "error": error,
        "term": term,
        "candidates": group_non_members(actor, group, term) if term else [],
        "members": GroupMembership.objects.filter(
            group=group, customer__unlinked_at__isnull=True
        ).count(),
    }
    return render(request, "customers/group_edit.html", context, status=status)


@require_http_methods(["POST"])
@partner_view
def group_member_add(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = get_actor(request)
    customer_id = request.POST.get("customer", "")
    try:
        membership = services.customer_group_add(
            actor=actor, customer_id=customer_id, group_id=group_id
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{membership.customer.show_as} added to {membership.group.name}."
        )
    query = request.POST.get("q", "")
    url = redirect("groups:edit", group_id=group_id).url
    return redirect(f"{url}?q={query}" if query else url)


@require_http_methods(["GET", "POST"])
@partner_view
def group_delete(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.MANAGE_GROUPS)
    group = group_for(actor, group_id)
    if request.method == "POST":
        name = group.name
        members = services.customer_group_delete(actor=actor, group_id=group.pk)
        messages.success(
            request,
            f"Group “{name}” deleted. Its {members} customer{'s' if members != 1 else ''} "
            "stay in your customer list.",
        )
        return redirect("groups:list")
    members = GroupMembership.objects.filter(group=group).count()
    return render(request, "customers/group_delete.html", {"group": group, "members": members})
