from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api

admin.site.site_header = "partnerdesk operator"
admin.site.site_title = "partnerdesk operator"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="customers:list", permanent=False)),
    path("accounts/", include("partnerdesk.accounts.urls")),
    path("customers/", include("partnerdesk.customers.urls")),
    path("licenses/", include("partnerdesk.licensing.urls")),
    path("audit/", include("partnerdesk.audit.urls")),
    path("groups/", include("partnerdesk.customers.group_urls")),
    path("billing/usage/", include("partnerdesk.billing.report_urls")),
    path("billing/", include("partnerdesk.billing.urls")),
    path("admin/", admin.site.urls),
    path("", api.urls),
]
