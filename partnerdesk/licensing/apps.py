from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "partnerdesk.licensing"
    label = "licensing"
