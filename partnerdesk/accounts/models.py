"""Users: operator staff (superusers) and partner users, each with one partner role."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from partnerdesk.core.permissions import (
    CONSOLE_ROLE_CHOICES,
    ROLE_CHOICES,
    ConsoleRole,
    PartnerRole,
)


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


class APICredential(models.Model):
    """An API client (A-5): a client id, a hashed secret and one role. A partner's credential
    holds a partner role; a tenant credential (with `customer`) holds a console role and reaches
    that one customer's tenant routes only."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="api_credentials"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tenant_credentials",
    )
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    client_id = models.CharField(max_length=64, unique=True, editable=False)
    # SHA-256 of a 256-bit random secret: a slow hash adds nothing against guessing such a
    # secret, and keeps the token endpoint fast.
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(customer__isnull=True) & Q(role__in=[r.value for r in PartnerRole]))
                | (Q(customer__isnull=False) & Q(role__in=[r.value for r in ConsoleRole])),
                name="api_credential_role_valid",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="api_credential_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def partner_role(self) -> PartnerRole:
        return PartnerRole(self.role)

    @property
    def console_role(self) -> ConsoleRole:
        return ConsoleRole(self.role)

    @property
    def role_label(self) -> str:
        return self.console_role.label if self.customer_id else self.partner_role.label

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class APIToken(models.Model):
    """A bearer token issued to a credential; only its SHA-256 is stored."""

    credential = models.ForeignKey(APICredential, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index("credential", "expires_at", name="api_token_by_credential")]

    def __str__(self) -> str:
        return f"token of {self.credential_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class CredentialAssignment(models.Model):
    """A customer assigned to an API credential below Super Admin, which then sees it."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(
        APICredential, on_delete=models.CASCADE, related_name="assignments"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="credential_assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("credential", "customer", name="credential_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} assigned to credential {self.credential_id}"


class CustomerAdmin(models.Model):
    """A user's admin role in one customer's console (SPEC section 1), granted by the operator;
    held for several tenants, or beside a partner role, only if the operator makes it so."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_roles"
    )
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="admins"
    )
    role = models.CharField(max_length=20, choices=CONSOLE_ROLE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "customer", name="customer_admin_unique"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in ConsoleRole]),
                name="customer_admin_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.customer_id}"

    @property
    def console_role(self) -> ConsoleRole:
        return ConsoleRole(self.role)
