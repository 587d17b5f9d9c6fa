"""The customer's console: home, settings (Partner Assistance, logo, early access), the answer
to approval requests, and the customer's own audit log."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partnerdesk.accounts.models import CustomerAdmin, User
from partnerdesk.accounts.tenant_credentials import (
    tenant_credential_create,
    tenant_credential_revoke,
    tenant_credentials,
)
from partnerdesk.audit.selectors import customer_audit_events
from partnerdesk.console.access import (
    Console,
    SessionEnded,
    console_for,
    delegated_ids,
    forget_delegated,
)
from partnerdesk.console.assistance import partner_assistance_set
from partnerdesk.console.delegation import delegated_session_end
from partnerdesk.console.early_access import (
    early_access_join,
    early_access_leave,
    early_access_overview,
)
from partnerdesk.console.logos import customer_logo, customer_logo_remove, customer_logo_set
from partnerdesk.console.models import DelegatedSession, Device
from partnerdesk.core.errors import DomainError, ValidationFailed
from partnerdesk.core.images import ACCEPTED, RULES, logo_response, preview_size, read_upload
from partnerdesk.core.permissions import CONSOLE_ROLE_CHOICES, ConsoleAction
from partnerdesk.core.views import render_error
from partnerdesk.customers.approvals import (
    approval_request_answer,
    pending_request_for,
)
from partnerdesk.licensing.selectors import current_licenses

ConsoleViewFn = Callable[..., HttpResponseBase]


def console_view(view: ConsoleViewFn) -> ConsoleViewFn:
    """A console page: the signed-in user must be an admin of the customer or hold an open
    delegated session into it; the console's actor replaces the partner actor for the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, customer_id: str, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            console = console_for(request, customer_id)
        except SessionEnded as ended:
            forget_delegated(request, _customer_stub(customer_id))
            return render(
                request,
                "console/session_ended.html",
                {"message": ended.message},
                status=403,
            )
        except DomainError as error:
            return render_error(request, error)
        request.actor = console.actor  # type: ignore[attr-defined]
        request.console = console  # type: ignore[attr-defined]
        try:
            return view(request, console, *args, **kwargs)
        except DomainError as error:
            return render_error(request, error)

    return wrapper


class _CustomerStub:
    def __init__(self, uuid: str) -> None:
        self.uuid = uuid


def _customer_stub(customer_id: str) -> Any:
    return _CustomerStub(customer_id)


def console_chooser(request: HttpRequest) -> HttpResponse:
    """The consoles this user may open: tenants it administers and open delegated sessions."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assert isinstance(request.user, User)
    roles = list(
        CustomerAdmin.objects.filter(user=request.user, customer__unlinked_at__isnull=True)
        .select_related("customer")
        .order_by("customer__show_as")
    )
    sessions = list(
        DelegatedSession.objects.filter(
            pk__in=list(delegated_ids(request).values()),
            user=request.user,
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).select_related("customer")
    )
    if len(roles) == 1 and not sessions and request.user.partner_id is None:
        return redirect("console:home", roles[0].customer.uuid)
    return render(request, "console/chooser.html", {"roles": roles, "sessions": sessions})


def _context(console: Console, **extra: Any) -> dict[str, Any]:
    return {
        "console": console,
        "customer": console.customer,
        "cactor": console.actor,
        "may_read_audit": console.actor.console_can(ConsoleAction.READ_AUDIT_LOG),
        "may_manage_credentials": console.actor.console_can(
            ConsoleAction.MANAGE_TENANT_CREDENTIALS
        ),
        **extra,
    }


@console_view
def console_home(request: HttpRequest, console: Console) -> HttpResponse:
    customer = console.customer
    today = timezone.localdate()
    devices = Device.objects.filter(customer=customer).order_by("hostname", "id")
    page = Paginator(devices, 50).get_page(request.GET.get("page"))
    health = dict(
        Device.objects.filter(customer=customer)
        .values_list("health")
        .annotate(n=Count("id"))
        .values_list("health", "n")
    )
    pending = pending_request_for(customer)
    return render(
        request,
        "console/home.html",
        _context(
            console,
            licenses=current_licenses(customer, today),
            today=today,
            page=page,
            health=health,
            device_total=sum(health.values()),
            pending=pending,
            may_answer=console.actor.console_can(ConsoleAction.ANSWER_APPROVAL),
        ),
    )


def _settings_page(
    request: HttpRequest, console: Console, *, status: int = 200, **errors: str
) -> HttpResponse:
    actor = console.actor
    logo = customer_logo(actor, console.customer)
    width, height = preview_size(logo)
    return render(
        request,
        "console/settings.html",
        _context(
            console,
            may_set_assistance=actor.console_can(ConsoleAction.SET_PARTNER_ASSISTANCE),
            read_only=not actor.console_can(ConsoleAction.CUSTOMER_LOGO),
            may_early_access=actor.console_can(ConsoleAction.EARLY_ACCESS),
            programs=early_access_overview(console.customer),
            logo=logo,
            image_url=reverse("console:logo", args=[console.customer.uuid]),
            upload_url=reverse("console:logo_upload", args=[console.customer.uuid]),
            remove_url=reverse("console:logo_remove", args=[console.customer.uuid]),
            preview_width=width,
            preview_height=height,
            accept=ACCEPTED,
            rules=RULES,
            logo_alt=f"Logo of {console.customer.show_as}",
            usage="It appears at the right of the header of this console's exported dashboards.",
            error=errors.get("error", ""),
            remove_error=errors.get("remove_error", ""),
        ),
        status=status,
    )


@console_view
def console_settings(request: HttpRequest, console: Console) -> HttpResponse:
    return _settings_page(request, console)


@require_POST
@console_view
def console_partner_assistance(request: HttpRequest, console: Console) -> HttpResponse:
    enabled = request.POST.get("enabled") == "on"
    changed = partner_assistance_set(
        actor=console.actor, customer=console.customer, enabled=enabled
    )
    if changed:
        messages.success(
            request,
            "Partner Assistance is on: your partner can now open this console."
            if enabled
            else "Partner Assistance is off: your partner can no longer open this console, and "
            "any of their open sessions has ended.",
        )
    return redirect("console:settings", console.customer.uuid)


@require_POST
@console_view
def console_approval_answer(
    request: HttpRequest, console: Console, request_id: str
) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in ("approve", "deny"):
        messages.error(request, "Choose Approve or Deny.")
        return redirect("console:home", console.customer.uuid)
    answered = approval_request_answer(
        actor=console.actor, request_id=request_id, approve=decision == "approve"
    )
    messages.success(
        request,
        f"You approved the request of {answered.requested_by_label}: Partner Assistance is on."
        if decision == "approve"
        else f"You denied the request of {answered.requested_by_label}.",
    )
    return redirect("console:home", console.customer.uuid)


@require_POST
@console_view
def console_early_access(request: HttpRequest, console: Console, program_id: int) -> HttpResponse:
    if request.POST.get("action") == "leave":
        early_access_leave(actor=console.actor, customer=console.customer, program_id=program_id)
        messages.success(request, "You left the early access program.")
    else:
        enrollment = early_access_join(
            actor=console.actor, customer=console.customer, program_id=program_id
        )
        messages.success(request, f"You joined “{enrollment.program.name}”.")
    return redirect("console:settings", console.customer.uuid)


@console_view
def console_audit(request: HttpRequest, console: Console) -> HttpResponse:
    console.actor.console_require(ConsoleAction.READ_AUDIT_LOG)
    page = Paginator(customer_audit_events(console.customer), 50).get_page(request.GET.get("page"))
    return render(request, "console/audit.html", _context(console, page=page))


@require_POST
@console_view
def console_end_session(request: HttpRequest, console: Console) -> HttpResponse:
    delegated_session_end(actor=console.actor)
    forget_delegated(request, console.customer)
    messages.success(request, f"You left {console.customer.show_as}'s console.")
    return redirect(reverse("customers:detail", args=[console.customer.uuid]))


@console_view
def console_logo(request: HttpRequest, console: Console) -> HttpResponse:
    return logo_response(customer_logo(console.actor, console.customer), request)


@require_POST
@console_view
def console_logo_upload(request: HttpRequest, console: Console) -> HttpResponse:
    console.actor.console_require(ConsoleAction.CUSTOMER_LOGO)
    upload = request.FILES.get("file")
    if upload is None:
        return _settings_page(
            request, console, status=400, error="Choose a PNG or JPEG file to upload."
        )
    try:
        customer_logo_set(
            actor=console.actor,
            customer=console.customer,
            upload=read_upload(upload),
            filename=upload.name or "",
        )
    except ValidationFailed as error:
        return _settings_page(request, console, status=400, error=error.message)
    messages.success(request, "Logo uploaded. Exported dashboards now show it.")
    return redirect("console:settings", console.customer.uuid)


@require_POST
@console_view
def console_logo_remove(request: HttpRequest, console: Console) -> HttpResponse:
    console.actor.console_require(ConsoleAction.CUSTOMER_LOGO)
    if request.POST.get("confirm") != "yes":
        return _settings_page(
            request, console, status=400, remove_error="Tick the box to confirm that the logo goes."
        )
    customer_logo_remove(actor=console.actor, customer=console.customer)
    messages.success(request, "Logo removed. Exported dashboards show no customer logo.")
    return redirect("console:settings", console.customer.uuid)


@require_http_methods(["GET", "POST"])
@console_view
def console_credentials(request: HttpRequest, console: Console) -> HttpResponse:
    """A-5: the tenant's API credentials, for its console Super Admins only."""
    actor, customer = console.actor, console.customer
    credentials = tenant_credentials(actor, customer)
    context = _context(
        console, credentials=credentials, roles=CONSOLE_ROLE_CHOICES, name="", role="read_only"
    )
    status = 200
    if request.method == "POST":
        name, role = request.POST.get("name", ""), request.POST.get("role", "")
        try:
            created = tenant_credential_create(actor=actor, customer=customer, name=name, role=role)
        except ValidationFailed as error:
            context.update(error=error.message, name=name, role=role)
            status = 400
        else:
            context.update(created=created, credentials=tenant_credentials(actor, customer))
    return render(request, "console/credentials.html", context, status=status)


@require_POST
@console_view
def console_credential_revoke(
    request: HttpRequest, console: Console, credential_id: int
) -> HttpResponse:
    revoked = tenant_credential_revoke(
        actor=console.actor, customer=console.customer, credential_id=credential_id
    )
    messages.success(request, f"“{revoked.name}” is revoked: its tokens stopped working.")
    return redirect("console:credentials", console.customer.uuid)
