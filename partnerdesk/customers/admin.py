from django.contrib import admin

from partnerdesk.customers.models import Customer, CustomerAssignment, CustomerGroup


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("show_as", "partner", "billing_type", "data_region", "status", "unlinked_at")
    list_filter = ("billing_type", "status", "data_region")
    search_fields = ("show_as", "legal_name", "uuid")
    raw_id_fields = ("partner",)
    show_full_result_count = False


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "partner", "description")
    search_fields = ("name",)


@admin.register(CustomerAssignment)
class CustomerAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "customer", "partner")
    raw_id_fields = ("user", "customer", "partner")
