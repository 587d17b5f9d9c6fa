from django.contrib import admin
from django.urls import include, path

from config.api import api
from partnerdesk.core.views import home

admin.site.site_header = "partnerdesk operator"
admin.site.site_title = "partnerdesk operator"

urlpatterns = [
    path("", home, name="home"),
    path("console/", include("partnerdesk.console.urls")),
    path("accounts/", include("partnerdesk.accounts.urls")),
    path("customers/", include("partnerdesk.customers.urls")),
    path("licenses/", include("partnerdesk.licensing.urls")),
    path("audit/", include("partnerdesk.audit.urls")),
    path("groups/", include("partnerdesk.customers.group_urls")),
    path("billing/usage/", include("partnerdesk.billing.report_urls")),
    path("billing/", include("partnerdesk.billing.urls")),
    path("settings/", include("partnerdesk.partners.urls")),
    path("settings/webhooks/", include("partnerdesk.outbound.urls")),
    path("admin/", admin.site.urls),
    path("", api.urls),
]
