"""Consulta settings: one module, every value from the environment.

Development needs no configuration at all (SQLite under var/, e-mail written to var/mail/,
Celery tasks run in-process). Production sets DEBUG=0 and at least SECRET_KEY and
ALLOWED_HOSTS; see .env.example and the README for every variable.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from survey_site.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core --------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-this-key-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=0 Consulta refuses to start without a secret "
            "key: set SECRET_KEY in the environment (for example: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = _DEV_SECRET_KEY
# Personal links are signed with SECRET_KEY (questionnaires.links): when changing it, list the
# old key here so the links already sent keep working.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused CSRF check keeps what a respondent typed (survey_site/views.py).
CSRF_FAILURE_VIEW = "survey_site.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "common",
    "accounts",
    "evaluations",
    "history",
    "stakeholders",
    "questionnaires",
    "interviews",
    "reports",
    "analysis",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "history.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.LockedMiddleware",  # a write refused by a lock: 409 with the reason
]

ROOT_URLCONF = "survey_site.urls"
WSGI_APPLICATION = "survey_site.wsgi.application"
ASGI_APPLICATION = "survey_site.asgi.application"

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
                "django.template.context_processors.i18n",
                "evaluations.context_processors.navigation",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------

# An empty DATABASE_URL counts as unset.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'consulta.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock when a
    # transaction starts, so a web request and a worker queue for it (busy timeout) instead
    # of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker and result backend -------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
# Seconds a cache call waits for Redis: an unreachable Redis costs a request this much, then
# the rate limits fail open (common/ratelimit.py) instead of holding respondents.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=2)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "consulta",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without REDIS_URL the broker is kombu's filesystem transport: messages are files under
# CELERY_BROKER_DIR, so `make run` has a real worker with beat and nothing to install or start
# (README, "The two commands"). Results then go to files beside them.
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=REDIS_URL or f"file://{(CELERY_BROKER_DIR / 'results').as_posix()}",
)
# CELERY_TASK_ALWAYS_EAGER=1 runs every task in-process, at the moment it is sent: nothing is
# scheduled then. The tests set it (tests/conftest.py) unless they are given a broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands a task a killed worker never acknowledged to another worker after this long;
# each running worker looks for such tasks every CELERY_REDELIVERY_CHECK_SECONDS (kombu alone
# would look every 100 s: its interval of 10 s, throttled to one look in ten).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 2),
    "unacked_restore_interval": env.float("CELERY_REDELIVERY_CHECK_SECONDS", default=60),
    "unacked_restore_throttle": 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder both ways: the web, the worker and beat on this machine share it. kombu's
    # transport, with writes another process never reads half-done (common/broker.py).
    CELERY_BROKER_TRANSPORT = "common.broker:Transport"
    _queue = CELERY_BROKER_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    with contextlib.suppress(OSError):
        for _folder in (_queue, CELERY_BROKER_DIR / "control", CELERY_BROKER_DIR / "results"):
            _folder.mkdir(parents=True, exist_ok=True)
# Queues by kind, so a big export never delays invitations: `mail` (invitations, reminders,
# message delivery), `exports` (workbook and CSV builds), `imports` (any task named
# "<app>.import_…"), `default` (the rest: sweeps, clean-ups). A worker started without -Q takes
# all four; `make worker QUEUES=mail,default` only those (README, "Running in production").
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {
    name: {"exchange": name, "routing_key": name}
    for name in ("default", "mail", "exports", "imports")
}
CELERY_TASK_ROUTES = {
    "questionnaires.messages_send": {"queue": "mail"},
    "questionnaires.messages_dispatch": {"queue": "mail"},
    "questionnaires.reminders_send": {"queue": "mail"},
    "reports.export_build": {"queue": "exports"},
    "*.import_*": {"queue": "imports"},
}
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    "messages-dispatch": {
        "task": "questionnaires.messages_dispatch",
        "schedule": env.int("MESSAGES_DISPATCH_SECONDS", default=60),
    },
    "reminders-send": {
        "task": "questionnaires.reminders_send",
        "schedule": env.int("REMINDERS_SECONDS", default=60),
    },
    "exports-expire": {
        "task": "reports.exports_expire",
        "schedule": 60 * 60,
    },
    "exports-sweep": {
        "task": "reports.exports_sweep",
        "schedule": 60,
    },
    # The proof a scheduler runs: /healthz and the distribution page warn without a recent one.
    "scheduler-heartbeat": {
        "task": "common.heartbeat",
        "schedule": 60,
    },
}
# Closing needs no task: a form is closed when read after its close (form_is_closed).
# No heartbeat for this long: "no scheduler has run since …" (/healthz, distribution pages).
SCHEDULER_STALE_SECONDS = env.int("SCHEDULER_STALE_SECONDS", default=5 * 60)
# Finished export files are deleted this many days after they were built.
EXPORT_EXPIRY_DAYS = env.int("EXPORT_EXPIRY_DAYS", default=7)
# A running export whose builder wrote no heartbeat for this long is stale (its worker died
# or hangs): taken over, swept as failed, or tried again by its user. Exports have no
# wall-clock limit (EXPORT_TIME_LIMIT, a day, is only a backstop); this is their stall limit.
EXPORT_STALE_SECONDS = env.int("EXPORT_STALE_SECONDS", default=120)
EXPORT_TIME_LIMIT = env.int("EXPORT_TIME_LIMIT", default=24 * 60 * 60)
# Where exports are built before being moved into place; empty: MEDIA_ROOT/exports-building.
EXPORT_BUILD_DIR = env.str("EXPORT_BUILD_DIR", default="")

# --- Authentication ----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"

# The history (README, "History and personal data"): django-auditlog writing into history.Entry.
AUDITLOG_LOGENTRY_MODEL = "history.Entry"
AUDITLOG_STORE_JSON_CHANGES = True  # before/after as JSON values, not their str()
MIGRATION_MODULES = {"auditlog": None}  # its own table is never used: history.Entry replaces it
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "evaluations:list"
LOGOUT_REDIRECT_URL = "login"
# Sessions live in the database, with or without Redis: never in one process's memory (any web
# machine reads any session), kept through a Redis restart or flush, and a Redis outage does
# not log the team out (the cached_db engine would fail requests when it cannot write the cache).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation links stay valid three days
# Login attempts per minute and client address.
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=20)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ----------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
# WhiteNoise warns about a missing STATIC_ROOT until collectstatic has run once.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))


# Where every kept file goes (exports, returned questionnaires, import uploads, attachments):
# empty, the local disk under MEDIA_ROOT; s3://..., object storage shared by every machine.
STORAGE_URL = env.str("STORAGE_URL", default="")
STORAGES = {
    "default": (
        s3_storage(STORAGE_URL)
        if STORAGE_URL
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------

if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Consulta <consulta@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (all off in development; production turns them on by environment) ---------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Container probes call plain HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# On every answer (SecurityMiddleware; common.headers for the policy). The pages need no inline
# script, style or event handler (tests/reliability/test_headers.py checks the templates).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)

# --- REST API ----------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: an unauthenticated call then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "common.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "common.api_input.PageNumberPagination",
    # Proxies in front that append to X-Forwarded-For; 0 trusts none (throttles key on the
    # connecting address, so a client cannot pick its own key).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # Refusing text no database can store or search for, a lone surrogate or a NUL character
    # (a 400 naming the field, not a 500 when stored or looked up).
    "DEFAULT_PARSER_CLASSES": [
        "common.api_input.JSONParser",
        "common.api_input.FormParser",
        "common.api_input.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("API_AUTH_THROTTLE", default="20/min"),
        "respond": env.str("API_RESPOND_THROTTLE", default="600/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Consulta API",
    "DESCRIPTION": (
        "Evaluations, team roles, questionnaires, interviews and reports. Authenticate with a "
        "session or with `Authorization: Token <key>` (POST /api/v1/auth/token/)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InvitationChannelEnum": "questionnaires.models.Invitation.Channel",
        "ResponseChannelEnum": "questionnaires.models.Response.Channel",
        "PlannedSourceKindEnum": "analysis.models.PlannedSource.Kind",
        "AssessedUnitKindEnum": "analysis.models.AssessedUnit.Kind",
        "AssessmentStateEnum": "analysis.models.Assessment.State",
        "ImportJobStateEnum": "stakeholders.models.ImportJob.State",
        "InterviewImportLayoutEnum": "interviews.models.InterviewImportJob.Layout",
        "RawResponsesFormatEnum": "reports.serializers.RAW_RESPONSES_FORMATS",
    },
}

# --- Logging: everything to standard output ----------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # Personal links open a respondent's answers: no log line carries one ("/r/[link]/").
    "filters": {"redact_links": {"()": "questionnaires.links.RedactLinks"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["redact_links"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (console, mail_admins) would print paths unfiltered: its
        # records go to the root's handler above instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Consulta ----------------------------------------------------------------------------

SITE_NAME = env.str("SITE_NAME", default="Consulta")
# The address people reach the site at, for links in e-mails sent outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Respondent links: requests per minute and client address (0 turns a limit off).
# Generous: a whole office behind one address, autosaving as people type.
RESPONDENT_RATE_LIMIT = env.int("RESPONDENT_RATE_LIMIT", default=3000)
RESPONDENT_BAD_LINK_LIMIT = env.int("RESPONDENT_BAD_LINK_LIMIT", default=30)
# Starts through an open link (/o/<token>/), per minute and client address: a workshop room
# behind one address starts together; a bot filling the form in a loop is held to this.
OPEN_LINK_START_LIMIT = env.int("OPEN_LINK_START_LIMIT", default=60)
# Fields one POST may carry. Django's 1,000 refuses a long Likert section (one field per
# item); the body stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and Python's
# randomised hashing is what guards against many-keys attacks.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=10_000)
# The longest text answer accepted, in characters (longer ones are refused with a message).
ANSWER_TEXT_MAX = env.int("ANSWER_TEXT_MAX", default=50_000)
# Uploaded spreadsheets (people, interviews, recipients): what one file may hold. An XLSX is
# checked before it is parsed (common/upload_limits.py): its size unpacked, in all and per
# part, how tightly a part is packed, how many parts; then, while it is read, its cells (the
# empty ones a sheet claims included), rows and the characters of one cell.
SPREADSHEET_MAX_BYTES = env.int("SPREADSHEET_MAX_MB", default=5) * 1024 * 1024
SPREADSHEET_MAX_UNPACKED_BYTES = env.int("SPREADSHEET_MAX_UNPACKED_MB", default=200) * 1024 * 1024
SPREADSHEET_MAX_PART_BYTES = env.int("SPREADSHEET_MAX_PART_MB", default=100) * 1024 * 1024
SPREADSHEET_MAX_RATIO = env.int("SPREADSHEET_MAX_RATIO", default=100)
SPREADSHEET_MAX_PARTS = env.int("SPREADSHEET_MAX_PARTS", default=1000)
SPREADSHEET_MAX_ROWS = env.int("SPREADSHEET_MAX_ROWS", default=20_000)
SPREADSHEET_MAX_CELLS = env.int("SPREADSHEET_MAX_CELLS", default=5_000_000)
SPREADSHEET_MAX_CELL_CHARACTERS = env.int("SPREADSHEET_MAX_CELL_CHARACTERS", default=32_767)
# A file question's answer: the largest file a question may accept, and the limit of those
# that set none (a question's `max_size` may only lower it). Checked before the file is read.
FILE_ANSWER_MAX_BYTES = env.int("FILE_ANSWER_MAX_MB", default=20) * 1024 * 1024
# An instrument file (YAML), on the page and through the API.
INSTRUMENT_MAX_BYTES = env.int("INSTRUMENT_MAX_KB", default=1024) * 1024
