from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "partnerdesk.accounts"
    label = "accounts"
