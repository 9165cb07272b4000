from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "trust_si.site"
    label = "site"
    verbose_name = "Site composition"
