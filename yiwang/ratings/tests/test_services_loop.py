"""The bad-rating loop: its transitions, who may take each step, and its clock on the working-day
calendar (National Day 2026 and a weekend), the follow-up and the overdue sweep."""

import datetime as dt

import pytest

from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.notifications.models import Notification
from yiwang.ratings.access import rectification_actions_for
from yiwang.ratings.constants import RectificationStatus as S
from yiwang.ratings.models import ProvincialUpload
from yiwang.ratings.selectors import rectification_clock
from yiwang.ratings.services import (
    rating_give,
    rectification_approve,
    rectification_contact,
    rectification_follow_up,
    rectification_report,
    rectification_return,
    rectification_verify,
    rectifications_mark_overdue,
)
from yiwang.ratings.tests.conftest import at

pytestmark = pytest.mark.django_db

BAD = {"level": "dissatisfied", "reasons": ["efficiency", "service_efficiency"], "comment": "等了两个小时才办上。"}
MON_28_SEP = dt.date(2026, 9, 28)  # the Monday before 中秋 + 国庆 2026 (Oct 1–7 off, Sat Oct 10 worked)


@pytest.fixture
def bad(rworld, deliver):
    def make(day=MON_28_SEP, applicant=None):
        case = deliver(applicant)
        rating = rating_give(actor=applicant or rworld.citizen, case=case, now=at(day), **BAD)
        return rating.rectification

    return make


def verify(w, r, **kw):
    args = {"finding_true": True, "finding_reasonable": True, "finding_malicious": False, "handling": "fix_by_deadline",
            "note": "已电话联系评价人，情况属实：当日窗口排队时间过长。"}
    args.update(kw)
    return rectification_verify(actor=w.officer, rectification=r, **args)


def test_the_deadline_counts_working_days_across_the_national_day_holiday(rworld, bad):
    r = bad()
    # 15 working days after Mon 28 Sep: 29, 30 Sep; 8, 9, 10 (Saturday, a working day), 12–16, 19–23 Oct.
    assert r.due_on == dt.date(2026, 10, 23)
    assert not r.due_provisional
    clock = rectification_clock(r, today=dt.date(2026, 10, 9))
    assert clock.remaining == 11 and clock.colour == ""  # 10 (a Saturday worked), 12–16, 19–23 Oct
    assert rectification_clock(r, today=dt.date(2026, 10, 20)).colour == "yellow"
    assert rectification_clock(r, today=dt.date(2026, 10, 26)).remaining == -1


def test_a_rating_on_friday_counts_from_monday(rworld, bad, settings):
    settings.YIWANG_RATINGS_RECTIFY_DAYS = 5
    r = bad(day=dt.date(2026, 11, 20))  # a Friday: Sat 21 and Sun 22 do not count
    assert (r.deadline_days, r.due_on) == (5, dt.date(2026, 11, 27))


def test_the_whole_loop_fix_report_follow_up_rate_the_fix(rworld, bad):
    r = bad()
    assert rectification_actions_for(actor=rworld.officer, rectification=r, today=dt.date(2026, 9, 29)) >= {
        "verify", "reveal_contact", "appeal"}
    assert rectification_actions_for(actor=rworld.yanta_officer, rectification=r) == frozenset()
    contact = rectification_contact(actor=rworld.officer, rectification=r)
    assert contact["phone"] == rworld.citizen.phone
    verify(rworld, r)
    assert r.status == S.RECTIFYING and r.handling == "fix_by_deadline"
    rectification_report(actor=rworld.officer, rectification=r, result_text="增开 2 个综合窗口，高峰期引导预约。",
                         today=dt.date(2026, 10, 22))
    r.refresh_from_db()
    assert (r.status, r.result_on, r.reported_on) == (S.FOLLOWING_UP, dt.date(2026, 10, 22), dt.date(2026, 10, 22))
    assert rectification_clock(r).on_time is True
    told = Notification.objects.get(recipient=rworld.citizen, topic="rating.rectification_result", channel="in_app")
    assert "增开 2 个综合窗口" in told.body and told.link == f"/ratings/mine/{r.rating_id}/"
    rectification_follow_up(actor=rworld.officer, rectification=r, reached=True, accepted=True,
                            note="10月23日电话回访，评价人表示认可。", today=dt.date(2026, 10, 23))
    r.refresh_from_db()
    assert (r.status, r.follow_up_reached, r.follow_up_accepted, r.followed_up_on) == (
        S.CLOSED, True, True, dt.date(2026, 10, 23))
    steps = list(r.events.values_list("action", flat=True))
    assert steps == ["open", "verify", "report", "follow_up_reached"]
    # The province hears of the result and of the follow-up (a new revision each).
    assert ProvincialUpload.objects.get(rating=r.rating).revision == 3


def test_not_true_or_not_reasonable_must_be_explained(rworld, bad):
    r = bad()
    with pytest.raises(ValidationFailed) as err:
        verify(rworld, r, finding_reasonable=False, handling="fix_now")
    assert err.value.errors[0].code == "explain_required"
    with pytest.raises(ValidationFailed) as err:
        verify(rworld, r, finding_true=None, handling="later", note="")
    assert {e.field for e in err.value.errors} == {"finding_true", "handling", "note"}
    verify(rworld, r, finding_reasonable=False, handling="explain", note="诉求要求免交法定材料，无法律依据。")
    assert r.status == S.RECTIFYING


def test_leader_approval_and_return(rworld, bad):
    r = bad()
    verify(rworld, r)
    rectification_report(actor=rworld.officer, rectification=r, result_text="已整改", for_approval=True,
                         today=dt.date(2026, 10, 12))
    assert r.status == S.AWAITING_APPROVAL and r.result_on is None
    assert not Notification.objects.filter(topic="rating.rectification_result").exists()  # not told yet
    with pytest.raises(NotFound):  # the officer cannot approve their own result
        rectification_approve(actor=rworld.officer, rectification=r)
    with pytest.raises(ValidationFailed):
        rectification_return(actor=rworld.leader, rectification=r, note="")
    rectification_return(actor=rworld.leader, rectification=r, note="整改措施不具体，请补充。")
    assert r.status == S.RECTIFYING
    rectification_report(actor=rworld.officer, rectification=r, result_text="增开窗口并公布高峰时段", for_approval=True)
    rectification_approve(actor=rworld.leader, rectification=r, note="同意", today=dt.date(2026, 10, 26))
    assert (r.status, r.result_on, r.approved_by) == (S.FOLLOWING_UP, dt.date(2026, 10, 26), rworld.leader)
    assert rectification_clock(r).on_time is False  # reported to the rater after 23 Oct
    assert Notification.objects.filter(topic="rating.rectification_result", channel="in_app").count() == 1


def test_local_practice_may_require_approval_for_every_result(rworld, bad, settings):
    settings.YIWANG_RATINGS_APPROVAL_REQUIRED = True
    r = bad()
    verify(rworld, r)
    assert "report" not in rectification_actions_for(actor=rworld.officer, rectification=r)
    rectification_report(actor=rworld.officer, rectification=r, result_text="已整改")
    assert r.status == S.AWAITING_APPROVAL


def test_follow_up_calls_nobody_answers_end_after_the_attempts(rworld, bad, settings):
    settings.YIWANG_RATINGS_FOLLOW_UP_ATTEMPTS = 3
    r = bad()
    verify(rworld, r, handling="fix_now")
    rectification_report(actor=rworld.officer, rectification=r, result_text="已当场更正")
    with pytest.raises(ValidationFailed):
        rectification_follow_up(actor=rworld.officer, rectification=r, reached=True, accepted=None, note="已联系")
    for attempt in (1, 2):
        rectification_follow_up(actor=rworld.officer, rectification=r, reached=False, note=f"第 {attempt} 次未接通")
        assert (r.status, r.follow_up_attempts) == (S.FOLLOWING_UP, attempt)
    rectification_follow_up(actor=rworld.officer, rectification=r, reached=False, note="第 3 次未接通")
    assert (r.status, r.follow_up_reached) == (S.CLOSED, False)
    with pytest.raises(InvalidTransition):
        rectification_follow_up(actor=rworld.officer, rectification=r, reached=True, accepted=True, note="再打一次")


def test_steps_out_of_order_are_refused(rworld, bad):
    r = bad()
    with pytest.raises(InvalidTransition):
        rectification_report(actor=rworld.officer, rectification=r, result_text="跳过核实")
    with pytest.raises(InvalidTransition):
        rectification_follow_up(actor=rworld.officer, rectification=r, reached=True, accepted=True, note="提前回访")
    assert r.status == S.VERIFYING and r.events.count() == 1


def test_the_overdue_sweep_is_idempotent_and_dated(rworld, bad):
    late = bad()  # due 23 Oct
    on_time = bad(day=dt.date(2026, 10, 12))  # due 30 Oct
    assert rectifications_mark_overdue(today=dt.date(2026, 10, 23)) == 0  # due today is not late
    assert rectifications_mark_overdue(today=dt.date(2026, 10, 26)) == 1
    assert rectifications_mark_overdue(today=dt.date(2026, 10, 26)) == 0
    assert rectifications_mark_overdue(today=dt.date(2026, 10, 27)) == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.overdue_on, on_time.overdue_on) == (dt.date(2026, 10, 26), None)
    # Reported results are never flagged, however late the sweep runs.
    verify(rworld, on_time)
    rectification_report(actor=rworld.officer, rectification=on_time, result_text="已整改", today=dt.date(2026, 10, 29))
    assert rectifications_mark_overdue(today=dt.date(2026, 12, 1)) == 0


def test_stages_rate_apart_and_a_bad_acceptance_goes_to_the_window(rworld, deliver, monkeypatch):
    """Staged bundles (later) rate acceptance, review and delivery apart: one rating per stage, and
    the outlet that accepted handles a bad acceptance rating (谁办理、谁负责)."""
    from yiwang.ratings import selectors

    monkeypatch.setattr(selectors, "stages_offered", lambda case: ("overall", "acceptance", "review", "delivery"))
    case = deliver()
    overall = rating_give(actor=rworld.citizen, case=case, level="satisfied")
    acceptance = rating_give(actor=rworld.citizen, case=case, stage="acceptance", **BAD)
    review = rating_give(actor=rworld.citizen, case=case, stage="review", level="very_satisfied")
    delivery = rating_give(actor=rworld.citizen, case=case, stage="delivery", level="very_satisfied")
    assert acceptance.rectification.unit == rworld.hall and case.outlet_id == rworld.hall.pk
    assert (overall.staff, acceptance.staff, review.staff, delivery.staff) == (
        rworld.clerk, rworld.clerk, rworld.approver, rworld.approver)
    with pytest.raises(Exception) as err:
        rating_give(actor=rworld.citizen, case=case, stage="acceptance", level="satisfied")
    assert err.value.code == "already_rated"
