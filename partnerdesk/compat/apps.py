from django.apps import AppConfig


class CompatConfig(AppConfig):
    name = "partnerdesk.compat"
    label = "compat"
