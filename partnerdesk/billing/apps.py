from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "partnerdesk.billing"
    label = "billing"

    def ready(self) -> None:
        # Registers the daily usage-metering job with core.periodic.
        from partnerdesk.billing import metering  # noqa: F401
