"""The Celery app. Tasks are JSON-only and tenant-scoped (see trust_si.tenancy.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.local")

app = Celery("trust_si")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
