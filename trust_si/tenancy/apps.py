from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "trust_si.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the database check)
        from .rls import apply_after_migrate

        # Once per migrate (post_migrate is sent once for each app, after every app's tables
        # exist): for this app only.
        post_migrate.connect(apply_after_migrate, sender=self, dispatch_uid="trust_si.tenancy.rls")
