"""The test suite: PostgreSQL when DATABASE_URL is set, SQLite otherwise; tasks eager unless a test
starts a real worker (see yiwang/cases/tests for the Redis-broker test)."""

from config.settings.base import *  # noqa: F403

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
# Hashing with argon2 costs ~50 ms a password; tests that create hundreds of users use a cheap
# hasher. yiwang/accounts/tests checks that the real settings put argon2 first.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Uploaded files written by tests go to a throwaway directory, never into var/media of the demo.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="yiwang-test-media-")
YIWANG_SMS_BACKEND = "yiwang.notifications.backends.MemorySmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the app directories in tests (no collectstatic run).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests pass their own anchor file where they check it; the suite's database is thrown away.
YIWANG_AUDIT_ANCHOR = ""
