from django.apps import AppConfig


class PhasesConfig(AppConfig):
    name = "phases"
