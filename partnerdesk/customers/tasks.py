"""Background jobs of the customers app."""

from __future__ import annotations

import datetime as dt

from partnerdesk.core.periodic import daily
from partnerdesk.customers.unlink import carry_out_due_unlinks


@daily("scheduled_unlinks")
def scheduled_unlinks(today: dt.date) -> str:
    return f"{carry_out_due_unlinks(today)} customers unlinked"
