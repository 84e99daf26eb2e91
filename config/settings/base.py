"""Settings shared by every environment. Everything that differs between machines comes from the
environment (12-factor), so the same code runs the SQLite demo, CI on PostgreSQL and production."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("YIWANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "yiwang.core",
    "yiwang.workdays",
    "yiwang.orgs",
    "yiwang.accounts",
    # The app order of docs/architecture.md, lowest first (load_demo runs the demo modules in it).
    "yiwang.notifications",
    "yiwang.catalog",
    "yiwang.supervision",
    "yiwang.cases",
    "yiwang.licences",
    "yiwang.bundles",
    "yiwang.ratings",
    "yiwang.servicemap",
    "yiwang.appointments",  # it answers servicemap.outlet_status
    "yiwang.guidance",
    "yiwang.policies",  # it answers licences.profile_changed and licences.profile_sections
    "yiwang.hotline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the input guard, so its refusal page carries the same Content-Security-Policy (the
    # middleware only prepares a nonce; it reads nothing the request carries).
    "csp.middleware.CSPMiddleware",
    # Before sessions and authentication: a path, query or form field with NUL or another control
    # character, or a body over YIWANG_MAX_REQUEST_BYTES, is refused with a 400/413 naming the field.
    "yiwang.core.inputs.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yiwang.core.middleware.PrivatePagesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yiwang.core.context_processors.display_preferences",
                "yiwang.notifications.context_processors.unread_messages",
            ],
        },
    },
]

# DATABASE_URL set but empty (a CI variable left blank) means unset: the embedded SQLite database.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'yiwang.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_SERVER_SIDE_BINDING", True):
    # Parameters travel separately from the SQL and psycopg prepares statements it sees repeatedly,
    # so PostgreSQL skips parsing and planning the intake's handful of INSERTs (measured: see
    # benchmarks/intake.py). Set DB_SERVER_SIDE_BINDING=0 behind a transaction-mode pgbouncer.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite serialises writers; waiting a little instead of failing keeps the demo usable under
    # a few concurrent requests (window clerk + citizen in two tabs).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["yiwang.accounts.backends.IdentityBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# argon2 first (issue: passwords hashed with argon2); the others only verify legacy hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # STORAGE_BACKEND=s3 switches uploaded files to S3-compatible object storage (django-storages);
    # its AWS_* settings come from the environment, as django-storages documents.
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if os.environ.get("STORAGE_BACKEND") == "s3"
        else "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies: the non-file part (JSON of the API, form fields of pages) at most 2 MiB — the
# largest real body, a catalog version's full guide, is a few hundred KB; a 1.2-million-character
# reason is refused here and by the field's maxLength. Whole requests (several files of a
# materials page, each at most YIWANG_MAX_UPLOAD_BYTES) at most YIWANG_MAX_REQUEST_BYTES, refused
# by yiwang.core.inputs before the body is read; the proxy in front (docs/deploy.md) uses the same.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 50
YIWANG_MAX_REQUEST_BYTES = int(os.environ.get("YIWANG_MAX_REQUEST_BYTES", 100 * 1024 * 1024))

# Content-Security-Policy on every page (django-csp): scripts and styles only from our own static
# files — no inline script, no inline style, no eval — so an injected fragment cannot run. Pages
# are written for it (yiwang/core/static/js/page.js holds the few behaviours); the browser tests
# fail on any violation (conftest.py). Files served for download set a stricter sandbox policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Personal identifiers are encrypted at rest with SM4 and looked up through an HMAC-SM3 blind
# index (yiwang.core.crypto). Both keys are 32 hex characters (128 bits) from the environment.
# The development defaults are public; production refuses to start without real keys.
YIWANG_FIELD_KEY = os.environ.get("YIWANG_FIELD_KEY", "00112233445566778899aabbccddeeff")
YIWANG_BLIND_INDEX_KEY = os.environ.get("YIWANG_BLIND_INDEX_KEY", "ffeeddccbbaa99887766554433221100")

# The audit trail's hashes are keyed (HMAC-SM3) with a key the database never holds, and each
# sealed block is anchored outside the database (yiwang/core/audit.py, docs/security.md).
YIWANG_AUDIT_KEY = os.environ.get("YIWANG_AUDIT_KEY", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
YIWANG_AUDIT_ANCHOR = os.environ.get("YIWANG_AUDIT_ANCHOR", str(VAR_DIR / "audit-anchor.jsonl"))
# The public development keys above; production refuses to start with any of them.
DEVELOPMENT_KEYS = frozenset({"00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100",
                              "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "dev-only-insecure-key-change-me"})

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
# Lockers (24小时自助信包箱): days a result waits in a compartment before it goes back to the hall,
# and the cabinet adapter (the fake one until the vendor's integration; see yiwang/cases/locker_device.py).
YIWANG_LOCKER_RETURN_DAYS = int(os.environ.get("YIWANG_LOCKER_RETURN_DAYS", "7"))
YIWANG_LOCKER_DEVICE = os.environ.get("YIWANG_LOCKER_DEVICE", "yiwang.cases.locker_device.FakeLockerDevice")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Every 2 s: the window in which the newest events are not yet sealed and anchored is seconds.
    "seal-audit-events": {"task": "yiwang.core.tasks.seal_audit_events", "schedule": 2.0},
    # Monitoring runs every hour: idempotent, so the day's deemed acceptances and colours are
    # applied early in the morning and re-checked as the day goes on.
    "case-monitoring": {"task": "yiwang.cases.tasks.run_monitoring_task", "schedule": 3600.0},
    # Results uncollected in a locker for YIWANG_LOCKER_RETURN_DAYS go back to the hall (idempotent).
    "locker-return-uncollected": {"task": "yiwang.cases.tasks.lockers_return_uncollected_task", "schedule": 3600.0},
    "prune-login-attempts": {"task": "yiwang.accounts.tasks.prune_login_attempts", "schedule": 86400.0},
    "send-pending-notifications": {"task": "yiwang.notifications.tasks.send_pending_notifications", "schedule": 5.0},
    # Ratings: flag late rectifications (idempotent) and send due records to the provincial system.
    "rating-rectifications-overdue": {"task": "yiwang.ratings.tasks.flag_overdue_rectifications", "schedule": 3600.0},
    "rating-provincial-upload": {"task": "yiwang.ratings.tasks.upload_to_province", "schedule": 300.0},
    # Appointments: slots ahead (daily), no-shows after the check-in window, day-before reminders.
    # All three are idempotent, so running them more often or twice changes nothing.
    "appointment-slots": {"task": "yiwang.appointments.tasks.generate_slots_task", "schedule": 6 * 3600.0},
    "appointment-no-shows": {"task": "yiwang.appointments.tasks.mark_no_shows_task", "schedule": 300.0},
    "appointment-reminders": {"task": "yiwang.appointments.tasks.send_reminders_task", "schedule": 3600.0},
    "expire-licences": {"task": "yiwang.licences.tasks.expire_licences_task", "schedule": 3600.0},
    # 免申即享 offers left unconfirmed are closed; open offers without a case get one (idempotent).
    "entitlements-sweep": {"task": "yiwang.policies.tasks.entitlements_sweep_task", "schedule": 86400.0},
}
# 好差评 local practice (yiwang/ratings/policy.py; docs/ratings.md): STANDARDS §4 defaults.
YIWANG_RATINGS_RECTIFY_DAYS = int(os.environ.get("YIWANG_RATINGS_RECTIFY_DAYS", "15"))
YIWANG_RATINGS_APPEAL_DAYS = int(os.environ.get("YIWANG_RATINGS_APPEAL_DAYS", "5"))
YIWANG_RATINGS_MIN_SAMPLE = int(os.environ.get("YIWANG_RATINGS_MIN_SAMPLE", "30"))
YIWANG_RATINGS_APPROVAL_REQUIRED = env_bool("YIWANG_RATINGS_APPROVAL_REQUIRED", False)
# The provincial 好差评 system: no URL = upload off. Level codes: "gbt39046" (1 = 非常满意) or "reversed".
YIWANG_RATINGS_PROVINCIAL_URL = os.environ.get("YIWANG_RATINGS_PROVINCIAL_URL", "")
YIWANG_RATINGS_PROVINCIAL_TOKEN = os.environ.get("YIWANG_RATINGS_PROVINCIAL_TOKEN", "")
YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES = os.environ.get("YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES", "gbt39046")
# Kick an SMS/e-mail send right after each notifying transaction commits (one broker message each).
# Off in production by default: the outbox sweeper above sends within ~5 s and intake stays lean.
YIWANG_NOTIFY_KICK_ON_COMMIT = env_bool("YIWANG_NOTIFY_KICK_ON_COMMIT", True)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not os.environ.get("CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
}

# SMS: the gateway adapter and its settings (yiwang/notifications/backends.py). The default writes a
# masked log line and delivers nothing (messages are recorded as "logged", not "sent"); production
# refuses it unless YIWANG_ALLOW_LOG_SMS=1 says this is a demonstration.
YIWANG_SMS_BACKEND = os.environ.get("YIWANG_SMS_BACKEND", "yiwang.notifications.backends.LogSmsBackend")
YIWANG_SMS_URL = os.environ.get("YIWANG_SMS_URL", "")
YIWANG_SMS_API_KEY = os.environ.get("YIWANG_SMS_API_KEY", "")
YIWANG_SMS_SIGN = os.environ.get("YIWANG_SMS_SIGN", "一网通办")
YIWANG_SMS_TIMEOUT = float(os.environ.get("YIWANG_SMS_TIMEOUT", "5"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@yiwang.example")

# The CJK TrueType font embedded in every generated PDF (Debian package fonts-wqy-zenhei).
YIWANG_PDF_FONT = os.environ.get("YIWANG_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# Base URL printed in QR codes on documents (progress pages); the site's public address.
YIWANG_PUBLIC_BASE_URL = os.environ.get("YIWANG_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# How long a licence shown on the holder's phone (亮证码) stays verifiable: a screenshot replays
# for at most this long (docs/licences.md).
YIWANG_LICENCE_SHOW_SECONDS = int(os.environ.get("YIWANG_LICENCE_SHOW_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# 12345 hotline (docs/hotline.md). Open311 GeoReport v2: the one jurisdiction this endpoint serves,
# the services' type ("realtime": the request id at once; "batch": a token first) and discovery contacts.
HOTLINE_OPEN311_JURISDICTION = os.environ.get("HOTLINE_OPEN311_JURISDICTION", "xa.gov.cn")
HOTLINE_OPEN311_SERVICE_TYPE = os.environ.get("HOTLINE_OPEN311_SERVICE_TYPE", "realtime")
HOTLINE_OPEN311_CONTACT = "西安市 12345 市民服务热线服务中心，电话 12345"
HOTLINE_OPEN311_KEY_SERVICE = "接口密钥（api_key）由市数据局为对接单位签发（manage.py create_api_token）"
# Automatic dispatch when the routing confidence reaches this (services/routing.py).
HOTLINE_AUTO_DISPATCH_CONFIDENCE = 0.8
CELERY_BEAT_SCHEDULE["hotline-escalation"] = {"task": "yiwang.hotline.tasks.run_escalation_task", "schedule": 3600.0}

# Guided search (docs/guidance.md): the optional generative backend, an OpenAI-compatible endpoint
# that may only rephrase retrieved guide passages with citations. Off while the URL is empty.
GUIDANCE_LLM_URL = os.environ.get("GUIDANCE_LLM_URL", "")
GUIDANCE_LLM_MODEL = os.environ.get("GUIDANCE_LLM_MODEL", "default")
GUIDANCE_LLM_KEY = os.environ.get("GUIDANCE_LLM_KEY", "")
GUIDANCE_LLM_TIMEOUT = float(os.environ.get("GUIDANCE_LLM_TIMEOUT", "5"))
