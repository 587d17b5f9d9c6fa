from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "partnerdesk.billing"
    label = "billing"
