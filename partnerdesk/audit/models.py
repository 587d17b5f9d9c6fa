"""Audit events (S-2): who changed what, when, from where, with the state before and after."""

from __future__ import annotations

from django.db import models


class ActorKind(models.TextChoices):
    USER = "user", "Partner user"
    CREDENTIAL = "credential", "API credential"
    DELEGATED = "delegated", "Partner user via partner"
    CUSTOMER_ADMIN = "customer_admin", "Customer admin"
    OPERATOR = "operator", "Operator"
    SYSTEM = "system", "partnerdesk (scheduled)"


class AuditEvent(models.Model):
    """One change, recorded in the same transaction as the change itself."""

    occurred_at = models.DateTimeField(auto_now_add=True)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credential_id = models.BigIntegerField(null=True, blank=True)
    # Names are copied, not joined: the log must read the same after people and objects change.
    actor_label = models.CharField(max_length=200)
    address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "-occurred_at"], name="audit_partner_time"),
            models.Index(fields=["customer", "-occurred_at"], name="audit_customer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
