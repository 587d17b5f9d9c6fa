"""Dashboard exports (X-2): one PDF of one dashboard, rendered in the request or by the worker
and kept for a day for download."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DashboardExportQuerySet(models.QuerySet["DashboardExport"]):
    def listed(self) -> DashboardExportQuerySet:
        """Without the PDF bytes, which only a download needs."""
        return self.defer("pdf")


class DashboardExport(models.Model):
    """One requested PDF export of a dashboard: what to draw, its progress, and the result."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="dashboard_exports"
    )
    title = models.CharField(max_length=200)
    # Which dashboard was exported ("builtin:security-overview", "custom:<uuid>"); the
    # placements below are a copy, so a later edit of the dashboard does not change the PDF.
    source = models.CharField(max_length=200)
    placements = models.JSONField(default=list)
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = DashboardExportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="dashboard_export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="dashboard_export_progress_percent"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "requested_at"], name="dashboard_export_customer"),
            models.Index(fields=["expires_at"], name="dashboard_export_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
