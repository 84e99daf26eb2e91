"""The embedded demo: SQLite, tasks run in-process, local files. `make demo` uses this.

A demo is shown to people who are not developers, so it behaves like production where they can
see it: DEBUG is off (the project's own Chinese error pages, never Django's debug page), static
files come from the apps through WhiteNoise, and the guide's public files (result samples, blank
forms) are served by the catalog's file view. Background tasks run eagerly in the web process with
Celery's in-memory transport: no broker is needed and no broker transport (Redis, AMQP) is
imported, so `requirements.txt` alone runs the demo."""

import os

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from config.settings.base import *  # noqa: E402,F403

DEBUG = env_bool("DJANGO_DEBUG", False)  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
