"""Prima settings: one module, read from the environment with embedded defaults.

With nothing set, Prima runs as a self-contained demo: SQLite, Celery tasks executed eagerly
in-process, e-mail printed to the console, debug on. `DATABASE_URL`, `CELERY_BROKER_URL` /
`REDIS_URL` and `DEBUG=0` switch to the production stack. See the README for every variable.
"""

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envdecimal, envint, envlist, envstr, envurl
from config.queues import all_queues, checked_prefix
from employees.sso_settings import parse_role_groups

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production mode).")
    SECRET_KEY = "prima-insecure-development-key-do-not-use-in-production-0123456789"  # noqa: S105
# Earlier keys, still accepted for signatures and for opening pulse ballots sealed before a change.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "mozilla_django_oidc",
    "core",
    "employees",
    "pulse_surveys",
    "leave",
    "rewards",
    "service_quality",
    "improvement",
    "correlation",
    "insights",
    "feedback",
]

MIDDLEWARE = [
    "core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "employees.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.security.SessionTimeoutMiddleware",
    "core.api.MalformedJSONMiddleware",
    "core.idempotency.IdempotencyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "employees.context_processors.role",
                "employees.context_processors.search",
            ],
        },
    },
]

# --- Database: SQLite file by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = envurl("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(BASE_DIR / "prima.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A streaming replica of that database takes the heavy reads (dashboards, heatmaps, results,
# correlation inputs, exports: `config.replica`). Unset: one database, everything on it.
DATABASE_REPLICA_URL = envurl("DATABASE_REPLICA_URL", schemes=("postgres", "postgresql"))
if DATABASE_REPLICA_URL and not DATABASE_URL.startswith("postgres"):
    raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to name the PostgreSQL primary.")
# After a write a person reads from the primary for this long, so they see what they wrote.
DATABASE_REPLICA_PIN_SECONDS = envint("DATABASE_REPLICA_PIN_SECONDS", 30, minimum=1)
# A replica whose replay is further behind than this is skipped until it catches up.
DATABASE_REPLICA_MAX_LAG_SECONDS = envint("DATABASE_REPLICA_MAX_LAG_SECONDS", 10, minimum=0)
# Each process asks the replica about its health at most this often.
DATABASE_REPLICA_CHECK_SECONDS = envint("DATABASE_REPLICA_CHECK_SECONDS", 5, minimum=0)
# A report's inputs are read on this many connections at once (`config.replica.read_at_once`);
# 1 reads them one after another.
DATABASE_READ_STREAMS = envint("DATABASE_READ_STREAMS", 2, minimum=1)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": envint("DATABASE_REPLICA_CONNECT_TIMEOUT", 2, minimum=1)}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
    MIDDLEWARE.append("config.replica.ReplicaPinMiddleware")

# --- Redis: the Celery broker and the cache. Unset: tasks run eagerly, cache in memory.
CELERY_BROKER_URL = envurl("CELERY_BROKER_URL", schemes=("redis", "rediss")) or envurl(
    "REDIS_URL", schemes=("redis", "rediss")
)
REDIS_URL = envurl("REDIS_URL", schemes=("redis", "rediss")) or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Jakarta"
# Jobs are idempotent, so a job whose worker dies is given to another worker, not lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job whose worker dies goes back to the queue once its lease lapses: a minute. A live
# worker renews the lease of every job it holds (running, or waiting for a retry) every quarter
# of that (`config.celery.LeaseRenewal`), so a job longer than a minute is never handed to a
# second worker; workers look for lapsed leases every few seconds, not every 100.
_visibility_timeout = envint("CELERY_VISIBILITY_TIMEOUT", 60, minimum=2)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 6)),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_EXPIRES = 24 * 3600
# Jobs run on named queues (`config.queues`: reports, imports, mail, maintenance, default), each
# name after CELERY_QUEUE_PREFIX; a worker asked for a queue not among them stops at start.
if envstr("CELERY_QUEUE"):
    raise ImproperlyConfigured(
        "CELERY_QUEUE is no longer read: jobs run on named queues (README: Job queues); "
        "set CELERY_QUEUE_PREFIX to keep two sites apart on one Redis."
    )
PRIMA_QUEUE_PREFIX = checked_prefix(envstr("CELERY_QUEUE_PREFIX", ""))
CELERY_TASK_QUEUES = all_queues(PRIMA_QUEUE_PREFIX)
CELERY_TASK_DEFAULT_QUEUE = f"{PRIMA_QUEUE_PREFIX}default"
CELERY_TASK_ROUTES = ("config.queues.route_task",)
CELERY_TASK_CREATE_MISSING_QUEUES = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- People and sign-in.
AUTH_USER_MODEL = "employees.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
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
    "core.security.LockoutBackend",
    "employees.auth_backends.DirectoryOIDCBackend",
    "employees.auth_backends.DirectoryLDAPBackend",
    "core.security.LocalPasswordBackend",
]
# LOCAL_LOGIN=0: Prima's own passwords only for superusers (break-glass); people sign in
# through the directory. The sign-in page and the API's token endpoint follow the same rule.
LOCAL_LOGIN = envbool("LOCAL_LOGIN", True)
# Sessions: ended after SESSION_IDLE_TIMEOUT seconds without activity, and SESSION_ABSOLUTE_TIMEOUT
# after sign-in whatever happens (core.security.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = envint("SESSION_ABSOLUTE_TIMEOUT", 10 * 3600, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Lockout after repeated failures, per username and address (django-axes).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_VERBOSE = False

# --- Single sign-on (README: "Single sign-on"). People are matched by employee number, then
# e-mail; they are created on first sign-in only with SSO_CREATE_PEOPLE=1. SSO_ROLE_GROUPS maps
# directory groups to roles (`leadership:prima-leaders;hr:prima-hr`); empty: roles stay as set.
SSO_CREATE_PEOPLE = envbool("SSO_CREATE_PEOPLE", False)
SSO_ROLE_GROUPS = parse_role_groups(envstr("SSO_ROLE_GROUPS"))

# OpenID Connect (mozilla-django-oidc): code flow with PKCE, state and nonce; endpoints from
# the issuer's discovery document.
OIDC_ISSUER = envurl("OIDC_ISSUER", schemes=("https", "http"))
OIDC_PROVIDER_NAME = envstr("OIDC_PROVIDER_NAME", "SSO")
OIDC_RP_CLIENT_ID = envstr("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = envstr("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = envstr("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = envstr("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_EMPLOYEE_NUMBER_CLAIM = envstr("OIDC_EMPLOYEE_NUMBER_CLAIM", "employee_number")
OIDC_GROUPS_CLAIM = envstr("OIDC_GROUPS_CLAIM", "groups")
OIDC_CLOCK_SKEW_SECONDS = envint("OIDC_CLOCK_SKEW_SECONDS", 60, minimum=0)
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's sign-out
OIDC_CREATE_USER = False  # employees.directory decides
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")

# LDAP / Active Directory (django-auth-ldap), through the same password form.
AUTH_LDAP_SERVER_URI = envurl("LDAP_SERVER_URI", schemes=("ldap", "ldaps"))
AUTH_LDAP_BIND_DN = envstr("LDAP_BIND_DN")
AUTH_LDAP_BIND_PASSWORD = envstr("LDAP_BIND_PASSWORD")
AUTH_LDAP_START_TLS = envbool("LDAP_START_TLS", False)
AUTH_LDAP_ALWAYS_UPDATE_USER = False  # employees.directory decides what changes
AUTH_LDAP_CACHE_TIMEOUT = 0  # group memberships are read afresh at every sign-in
LDAP_EMPLOYEE_NUMBER_ATTRIBUTE = envstr("LDAP_EMPLOYEE_NUMBER_ATTRIBUTE", "employeeNumber")
LDAP_EMAIL_ATTRIBUTE = envstr("LDAP_EMAIL_ATTRIBUTE", "mail")
if AUTH_LDAP_SERVER_URI:
    from employees.sso_settings import ldap_connection_options, ldap_searches

    AUTH_LDAP_CONNECTION_OPTIONS = ldap_connection_options(
        timeout_seconds=envint("LDAP_TIMEOUT_SECONDS", 10, minimum=1)
    )
    AUTH_LDAP_USER_SEARCH, AUTH_LDAP_GROUP_SEARCH, AUTH_LDAP_GROUP_TYPE = ldap_searches(
        user_base=envstr("LDAP_USER_BASE"),
        user_filter=envstr("LDAP_USER_FILTER", "(uid=%(user)s)"),
        group_base=envstr("LDAP_GROUP_BASE"),
        group_type=envstr("LDAP_GROUP_TYPE", "groupOfNames"),
    )

# --- Languages, time, money.
LANGUAGE_CODE = envstr("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("id", _("Bahasa Indonesia"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of en, id; got {LANGUAGE_CODE!r}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language, day before month in both ("5 Dec 2026", "5 Des 2026 13:40").
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
PRIMA_CURRENCY = "IDR"

# --- Static files: shipped with the project, served by WhiteNoise; nothing from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

# --- E-mail: printed to the console in the demo; SMTP (EMAIL_HOST, default localhost) in production.
EMAIL_HOST = envstr("EMAIL_HOST", "" if DEBUG else "localhost")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": envint("EMAIL_PORT", 587),
                "username": envstr("EMAIL_HOST_USER"),
                "password": envstr("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Prima <prima@localhost>")

# --- API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call is answered 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prima API",
    "DESCRIPTION": "Service excellence: pulse surveys, leave, rewards, service quality and their correlation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, where several apps call a field `kind` or `status`.
    "ENUM_NAME_OVERRIDES": {
        "EmployeeRoleEnum": "employees.models.Role",
        "BonusStatusEnum": "rewards.models.BonusStatus",
        "BonusKindEnum": "rewards.models.BonusKind",
        "RewardKindEnum": "rewards.models.RewardKind",
        "PointsEntryKindEnum": "rewards.models.PointsEntryKind",
        "LeaveEntryKindEnum": "leave.models.EntryKind",
        "LeaveRequestStatusEnum": "leave.models.Status",
        "QuestionKindEnum": "pulse_surveys.models.QuestionKind",
        "RoundStatusEnum": "pulse_surveys.models.RoundStatus",
        "ActionStatusEnum": "improvement.models.ActionStatus",
        "ReportStatusEnum": "correlation.models.ReportStatus",
        "ImportKindEnum": "service_quality.models.ImportKind",
        "ScoreOriginEnum": "service_quality.models.Origin",
        "ImportStatusEnum": "service_quality.models.ImportStatus",
        "OrgImportKindEnum": "employees.models.ImportKind",
        "OrgImportModeEnum": "employees.models.ImportMode",
        "OrgImportStatusEnum": "employees.models.ImportStatus",
    },
}

# --- Security headers. Production (DEBUG off) passes `manage.py check --deploy` cleanly.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP inside the stack.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Production logs one JSON object a line (python-json-logger), for the log collector; the demo
# logs plain text. LOG_FORMAT=json or text chooses either way.
LOG_FORMAT = envstr("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Request bodies are never logged: they may carry survey answers.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Prima's own knobs.
PRIMA_ANONYMITY_THRESHOLD_DEFAULT = 5
PRIMA_ANONYMITY_THRESHOLD_MINIMUM = 3
# Across rounds, the figures of any two rounds may move the odds between two answers of one
# person by at most exp(ε): ln 3 (a factor of 3) by default, never more than ln 9.
PRIMA_ANONYMITY_EPSILON_MAXIMUM = math.log(9)
PRIMA_ANONYMITY_EPSILON = float(envdecimal("PRIMA_ANONYMITY_EPSILON", Decimal(repr(math.log(3)))))
if not 0 < PRIMA_ANONYMITY_EPSILON <= PRIMA_ANONYMITY_EPSILON_MAXIMUM:
    raise ImproperlyConfigured(
        f"PRIMA_ANONYMITY_EPSILON must be above 0 and at most ln 9 ({PRIMA_ANONYMITY_EPSILON_MAXIMUM:.4f}); "
        f"got {PRIMA_ANONYMITY_EPSILON}."
    )
# The site's own address, for links in e-mails (e.g. https://prima.example.go.id).
PRIMA_BASE_URL = envurl("PRIMA_BASE_URL", schemes=("http", "https"))
PRIMA_RECOGNITION_MONTHLY_POINTS = envint("PRIMA_RECOGNITION_MONTHLY_POINTS", 100, minimum=0)
# A list of people to choose from (a colleague to recognise, an employee's bonus or leave) holds
# everyone up to this many; beyond it the page holds the person chosen and asks the directory as
# one types (a 50,000-person organisation's list was 4 MB).
PRIMA_PEOPLE_LISTED = envint("PRIMA_PEOPLE_LISTED", 500, minimum=1)
# Correlation reports: the least data a result needs, counted in units (not unit-periods): a
# between-unit or pooled result needs this many units, a within-unit one this many units with
# at least this many periods each.
PRIMA_CORRELATION_MIN_UNITS = envint("PRIMA_CORRELATION_MIN_UNITS", 8, minimum=3)
PRIMA_CORRELATION_MIN_UNITS_WITHIN = envint("PRIMA_CORRELATION_MIN_UNITS_WITHIN", 5, minimum=2)
PRIMA_CORRELATION_MIN_PERIODS_WITHIN = envint("PRIMA_CORRELATION_MIN_PERIODS_WITHIN", 3, minimum=2)
# Seals pulse answers while their round is open (`pulse_surveys.ballots`); unset: derived from
# SECRET_KEY. Either way it lives outside the database.
PRIMA_BALLOT_KEY = envstr("PRIMA_BALLOT_KEY")
# /metrics (Prometheus) answers staff and scrapers sending `Authorization: Bearer <this token>`.
PRIMA_METRICS_TOKEN = envstr("PRIMA_METRICS_TOKEN")
# /healthz gives its details (database, broker, worker) to staff and to probes sending this token.
PRIMA_HEALTHZ_TOKEN = envstr("PRIMA_HEALTHZ_TOKEN")
# A report or import still running with no sign of life from its job for this long is started
# again by the stuck-job sweep (at most twice), then failed with the reason.
PRIMA_JOB_STUCK_MINUTES = envint("PRIMA_JOB_STUCK_MINUTES", 15, minimum=1)
# Answers a minute the public SKM form takes from one address, one device, one unit's kiosk.
PRIMA_SKM_RATE_PER_ADDRESS = envint("PRIMA_SKM_RATE_PER_ADDRESS", 30, minimum=1)
PRIMA_SKM_RATE_PER_DEVICE = envint("PRIMA_SKM_RATE_PER_DEVICE", 6, minimum=1)
PRIMA_SKM_RATE_PER_KIOSK = envint("PRIMA_SKM_RATE_PER_KIOSK", 240, minimum=1)
