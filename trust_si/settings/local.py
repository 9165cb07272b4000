"""The embedded default: SQLite and a filesystem Celery broker under var/. No services needed."""

from .base import *  # noqa: F403
from .base import BROKER_DIR, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
for _folder in (
    VAR_DIR,
    BROKER_DIR / "queue",
    BROKER_DIR / "processed",
    BROKER_DIR / "control",
    VAR_DIR / "media",
):
    _folder.mkdir(parents=True, exist_ok=True)
