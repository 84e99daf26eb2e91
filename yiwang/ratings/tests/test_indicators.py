"""Indicators per district, agency, window, item and staff member, as docs/ratings.md defines them;
one aggregate query each; the public sample-size rule."""

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.catalog.tests.factories import PublishedVersionFactory
from yiwang.orgs.constants import Role
from yiwang.ratings import policy
from yiwang.ratings.selectors import Period, indicator_totals, indicators, monthly_trend, public_indicators
from yiwang.ratings.services import (
    appeal_decide,
    appeal_file,
    rating_give,
    rectification_follow_up,
    rectification_report,
    rectification_verify,
)
from yiwang.ratings.tests.conftest import at, grant

pytestmark = pytest.mark.django_db

SEP_28, NOV_20, NOV_30 = dt.date(2026, 9, 28), dt.date(2026, 11, 20), dt.date(2026, 11, 30)
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _bad(level="dissatisfied"):
    return {"level": level, "reasons": ["efficiency"], "comment": "办理太慢"}


def _handle(w, rating, *, reported_on, reached):
    r = rating.rectification
    rectification_verify(actor=w.officer, rectification=r, finding_true=True, finding_reasonable=True,
                         finding_malicious=False, handling="fix_by_deadline", note="核实属实")
    rectification_report(actor=w.officer, rectification=r, result_text="已优化流程", today=reported_on)
    for _ in range(1 if reached else policy.follow_up_attempts()):
        rectification_follow_up(actor=w.officer, rectification=r, reached=reached, accepted=True if reached else None,
                                note="回访", today=reported_on)


@pytest.fixture
def scene(rworld, deliver):
    """Eight ratings of the market agency (the expectations below are counted by hand from this list)
    and two of the education bureau's item, accepted by another person at the same window."""
    w = rworld
    c = w.citizen
    give = [
        ("very_satisfied", {}), ("satisfied", {}), ("basically_satisfied", {}),
        ("bad-on-time", {}), ("bad-late-unreached", {}), ("bad-overdue", {}), ("bad-not-yet-due", {}), ("bad-excluded", {}),
    ]
    made = {}
    for name, _ in give:
        case = deliver(c)
        if name.startswith("bad"):
            day = NOV_20 if name == "bad-not-yet-due" else SEP_28
            made[name] = rating_give(actor=c, case=case, now=at(day), **_bad())
        else:
            made[name] = rating_give(actor=c, case=case, level=name, now=at(SEP_28))
    _handle(w, made["bad-on-time"], reported_on=dt.date(2026, 10, 20), reached=True)  # due 23 Oct
    _handle(w, made["bad-late-unreached"], reported_on=dt.date(2026, 10, 26), reached=False)
    appeal = appeal_file(actor=w.officer, rectification=made["bad-excluded"].rectification, ground="malicious",
                         reason="恶意差评", today=SEP_28)
    appeal_decide(actor=w.supervisor, appeal=appeal, upheld=True, reason="属实，不计入统计")

    from yiwang.cases.services import application_submit, case_accept, case_decide

    version = PublishedVersionFactory(implementation__agency=w.other_agency, name="教师资格认定", materials=0)
    w.edu_approver = grant(StaffFactory(), w.other_agency, Role.DEPT_APPROVER)
    for level in ("satisfied", "very_dissatisfied"):
        app = application_submit(actor=c, applicant=c, implementation_id=version.implementation_id, form_data={},
                                 materials={}, delivery={"method": "electronic"}, today=timezone.localdate())
        case = app.cases.get()
        case_accept(actor=w.clerk, case=case)
        case_decide(actor=w.edu_approver, case=case, decision="approved", reasons="符合条件")
        case.refresh_from_db()
        extra = _bad(level) if level == "very_dissatisfied" else {"level": level}
        rating_give(actor=c, case=case, now=at(SEP_28), **extra)
    return w


def test_each_indicator_as_defined(scene, django_assert_num_queries):
    with django_assert_num_queries(3):  # counts, the loop's counts, the names — whatever the number of ratings
        rows = indicators(dimension="agency", period=YEAR, today=NOV_30)
    market = next(r for r in rows if r.name == "西安市市场监督管理局")
    # 8 given, 1 excluded by an upheld appeal → 7; satisfied 3; bad 4 (on time, late, overdue, not yet due);
    # reported 2; due 3 (the two reported + the overdue one); on time 1; follow-up reached 1.
    assert (market.ratings, market.satisfied, market.bad, market.reported, market.due, market.on_time,
            market.followed_up) == (7, 3, 4, 2, 3, 1, 1)
    assert market.satisfaction_rate == pytest.approx(3 / 7) and market.bad_rate == pytest.approx(4 / 7)
    assert market.rectification_rate == 0.5 and market.on_time_rate == pytest.approx(1 / 3)
    assert market.follow_up_rate == 0.5
    edu = next(r for r in rows if r.name == "西安市教育局")
    assert (edu.ratings, edu.bad, edu.due, edu.on_time_rate, edu.follow_up_rate) == (2, 1, 1, 0.0, None)
    assert [r.name for r in rows] == ["西安市市场监督管理局", "西安市教育局"]  # most rated first
    # Staff read their own subtree: the market agency's officer sees the market agency, with the same figures.
    from yiwang.ratings.access import indicator_scope

    assert indicators(dimension="agency", period=YEAR, today=NOV_30, scope=indicator_scope(scene.officer)) == [market]
    assert indicators(dimension="agency", period=YEAR, scope=indicator_scope(scene.yanta_officer)) == []
    assert indicator_totals(period=YEAR, scope=indicator_scope(scene.officer), today=NOV_30).bad == 4


def test_the_other_dimensions(scene, django_assert_num_queries):
    for dimension in ("district", "outlet", "item", "staff"):
        with django_assert_num_queries(2 if dimension == "item" else 3):  # the item's name is on the rating
            indicators(dimension=dimension, period=YEAR, today=NOV_30)
    assert [(r.name, r.ratings) for r in indicators(dimension="district", period=YEAR)] == [("西安市", 9)]
    assert [(r.name, r.ratings) for r in indicators(dimension="outlet", period=YEAR)] == [("西安市政务服务中心", 9)]
    items = {r.name: r.ratings for r in indicators(dimension="item", period=YEAR)}
    assert items == {"食品经营许可（新办）": 7, "教师资格认定": 2}
    staff = indicators(dimension="staff", period=YEAR)
    assert [(r.key, r.ratings) for r in staff] == [(scene.clerk.pk, 9)]
    totals = indicator_totals(period=YEAR, today=NOV_30)
    assert (totals.ratings, totals.bad, totals.reported) == (9, 5, 2)


def test_the_period_bounds_the_ratings(scene):
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert indicator_totals(period=october).ratings == 0
    november = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert indicator_totals(period=november).ratings == 1
    months = [(m.isoformat()[:7], row.ratings) for m, row in monthly_trend(period=YEAR)]
    assert months == [("2026-09", 8), ("2026-11", 1)]


def test_the_public_figures_need_the_minimum_sample(scene, settings):
    assert policy.min_public_sample() == 30  # the default
    assert public_indicators(dimension="agency", period=YEAR) == []
    settings.YIWANG_RATINGS_MIN_SAMPLE = 3
    assert [r.name for r in public_indicators(dimension="agency", period=YEAR)] == ["西安市市场监督管理局"]
    settings.YIWANG_RATINGS_MIN_SAMPLE = 7
    assert [r.ratings for r in public_indicators(dimension="agency", period=YEAR)] == [7]
    settings.YIWANG_RATINGS_MIN_SAMPLE = 8  # the excluded rating does not count toward the sample
    assert public_indicators(dimension="agency", period=YEAR) == []
    with pytest.raises(ValueError):
        public_indicators(dimension="staff", period=YEAR)  # people are never ranked in public
