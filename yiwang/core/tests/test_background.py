"""A service schedules a task by name; the name is checked at once, the task runs after commit."""

import pytest
from django.db import transaction

from yiwang.core.background import enqueue_on_commit


def test_a_wrong_task_name_fails_in_the_write_not_after_commit():
    with pytest.raises(ImportError):
        enqueue_on_commit("yiwang.notifications.tasks.no_such_task")


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_after_commit_only(monkeypatch):
    from yiwang.notifications import tasks

    calls = []
    monkeypatch.setattr(tasks.send_pending_notifications, "delay", lambda **kwargs: calls.append(kwargs))
    with transaction.atomic():
        enqueue_on_commit("yiwang.notifications.tasks.send_pending_notifications", reason="probe")
        assert calls == []
    assert calls == [{"reason": "probe"}]
    try:
        with transaction.atomic():
            enqueue_on_commit("yiwang.notifications.tasks.send_pending_notifications", reason="rolled back")
            raise RuntimeError
    except RuntimeError:
        pass
    assert calls == [{"reason": "probe"}]
