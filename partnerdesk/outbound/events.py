"""The outbound event types (N-2, N-3): one list, with the labels the pages show."""

from __future__ import annotations

EVENT_TYPES: list[tuple[str, str]] = [
    ("customer.created", "Customer created"),
    ("customer.renamed", "Customer renamed"),
    ("customer.unlinked", "Customer unlinked"),
    ("license.applied", "License applied"),
    ("billing_type.changed", "Billing type changed"),
    ("partner_assistance.changed", "Partner Assistance changed"),
    ("approval_request.created", "Approval request created"),
    ("approval_request.answered", "Approval request answered"),
]
EVENT_LABELS: dict[str, str] = dict(EVENT_TYPES)
EVENT_NAMES: list[str] = [name for name, _ in EVENT_TYPES]

# The one event the vendor's CRM receives: the customer's new cloud service account name.
CRM_EVENT = "customer.renamed"
