from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "assessment.frameworks"
    label = "frameworks"
    verbose_name = "Assessment frameworks and teacher judgements"
