from django.contrib import admin

from partnerdesk.licensing.models import License, LicenseKey, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "usage_billable")
    list_filter = ("category", "usage_billable")


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ("customer", "product", "license_type", "quantity", "starts_on", "ends_on")
    list_filter = ("license_type", "product")
    raw_id_fields = ("customer", "partner", "source_key")
    show_full_result_count = False


@admin.register(LicenseKey)
class LicenseKeyAdmin(admin.ModelAdmin):
    list_display = ("suffix", "product", "quantity", "term_months", "partner", "used_at")
    list_filter = ("product",)
    readonly_fields = ("key_hash", "suffix", "used_at")
