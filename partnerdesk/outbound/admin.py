"""N-2: the operator sees every outbound event and delivery with its state (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from partnerdesk.outbound.models import Delivery, DeliveryAttempt, OutboundEvent, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("target", "url", "status", "attempts", "last_status_code", "next_attempt_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundEvent)
class OutboundEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event_type", "partner", "customer", "uuid")
    list_filter = ("event_type",)
    search_fields = ("uuid",)
    raw_id_fields = ("partner", "customer")
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "event_type",
        "target",
        "partner",
        "url",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "target", "event__event_type")
    search_fields = ("url", "event__uuid")
    raw_id_fields = ("partner", "event", "endpoint")
    list_select_related = ("event", "partner")
    exclude = ("body",)
    readonly_fields = ("body_text",)
    inlines = [AttemptInline]

    @admin.display(description="event type", ordering="event__event_type")
    def event_type(self, obj: Delivery) -> str:
        return obj.event.event_type

    @admin.display(description="body")
    def body_text(self, obj: Delivery) -> str:
        return obj.body


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "partner", "active", "created_at", "created_by")
    list_filter = ("active",)
    search_fields = ("url",)
    raw_id_fields = ("partner",)
    exclude = ("secret",)
