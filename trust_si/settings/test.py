"""pytest settings. SQLite in memory by default; DATABASE_URL / REDIS_URL switch to real services.

Tasks run eagerly here unless CELERY_EAGER=0 (the CI run against a real worker sets that).
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_tmp = tempfile.mkdtemp(prefix="trust-si-test-")
# A real worker process started by the tests is told the same folder (TRUST_SI_MEDIA_ROOT).
MEDIA_ROOT = env.str("TRUST_SI_MEDIA_ROOT", default=f"{_tmp}/media")  # type: ignore[assignment]
STATIC_ROOT = Path(_tmp) / "static"
os.makedirs(STATIC_ROOT, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
if not env.str("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if CELERY_TASK_ALWAYS_EAGER:
        CELERY_BROKER_URL = "memory://"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TRUST_SI_DEMO_PASSWORD = "demo-password-for-tests"
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
TRUST_SI_RECOMPUTE_DELAY = 0
# A real worker started by the tests listens on the test's own queue, and sends the jobs it
# queues itself (a recompute after a save) there too.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TEST_QUEUE", default="celery")
# A test that kills a worker starts the next one with a short visibility timeout: Redis hands a
# job that was delivered but never acknowledged to a worker again only after that long, and the
# worker looks for such jobs every second instead of every 100 s.
if env.str("REDIS_URL", default="") and env.int("CELERY_VISIBILITY_TIMEOUT", default=0):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT"),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
