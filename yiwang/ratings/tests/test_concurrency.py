"""One rating per case and stage under concurrency: parallel clients (threads, each with its own
database connection) race to rate the same case; the database constraint lets exactly one through.
Also: one invitation per case when deliveries race, and two upload workers never send a row twice.

PostgreSQL only (SQLite serialises writers, so there is no race to test)."""

import threading
import time

import pytest
from django.db import connection, connections

from yiwang.core.errors import Conflict
from yiwang.ratings.models import Rating, RatingInvitation, Rectification
from yiwang.ratings.services import invitation_send, provincial_upload_run, rating_give
from yiwang.ratings.tests.fake_province import FakeProvince

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL"),
]
CLIENTS = 8


def race(target, n=CLIENTS):
    """Run `target(i)` in n threads released together; returns (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected for the assertions
            errors[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_parallel_clients_rate_the_same_case_once(rworld, deliver, monkeypatch):
    from yiwang.ratings.services import ratings as rating_services

    case = deliver()
    real = rating_services.record_event

    def slow_record_event(**kwargs):
        # Hold the first insert uncommitted a while, so every other client has passed the
        # "already rated?" read and only the unique constraint can stop it.
        event = real(**kwargs)
        time.sleep(0.3)
        return event

    monkeypatch.setattr(rating_services, "record_event", slow_record_event)
    levels = ["very_dissatisfied", "satisfied"] * (CLIENTS // 2)

    def rate(i):
        extra = {"reasons": ["other"], "comment": f"第 {i} 个客户端"} if levels[i] == "very_dissatisfied" else {}
        return rating_give(actor=rworld.citizen, case=case, level=levels[i], channel="mobile", **extra).pk

    results, errors = race(rate)
    winners = [r for r in results if r]
    assert len(winners) == 1, errors
    assert all(isinstance(e, Conflict) and e.code == "already_rated" for e in errors if e is not None)
    assert sum(e is not None for e in errors) == CLIENTS - 1
    assert Rating.objects.filter(case=case).count() == 1
    rating = Rating.objects.get()
    assert Rectification.objects.count() == (1 if rating.level == "very_dissatisfied" else 0)


def test_racing_deliveries_send_one_invitation(rworld, deliver):
    case = deliver()
    RatingInvitation.objects.all().delete()

    def invite(i):
        from yiwang.cases.models import Case

        return invitation_send(case=Case.objects.get(pk=case.pk), delivered_by=rworld.clerk)

    results, errors = race(invite)
    assert errors == [None] * CLIENTS
    assert sum(r is not None for r in results) == 1 and RatingInvitation.objects.filter(case=case).count() == 1


def test_two_upload_workers_send_each_record_once(rworld, deliver, settings):
    fake = FakeProvince().start()
    settings.YIWANG_RATINGS_PROVINCIAL_URL, settings.YIWANG_RATINGS_PROVINCIAL_TOKEN = fake.url, fake.token
    try:
        for _ in range(4):
            rating_give(actor=rworld.citizen, case=deliver(), level="satisfied")
        results, errors = race(lambda i: provincial_upload_run(), n=2)
        assert errors == [None, None]
        assert sorted(pk for r in results for pk in r.sent) == sorted(Rating.objects.values_list("provincial_upload", flat=True))
        assert fake.requests == 4 and len(fake.records) == 4
    finally:
        fake.stop()
