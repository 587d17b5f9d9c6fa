"""Devices of a customer's console, the per-day record of which devices ran which products
(the input of usage metering, B-4) and the per-customer enrollment tokens agents check in with."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from partnerdesk.core.models import StoredImage
from partnerdesk.core.permissions import CONSOLE_ROLE_CHOICES


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


class DelegatedSession(models.Model):
    """A partner user's Launch customer session into one console (P-4): at most 8 hours, ended
    at the next request once Partner Assistance is off (P-5)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="delegated_sessions"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    user_label = models.CharField(max_length=200)
    partner_label = models.CharField(max_length=200)
    console_role = models.CharField(max_length=20, choices=CONSOLE_ROLE_CHOICES)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index("customer", "ended_at", name="delegated_by_customer")]

    def __str__(self) -> str:
        return f"{self.user_label} via {self.partner_label} in {self.customer_id}"


class EarlyAccessProgram(models.Model):
    """An operator-defined early access program (B-7) that customer admins may enrol in."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=500, blank=True)
    allows_usage_billing = models.BooleanField("usage-billed customers may join", default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EarlyAccessEnrollment(models.Model):
    """A customer's enrolment in one early access program."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="early_access"
    )
    program = models.ForeignKey(
        EarlyAccessProgram, on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    enrolled_by = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint("customer", "program", name="early_access_once"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.program_id}"


class CustomerLogo(StoredImage):
    """The customer's logo (G-1): right in the header of its exported dashboards."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="logo"
    )

    def __str__(self) -> str:
        return f"logo of {self.customer_id}"


class AlertSeverity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Alert(models.Model):
    """An alert raised in a customer's console (A-7), keyed by the sender's id so that ingest
    is idempotent."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="alerts"
    )
    alert_id = models.CharField(max_length=100)
    severity = models.CharField(max_length=6, choices=AlertSeverity.choices)
    category = models.CharField(max_length=60)
    description = models.CharField(max_length=500)
    device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "alert_id"], name="alert_unique_id"),
            models.CheckConstraint(
                condition=Q(severity__in=AlertSeverity.values), name="alert_severity_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "raised_at"], name="alert_customer_time"),
            models.Index(fields=["customer", "device"], name="alert_customer_device"),
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.category}: {self.description[:40]}"


class Dashboard(models.Model):
    """A customer's custom dashboard (X-1): widgets of the library placed on a 4-column grid.
    The Central Overview and the built-in dashboards are defined in code, not stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="dashboards"
    )
    name = models.CharField(max_length=80)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change of the widgets, so that a layout saved from a page that has gone
    # stale is refused instead of silently undoing someone else's change.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "customer", Lower("name"), name="dashboard_name_unique_per_customer"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="dashboard_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class DashboardWidget(models.Model):
    """One widget on a custom dashboard: columns x .. x+w-1 and rows y .. y+h-1 of the grid."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="widgets")
    widget_key = models.CharField(max_length=60)
    x = models.PositiveSmallIntegerField()
    y = models.PositiveSmallIntegerField()
    w = models.PositiveSmallIntegerField()
    h = models.PositiveSmallIntegerField()

    class Meta:
        # The 4-column grid: 1-4 columns wide, 1-2 rows high, never past the right edge.
        constraints = [
            models.CheckConstraint(condition=Q(x__gte=0, y__gte=0), name="dashboard_widget_xy"),
            models.CheckConstraint(condition=Q(w__gte=1, w__lte=4), name="dashboard_widget_w"),
            models.CheckConstraint(condition=Q(h__gte=1, h__lte=2), name="dashboard_widget_h"),
            models.CheckConstraint(
                condition=Q(x__lte=4 - F("w")), name="dashboard_widget_inside_grid"
            ),
        ]
        indexes = [models.Index(fields=["customer", "dashboard"], name="dashboard_widget_owner")]

    def __str__(self) -> str:
        return f"{self.widget_key} at {self.x},{self.y} ({self.w}x{self.h})"
