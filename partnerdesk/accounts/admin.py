from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from partnerdesk.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "partner", "partner_role", "is_staff", "is_active")
    list_filter = ("partner_role", "is_staff", "is_active", "partner")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Partner", {"fields": ("partner", "partner_role")}),
    )
