"""Appeals: filed by the rated unit within the window (working days), decided at a higher level with
reasons; an upheld appeal takes the rating out of the statistics and never deletes it."""

import datetime as dt

import pytest

from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yiwang.notifications.models import Notification
from yiwang.ratings.constants import AppealStatus, RectificationStatus
from yiwang.ratings.models import ProvincialUpload, Rating
from yiwang.ratings.selectors import Period, indicator_totals, indicators, pending_appeals
from yiwang.ratings.services import appeal_decide, appeal_file, rating_give
from yiwang.ratings.tests.conftest import at

pytestmark = pytest.mark.django_db

MON_28_SEP = dt.date(2026, 9, 28)
BAD = {"level": "very_dissatisfied", "reasons": ["other"], "comment": "随便给个差评。"}
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def bad_rating(rworld, deliver):
    case = deliver()
    return rating_give(actor=rworld.citizen, case=case, now=at(MON_28_SEP), **BAD)


def test_the_window_is_five_working_days_with_the_holiday_skipped(rworld, bad_rating):
    r = bad_rating.rectification
    # 29, 30 Sep, 8, 9, 10 Oct (a Saturday worked after National Day): the fifth working day is 10 Oct.
    with pytest.raises(Conflict) as err:
        appeal_file(actor=rworld.officer, rectification=r, ground="malicious", reason="评价人自述为测试", today=dt.date(2026, 10, 12))
    assert err.value.code == "appeal_window_closed" and "10月10日" in err.value.message
    appeal = appeal_file(actor=rworld.officer, rectification=r, ground="malicious", reason="评价人自述为测试",
                         today=dt.date(2026, 10, 10))
    assert (appeal.window_ends_on, appeal.status, appeal.unit) == (dt.date(2026, 10, 10), "pending", rworld.agency)
    with pytest.raises(Conflict):
        appeal_file(actor=rworld.officer, rectification=r, ground="mistaken", reason="再申诉", today=dt.date(2026, 10, 9))


def test_only_the_units_officer_files_and_only_bad_ratings(rworld, deliver, bad_rating):
    with pytest.raises(NotFound):
        appeal_file(actor=rworld.yanta_officer, rectification=bad_rating.rectification, ground="malicious", reason="x",
                    today=MON_28_SEP)
    with pytest.raises(ValidationFailed) as err:
        appeal_file(actor=rworld.officer, rectification=bad_rating.rectification, ground="angry", reason="",
                    today=MON_28_SEP)
    assert {e.field for e in err.value.errors} == {"ground", "reason"}


def test_a_higher_level_decides_never_the_unit_itself(rworld, bad_rating):
    appeal = appeal_file(actor=rworld.officer, rectification=bad_rating.rectification, ground="mistaken",
                         reason="评价对象有误：评价人反映的是另一事项", today=MON_28_SEP)
    for actor in (rworld.officer, rworld.leader, rworld.yanta_officer):
        with pytest.raises(PermissionDenied) as err:
            appeal_decide(actor=actor, appeal=appeal, upheld=True, reason="同意")
        assert err.value.code == "appeal_decider_not_higher"
    assert list(pending_appeals(rworld.city_officer)) == [appeal]
    assert list(pending_appeals(rworld.supervisor)) == [appeal]
    assert list(pending_appeals(rworld.officer)) == []
    with pytest.raises(ValidationFailed):
        appeal_decide(actor=rworld.supervisor, appeal=appeal, upheld=True, reason=" ")


def test_an_upheld_appeal_excludes_the_rating_from_statistics_and_keeps_it(rworld, deliver, bad_rating):
    good = rating_give(actor=rworld.other_citizen, case=deliver(rworld.other_citizen), level="satisfied",
                       now=at(MON_28_SEP))
    before = indicator_totals(period=YEAR)
    assert (before.ratings, before.bad) == (2, 1)
    appeal = appeal_file(actor=rworld.officer, rectification=bad_rating.rectification, ground="malicious",
                         reason="评价人来电承认误操作", today=MON_28_SEP)
    appeal_decide(actor=rworld.city_officer, appeal=appeal, upheld=True, reason="经核实属误评，不计入统计")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == (AppealStatus.UPHELD, rworld.city_officer)
    kept = Rating.objects.get(pk=bad_rating.pk)
    assert kept.level == "very_dissatisfied" and kept.counts_in_statistics is False and kept.excluded_at
    assert kept.rectification.status == RectificationStatus.EXCLUDED
    after = indicator_totals(period=YEAR)
    assert (after.ratings, after.bad, after.satisfied) == (1, 0, 1)
    assert [r.ratings for r in indicators(dimension="agency", period=YEAR)] == [1]
    assert good.counts_in_statistics
    assert Notification.objects.filter(recipient=rworld.citizen, topic="rating.appeal_upheld").exists()
    assert ProvincialUpload.objects.get(rating=bad_rating).revision == 2  # the province hears of it
    with pytest.raises(Conflict):
        appeal_decide(actor=rworld.supervisor, appeal=appeal, upheld=False, reason="改判")


def test_a_rejected_appeal_changes_nothing_in_the_statistics(rworld, bad_rating):
    appeal = appeal_file(actor=rworld.officer, rectification=bad_rating.rectification, ground="malicious",
                         reason="认为是恶意差评", today=MON_28_SEP)
    appeal_decide(actor=rworld.supervisor, appeal=appeal, upheld=False, reason="评价人反映的问题属实，不属恶意差评")
    bad_rating.refresh_from_db()
    assert bad_rating.counts_in_statistics and bad_rating.rectification.status == RectificationStatus.VERIFYING
    assert indicator_totals(period=YEAR).bad == 1
