from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "partnerdesk.outbound"
    label = "outbound"
    verbose_name = "Outbound events"
