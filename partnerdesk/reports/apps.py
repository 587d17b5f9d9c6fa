from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "partnerdesk.reports"
    label = "reports"
