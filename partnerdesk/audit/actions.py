"""Every kind of change the audit log knows, with the label the log page shows."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "group.created": "Group created",
    "group.renamed": "Group changed",
    "group.deleted": "Group deleted",
    "group.member_added": "Customer added to group",
    "group.member_removed": "Customer removed from group",
    "license_key.applied": "License key applied",
    "license_key.issued": "License keys issued",
    "license_key.revoked": "License key revoked",
    "customer.unlinked": "Customer unlinked",
    "customer.unlink_scheduled": "Unlink scheduled",
    "customer.unlink_cancelled": "Scheduled unlink cancelled",
    "customer.created": "Customer created",
    "managed_order.created": "Managed order created",
    "enrollment_token.created": "Device enrollment token created",
    "billing_type.changed": "Billing type changed",
    "api_credential.created": "API credential created",
    "api_credential.revoked": "API credential revoked",
    "api_credential.customer_assigned": "Customer assigned to API credential",
    "api_credential.customer_unassigned": "Customer unassigned from API credential",
    "customer.renamed": "Customer renamed",
    "customer.launched": "Customer console launched",
    "delegated_session.ended": "Delegated session ended",
    "approval_request.created": "Approval requested",
    "approval_request.approved": "Approval request approved",
    "approval_request.denied": "Approval request denied",
    "partner_assistance.changed": "Partner Assistance changed",
    "webhook_endpoint.created": "Webhook endpoint created",
    "webhook_endpoint.updated": "Webhook endpoint changed",
    "webhook_endpoint.deleted": "Webhook endpoint deleted",
    "webhook_endpoint.secret_rotated": "Webhook secret rotated",
    "webhook_delivery.redelivered": "Webhook delivery sent again",
    "tenant_credential.created": "Tenant API credential created",
    "tenant_credential.revoked": "Tenant API credential revoked",
    "early_access.joined": "Early access program joined",
    "early_access.left": "Early access program left",
    "customer_logo.set": "Customer logo uploaded",
    "customer_logo.removed": "Customer logo removed",
    "partner_logo.set": "Partner logo uploaded",
    "partner_logo.removed": "Partner logo removed",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
