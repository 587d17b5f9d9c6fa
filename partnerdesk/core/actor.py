"""The Actor: who is acting, built once per request from the session or token, never from input."""

from __future__ import annotations

from dataclasses import dataclass

from partnerdesk.core.errors import PermissionDenied
from partnerdesk.core.permissions import (
    Action,
    ConsoleAction,
    ConsoleRole,
    PartnerRole,
    console_role_allows,
    role_allows,
)


@dataclass(frozen=True, slots=True)
class Actor:
    """A partner user, an API credential, a customer admin or a delegated session, and its scope.

    Console actors (customer admins and delegated sessions) carry no partner role, so nothing
    on the partner side is visible to them; they reach exactly one customer, `customer_id`.

    Assigned customers are not loaded into the actor: a user below Super Admin may be assigned
    many thousands of customers, so scoping joins the assignment table in SQL instead.
    """

    partner_id: int | None
    role: PartnerRole | None
    user_id: int | None = None
    credential_id: int | None = None
    display_name: str = ""
    address: str | None = None
    # The customer's console this actor works in, and with which role.
    customer_id: int | None = None
    console_role: ConsoleRole | None = None
    # Set for a delegated (Launch customer) session: the session and the partner behind it.
    delegated_session_id: int | None = None
    via_partner_id: int | None = None
    via_partner: str = ""

    @property
    def is_partner_actor(self) -> bool:
        return self.partner_id is not None and self.role is not None

    @property
    def sees_all_customers(self) -> bool:
        return self.role is not None and self.role.sees_all_customers

    @property
    def partner_pk(self) -> int:
        """The partner's id; only for actors already known to be partner actors."""
        if self.partner_id is None:
            raise PermissionDenied("This sign-in does not belong to a partner.")
        return self.partner_id

    @property
    def user_pk(self) -> int:
        return self.user_id if self.user_id is not None else -1

    @property
    def is_console_actor(self) -> bool:
        return self.customer_id is not None and self.console_role is not None

    @property
    def is_delegated(self) -> bool:
        return self.delegated_session_id is not None

    def console_can(self, action: ConsoleAction) -> bool:
        return self.is_console_actor and console_role_allows(
            self.console_role, action, delegated=self.is_delegated
        )

    def console_require(self, action: ConsoleAction) -> None:
        if not self.console_can(action):
            if self.is_delegated and self.console_role_allows_ignoring_delegation(action):
                raise PermissionDenied(
                    "Only the customer's own admins can do this, not a partner.",
                    code="forbidden.customer_only." + action.value,
                )
            raise PermissionDenied(
                "Your console role does not allow this action.",
                code="forbidden.console." + action.value,
            )

    def console_role_allows_ignoring_delegation(self, action: ConsoleAction) -> bool:
        return console_role_allows(self.console_role, action, delegated=False)

    def can(self, action: Action) -> bool:
        return self.is_partner_actor and role_allows(self.role, action)

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise PermissionDenied(
                "Your role does not allow this action.", code="forbidden." + action.value
            )


ANONYMOUS = Actor(partner_id=None, role=None)
