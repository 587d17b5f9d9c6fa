"""The approval-request email (P-3), sent by the worker through Django's email backend."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from partnerdesk.accounts.models import CustomerAdmin
from partnerdesk.core.permissions import ConsoleRole
from partnerdesk.customers.models import ApprovalRequest, ApprovalStatus
from partnerdesk.partners.models import Partner


def approval_request_email(request_id: int) -> int:
    """Send the email to every Super Admin and Admin of the customer; returns how many."""
    request = (
        ApprovalRequest.objects.select_related("customer")
        .filter(pk=request_id, status=ApprovalStatus.PENDING)
        .first()
    )
    if request is None:
        return 0
    recipients = sorted(
        set(
            CustomerAdmin.objects.filter(
                customer=request.customer,
                role__in=[ConsoleRole.SUPER_ADMIN, ConsoleRole.ADMIN],
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    partner = Partner.objects.get(pk=request.partner_id)
    context = {
        "request": request,
        "customer": request.customer,
        "partner": partner,
        "console_url": settings.PUBLIC_URL + reverse("console:home", args=[request.customer.uuid]),
    }
    send_mail(
        subject=f"{partner.name} asks for Partner Assistance on {request.customer.show_as}",
        message=render_to_string("console/approval_email.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
