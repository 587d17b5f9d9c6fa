"""partnerdesk settings: one module, configured through the environment.

DATABASE_URL selects the database (default: a SQLite file in WAL mode under var/).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARTNERDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    configured = os.environ.get("PARTNERDESK_SECRET_KEY")
    if configured:
        return configured
    # A self-hosted install without a configured key gets one generated once and kept in var/,
    # so sessions survive restarts without anyone committing a key.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("PARTNERDESK_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("PARTNERDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
        ","
    )
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("PARTNERDESK_CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "partnerdesk.core",
    "partnerdesk.accounts",
    "partnerdesk.partners",
    "partnerdesk.customers",
    "partnerdesk.licensing",
    "partnerdesk.billing",
    "partnerdesk.console",
    "partnerdesk.audit",
    "partnerdesk.compat",
    "partnerdesk.outbound",
    "partnerdesk.reports",
    # django-ninja in INSTALLED_APPS serves the API docs' assets from our static files, no CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "partnerdesk.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "partnerdesk.compat.middleware.ApiErrorShapeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partnerdesk.core.middleware.ActorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "partnerdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerdesk.core.context_processors.actor",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'partnerdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "partnerdesk_cache",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# Sign-in throttling (S-4): failed attempts per username and per address in a sliding window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("PARTNERDESK_LOGIN_FAILURE_LIMIT", "10"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("PARTNERDESK_LOGIN_FAILURE_WINDOW", "600"))

# API rate limits per credential: requests per fixed window of seconds.
API_RATE_LIMIT = int(os.environ.get("PARTNERDESK_API_RATE_LIMIT", "600"))
API_RATE_WINDOW_SECONDS = int(os.environ.get("PARTNERDESK_API_RATE_WINDOW", "60"))

# Background work (django-tasks with the database backend): `python manage.py db_worker` runs
# it; several workers may run at once (rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Outbound events (N-2, N-3): the vendor CRM that learns customer renames, how deliveries retry,
# and where they may go (docs/operations.md).
CRM_ENDPOINT_URL = os.environ.get("PARTNERDESK_CRM_ENDPOINT_URL", "")
CRM_SECRET = os.environ.get("PARTNERDESK_CRM_SECRET", "")
OUTBOUND_RETRY_BASE_SECONDS = float(os.environ.get("PARTNERDESK_OUTBOUND_RETRY_BASE_SECONDS", "30"))
OUTBOUND_RETRY_WINDOW_HOURS = float(os.environ.get("PARTNERDESK_OUTBOUND_RETRY_WINDOW_HOURS", "24"))
OUTBOUND_ALLOW_HTTP = _env_bool("PARTNERDESK_OUTBOUND_ALLOW_HTTP", False)
OUTBOUND_ALLOW_PRIVATE_HOSTS = _env_bool("PARTNERDESK_OUTBOUND_ALLOW_PRIVATE_HOSTS", False)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "partnerdesk" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or _env_bool("PARTNERDESK_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = _env_bool("PARTNERDESK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARTNERDESK_LOG_LEVEL", "WARNING")},
}

# Email (approval requests, P-3): printed to the console unless SMTP is configured.
EMAIL_BACKEND = os.environ.get(
    "PARTNERDESK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("PARTNERDESK_SMTP_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("PARTNERDESK_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PARTNERDESK_SMTP_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("PARTNERDESK_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PARTNERDESK_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("PARTNERDESK_SMTP_TLS", True)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = os.environ.get("PARTNERDESK_MAIL_FROM", "partnerdesk <noreply@localhost>")
# The portal's address as people reach it, for links in emails.
PUBLIC_URL = os.environ.get("PARTNERDESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
