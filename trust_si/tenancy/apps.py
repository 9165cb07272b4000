from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "trust_si.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
