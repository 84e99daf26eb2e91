"""The test suite: PostgreSQL when DATABASE_URL is set, SQLite otherwise; tasks eager unless a test
starts a real worker (see yiwang/cases/tests for the Redis-broker test)."""

from config.settings.base import *  # noqa: F403

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
# Hashing with argon2 costs ~50 ms a password; tests that create hundreds of users use a cheap
# hasher. yiwang/accounts/tests checks that the real settings put argon2 first.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
