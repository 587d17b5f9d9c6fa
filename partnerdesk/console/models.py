"""Devices of a customer's console, the per-day record of which devices ran which products
(the input of usage metering, B-4) and the per-customer enrollment tokens agents check in with."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class DeviceHealth(models.TextChoices):
    GOOD = "good", "Good"
    SUSPICIOUS = "suspicious", "Suspicious"
    BAD = "bad", "Bad"
    UNKNOWN = "unknown", "Unknown"


class Device(models.Model):
    """A computer or server of one customer, as its agent last reported it (A-7)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="devices"
    )
    device_id = models.CharField(max_length=100)
    hostname = models.CharField(max_length=255)
    os = models.CharField(max_length=100, blank=True)
    health = models.CharField(max_length=10, choices=DeviceHealth.choices)
    # The product codes the device runs now; history per day lives in DeviceDay.
    products = models.JSONField(default=list)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "device_id"], name="device_unique_id"),
            models.CheckConstraint(
                condition=Q(health__in=DeviceHealth.values), name="device_health_valid"
            ),
        ]
        indexes = [models.Index(fields=["partner", "customer"], name="device_partner_customer")]

    def __str__(self) -> str:
        return self.hostname


class DeviceDay(models.Model):
    """One product a device ran on one (UTC) day: one row per device, day and product, written
    by every check-in (upsert), so a day's count stays exact even when the daily job runs late."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="days")
    product = models.ForeignKey("licensing.Product", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "day", "product"], name="device_day_unique")
        ]
        # The daily job counts one day: group by customer and product within it.
        indexes = [models.Index(fields=["day", "customer", "product"], name="device_day_count")]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.product_id} {self.day}"


class EnrollmentToken(models.Model):
    """A customer's device enrollment token (A-7): agents check devices in with it, into this
    customer only. Stored as a SHA-256 hash; the token itself is shown once."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="enrollment_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    suffix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"…{self.suffix}"
