from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "partnerdesk.customers"
    label = "customers"

    def ready(self) -> None:
        # Registers the daily jobs: scheduled unlinks, and expiring approval requests.
        from partnerdesk.customers import approvals, tasks  # noqa: F401
