"""Settings shared by every environment.

Values come from the environment (django-environ). `local` is the embedded default (SQLite and
a filesystem Celery broker under var/), `production` refuses to start without its secrets,
`test` is what pytest uses.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("TRUST_SI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "trust_si.tenancy",
    "trust_si.accounts",
    "trust_si.audit",
    "academies",
    "assessment",
    "assessment.kpis",
    "assessment.frameworks",
    "phases",
    "visits",
    "moderation",
    "cpd",
    "partnerships",
    "planning",
    "reporting",
    "trust_si.site",
]

MIDDLEWARE = [
    # First: a body larger than its route takes is refused before anything reads it.
    "trust_si.web.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trust_si.web.middleware.SessionRenewMiddleware",
    "trust_si.web.middleware.NoStoreMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "trust_si.accounts.middleware.MFARequiredMiddleware",
    "trust_si.web.middleware.TenantMiddleware",
]

ROOT_URLCONF = "trust_si.site.urls"
WSGI_APPLICATION = "trust_si.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "trust_si.site.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trust_si.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL: Django's backend plus the trust scope sent before each query, which row-level
# security reads (trust_si/tenancy/postgresql/base.py, trust_si/tenancy/rls.py).
POSTGRES_ENGINE = "trust_si.tenancy.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = POSTGRES_ENGINE
# The role the app connects as (DATABASE_URL's user) when migrations run as the tables' owner:
# `migrate` grants it reads and writes on every table. Empty: no grants (one role for both, as
# in tests and CI, where the superuser bypasses row-level security anyway).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email login, invite-only, TOTP MFA with recovery codes.
ACCOUNT_ADAPTER = "trust_si.accounts.adapter.InviteOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# An address counts only once verified; a new address replaces the old one only then, so no
# one can claim another person's address (and the invitations sent to it).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
# Rate limits key on the client's address as the proxies in front of us saw it: the last
# TRUSTED_PROXY_COUNT entries of X-Forwarded-For are ours (production sits behind one TLS
# proxy), anything before them is the client's own claim and is never trusted.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "trust_si.accounts.adapter.EncryptingMFAAdapter"
# Fernet keys for second-factor secrets at rest; the first encrypts, all decrypt (rotation).
# The default is for local use and tests only: production refuses it.
INSECURE_MFA_SECRET_KEY = "aW5zZWN1cmUtbG9jYWwtb25seS1tZmEta2V5LTMyYiE="
MFA_SECRET_KEYS = env.list("MFA_SECRET_KEYS", default=[INSECURE_MFA_SECRET_KEY])
MFA_TOTP_ISSUER = "trust-si"
# Accept the code of the neighbouring 30-second window: phones drift, and typing takes time.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Saved only when changed; trust_si.web.middleware.SessionRenewMiddleware renews an idle
# session's expiry at most once every few minutes instead of writing it on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"
STORAGES = {
    # Stored files (uploads, reports, logos) are private: never served from a public URL.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Request bodies: RequestBodyLimitMiddleware refuses, on Content-Length alone, a body over
# REQUEST_BODY_MAX_BYTES, or over its route's bound for the routes that take a file
# (trust_si.limits.BODY_LIMITS); the proxy in front does the same (docs/security.md). Django
# refuses a non-file body over DATA_UPLOAD_MAX_MEMORY_SIZE; files are then bounded by their
# reader (trust_si.limits).
REQUEST_BODY_MAX_BYTES = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Cache: local memory unless REDIS_URL is given (rate limits need a shared cache in production).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Answers as an empty cache while Redis is down (rate limits degrade, no 500).
            "BACKEND": "trust_si.tenancy.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "trust-si",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis in production; the embedded default is kombu's filesystem transport so a real
# worker process runs the jobs exactly as in production, with no server to install.
BROKER_DIR = VAR_DIR / "broker"
# Every job's hard time limit (seconds). A job a user waits on that runs past its limit is
# killed by the worker; the app's sweeper finds its row past the limit and requeues it or ends
# it with a reason. The broker's visibility timeout (how long Redis waits before handing an
# unacknowledged job to another worker) must exceed the longest limit, or a slow job would be
# run twice at once; tests/ops/test_reliability.py holds that.
TRUST_SI_TASK_TIME_LIMITS: dict[str, int] = {
    # A check reads one bounded file (trust_si.limits.UPLOAD: 90 s of reading at most); the
    # rest of the limit is the sweeper's margin for a check that waited for the worker.
    "assessment.tasks.upload_validate_task": 10 * 60,
    "assessment.tasks.upload_commit_task": 15 * 60,
    "assessment.tasks.upload_sweep_task": 2 * 60,
    "phases.tasks.placement_recompute_task": 15 * 60,
    "phases.tasks.phase_change_mail_task": 60,
    "phases.tasks.recompute_sweep_task": 2 * 60,
    "reporting.tasks.report_generate_task": 10 * 60,
    "reporting.tasks.report_sweep_task": 2 * 60,
    "visits.tasks.action_reminders_send": 10 * 60,
}
CELERY_TASK_ANNOTATIONS = {
    name: {"time_limit": limit, "soft_time_limit": max(limit - 30, limit * 9 // 10)}
    for name, limit in TRUST_SI_TASK_TIME_LIMITS.items()
}
BROKER_VISIBILITY_TIMEOUT = max(TRUST_SI_TASK_TIME_LIMITS.values()) + 5 * 60
# Sending a job while the broker is down fails fast (the request records the job as waiting
# and the sweeper sends it later) instead of holding a web thread.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# Job state lives in our own rows (uploads, recompute jobs, report batches); Redis keeps Celery's
# own results in production for operators' inspection, with a short expiry.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
# Every job ends: a soft limit the task turns into a final state with the reason, a hard one
# that kills it, and a pool process replaced once it has grown past the memory bound (KiB).
# Any job not in TRUST_SI_TASK_TIME_LIMITS above.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}

REST_FRAMEWORK = {
    # Token first: DRF answers unauthenticated calls with the first class's challenge (401).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "trust_si.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "trust_si.web.pagination.TrustPagination",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "trust-si API",
    "DESCRIPTION": "School improvement for multi-academy trusts. Every route is scoped to one trust.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a "kind" or "status": give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "FrameworkVersionStatusEnum": "assessment.frameworks.models.VersionStatus",
        "RoundStatusEnum": "moderation.models.RoundStatus",
        "LevelEnum": "assessment.frameworks.models.Level",
        "UploadKindEnum": "assessment.models.UploadKind",
        "UploadStatusEnum": "assessment.models.UploadStatus",
        "ReportKindEnum": "reporting.models.ReportKind",
        "ReportStatusEnum": "reporting.models.ReportStatus",
        "InspectionKindEnum": "academies.models.Inspection.Kind",
        "PartnerKindEnum": "partnerships.models.PartnerKind",
        "AttendanceStatusEnum": "cpd.models.AttendanceStatus",
        "NpqStatusEnum": "cpd.models.NpqStatus",
        "VisitStatusEnum": "visits.models.VisitStatus",
        "ActionStatusEnum": "visits.models.ActionStatus",
        "PhaseEnum": "phases.models.PhaseCode",
        "InspectionAreaEnum": "academies.models.InspectionArea",
        "RiskCategoryEnum": "planning.models.RiskCategory",
        "JudgementAreaEnum": "phases.models.JudgementArea",
    },
}

# Content Security Policy (Django's own middleware): nothing from another origin.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Django 6.1 mailers: the console in the embedded default; production sets SMTP (EMAIL_URL-style
# variables below) so reminders and invitations reach people.
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
        ),
    }
}
# The SMTP mailer's timeout (Django 6.1: MAILERS OPTIONS "timeout", EMAIL_TIMEOUT in the
# environment) is set in production.py; notifications are sent by their own task.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="trust-si <no-reply@trust-si.example>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Product settings
TRUST_SI_DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")
TRUST_SI_IS_PRODUCTION = False
TRUST_SI_MIN_COHORT_DEFAULT = 5
TRUST_SI_MIN_COHORT_FLOOR = 3
# Academic years of pupil-level data a trust keeps (counting the current one) unless its config
# sets "retention_years"; assessment.retention deletes older data daily.
TRUST_SI_RETENTION_YEARS = env.int("TRUST_SI_RETENTION_YEARS", default=6)
# Seconds a recompute waits so a burst of uploads and judgements becomes one run per academy.
TRUST_SI_RECOMPUTE_DELAY = env.int("TRUST_SI_RECOMPUTE_DELAY", default=20)

# Nightly and daily jobs (beat); apps add their entries here.
CELERY_BEAT_SCHEDULE.update(
    {
        "nightly-placement-recompute": {
            "task": "phases.tasks.recompute_all_trusts",
            "schedule": crontab(hour=2, minute=15),
        },
        "upload-stalled-saves": {
            "task": "assessment.tasks.upload_stalled_release_fan_out",  # and upload_sweep
            "schedule": crontab(minute="*/2"),
        },
        # Sweepers: every job a user waits on ends (sent again, or ended with a reason).
        "recompute-sweep": {
            "task": "phases.tasks.recompute_sweep_fan_out",
            "schedule": crontab(minute="*/2"),
        },
        "report-sweep": {
            "task": "reporting.tasks.report_sweep_fan_out",
            "schedule": crontab(minute="*/2"),
        },
        "pupil-data-retention": {
            "task": "assessment.tasks.pupil_data_retention_fan_out",
            "schedule": crontab(hour=3, minute=30),
        },
        "visit-action-reminders": {
            "task": "visits.tasks.action_reminders_fan_out",
            "schedule": crontab(hour=7, minute=30),
        },
    }
)
