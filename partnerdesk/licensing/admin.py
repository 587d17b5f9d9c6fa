"""The operator's side of licensing: catalogue, licenses, and license keys (L-2): issue keys
(shown or downloaded once, only hashes stored) and revoke unused ones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from partnerdesk.core.errors import DomainError
from partnerdesk.licensing.access import operator_actor
from partnerdesk.licensing.models import License, LicenseKey, Product
from partnerdesk.licensing.services import (
    MAX_KEY_QUANTITY,
    MAX_KEYS_PER_BATCH,
    MAX_TERM_MONTHS,
    issued_keys_csv,
    license_key_revoke,
    license_keys_issue,
)
from partnerdesk.partners.models import Partner


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "usage_billable")
    list_filter = ("category", "usage_billable")


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ("customer", "product", "license_type", "quantity", "starts_on", "ends_on")
    list_filter = ("license_type", "product")
    raw_id_fields = ("customer", "partner", "source_key", "applied_by")
    readonly_fields = ("terms_version", "terms_accepted_at", "applied_by")
    show_full_result_count = False


class IssueKeysForm(forms.Form):
    """L-2: what a batch of keys carries."""

    product = forms.ModelChoiceField(queryset=Product.objects.order_by("name"))
    quantity = forms.IntegerField(min_value=1, max_value=MAX_KEY_QUANTITY)
    term_months = forms.IntegerField(
        label="Term (months)", min_value=1, max_value=MAX_TERM_MONTHS, initial=12
    )
    count = forms.IntegerField(
        label="Number of keys", min_value=1, max_value=MAX_KEYS_PER_BATCH, initial=1
    )
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.order_by("name"),
        required=False,
        help_text="Leave empty for a key any partner may apply.",
    )


class KeyStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unused", "Unused"), ("used", "Used"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "unused":
            return queryset.filter(used_at__isnull=True, revoked_at__isnull=True)
        if value == "used":
            return queryset.filter(used_at__isnull=False)
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


def _actor(request: HttpRequest) -> Any:
    user = request.user
    return operator_actor(
        user_id=user.pk,
        label=f"{user.get_username()} (operator)",
        address=request.META.get("REMOTE_ADDR"),
    )


@admin.register(LicenseKey)
class LicenseKeyAdmin(admin.ModelAdmin):
    list_display = (
        "suffix",
        "product",
        "quantity",
        "term_months",
        "partner",
        "issued_at",
        "state",
    )
    list_filter = (KeyStateFilter, "product", "partner")
    search_fields = ("suffix",)
    list_select_related = ("product", "partner")
    readonly_fields = (
        "suffix",
        "product",
        "quantity",
        "term_months",
        "partner",
        "issued_at",
        "used_at",
        "revoked_at",
    )
    exclude = ("key_hash",)
    actions = ["revoke_selected"]
    show_full_result_count = False

    @admin.display(description="state")
    def state(self, obj: LicenseKey) -> str:
        if obj.revoked_at:
            return f"Revoked {obj.revoked_at:%d %b %Y}"
        if obj.used_at:
            return f"Used {obj.used_at:%d %b %Y}"
        return "Unused"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # keys never change by hand: issue new ones, revoke old ones

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a key's history (and its license's source) stays

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Issue keys: the new keys are shown once, or downloaded once as CSV, never stored."""
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = IssueKeysForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Issue license keys",
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                issued = license_keys_issue(
                    actor=_actor(request),
                    product=data["product"],
                    quantity=data["quantity"],
                    term_months=data["term_months"],
                    count=data["count"],
                    partner=data["partner"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return self._issued_response(request, issued, context)
        return TemplateResponse(request, "licensing/admin/issue.html", context)

    def _issued_response(
        self, request: HttpRequest, issued: list[Any], context: dict[str, Any]
    ) -> HttpResponse:
        csv_text = issued_keys_csv(issued)
        if "download" in request.POST:
            response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            code = issued[0].key.product.code
            response["Content-Disposition"] = (
                f'attachment; filename="license-keys-{code}-{stamp}.csv"'
            )
        else:
            context.update(title="License keys issued", issued=issued, csv_text=csv_text)
            response = TemplateResponse(request, "licensing/admin/issued.html", context)
        response["Cache-Control"] = "no-store"  # the keys exist only in this response
        return response

    @admin.action(description="Revoke selected unused keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[LicenseKey]) -> None:
        actor = _actor(request)
        done, refused = 0, []
        for key in queryset:
            try:
                license_key_revoke(actor=actor, key=key)
                done += 1
            except DomainError as exc:
                refused.append(exc.message)
        if done:
            self.message_user(request, f"Revoked {done} key{'s' if done != 1 else ''}.")
        for message in refused:
            self.message_user(request, message, messages.WARNING)
