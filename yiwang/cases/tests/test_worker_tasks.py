"""Notifications and monitoring through a real Redis broker and a real Celery worker — not eager.

The worker runs in a thread of this process (celery.contrib.testing), consuming from a queue of
its own on Redis, so what is tested is the production path: on_commit → .delay() → Redis → worker
→ task → database.
"""

import datetime as dt
import os
import time
import uuid

import pytest
from django.db import OperationalError, connection

from yiwang.cases.constants import AcceptanceMode, CaseStatus
from yiwang.cases.models import Case
from yiwang.notifications.backends import MemorySmsBackend
from yiwang.notifications.models import Notification

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def real_worker():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    queue = f"yiwang-test-{uuid.uuid4().hex[:8]}"
    saved = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "task_default_queue", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=REDIS, task_default_queue=queue, result_backend=None)
    _reset_connections(app)  # forget connections opened with the eager configuration
    from celery.signals import task_postrun

    def close_db(**kwargs):  # the worker thread's own connection, else the test database stays in use
        connection.close()

    task_postrun.connect(close_db, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
            yield app
    finally:
        task_postrun.disconnect(close_db)
    app.conf.update(saved)
    _reset_connections(app)


def _reset_connections(app):
    """Drop every cached broker connection and producer (kombu keeps a global registry of them),
    so the next send connects with the configuration now in force."""
    from kombu import pools

    pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:  # SQLite's shared in-memory test DB locks tables while the worker writes
            pass
        time.sleep(0.2)
        connection.close()  # see the worker's commits with a fresh connection
    return False


def test_status_change_notifies_through_redis_and_the_worker(world, submit, real_worker):
    MemorySmsBackend.outbox.clear()
    case = submit()  # commits for real: outbox rows, then on_commit → send_notifications.delay → Redis
    assert wait_for(lambda: Notification.objects.filter(recipient=world.citizen, topic="case.submitted",
                                                        channel="sms", state="sent").exists())
    inbox = Notification.objects.get(recipient=world.citizen, topic="case.submitted", channel="in_app")
    assert case.number in inbox.body
    assert any(case.number in m["text"] and m["phone"] == world.citizen.phone for m in MemorySmsBackend.outbox)


def test_monitoring_task_runs_on_the_worker(world, submit, real_worker):
    from yiwang.cases.tasks import run_monitoring_task

    case = submit()
    run_monitoring_task.delay("2026-11-24")  # receipt Mon 16 Nov + 5 working days passed
    assert wait_for(lambda: Case.objects.get(pk=case.pk).status == CaseStatus.UNDER_REVIEW)
    case.refresh_from_db()
    assert case.acceptance_mode == AcceptanceMode.DEEMED and case.accepted_on == dt.date(2026, 11, 16)
