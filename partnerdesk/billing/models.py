"""Usage metering (B-4): how many devices ran each product, per customer and day."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class DailyUsage(models.Model):
    """The number of a customer's devices that ran one product on one (UTC) day."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("licensing.Product", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    devices = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product", "day"], name="daily_usage_unique"
            ),
            models.CheckConstraint(condition=Q(devices__gte=0), name="daily_usage_devices_valid"),
        ]
        # The month report walks one partner's rows in (customer, product) order, a page at a
        # time; the daily job replaces one day.
        indexes = [
            models.Index(
                fields=["partner", "customer", "product", "day"], name="daily_usage_report"
            ),
            models.Index(fields=["day"], name="daily_usage_day"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.product_id} {self.day}: {self.devices}"


class ManagedOrder(models.Model):
    """A managed customer order (B-6, C-8): the customer it created and its order number.
    The subscriptions are the customer's term licenses whose `source_order` is the number."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="managed_order_record"
    )
    order_number = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "order_number"], name="managed_order_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.order_number}"
