"""The ratings demo (`load_demo` after `load_xian` and `load_demo_accounts`): real cases through the
case services, the loop in every state, a published agency and one below the sample — and a second
run changes nothing. Loaded once for the module inside a transaction rolled back afterwards."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from yiwang.ratings.constants import RectificationStatus as S
from yiwang.ratings.models import Rating, RatingAppeal, RatingInvitation, Rectification
from yiwang.ratings.selectors import Period, public_indicators


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from yiwang.catalog.seed.loader import load_xian

    with django_db_blocker.unblock():
        with transaction.atomic():
            load_xian()
            call_command("load_demo_accounts", stdout=io.StringIO())
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            first = (Rating.objects.count(), Rectification.objects.count(), RatingInvitation.objects.count())
            again = io.StringIO()
            call_command("load_demo", stdout=again)
            second = (Rating.objects.count(), Rectification.objects.count(), RatingInvitation.objects.count())
            yield {"out": out.getvalue(), "again": again.getvalue(), "first": first, "second": second}
            transaction.set_rollback(True)
        connection.close()


@pytest.fixture
def loaded(demo, db):
    return demo


def test_the_demo_is_idempotent(loaded):
    assert loaded["first"] == loaded["second"] and loaded["first"][0] == 35
    assert "已存在" in loaded["again"]


def test_ratings_are_of_delivered_cases_with_invitations(loaded):
    assert set(Rating.objects.values_list("case__status", flat=True)) == {"delivered"}
    assert RatingInvitation.objects.count() == 36  # one per delivered case, 王秀英's unrated one included
    assert not Rating.objects.filter(rater__kind="staff").exists()


def test_the_loop_stands_in_every_state(loaded):
    states = sorted(Rectification.objects.values_list("status", flat=True))
    assert states == sorted([S.CLOSED, S.FOLLOWING_UP, S.RECTIFYING, S.VERIFYING, S.VERIFYING])
    assert Rectification.objects.filter(overdue_on__isnull=False).count() == 1
    assert Rectification.objects.get(status=S.FOLLOWING_UP).rating.rater.username == "citizen"
    assert Rectification.objects.get(status=S.CLOSED).fix_level == "satisfied"
    assert RatingAppeal.objects.get().status == "pending"


def test_one_agency_passes_the_public_sample_and_one_does_not(loaded):
    rows = public_indicators(dimension="agency", period=Period.last_year())
    assert [(r.name, r.ratings) for r in rows] == [("西安市市场监督管理局", 32)]
