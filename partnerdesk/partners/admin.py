from django.contrib import admin

from partnerdesk.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "msp_flex", "msp_flex_connect", "mfa_required", "created_at")
    list_filter = ("msp_flex", "msp_flex_connect")
    search_fields = ("name",)
