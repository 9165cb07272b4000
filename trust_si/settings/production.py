"""Production: every secret and service comes from the environment, or the process will not start."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

_REQUIRED = ("SECRET_KEY", "MFA_SECRET_KEYS", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
_missing = [name for name in _REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings refuse to start without: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
# The placeholders shipped in .env.example and base.py are public: refused however long.
_PLACEHOLDER_WORDS = ("insecure", "change-me", "changeme", "example")
if any(w in SECRET_KEY.lower() for w in _PLACEHOLDER_WORDS) or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be a long random value in production.")
MFA_SECRET_KEYS = env.list("MFA_SECRET_KEYS")
if INSECURE_MFA_SECRET_KEY in MFA_SECRET_KEYS or any(  # noqa: F405
    "change-me" in k for k in MFA_SECRET_KEYS
):
    raise ImproperlyConfigured("MFA_SECRET_KEYS must be your own Fernet keys in production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = POSTGRES_ENGINE  # noqa: F405
# `check --database default` warns when the app's role is not held by row-level security.
RLS_REQUIRE_APP_ROLE = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
MAILERS = {
    "default": {
        "BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=587),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        },
    }
}
TRUST_SI_DEMO_PASSWORD = ""
TRUST_SI_IS_PRODUCTION = True
LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="INFO")  # type: ignore[index]  # noqa: F405

# One TLS proxy in front of gunicorn (docs/security.md): its X-Forwarded-For entry is the client.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
