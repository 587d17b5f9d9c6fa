from django.urls import path

from partnerdesk.billing import report_views

app_name = "billing_report"
urlpatterns = [
    path("", report_views.usage_report, name="usage"),
    path("export.csv", report_views.usage_report_export, name="export"),
]
