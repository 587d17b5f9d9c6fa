"""Users: operator staff (superusers) and partner users, each with one partner role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from partnerdesk.core.permissions import ROLE_CHOICES, PartnerRole


class User(AbstractUser):
    """A person who signs in: an operator, a partner user, or both only if the operator says so."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    partner_role = models.CharField(max_length=20, choices=ROLE_CHOICES, blank=True, default="")

    class Meta:
        constraints = [
            # A partner user holds exactly one role; a user without a partner holds none.
            models.CheckConstraint(
                condition=(Q(partner__isnull=True) & Q(partner_role=""))
                | (Q(partner__isnull=False) & Q(partner_role__in=[r.value for r in PartnerRole])),
                name="user_partner_role_consistent",
            )
        ]

    @property
    def role(self) -> PartnerRole | None:
        return PartnerRole(self.partner_role) if self.partner_role else None
