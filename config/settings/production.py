"""Production: every secret from the environment; passes `manage.py check --deploy`."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403

DEBUG = False
YIWANG_NOTIFY_KICK_ON_COMMIT = env_bool("YIWANG_NOTIFY_KICK_ON_COMMIT", False)  # noqa: F405 (see base)


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the environment variable {name} for production.")
    return value


def _secret(name: str) -> str:
    """A key from the environment that is not one of the public development keys (they are in
    the repository, so data "protected" by them is protected by nothing)."""
    value = _required(name)
    if value.lower() in DEVELOPMENT_KEYS:  # noqa: F405 (base)
        raise ImproperlyConfigured(f"{name} is the public development key; generate a new one for production.")
    return value


SECRET_KEY = _secret("DJANGO_SECRET_KEY")
YIWANG_FIELD_KEY = _secret("YIWANG_FIELD_KEY")
YIWANG_BLIND_INDEX_KEY = _secret("YIWANG_BLIND_INDEX_KEY")
YIWANG_AUDIT_KEY = _secret("YIWANG_AUDIT_KEY")
if len({YIWANG_FIELD_KEY.lower(), YIWANG_BLIND_INDEX_KEY.lower(), YIWANG_AUDIT_KEY.lower()}) < 3:
    raise ImproperlyConfigured("YIWANG_FIELD_KEY, YIWANG_BLIND_INDEX_KEY and YIWANG_AUDIT_KEY must be three different keys.")

# A notification is "sent" only when a real gateway accepted it. A log-only backend in production
# would mark nothing sent and deliver nothing (pickup codes in a log): refused unless this
# deployment is declared a demonstration.
from yiwang.notifications.backends import is_log_only  # noqa: E402 (needs the settings above only)

if (is_log_only(YIWANG_SMS_BACKEND) or EMAIL_BACKEND.endswith((".console.EmailBackend", ".dummy.EmailBackend"))) \
        and not env_bool("YIWANG_ALLOW_LOG_SMS"):  # noqa: F405
    raise ImproperlyConfigured(
        "YIWANG_SMS_BACKEND / EMAIL_BACKEND deliver nothing: set YIWANG_SMS_BACKEND=yiwang.notifications.backends.HttpSmsGateway "
        "with YIWANG_SMS_URL and YIWANG_SMS_API_KEY (and a real EMAIL_BACKEND), or YIWANG_ALLOW_LOG_SMS=1 for a demonstration.")
if YIWANG_SMS_BACKEND.endswith("HttpSmsGateway") and not (YIWANG_SMS_URL and YIWANG_SMS_API_KEY):  # noqa: F405
    raise ImproperlyConfigured("HttpSmsGateway needs YIWANG_SMS_URL and YIWANG_SMS_API_KEY.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")  # noqa: F405

# Behind one nginx: the client address is the last X-Forwarded-For hop it adds (login lockout by IP).
YIWANG_TRUSTED_PROXY_COUNT = int(os.environ.get("YIWANG_TRUSTED_PROXY_COUNT", "1"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# One cache for every web process (the failure counters of the public progress lookup must be
# shared): CACHE_URL if set, else the Redis the broker already uses.
if not os.environ.get("CACHE_URL") and os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
