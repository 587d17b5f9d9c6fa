"""Product catalogue, licenses and the license keys the operator issues."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Category(models.TextChoices):
    """License categories, in the order the Customers table shows them."""

    ENDPOINT = "endpoint", "Endpoint"
    SERVER = "server", "Server"
    MOBILE = "mobile", "Mobile/UEM"
    EMAIL = "email", "Email"
    FIREWALL = "firewall", "Firewall"
    MDR = "mdr", "MDR"


class LicenseType(models.TextChoices):
    TRIAL = "trial", "Trial"
    TERM = "term", "Term"
    USAGE = "usage", "Usage"


class Product(models.Model):
    """A product of the vendor's catalogue, kept by the operator."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=10, choices=Category.choices)
    usage_billable = models.BooleanField(
        "may be billed monthly by usage",
        default=False,
        help_text="Products of the Endpoint, Server and Mobile/UEM categories usually are.",
    )

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="product_category_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class License(models.Model):
    """A customer's right to use one product (L-1); expiry is computed from the dates."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="licenses"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="licenses")
    license_type = models.CharField(max_length=5, choices=LicenseType.choices)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    source_key = models.OneToOneField(
        "LicenseKey", on_delete=models.PROTECT, null=True, blank=True, related_name="license"
    )
    source_order = models.CharField(max_length=60, blank=True)
    # L-3: the terms accepted when a key was applied, and who applied it.
    terms_version = models.CharField(max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index("customer", "product", name="license_customer_product"),
            models.Index("partner", "ends_on", name="license_partner_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(license_type__in=LicenseType.values), name="license_type_valid"
            ),
            # Usage licenses have neither quantity nor end; trial and term have both.
            models.CheckConstraint(
                condition=(
                    Q(license_type=LicenseType.USAGE, quantity__isnull=True, ends_on__isnull=True)
                    | (
                        ~Q(license_type=LicenseType.USAGE)
                        & Q(quantity__gte=1, ends_on__isnull=False)
                    )
                ),
                name="license_quantity_and_end_by_type",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="license_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.customer_id}"


class LicenseKey(models.Model):
    """A key the operator issues (L-2); only its hash and a short visible suffix are stored."""

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    suffix = models.CharField(max_length=5, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    term_months = models.PositiveSmallIntegerField()
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="When set, only this partner can apply the key.",
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="key_quantity_positive"),
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=60), name="key_term_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"…{self.suffix} ({self.product_id})"
