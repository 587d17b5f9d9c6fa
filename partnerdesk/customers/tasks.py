"""Background jobs of the customers app (the daily expiry of approval requests is beside
them, in approvals.py)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from partnerdesk.core.periodic import daily
from partnerdesk.customers.unlink import carry_out_due_unlinks


@daily("scheduled_unlinks")
def scheduled_unlinks(today: dt.date) -> str:
    return f"{carry_out_due_unlinks(today)} customers unlinked"


@task()
def approval_request_notify(request_id: int) -> int:
    """Email the customer's Super Admins and Admins about a new approval request (P-3)."""
    from partnerdesk.customers.notify import approval_request_email

    return approval_request_email(request_id)
