"""The Celery app. Tasks are JSON-only and tenant-scoped (see trust_si.tenancy.tasks)."""

import os

from celery import Celery

# Production unless told otherwise: a server started without its settings refuses to start
# (production.py checks its secrets) instead of serving with the local, public key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.production")

app = Celery("trust_si")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
