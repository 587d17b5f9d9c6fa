"""Background jobs of the customers app."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from partnerdesk.core.periodic import daily
from partnerdesk.customers.unlink import carry_out_due_unlinks


@daily("scheduled_unlinks")
def scheduled_unlinks(today: dt.date) -> str:
    return f"{carry_out_due_unlinks(today)} customers unlinked"


@daily("approval_requests_expire")
def approval_requests_expire_job(today: dt.date) -> str:
    from partnerdesk.customers.approvals import approval_requests_expire

    return f"{approval_requests_expire()} approval requests expired"


@task()
def approval_request_notify(request_id: int) -> int:
    """Email the customer's Super Admins and Admins about a new approval request (P-3)."""
    from partnerdesk.customers.notify import approval_request_email

    return approval_request_email(request_id)
