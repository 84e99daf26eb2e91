"""SMS through the HTTP gateway adapter, against a local fake gateway with the real contract."""

import pytest

from yiwang.accounts.tests.factories import UserFactory
from yiwang.notifications.models import DeliveryState, Notification
from yiwang.notifications.services import notification_send, notify
from yiwang.notifications.tests.fake_gateway import FakeSmsGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    with FakeSmsGateway() as fake:
        settings.YIWANG_SMS_BACKEND = "yiwang.notifications.backends.HttpSmsGateway"
        settings.YIWANG_SMS_URL = fake.url
        settings.YIWANG_SMS_API_KEY = fake.api_key
        settings.YIWANG_NOTIFY_KICK_ON_COMMIT = False
        yield fake


def _sms(person, body="您的取件码为 123456"):
    notify(recipient=person, topic="t", title="出件", body=body)
    return Notification.objects.get(recipient=person, channel="sms")


def test_a_message_the_gateway_accepts_is_sent(gateway):
    sms = _sms(UserFactory(phone="13800000001"))
    assert notification_send(notification_id=sms.pk).state == DeliveryState.SENT
    assert [m["phone"] for m in gateway.delivered] == ["13800000001"]
    assert gateway.delivered[0]["message_id"] == sms.message_id and "123456" in gateway.delivered[0]["text"]


def test_a_crash_between_the_gateway_and_the_commit_does_not_deliver_twice(gateway, monkeypatch):
    """The gateway accepted the message, then the process died before recording it: the row is
    still pending, the retry sends the same message id, the gateway recognises it."""
    sms = _sms(UserFactory(phone="13800000002"))

    def die_before_commit(self, *args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(Notification, "save", die_before_commit)
    with pytest.raises(SystemExit):
        notification_send(notification_id=sms.pk)
    monkeypatch.undo()
    sms.refresh_from_db()
    assert sms.state == DeliveryState.PENDING  # the crash rolled the row back
    assert notification_send(notification_id=sms.pk).state == DeliveryState.SENT
    assert gateway.requests == 2 and len(gateway.delivered) == 1


def test_a_busy_gateway_is_retried_and_a_refused_number_fails_for_good(gateway):
    sms = _sms(UserFactory(phone="13800000003"))
    gateway.fail_next = 1
    with pytest.raises(Exception, match="503"):
        notification_send(notification_id=sms.pk)
    sms.refresh_from_db()
    assert sms.state == DeliveryState.PENDING and sms.attempts == 1
    assert notification_send(notification_id=sms.pk).state == DeliveryState.SENT

    bad = _sms(UserFactory(phone="1380000000x"))
    result = notification_send(notification_id=bad.pk)
    assert result.state == DeliveryState.FAILED and "400" in result.error


def test_the_log_backend_records_logged_not_sent(settings):
    settings.YIWANG_SMS_BACKEND = "yiwang.notifications.backends.LogSmsBackend"
    settings.YIWANG_NOTIFY_KICK_ON_COMMIT = False
    sms = _sms(UserFactory(phone="13800000004"))
    assert notification_send(notification_id=sms.pk).state == DeliveryState.LOGGED


def test_a_pickup_code_is_not_readable_in_the_table():
    from django.db import connection

    sms = _sms(UserFactory(phone="13800000005"), body="您的取件码为 864209，请凭码领取。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM notifications_notification WHERE id = %s", [sms.pk])
        (raw,) = cursor.fetchone()
    assert "864209" not in raw and raw.startswith("sm4gcm1:")
    assert Notification.objects.get(pk=sms.pk).body == "您的取件码为 864209，请凭码领取。"
