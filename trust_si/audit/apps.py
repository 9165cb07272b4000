from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "trust_si.audit"
    label = "audit"
    verbose_name = "Audit log"
