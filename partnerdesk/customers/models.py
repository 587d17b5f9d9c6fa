"""Customers (tenants) of a partner, their groups and their assignment to partner users."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

if TYPE_CHECKING:
    from partnerdesk.core.actor import Actor

# C-0: every data region and the geography it lies in.
REGION_GEOGRAPHY = {
    "us01": "US",
    "us03": "US",
    "eu01": "IE",
    "eu02": "DE",
    "ca01": "CA",
    "au01": "AU",
    "jp01": "JP",
    "br01": "BR",
    "in01": "IN",
}
REGION_CHOICES = [(r, f"{r} ({g})") for r, g in REGION_GEOGRAPHY.items()]


class BillingType(models.TextChoices):
    TRIAL = "trial", "Trial"
    TERM = "term", "Term"
    USAGE = "usage", "Monthly usage"


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class CustomerQuerySet(models.QuerySet["Customer"]):
    def linked(self) -> CustomerQuerySet:
        return self.filter(unlinked_at__isnull=True)

    def visible_to(self, actor: Actor) -> CustomerQuerySet:
        """The single way to reach customers: the actor's partner, and its assignments below
        Super Admin. Unlinked customers have left the partner's list (U-4)."""
        if not actor.is_partner_actor:
            return self.none()
        qs = self.filter(partner_id=actor.partner_pk, unlinked_at__isnull=True)
        if not actor.sees_all_customers and actor.credential_id is not None:
            # An API credential below Super Admin sees the customers assigned to it.
            from partnerdesk.accounts.models import CredentialAssignment

            qs = qs.filter(
                id__in=CredentialAssignment.objects.filter(
                    credential_id=actor.credential_id, partner_id=actor.partner_pk
                ).values("customer_id")
            )
        elif not actor.sees_all_customers:
            qs = qs.filter(
                id__in=CustomerAssignment.objects.filter(
                    user_id=actor.user_pk, partner_id=actor.partner_pk
                ).values("customer_id")
            )
        return qs


class Customer(models.Model):
    """A customer tenant of one partner, with the fields of the tenant object (SPEC A-2)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    show_as = models.CharField("name shown as", max_length=100)
    legal_name = models.CharField(max_length=200, blank=True)
    data_region = models.CharField(max_length=4, choices=REGION_CHOICES)
    billing_type = models.CharField(max_length=5, choices=BillingType.choices)
    status = models.CharField(
        max_length=9, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    partner_assistance = models.BooleanField(default=False)
    managed_order = models.BooleanField("managed customer order", default=False)
    organization_uuid = models.UUIDField(null=True, blank=True)

    contact_first_name = models.CharField(max_length=100, blank=True)
    contact_last_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_mobile = models.CharField(max_length=40, blank=True)
    contact_fax = models.CharField(max_length=40, blank=True)
    address1 = models.CharField(max_length=200, blank=True)
    address2 = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    unlinked_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every rename so that concurrent edits are detected (N-1).
    version = models.PositiveIntegerField(default=1)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        indexes = [
            # Page 1 of the Customers table, sorted by name, without reading the table.
            models.Index(
                "partner",
                Lower("show_as"),
                "id",
                name="customer_partner_name",
                condition=Q(unlinked_at__isnull=True),
            ),
            models.Index(
                "partner",
                "created_at",
                name="customer_partner_created",
                condition=Q(unlinked_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_region__in=list(REGION_GEOGRAPHY)), name="customer_region_valid"
            ),
            models.CheckConstraint(
                condition=Q(billing_type__in=BillingType.values), name="customer_billing_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CustomerStatus.values), name="customer_status_valid"
            ),
            models.CheckConstraint(condition=~Q(show_as=""), name="customer_show_as_not_empty"),
        ]

    def __str__(self) -> str:
        return self.show_as

    @property
    def data_geography(self) -> str:
        return REGION_GEOGRAPHY[self.data_region]

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def address_lines(self) -> list[str]:
        city_line = " ".join(p for p in (self.postal_code, self.city) if p)
        parts = [self.address1, self.address2, self.address3, city_line, self.state]
        if self.country_code:
            parts.append(self.country_code)
        return [p for p in parts if p]


class CustomerGroup(models.Model):
    """A partner's named set of customers (D-2); names unique per partner, any case."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("partner", Lower("name"), name="group_name_unique_per_partner"),
            models.CheckConstraint(condition=~Q(name=""), name="group_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A customer's place in one of its partner's groups."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(CustomerGroup, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint("group", "customer", name="membership_unique"),
        ]
        indexes = [models.Index("customer", "group", name="membership_by_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.group_id}"


class CustomerAssignment(models.Model):
    """A customer assigned to a partner user below Super Admin, who then sees it."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "customer", name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} assigned to {self.user_id}"


class UnlinkStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    DONE = "done", "Done"


class ScheduledUnlink(models.Model):
    """A usage customer's unlink, due on the first day of a month (U-3)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="unlinks")
    due_on = models.DateField()
    status = models.CharField(
        max_length=9, choices=UnlinkStatus.choices, default=UnlinkStatus.SCHEDULED
    )
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "customer",
                condition=Q(status="scheduled"),
                name="one_scheduled_unlink_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled", "done"]),
                name="unlink_status_valid",
            ),
        ]
        indexes = [models.Index("status", "due_on", name="unlink_due")]

    def __str__(self) -> str:
        return f"unlink of {self.customer_id} on {self.due_on}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"


APPROVAL_LIFETIME_DAYS = 30


class ApprovalRequest(models.Model):
    """A partner's request that the customer turn Partner Assistance on (P-3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="approval_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by_label = models.CharField(max_length=200)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # P-3: only one request can be pending per customer.
            models.UniqueConstraint(
                "customer",
                condition=Q(status="pending"),
                name="one_pending_approval_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "denied", "expired"]),
                name="approval_status_valid",
            ),
        ]
        indexes = [models.Index("status", "expires_at", name="approval_due")]

    def __str__(self) -> str:
        return f"approval request {self.uuid} ({self.status})"
