"""The Actor: who is acting, built once per request from the session or token, never from input."""

from __future__ import annotations

from dataclasses import dataclass

from partnerdesk.core.errors import PermissionDenied
from partnerdesk.core.permissions import Action, PartnerRole, role_allows


@dataclass(frozen=True, slots=True)
class Actor:
    """A partner user (or, later, an API credential or delegated session) and its scope.

    Assigned customers are not loaded into the actor: a user below Super Admin may be assigned
    many thousands of customers, so scoping joins the assignment table in SQL instead.
    """

    partner_id: int | None
    role: PartnerRole | None
    user_id: int | None = None
    credential_id: int | None = None
    display_name: str = ""
    address: str | None = None

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

    def can(self, action: Action) -> bool:
        return self.is_partner_actor and role_allows(self.role, action)

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise PermissionDenied(
                "Your role does not allow this action.", code="forbidden." + action.value
            )


ANONYMOUS = Actor(partner_id=None, role=None)
