from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "assessment.kpis"
    label = "kpis"
    verbose_name = "KPIs, benchmarks and published results"
