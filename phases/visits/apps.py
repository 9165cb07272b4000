from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "phases.visits"
    label = "visits"
    verbose_name = "Visits and the monitoring programme"
