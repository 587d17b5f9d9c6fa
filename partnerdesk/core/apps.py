from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partnerdesk.core"
    label = "core"
