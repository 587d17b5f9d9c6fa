"""Demo customer admins and early access programs, so the console can be tried at once."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Count

from partnerdesk.accounts.models import CustomerAdmin, User
from partnerdesk.console.models import EarlyAccessProgram
from partnerdesk.core import demo_data
from partnerdesk.core.permissions import ConsoleRole
from partnerdesk.customers.models import Customer

CONSOLE_PASSWORD = "Console-partnerdesk-2026"  # noqa: S105 (demo only, printed)
PROGRAMS = [
    (
        "Adaptive attack protection preview",
        "Tighter protection that switches on by itself during an active attack.",
        True,
    ),
    (
        "Linux runtime detection beta",
        "Runtime detections for Linux servers and containers.",
        False,
    ),
]
# (console role, whether Partner Assistance starts on): one console to approve a partner's
# request in, one the partner can launch at once, and a read-only admin.
ADMINS = [
    (ConsoleRole.SUPER_ADMIN, False),
    (ConsoleRole.ADMIN, True),
    (ConsoleRole.READ_ONLY, True),
]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:20].strip("-") or "customer"


@transaction.atomic
def ensure_demo_console() -> list[tuple[str, str, str]]:
    """Create (once) customer admins for a few Northbridge customers that its Admin, Help Desk
    and Read-only users are assigned to; returns (who, username, password) to print."""
    for name, description, usage_ok in PROGRAMS:
        EarlyAccessProgram.objects.get_or_create(
            name=name, defaults={"description": description, "allows_usage_billing": usage_ok}
        )
    rows: list[tuple[str, str, str]] = []
    existing = list(
        CustomerAdmin.objects.filter(user__username__endswith="-console")
        .select_related("user", "customer")
        .order_by("user__username")
    )
    if not existing:
        assigned = Customer.objects.filter(
            partner__name=demo_data.PARTNER_A,
            unlinked_at__isnull=True,
            assignments__user__username="northbridge-admin",
        ).order_by("show_as")
        # Consoles worth opening: customers whose devices report (and so have alerts and
        # usage to draw), then any other assigned customer.
        # The busiest first, so the dashboards have the most to show.
        with_devices = list(
            assigned.annotate(device_count=Count("devices"))
            .filter(device_count__gt=0)
            .order_by("-device_count", "show_as")[: len(ADMINS)]
        )
        others = [c for c in assigned[: len(ADMINS) * 2] if c not in with_devices]
        customers = (with_devices + others)[: len(ADMINS)]
        for customer, (role, assistance) in zip(customers, ADMINS, strict=False):
            user = User(
                username=f"{_slug(customer.show_as)}-console",
                first_name="Casey",
                last_name=customer.show_as.split()[0],
                email=f"admin@{_slug(customer.show_as)}.example.com",
            )
            user.set_password(CONSOLE_PASSWORD)
            user.save()
            Customer.objects.filter(pk=customer.pk).update(partner_assistance=assistance)
            existing.append(
                CustomerAdmin.objects.create(
                    user=user, partner_id=customer.partner_id, customer=customer, role=role
                )
            )
    for admin in existing:
        rows.append(
            (
                f"{admin.customer.show_as}: console {admin.console_role.label}",
                admin.user.username,
                CONSOLE_PASSWORD,
            )
        )
    return rows
