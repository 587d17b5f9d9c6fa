"""Outbound events (the outbox), their deliveries to the CRM and partner webhooks, and attempts."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class WebhookEndpoint(models.Model):
    """An HTTPS address of a partner that receives the events it subscribes to (N-3)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    url = models.CharField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    # Standard Webhooks format, `whsec_` + base64 of 32 random bytes; kept in clear to sign.
    secret = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["partner", "active"], name="outbound_endpoint_partner")]

    def __str__(self) -> str:
        return self.url


class OutboundEvent(models.Model):
    """Something that happened, written in the same transaction as the change (the outbox)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event_type = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.uuid}"


class Target(models.TextChoices):
    CRM = "crm", "Vendor CRM"
    WEBHOOK = "webhook", "Partner webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One event on its way to one receiver, with its retry state and lease."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(OutboundEvent, on_delete=models.CASCADE, related_name="deliveries")
    target = models.CharField(max_length=7, choices=Target.choices)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # Where it goes and exactly what is sent, fixed when the event is emitted so every retry
    # sends (and signs) the same bytes.
    url = models.CharField("URL", max_length=2000)
    body = models.TextField()
    status = models.CharField(
        max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Retries stop once the next one would fall outside the window that starts here (emit, or
    # a redelivery).
    window_starts_at = models.DateTimeField()
    # A worker sending this delivery holds it until this time; nobody else sends it meanwhile.
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["partner", "-id"], name="outbound_delivery_partner"),
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_delivery_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.event_type} → {self.url}"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery and what came back."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of delivery {self.delivery_id}"
