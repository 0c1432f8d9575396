"""Saraban settings, read from environment variables.

Every setting has an embedded default so that one machine runs the whole service with
no set-up: SQLite in ``var/``, files under ``var/media``, the embedded search backend,
the database task queue. Production overrides them through the environment:

- ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/saraban`` (default: SQLite).
- ``SARABAN_SECRET_KEY``, ``SARABAN_DEBUG`` (``1``/``0``), ``SARABAN_ALLOWED_HOSTS``
  (comma separated).
- ``SARABAN_VAR_DIR``: where the SQLite file and media live (default ``./var``).
- ``SARABAN_AGENCY_NAME``: the agency name printed on receive stamps and pages.
- ``SARABAN_OCR_LANGUAGES``: Tesseract languages (default ``tha+eng``).
- ``SARABAN_MAX_UPLOAD_MB``: largest file accepted at intake (default 50).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SARABAN_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get(
    "SARABAN_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789"
)
DEBUG = _env_bool("SARABAN_DEBUG", True)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SARABAN_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs' assets served locally: agency networks are often offline
    "django_tasks",
    "django_tasks_db",
    "saraban.core",
    "saraban.routing",
    "saraban.registry",
    "saraban.signing",
    "saraban.search",
    "saraban.notifications",
    "saraban.complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "saraban.urls"
WSGI_APPLICATION = "saraban.wsgi.application"

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
                "saraban.notifications.context.unread_count",
            ],
            "builtins": ["saraban.core.templatetags.thai"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'saraban.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work from a fresh clone: make its folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for the write lock instead of failing at once when a worker and a clerk
    # write at the same moment; IMMEDIATE transactions take the lock up front so
    # two registrations never interleave their counter reads.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare the statements a process repeats (every
    # registration asks the same dozen): PostgreSQL plans them once per connection.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "saraban.documents.staticfiles.WebFontFinder",  # the pages' font, made from the OS's Laksaman
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("SARABAN_MEDIA_ROOT", VAR_DIR / "media"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SARABAN_MAX_UPLOAD_BYTES = int(os.environ.get("SARABAN_MAX_UPLOAD_MB", "50")) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SARABAN_AGENCY_NAME = os.environ.get(
    "SARABAN_AGENCY_NAME", "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
)
SARABAN_OCR_LANGUAGES = os.environ.get("SARABAN_OCR_LANGUAGES", "tha+eng")
# The reader of letters (an ``ocr.reader.LetterReader``): a dotted path to a class or a
# function that makes one, or to a reader object. Tests put a fake reader here (the
# ``fake_reader`` fixture); the default is the real Tesseract pipeline (``ocr.read``).
SARABAN_READER = "ocr.reader.TesseractReader"
# Registers (DOMAIN.md §3, §7): the month numbers restart in (1 = calendar year, the
# regulation's rule; 10 = fiscal year) for registers created from now on; how long a
# reservation (จองเลข) holds; the retention period unless a rule says otherwise, and
# rules per document type (years; None = permanent, ห้ามทำลาย); Thai digits on the
# receive stamp, slips and books.
SARABAN_REGISTER_YEAR_START_MONTH = int(os.environ.get("SARABAN_REGISTER_YEAR_START_MONTH", "1"))
SARABAN_RESERVATION_HOURS = float(os.environ.get("SARABAN_RESERVATION_HOURS", "24"))
SARABAN_RETENTION_YEARS = int(os.environ.get("SARABAN_RETENTION_YEARS", "10"))
SARABAN_RETENTION_RULES: dict[str, int | None] = {}
SARABAN_THAI_DIGITS = os.environ.get("SARABAN_THAI_DIGITS", "1") != "0"
# A worker that has not reported for this many seconds is taken as not running.
SARABAN_WORKER_STALE_SECONDS = 30

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Jobs the worker runs every few seconds besides its queue (dotted paths, no arguments).
SARABAN_WORKER_PERIODIC = ["saraban.search.services.drain_all", "saraban.registry.numbering.expire_reservations",
                           "saraban.routing.deadlines.escalate_overdue", "saraban.notifications.services.deliver_pending",
                           "saraban.complaints.services.escalate_overdue", "saraban.routing.learning.retrain_if_due"]
SARABAN_WORKER_PERIODIC_SECONDS = float(os.environ.get("SARABAN_WORKER_PERIODIC_SECONDS", 2))
# The worker's CPU priority below the web processes (os.nice increment; 0 = same).
SARABAN_WORKER_NICE = int(os.environ.get("SARABAN_WORKER_NICE", "10"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "saraban.core.api.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Saraban API",
    "DESCRIPTION": "ระบบสารบรรณอิเล็กทรอนิกส์ — intake, registration, routing and search of official letters.",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Search backends, chosen like DATABASES (see saraban/search/backends).
# Search: the embedded backend (in the database) by default; Elasticsearch 8 when
# ELASTICSEARCH_URL is set (ELASTICSEARCH_INDEX names the alias, default saraban-letters).
if os.environ.get("ELASTICSEARCH_URL"):
    SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "saraban.search.backends.elasticsearch.ElasticsearchBackend",
            "URL": os.environ["ELASTICSEARCH_URL"],
            "INDEX": os.environ.get("ELASTICSEARCH_INDEX", "saraban-letters"),
        },
    }
else:
    SEARCH_BACKENDS = {
        "default": {"BACKEND": "saraban.search.backends.embedded.EmbeddedSearchBackend"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SARABAN_LOG_LEVEL", "WARNING")},
}

# --- Routing: deadlines, time standards, the learned suggestions (issue 6) ---
# Handling deadline per urgency in working days (DOMAIN.md §2; 0 = the same working day).
SARABAN_URGENCY_WORKING_DAYS = {"most_urgent": 0, "very_urgent": 1, "urgent": 3, "normal": 7}
# The working day (local time): a deadline falls at its end; weekends and the holiday
# calendar (routing.Holiday, editable) are not working days.
SARABAN_WORKDAY_START = os.environ.get("SARABAN_WORKDAY_START", "08:30")
SARABAN_WORKDAY_END = os.environ.get("SARABAN_WORKDAY_END", "16:30")
# Time standard of each registry step in minutes (work manual, central registry process).
SARABAN_STEP_STANDARD_MINUTES = {"receive": 1, "check": 1, "register": 3, "route": 3, "propose": 3,
                                 "record_endorsement": 2}
# The learned routing classifier: its signed model file and how often it is retrained.
SARABAN_ROUTING_MODEL_PATH = Path(os.environ.get("SARABAN_ROUTING_MODEL_PATH", VAR_DIR / "models" / "routing.json"))
SARABAN_ROUTING_MODEL_KEY = os.environ.get("SARABAN_ROUTING_MODEL_KEY", "")  # empty: derived from SECRET_KEY
SARABAN_ROUTING_RETRAIN_EVERY = int(os.environ.get("SARABAN_ROUTING_RETRAIN_EVERY", "25"))  # new routed letters

# --- Notifications: e-mail, webhooks, digests (issue 6) ---
EMAIL_BACKEND = os.environ.get("SARABAN_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("SARABAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SARABAN_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("SARABAN_FROM_EMAIL", "saraban@localhost")
# At most one immediate e-mail per person per this many minutes; the rest wait and go together.
SARABAN_NOTIFY_EMAIL_MIN_MINUTES = int(os.environ.get("SARABAN_NOTIFY_EMAIL_MIN_MINUTES", "10"))
# The hour (local time) daily digests are sent.
SARABAN_DIGEST_HOUR = int(os.environ.get("SARABAN_DIGEST_HOUR", "16"))
# The public address of the service, for links in e-mails and webhooks.
SARABAN_BASE_URL = os.environ.get("SARABAN_BASE_URL", "http://127.0.0.1:8000")

# --- Complaints (issue 6, DOMAIN.md §5) ---
# Key for complainants' personal data at rest (Fernet, urlsafe base64 of 32 bytes). Empty:
# in DEBUG a key derived from SECRET_KEY; otherwise complaints refuse to store personal data.
SARABAN_PERSONAL_DATA_KEY = os.environ.get("SARABAN_PERSONAL_DATA_KEY", "")
# Deadline per severity, calendar hours (probation-office service standard).
SARABAN_COMPLAINT_SEVERITY_HOURS = {"low": 15 * 24, "medium": 7 * 24, "high": 24}
# How far back a new complaint is compared with earlier ones for duplicates (days).
SARABAN_COMPLAINT_DUPLICATE_DAYS = int(os.environ.get("SARABAN_COMPLAINT_DUPLICATE_DAYS", "365"))

# --- Signing (issue 7, DOMAIN.md §6) ---
# Key that seals stored signing keys at rest (Fernet). Empty: in DEBUG a key derived from
# SECRET_KEY; otherwise importing or using a certificate file is refused. Each key is also
# encrypted with its owner's own password, which is asked again at every signature.
SARABAN_SIGNING_KEY = os.environ.get("SARABAN_SIGNING_KEY", "")
# Trusted root certificates: PEM/DER files or directories of them (":"-separated).
SARABAN_SIGNING_TRUST_ROOTS = [Path(p) for p in os.environ.get(
    "SARABAN_SIGNING_TRUST_ROOTS", str(VAR_DIR / "signing" / "trusted-roots")).split(os.pathsep) if p]
# RFC 3161 timestamp authority (empty: signatures are PAdES B-B, else B-T or better).
SARABAN_SIGNING_TSA_URL = os.environ.get("SARABAN_SIGNING_TSA_URL", "")
# Fetch CRL/OCSP answers to embed them (B-LT/B-LTA) and to check validity ("0": never).
SARABAN_SIGNING_FETCH_REVOCATION = os.environ.get("SARABAN_SIGNING_FETCH_REVOCATION", "1") != "0"
# Where `signing_ca` keeps the development test CA (never for production keys).
SARABAN_SIGNING_CA_DIR = Path(os.environ.get("SARABAN_SIGNING_CA_DIR", VAR_DIR / "signing" / "test-ca"))
# PKCS#11 module of the agency's tokens/HSM (SoftHSM for development and tests).
SARABAN_PKCS11_MODULE = os.environ.get("SARABAN_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
# Wrong passwords/PINs in a row before a certificate is locked, and for how long (minutes).
SARABAN_SIGNING_MAX_ATTEMPTS = int(os.environ.get("SARABAN_SIGNING_MAX_ATTEMPTS", "5"))
SARABAN_SIGNING_LOCK_MINUTES = int(os.environ.get("SARABAN_SIGNING_LOCK_MINUTES", "15"))
# Largest PDF accepted by the public validation page and API (MB).
SARABAN_SIGNING_VALIDATE_MAX_MB = int(os.environ.get("SARABAN_SIGNING_VALIDATE_MAX_MB", "30"))
