"""The ratings tasks through a real Redis broker and a real Celery worker (not eager): the invitation
SMS after delivery, the overdue sweep and the provincial upload as beat runs them."""

import datetime as dt

import pytest

from yiwang.cases.tests.test_worker_tasks import real_worker, wait_for  # noqa: F401 (fixture)
from yiwang.notifications.backends import MemorySmsBackend
from yiwang.notifications.models import Notification
from yiwang.ratings.models import ProvincialUpload, Rectification
from yiwang.ratings.services import rating_give
from yiwang.ratings.tasks import flag_overdue_rectifications, upload_to_province
from yiwang.ratings.tests.conftest import at
from yiwang.ratings.tests.fake_province import FakeProvince

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sweeper_only(settings):
    """SMS leave through the beat's outbox sweeper here (production's default), not a kick after
    every commit: the worker then writes only when the test asks, which SQLite's shared test
    database needs (one writer at a time)."""
    settings.YIWANG_NOTIFY_KICK_ON_COMMIT = False


def test_the_invitation_sms_leaves_through_the_worker(rworld, deliver, real_worker):  # noqa: F811
    from yiwang.notifications.tasks import send_pending_notifications

    MemorySmsBackend.outbox.clear()
    case = deliver()
    send_pending_notifications.delay()  # what beat runs every few seconds
    assert wait_for(lambda: Notification.objects.filter(recipient=rworld.citizen, topic="rating.invitation",
                                                        channel="sms", state="sent").exists())
    assert any(case.number in m["text"] and "/ratings/r/" in m["text"] for m in MemorySmsBackend.outbox)


def test_beat_tasks_flag_overdue_and_upload(rworld, deliver, real_worker, settings):  # noqa: F811
    rating = rating_give(actor=rworld.citizen, case=deliver(), level="dissatisfied", reasons=["efficiency"],
                         comment="慢", now=at(dt.date(2026, 9, 28)))
    flag_overdue_rectifications.delay("2026-10-26")
    assert wait_for(lambda: Rectification.objects.get().overdue_on == dt.date(2026, 10, 26))
    fake = FakeProvince().start()
    settings.YIWANG_RATINGS_PROVINCIAL_URL, settings.YIWANG_RATINGS_PROVINCIAL_TOKEN = fake.url, fake.token
    try:
        upload_to_province.delay()
        assert wait_for(lambda: ProvincialUpload.objects.get(rating=rating).state == "sent")
        later = rating_give(actor=rworld.citizen, case=deliver(), level="dissatisfied", reasons=["efficiency"],
                            comment="也慢", now=at(dt.date(2026, 9, 29)))  # due 26 Oct: late from the 27th
        upload_to_province.delay()  # sends the new record only
        flag_overdue_rectifications.delay("2026-10-27")  # flags the new one only (the worker runs in order)
        assert wait_for(lambda: Rectification.objects.get(rating=later).overdue_on == dt.date(2026, 10, 27))
        assert Rectification.objects.get(rating=rating).overdue_on == dt.date(2026, 10, 26)
        assert fake.requests == 2 and len(fake.records) == 2
    finally:
        fake.stop()
