"""Partner roles and what each may do: SPEC section 1, as one table the server enforces."""

from __future__ import annotations

from enum import StrEnum


class PartnerRole(StrEnum):
    SUPER_ADMIN = "super_admin"
    ADMIN = "admin"
    HELP_DESK = "help_desk"
    READ_ONLY = "read_only"
    BUSINESS_ADMIN = "business_admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def sees_all_customers(self) -> bool:
        """Super Admins and Business Admins see every customer; the others only assigned ones."""
        return self in (PartnerRole.SUPER_ADMIN, PartnerRole.BUSINESS_ADMIN)


ROLE_LABELS = {
    PartnerRole.SUPER_ADMIN: "Super Admin",
    PartnerRole.ADMIN: "Admin",
    PartnerRole.HELP_DESK: "Help Desk",
    PartnerRole.READ_ONLY: "Read-only",
    PartnerRole.BUSINESS_ADMIN: "Business Admin",
}
ROLE_CHOICES = [(r.value, r.label) for r in PartnerRole]


class Action(StrEnum):
    VIEW_CUSTOMERS = "view_customers"
    LAUNCH_CUSTOMER = "launch_customer"
    REQUEST_APPROVAL = "request_approval"
    RENAME_CUSTOMER = "rename_customer"
    MANAGE_GROUPS = "manage_groups"
    APPLY_LICENSE_KEY = "apply_license_key"
    CREATE_TRIAL = "create_trial"
    MANAGE_BILLING = "manage_billing"
    CREATE_MANAGED_ORDER = "create_managed_order"
    UNLINK_CUSTOMERS = "unlink_customers"
    BILLING_REPORTS = "billing_reports"
    PARTNER_LOGO = "partner_logo"
    MANAGE_PARTNER = "manage_partner"
    READ_AUDIT_LOG = "read_audit_log"


_SA, _AD, _HD, _RO, _BA = (
    PartnerRole.SUPER_ADMIN,
    PartnerRole.ADMIN,
    PartnerRole.HELP_DESK,
    PartnerRole.READ_ONLY,
    PartnerRole.BUSINESS_ADMIN,
)

# The role table of SPEC section 1, row by row.
ALLOWED: dict[Action, frozenset[PartnerRole]] = {
    Action.VIEW_CUSTOMERS: frozenset({_SA, _AD, _HD, _RO, _BA}),
    Action.LAUNCH_CUSTOMER: frozenset({_SA, _AD, _HD, _RO}),
    Action.REQUEST_APPROVAL: frozenset({_SA, _AD}),
    Action.RENAME_CUSTOMER: frozenset({_SA, _AD}),
    Action.MANAGE_GROUPS: frozenset({_SA}),
    Action.APPLY_LICENSE_KEY: frozenset({_SA, _AD, _BA}),
    Action.CREATE_TRIAL: frozenset({_SA}),
    Action.MANAGE_BILLING: frozenset({_SA, _BA}),
    Action.CREATE_MANAGED_ORDER: frozenset({_SA, _BA}),
    Action.UNLINK_CUSTOMERS: frozenset({_SA}),
    Action.BILLING_REPORTS: frozenset({_SA, _BA}),
    Action.PARTNER_LOGO: frozenset({_SA, _HD}),
    Action.MANAGE_PARTNER: frozenset({_SA}),
    Action.READ_AUDIT_LOG: frozenset({_SA, _AD, _BA}),
}


class ConsoleRole(StrEnum):
    """A role in one customer's console (SPEC section 1)."""

    SUPER_ADMIN = "super_admin"
    ADMIN = "admin"
    HELP_DESK = "help_desk"
    READ_ONLY = "read_only"

    @property
    def label(self) -> str:
        return CONSOLE_ROLE_LABELS[self]


CONSOLE_ROLE_LABELS = {
    ConsoleRole.SUPER_ADMIN: "Super Admin",
    ConsoleRole.ADMIN: "Admin",
    ConsoleRole.HELP_DESK: "Help Desk",
    ConsoleRole.READ_ONLY: "Read-only",
}
CONSOLE_ROLE_CHOICES = [(r.value, r.label) for r in ConsoleRole]

# Launch customer maps the partner role onto a console role (SPEC section 1).
CONSOLE_ROLE_FOR_PARTNER_ROLE: dict[PartnerRole, ConsoleRole] = {
    _SA: ConsoleRole.ADMIN,
    _AD: ConsoleRole.ADMIN,
    _HD: ConsoleRole.HELP_DESK,
    _RO: ConsoleRole.READ_ONLY,
}


class ConsoleAction(StrEnum):
    VIEW = "view"
    SET_PARTNER_ASSISTANCE = "set_partner_assistance"
    ANSWER_APPROVAL = "answer_approval"
    CUSTOMER_LOGO = "customer_logo"
    EARLY_ACCESS = "early_access"
    READ_AUDIT_LOG = "read_audit_log"
    EDIT_DASHBOARDS = "edit_dashboards"
    EXPORT_DASHBOARDS = "export_dashboards"
    MANAGE_TENANT_CREDENTIALS = "manage_tenant_credentials"


_CSA, _CAD, _CHD, _CRO = (
    ConsoleRole.SUPER_ADMIN,
    ConsoleRole.ADMIN,
    ConsoleRole.HELP_DESK,
    ConsoleRole.READ_ONLY,
)

CONSOLE_ALLOWED: dict[ConsoleAction, frozenset[ConsoleRole]] = {
    ConsoleAction.VIEW: frozenset({_CSA, _CAD, _CHD, _CRO}),
    ConsoleAction.SET_PARTNER_ASSISTANCE: frozenset({_CSA, _CAD}),
    ConsoleAction.ANSWER_APPROVAL: frozenset({_CSA, _CAD}),
    ConsoleAction.CUSTOMER_LOGO: frozenset({_CSA, _CAD}),
    ConsoleAction.EARLY_ACCESS: frozenset({_CSA, _CAD}),
    ConsoleAction.READ_AUDIT_LOG: frozenset({_CSA, _CAD, _CHD}),
    ConsoleAction.EDIT_DASHBOARDS: frozenset({_CSA, _CAD}),
    ConsoleAction.EXPORT_DASHBOARDS: frozenset({_CSA, _CAD, _CHD, _CRO}),
    ConsoleAction.MANAGE_TENANT_CREDENTIALS: frozenset({_CSA}),
}

# What only the customer's own admins may do, whatever role a delegated session carries:
# Partner Assistance and the answer to a partner's request are the customer's decision (P-1,
# P-3), and tenant credentials belong to the customer's Super Admins.
CUSTOMER_ONLY: frozenset[ConsoleAction] = frozenset(
    {
        ConsoleAction.SET_PARTNER_ASSISTANCE,
        ConsoleAction.ANSWER_APPROVAL,
        ConsoleAction.MANAGE_TENANT_CREDENTIALS,
    }
)


def console_role_allows(
    role: ConsoleRole | None, action: ConsoleAction, *, delegated: bool
) -> bool:
    if role is None or role not in CONSOLE_ALLOWED[action]:
        return False
    return not (delegated and action in CUSTOMER_ONLY)


def role_allows(role: PartnerRole | None, action: Action) -> bool:
    return role is not None and role in ALLOWED[action]
