from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "partnerdesk.console"
    label = "console"
