"""The notifications outbox: messages commit with the change that caused them; SMS/e-mail copies are
sent by Celery (kicked after commit, or by the sweeper), once, and a failing gateway loses nothing."""

import pytest
from django.db import transaction

from yiwang.accounts.tests.factories import UserFactory
from yiwang.notifications import backends
from yiwang.notifications.models import DeliveryState, Notification
from yiwang.notifications.services import notify
from yiwang.notifications.tasks import send_pending_notifications

pytestmark = pytest.mark.django_db


def test_messages_roll_back_with_the_change_that_caused_them():
    person = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=person, topic="t", title="标题", body="正文")
        raise RuntimeError("the status change failed")
    assert not Notification.objects.filter(recipient=person).exists()


def test_sms_is_sent_after_commit_once(django_capture_on_commit_callbacks):
    backends.MemorySmsBackend.outbox.clear()
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=person, topic="t", title="受理", body="已受理")
    sms = Notification.objects.get(recipient=person, channel="sms")
    assert sms.state == DeliveryState.SENT and len(backends.MemorySmsBackend.outbox) == 1
    assert send_pending_notifications() == 0  # nothing left; no second SMS
    assert len(backends.MemorySmsBackend.outbox) == 1


def test_sweeper_sends_what_was_not_kicked_and_retries_failures(settings, monkeypatch):
    settings.YIWANG_NOTIFY_KICK_ON_COMMIT = False
    backends.MemorySmsBackend.outbox.clear()
    person = UserFactory()
    notify(recipient=person, topic="t", title="办结", body="已办结")
    sms = Notification.objects.get(recipient=person, channel="sms")
    assert sms.state == DeliveryState.PENDING

    def broken(self, *, message_id, phone, text):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(backends.MemorySmsBackend, "send", broken)
    assert send_pending_notifications() == 0
    sms.refresh_from_db()
    assert sms.state == DeliveryState.PENDING and sms.attempts == 1 and "gateway down" in sms.error
    monkeypatch.undo()
    assert send_pending_notifications() == 1
    sms.refresh_from_db()
    assert sms.state == DeliveryState.SENT and len(backends.MemorySmsBackend.outbox) == 1


def test_the_accounts_send_code_hook_queues_one_sms_and_nothing_else():
    """accounts (below notifications) sends verification codes only through this hook."""
    from yiwang.core import hooks
    from yiwang.notifications.services import verification_code_send

    assert verification_code_send in hooks.handlers("accounts.send_code")
    person = UserFactory(email="wang@example.cn")
    hooks.call("accounts.send_code", user=person, code="246810", purpose="password_reset")
    rows = list(Notification.objects.filter(recipient=person))
    assert [r.channel for r in rows] == ["sms"] and "246810" in rows[0].body and "10 分钟" in rows[0].body
    assert hooks.call("accounts.send_code", user=UserFactory(phone=""), code="1", purpose="phone_confirm") == [None]
