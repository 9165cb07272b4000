from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    label = "visits"
    verbose_name = "Visits and the monitoring programme"
