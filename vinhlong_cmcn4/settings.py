"""Settings for the plan-implementation portal, read from the environment.

Every setting that differs between a developer's laptop and production comes from an
environment variable; defaults are for development (SQLite, no Redis, DEBUG on).
"""

import datetime
import ipaddress
import os
import shutil
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "vinhlong_cmcn4.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_celery_beat",
    "django_celery_results",
    "csp",
    "core",
    "vinhlong_cmcn4",
    "plans",
    "tasks",
    "indicators",
    "reports",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it (anonymous or signed in alike).
    "vinhlong_cmcn4.middleware.RequestBodyLimitMiddleware",
    # Early: a request cut from the database before it wrote anything runs once more, sessions and users too.
    "vinhlong_cmcn4.middleware.LostConnectionRetryMiddleware",
    "vinhlong_cmcn4.middleware.QueryStringNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "vinhlong_cmcn4.middleware.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vinhlong_cmcn4.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LoginRequiredMiddleware: pages send the anonymous to the sign-in page, private files answer 401.
    "vinhlong_cmcn4.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:  # in production gunicorn serves the collected static files through WhiteNoise
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "vinhlong_cmcn4.urls"
WSGI_APPLICATION = "vinhlong_cmcn4.wsgi.application"

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
                "vinhlong_cmcn4.context_processors.portal",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the project so a checkout just works.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # pg_stat_activity names the process each session belongs to ("celery worker", "gunicorn", "manage.py migrate"…).
    _program = Path(sys.argv[0]).parent.name if sys.argv[0].endswith("__main__.py") else Path(sys.argv[0]).name
    _words = [_program, *(arg for arg in sys.argv[1:4] if not arg.startswith("-"))]
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = " ".join(_words)[:63]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`'s threaded server writes sessions and the cache table while other requests read: readers never wait
    # for the writer (WAL), and a writer waits for another instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The reports' covering index (INCLUDE columns) serves PostgreSQL; SQLite builds it without them, which is all
    # development needs: its W040 warning block printed on every `make run` said nothing to act on.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "plans.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "vinhlong_cmcn4.clients.AddressLoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The client's address: X-Forwarded-For is believed only from these peers (addresses or networks: the nginx in
# front; deploy/gunicorn.conf.py gives gunicorn's forwarded_allow_ips the same list). Read in one place,
# vinhlong_cmcn4.clients.client_address, by axes, the API throttles, the login limit and the monitoring pages.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or network (no '*': name the proxies).") from _error
AXES_CLIENT_IP_CALLABLE = "vinhlong_cmcn4.clients.client_address"
# One address failing this many logins in the window, whatever the usernames, is refused until it ends.
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_ADDRESS_WINDOW_SECONDS = int(os.environ.get("LOGIN_ADDRESS_WINDOW_SECONDS", str(15 * 60)))
# Login throttling (django-axes): 5 failures for a username from an address lock that pair for 15 minutes
# (never the username everywhere: nobody can lock a leader out from elsewhere).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:my_home"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first: no LocaleMiddleware, so a browser asking for English still gets Vietnamese.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["vinhlong_cmcn4.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    # Attachments are private: never under STATIC or a public MEDIA_URL; views stream them.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Cache (throttles, heartbeats, job counters, shared figures): Redis when given; without Redis the database
# (table portal_cache, created by a migration). Sessions are in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1"))
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            # A frozen Redis must not hang requests: each call waits REDIS_SOCKET_TIMEOUT at most, and after one
            # unanswered call the process leaves Redis alone for REDIS_BREAKER_SECONDS (core.redis_breaker);
            # the callers go on without it (the throttles fail open: vinhlong_cmcn4.clients).
            "BACKEND": "core.redis_breaker.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    # Every process (the server's workers, a management command, a Celery worker) sees the same counters and
    # figures: a change made by one clears what the others show (core.shared_figures).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Celery: without a broker, tasks run in-process so `make run` needs no Redis.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# Short timeouts: a user's request never waits long on a broker that is down (see core.outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A job runs at most JOB_TIME_LIMIT_SECONDS (then its process is killed; the soft limit raises first).
# A message taken by a worker that died (SIGKILL, power loss) is delivered again after the broker's
# visibility_timeout: 5 minutes, longer than any job may run (so a job still running is never handed
# to a second worker), short enough that a dead worker's jobs run again within minutes. Unacked
# messages are swept every ~30 s (restore interval × throttle). A job whose child process dies is
# requeued at once (reject_on_worker_lost). Each delivery claims its key first (core.once)
# for JOB_LEASE_SECONDS: longer than the time limit, shorter than the visibility timeout.
CELERY_TASK_TIME_LIMIT = int(os.environ.get("JOB_TIME_LIMIT_SECONDS", "240"))
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, CELERY_TASK_TIME_LIMIT // 2)
BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "300"))
JOB_LEASE_SECONDS = CELERY_TASK_TIME_LIMIT + max(5, (BROKER_VISIBILITY_TIMEOUT - CELERY_TASK_TIME_LIMIT) // 2)
JOB_MAX_ATTEMPTS = 10
# A published job not done by then was lost on the way: the outbox sends it again (its key runs it once).
OUTBOX_REDELIVER_SECONDS = BROKER_VISIBILITY_TIMEOUT + JOB_LEASE_SECONDS + 60
OUTBOX_MAX_SENDS = 30
if not CELERY_TASK_TIME_LIMIT < JOB_LEASE_SECONDS < BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("JOB_TIME_LIMIT_SECONDS must stay below BROKER_VISIBILITY_TIMEOUT (with a margin).")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 3,
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 3,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Results are not kept, except the errors of jobs that fail: the admin lists them (django-celery-results).
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = True
# The schedule lives in the database, editable in the admin; defaults seeded by a migration.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True
# Only one beat may run: it holds this lock in Redis while alive (vinhlong_cmcn4.celery).
BEAT_LOCK_KEY = "vinhlong_cmcn4:beat-lock"

# Summaries for UBND tỉnh (Nghị định 30/2020 format): who issues and signs, and who receives them.
# The issuing body (bold capitals) and the body above it, if any (plain capitals; UBND tỉnh has none).
SUMMARY_PARENT_LINES: list[str] = []
SUMMARY_ISSUER_LINES = ["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"]
SUMMARY_ISSUER_NAME = "Ủy ban nhân dân tỉnh Vĩnh Long"
SUMMARY_PLACE = os.environ.get("SUMMARY_PLACE", "Vĩnh Long")
SUMMARY_NUMBER_SUFFIX = "BC-UBND"
# The authority line(s) (TM./KT.) and the signer's position, then the signer's name (the demo has one).
SUMMARY_SIGNATURE_LINES = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
SUMMARY_SIGNER = os.environ.get("SUMMARY_SIGNER", "Nguyễn Văn Minh" if DEBUG else "")
# LibreOffice renders each summary as PDF in a job when `soffice` is on the machine; "" turns it off.
SUMMARY_PDF_SOFFICE = os.environ.get("SUMMARY_PDF_SOFFICE", shutil.which("soffice") or "")
# Signed copies (ký số) are checked against the trusted roots in the admin; revocation lists are fetched
# from the certificate authority's addresses only when this is on (the server must reach them).
SUMMARY_SIGNATURE_FETCH_REVOCATION = env_bool("SUMMARY_SIGNATURE_FETCH_REVOCATION", False)
# The largest signed copy received, and the largest file the public verification page reads.
SUMMARY_SIGNED_MAX_BYTES = int(os.environ.get("SUMMARY_SIGNED_MAX_BYTES", str(20 * 1024 * 1024)))
# Uploads to the public verification page (/xac-thuc/) from one address in a window.
VERIFY_RATE = os.environ.get("VERIFY_RATE", "10/min")
# Webhooks to other systems: the wait for an answer, and how many attempts before a delivery fails for good
# (1 min, 2, 4, … apart: about 4 hours for 8 attempts).
WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
# Webhook addresses are https; plain http only to these hosts, and only in development and tests (DEBUG):
# a summary and its signature never cross a network in clear (reports.models.delivery.webhook_url_validate).
WEBHOOK_HTTP_HOSTS = env_list("WEBHOOK_HTTP_HOSTS", "127.0.0.1,localhost,::1") if DEBUG else []
SUMMARY_RECIPIENTS = [
    "Văn phòng Chính phủ (b/c);",
    "Bộ Khoa học và Công nghệ (b/c);",
    "TT. Tỉnh ủy, TT. HĐND tỉnh (b/c);",
    "CT, các PCT UBND tỉnh;",
    "Các sở, ban, ngành tỉnh;",
    "UBND các huyện, thị xã, thành phố;",
    "Lưu: VT.",
]
# The portal's address, for links in e-mails sent by jobs (no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reminders go this many days before a period's sending deadline.
# Who reviews a report of the coordinating agency itself: "leadership" or "coordinator" (another agency's).
SELF_REVIEW_BY = os.environ.get("SELF_REVIEW_BY", "leadership")
if SELF_REVIEW_BY not in {"leadership", "coordinator"}:
    raise ImproperlyConfigured("SELF_REVIEW_BY must be leadership or coordinator")
# Who decides on requests for more time (gia hạn): the plan's coordinating agency, or provincial leadership.
EXTENSION_DECIDED_BY = os.environ.get("EXTENSION_DECIDED_BY", "coordinator")
if EXTENSION_DECIDED_BY not in {"leadership", "coordinator"}:
    raise ImproperlyConfigured("EXTENSION_DECIDED_BY must be leadership or coordinator")
# A report returned by the coordinator and sent again within this many working days keeps its on-time mark.
RESEND_GRACE_WORKING_DAYS = int(os.environ.get("RESEND_GRACE_WORKING_DAYS", "3"))
# The longest the dashboard's figures stay cached (core.shared_figures): workflow steps
# clear them at once; this bounds how long an edit made outside the services (the admin) goes unseen.
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "300"))
# A costly figure read by many (the dashboard's page) whose value before a change was computed less than this many
# seconds ago is served as it was to the reader who finds it out of date, who computes the new one after the
# response (core.shared_figures): on a deadline day no leader waits for the dashboard's computation. 0: never.
FIGURES_BEHIND_SECONDS = float(os.environ.get("FIGURES_BEHIND_SECONDS", "5"))

# E-mail: console in development.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")  # for EMAIL_BACKEND=…filebased.EmailBackend (tests, soak)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cổng theo dõi kế hoạch <no-reply@vinhlong.gov.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Sessions end at logout, at browser close and after two idle hours; a session in use is renewed at most
# once a minute (vinhlong_cmcn4.middleware.IdleSessionMiddleware), not written at every request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 60 * 60)))
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Security: strict in production, so `check --deploy` prints no warning.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp) on every page: scripts only from our own static files (no inline
# script or handler anywhere: see static/js/). Inline style attributes stay allowed (progress bars, the
# admin and Swagger UI set widths inline); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    # Who sees which rows is decided by plans.policy in each view's queryset; anonymous
    # clients get the public rows (published plans and tasks, the agency registry) and read only.
    "DEFAULT_PERMISSION_CLASSES": ["core.api.ReadOnlyUnlessSignedIn"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first: an unauthenticated call gets 401 + WWW-Authenticate
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumbers",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.api.FilterBackend", "rest_framework.filters.OrderingFilter"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.error_response",
    "DEFAULT_THROTTLE_CLASSES": ["vinhlong_cmcn4.clients.AnonRateThrottle", "vinhlong_cmcn4.clients.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/min"),
        "token": os.environ.get("API_TOKEN_RATE", "10/min"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": gettext_lazy("API v1 — plan implementation portal, People's Committee of Vĩnh Long province"),
    "DESCRIPTION": gettext_lazy(
        "Directives, plans, tasks, progress reports and summaries, for the province's other systems (LGSP). "
        "Authentication: the web session, or a token (`Authorization: Token <key>`, from `POST /api/v1/auth/token/`). "
        "Without signing in: published plans and tasks only, read-only. Errors always look like "
        '`{"error": {"code": "...", "message": "...", "fields": {...}}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "vinhlong_cmcn4.api_schema.errors_document"],
}

# Excel exports: formulas in user text must never run (see vinhlong_cmcn4/spreadsheets.py).
# Our resources neutralise formulas themselves (core.spreadsheets): the stock option only strips "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Excel annex imports (tasks.importing).
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
IMPORT_SYNC_MAX_ROWS = int(os.environ.get("IMPORT_SYNC_MAX_ROWS", "300"))
# Checked inside the request only when small once unpacked, and within IMPORT_SYNC_MAX_ROWS rows
# (both measured, never taken from the file's own <dimension>); anything else goes to the job.
IMPORT_SYNC_MAX_BYTES = int(os.environ.get("IMPORT_SYNC_MAX_BYTES", str(4 * 1024 * 1024)))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "200"))
# The workbook's shared-string table is read into memory: at most this many distinct texts and characters
# (20,000 tasks of a few texts each fit ten times over). A 6.5 MB file can hold 2.5 million of them.
IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS", "200000"))
IMPORT_MAX_SHARED_STRING_CHARS = int(os.environ.get("IMPORT_MAX_SHARED_STRING_CHARS", "40000000"))
# A job still checking or importing after this long is ended as failed (its worker died).
IMPORT_JOB_TIMEOUT_SECONDS = int(os.environ.get("IMPORT_JOB_TIMEOUT_SECONDS", str(30 * 60)))

# Evidence attached to reports (reports.attachments): size per file, and the cap on any uploaded file.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
UPLOAD_MAX_BYTES = max(ATTACHMENT_MAX_BYTES, IMPORT_MAX_FILE_BYTES)
# Evidence files one report may carry.
ATTACHMENT_MAX_FILES = int(os.environ.get("ATTACHMENT_MAX_FILES", "10"))
# Files one person may have held at once after forms sent back with an error (reports.attachments.uploads_hold):
# a report's worth, so a refused form sent in a loop cannot fill the disk before the daily upkeep empties them.
HELD_UPLOADS_MAX_FILES = int(os.environ.get("HELD_UPLOADS_MAX_FILES", "10"))
# Any request body above this is refused (413) from its Content-Length, or cut off while received
# when chunked (vinhlong_cmcn4.middleware): the largest legitimate request is a report form sending a
# few evidence files at once. The TLS proxy in front must refuse at the same size (nginx:
# client_max_body_size), so a huge body never even reaches gunicorn.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(max(3 * UPLOAD_MAX_BYTES, 8 * 1024 * 1024))))
# Every body is received before the portal reads it, at least this fast after the first seconds, or its
# connection is cut (408): a client sending a byte a second cannot hold a server thread (vinhlong_cmcn4.body_deadline).
REQUEST_BODY_GRACE_SECONDS = float(os.environ.get("REQUEST_BODY_GRACE_SECONDS", "10"))
REQUEST_BODY_MIN_BYTES_PER_SECOND = int(os.environ.get("REQUEST_BODY_MIN_BYTES_PER_SECOND", str(16 * 1024)))
# A connection gets a gunicorn thread once its request's headers are all in; one whose headers have not ended
# after this many seconds is closed (vinhlong_cmcn4.gunicorn_worker, deploy/gunicorn.conf.py).
REQUEST_HEADER_SECONDS = float(os.environ.get("REQUEST_HEADER_SECONDS", "10"))
FILE_UPLOAD_HANDLERS = [
    "core.uploads.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The portal's own settings.
PORTAL_NAME = os.environ.get("PORTAL_NAME", "Cổng theo dõi thực hiện kế hoạch")
PORTAL_OWNER = os.environ.get("PORTAL_OWNER", "Ủy ban nhân dân tỉnh Vĩnh Long")
PORTAL_PROVINCE = os.environ.get("PORTAL_PROVINCE", "Vĩnh Long")

# Logs: plain lines for people; the request and job loggers write one JSON line each (vinhlong_cmcn4.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}, "json": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "vinhlong_cmcn4.requests": {"handlers": ["json"], "level": "INFO", "propagate": False},
        "vinhlong_cmcn4.jobs": {"handlers": ["json"], "level": "INFO", "propagate": False},
    },
}

# ---------------------------------------------------------------------------------------------------------
# Operations (issue 15): object storage, health, metrics, request logs. Kept together; see README "Production".
# ---------------------------------------------------------------------------------------------------------
INSTALLED_APPS += ["django_prometheus"]  # django-health-check needs no app entry: /health/ answers JSON only
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "vinhlong_cmcn4.logs.RequestLogMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Evidence, summaries and import files: the local disk (MEDIA_ROOT) by default, or an S3-compatible object
# store (MinIO, Ceph, a cloud's S3) with STORAGE_BACKEND=s3, so several web and worker servers share them.
# Files are always streamed through the portal's views after its access checks: objects stay private
# (no public ACL) and no bucket URL is ever given to a browser.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("S3_PREFIX", ""),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND=s3.")
elif STORAGE_BACKEND != "local":
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")

# /health/ (vinhlong_cmcn4.health): when a check fails. Beat publishes a job at least every minute and a
# worker runs the heartbeat job every minute, so three minutes of silence means the process is gone.
HEALTH_BEAT_MAX_AGE = int(os.environ.get("HEALTH_BEAT_MAX_AGE", "180"))
HEALTH_WORKER_MAX_AGE = int(os.environ.get("HEALTH_WORKER_MAX_AGE", "180"))
HEALTH_OUTBOX_MAX_AGE = int(os.environ.get("HEALTH_OUTBOX_MAX_AGE", "600"))  # oldest job still waiting, seconds
HEALTH_DISK_MIN_FREE_PERCENT = float(os.environ.get("HEALTH_DISK_MIN_FREE_PERCENT", "10"))
# /health/ and /metrics answer only these addresses or networks (the machine itself and the monitoring
# server), or a request carrying "Authorization: Bearer <MONITORING_TOKEN>". /healthz stays open for the
# proxy. The address is the client's as vinhlong_cmcn4.clients reads it (X-Forwarded-For only from TRUSTED_PROXIES).
MONITORING_ALLOWED_IPS = env_list("MONITORING_ALLOWED_IPS", "127.0.0.1,::1")
MONITORING_TOKEN = os.environ.get("MONITORING_TOKEN", "")
# Several gunicorn workers: PROMETHEUS_MULTIPROC_DIR (set in deploy/systemd) makes /metrics add them up.
PROMETHEUS_EXPORT_MIGRATIONS = False
# Backups (manage.py backup): where archives go, and which pg_dump/pg_restore to run.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
PG_DUMP = os.environ.get("PG_DUMP", "pg_dump")
PG_RESTORE = os.environ.get("PG_RESTORE", "pg_restore")

# A list's Excel download of more rows than this is written by a job, with a progress page and a notice (core.exports).
EXPORT_SYNC_MAX_ROWS = int(os.environ.get("EXPORT_SYNC_MAX_ROWS", "2000"))
