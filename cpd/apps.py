from django.apps import AppConfig


class CpdConfig(AppConfig):
    name = "cpd"
