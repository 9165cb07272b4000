from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_si.accounts"
    label = "accounts"
    verbose_name = "Accounts and memberships"
