"""Middle Ground settings: one module, driven by the environment (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MG_VAR_DIR", PROJECT_DIR / "var"))


TRUE_VALUES = ("1", "true", "yes", "on")
FALSE_VALUES = ("", "0", "false", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; a value that is neither true nor false (``DEBUG=ture``)
    is an error, not a silent ``False``."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_VALUES:
        return True
    if value.strip().lower() in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of {', '.join(TRUE_VALUES)} "
        f"or {', '.join(v for v in FALSE_VALUES if v)} (or leave it empty for false)"
    )


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("MG_ALLOW_INSECURE_KEY", False):
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "middleground.core",
    "middleground.translations",  # user content in several languages: on top of core only
    "middleground.accounts",
    # After accounts, so that its templates (account/, mfa/, allauth/layouts/) win.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "middleground.network",
    "middleground.consultations",
    "middleground.delphi",
    "middleground.library",
    "middleground.reformlab",
    "middleground.notifications",
    "middleground.strategies",
    "middleground.accountability",
    "middleground.forum",
    "middleground.dashboard",  # the home page and "My page": on top of every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "middleground.accounts.middleware.visitor_middleware",
    "middleground.accounts.middleware.two_factor_required_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # a plain 404 gets the site's page under DEBUG too (./mg start): see core/error_pages.py
    "middleground.core.error_pages.SiteNotFoundPageMiddleware",
]

ROOT_URLCONF = "middleground.config.urls"
WSGI_APPLICATION = "middleground.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "middleground.notifications.context_processors.bell",
            ],
        },
    },
]

# Database: SQLite in ./var/ unless DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Health checks: a connection kept across requests is tested before reuse, so that
    # after a database restart the next request reconnects instead of failing (issue 21).
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend that creates VAR_DIR when it first connects.
            "ENGINE": "middleground.core.sqlite",
            "NAME": str(VAR_DIR / "middleground.sqlite3"),
            # Keep each thread's connection, as with PostgreSQL: opening one and running the
            # PRAGMAs below costs about 1.5 ms, which every request would otherwise pay.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # Writers queue behind one another instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # mmap_size: reads come straight from the OS page cache instead of being
                # copied through SQLite's 2 MB page cache, which a large full-text index
                # overflows on every query (library search p50 25 -> 17 ms, docs/benchmarks.md).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA mmap_size=2147418112;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:me"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-up, sign-in and two-factor authentication: django-allauth (account + mfa), behind axes.
# Only the views the site uses are routed (accounts/allauth_urls.py): no social accounts,
# passkeys or sign-in by code.
ACCOUNT_ADAPTER = "middleground.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# A sign-up with an address already in use says so (usernames are public anyway).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Middle Ground] "
ACCOUNT_USERNAME_MAX_LENGTH = 40
# Failed sign-ins are counted and locked out by axes (below), not a second time by allauth.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Middle Ground"
MFA_PASSKEY_LOGIN_ENABLED = False
#: roles that must set up TOTP before any other page; off with DEBUG (the local demo,
#: `./mg start`) unless MFA_REQUIRED=1, always on in production
MFA_REQUIRED_ROLES = (
    ["secretariat", "representative"] if env_bool("MFA_REQUIRED", not DEBUG) else []
)

# Login throttling (django-axes): lock a username+address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "middleground.accounts.lockout.lockout_response"
# The same client address as the per-address vote limits (X-Forwarded-For behind proxies).
AXES_CLIENT_IP_CALLABLE = "middleground.core.client.client_address"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: Django has no number formats for Kazakh: ours (decimal comma, as in Russian)
FORMAT_MODULE_PATH = ["middleground.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("MG_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Mail: SMTP when EMAIL_HOST is set, else printed to the console. Every mail goes through
# notifications.services.queue_mail (a row, sent by a background task with retries).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587" if EMAIL_HOST else "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))
MAIL_RETRY_BASE_SECONDS = int(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
NOTIFICATIONS_REMINDER_HOURS = int(os.environ.get("NOTIFICATIONS_REMINDER_HOURS", "48"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Middle Ground <noreply@localhost>")
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
EMAIL_CONFIRMATION_DAYS = int(os.environ.get("EMAIL_CONFIRMATION_DAYS", "3"))
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = EMAIL_CONFIRMATION_DAYS
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# --- rate limits: read by the services at each call, so tests change them with `settings` ---
#: consultation writes: (max events, window in seconds) per kind and scope
CONSULTATIONS_RATE_LIMITS = {
    ("vote", "identity"): (600, 60),
    ("vote", "ip"): (1200, 60),
    ("statement", "identity"): (10, 600),
    ("statement", "ip"): (30, 600),
}
#: load tests (benchmarks/votes.py) scale the limits up; never set in production
CONSULTATIONS_RATE_SCALE = float(os.environ.get("MG_CONSULTATIONS_RATE_SCALE", "1") or 1)
#: membership applications a person may have waiting, and may send in a day
NETWORK_MAX_PENDING_APPLICATIONS = 3
NETWORK_MAX_APPLICATIONS_PER_DAY = 5
# --- end of rate limits ---

# Monitoring (/health/, core/health.py). The queue is degraded when a task due to run has
# waited longer than HEALTH_QUEUE_MAX_AGE seconds; the workers are down when none has written
# its heartbeat (every WORKER_HEARTBEAT_SECONDS, core/heartbeat.py) for HEALTH_WORKER_MAX_AGE.
HEALTH_QUEUE_MAX_AGE = int(os.environ.get("HEALTH_QUEUE_MAX_AGE", "300"))
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30"))
HEALTH_WORKER_MAX_AGE = int(os.environ.get("HEALTH_WORKER_MAX_AGE", "120"))

# Security headers. HTTPS-only settings follow DEBUG so `check --deploy` is clean in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe their backends over plain HTTP: /health/ answers them, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading puts the domain on the browsers' built-in HTTPS-only list, which is slow to undo:
# the operator opts in. Off, `check --deploy` warns (security.W021) on every deployment that
# has not chosen to, so that one warning is silenced; every other deploy check stays on.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For (0: the header is ignored).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Strict CSP: no inline scripts or styles; pages take their data from json_script blocks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
