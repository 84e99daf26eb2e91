"""The embedded demo: SQLite, tasks run in-process, local files. `make demo` uses this."""

import os

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from config.settings.base import *  # noqa: E402,F403

DEBUG = True
CELERY_TASK_ALWAYS_EAGER = True
