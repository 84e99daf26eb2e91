"""Scheduling a Celery task from a service, after the transaction commits.

Inside an app, `tasks.py` sits above `services` (a task is an entry point: ids in, one service
call), so a service may not import its app's tasks module (import contract "app-inner-layers",
docs/architecture.md). A service names the task it schedules by its dotted path instead — the way
Celery beat and Django settings name code. The path is resolved at once, so a wrong name fails in
the write's own tests rather than after commit; the task runs eagerly where CELERY_TASK_ALWAYS_EAGER
is on, like any `.delay()`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_on_commit(task_path: str, *, robust: bool = False, **kwargs: Any) -> None:
    """`task.delay(**kwargs)` once the current transaction commits (at once outside one).
    `robust`: a failure to enqueue is logged instead of raised (transaction.on_commit's meaning)."""
    task = import_string(task_path)
    transaction.on_commit(lambda: task.delay(**kwargs), robust=robust)
