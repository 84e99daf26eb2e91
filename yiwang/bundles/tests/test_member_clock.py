"""A waiting member's legal clock: accepted at 综合受理 with the others, its own time limit counts
only from the day after the members it waits for have concluded; meanwhile it shows
「等待前序事项办结」 and is never overdue. The bundle's due date follows the members' clocks and is
recomputed when a prerequisite concludes late.

Dates by hand on the 2026 calendar (国庆/中秋 1–7 Oct off, Sat 10 Oct a working day):
accepted Mon 28 Sep; the business-licence check (即办) is due the same day but concludes two days
late, Wed 30 Sep; 食品经营许可 (10 working days) then counts 8, 9, 10, 12 … 20 Oct, the signboard
(3 working days) 8, 9, 10 Oct (the make-up Saturday counts)."""

import datetime as dt

import pytest

from yiwang.bundles import applications
from yiwang.bundles.constants import BundleCaseStatus, MemberState
from yiwang.bundles.tests import test_applications as base
from yiwang.cases.constants import CaseStatus, WarningColour, WarningKind
from yiwang.cases.models import CaseWarning
from yiwang.cases.selectors import case_clock
from yiwang.cases.services import case_decide, run_monitoring
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db
w = base.w  # the shop bundle, its applicant and staff (fixture)
_apply, _member = base._apply, base._member
ACCEPTED = dt.date(2026, 9, 28)  # Monday
CHECK_CONCLUDED = dt.date(2026, 9, 30)  # Wednesday, two working days after its 即办 due date


def _accepted(w, **kwargs):
    bundle_case = _apply(w, **kwargs)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=ACCEPTED)
    bundle_case.refresh_from_db()
    return bundle_case


def _decide(w, version, approver, day, decision="approved"):
    case = version.implementation.cases.get()
    case_decide(actor=approver, case=case, decision=decision, reasons="符合条件" if decision == "approved" else "不符合",
                legal_basis="" if decision == "approved" else "有关规定", today=day)


def test_a_waiting_member_is_accepted_with_its_clock_held(w):
    bundle_case = _accepted(w)
    food = _member(bundle_case, w.s.food).case
    assert (food.status, food.accepted_on, food.waiting_since, food.clock_from, food.due_on) == (
        CaseStatus.ACCEPTED, ACCEPTED, ACCEPTED, None, None)
    assert food.limit_days == 10  # its own limit is known, it just does not count yet
    clock = case_clock(food, today=ACCEPTED)
    assert clock.waiting and clock.label == "等待前序事项办结" and not clock.paused and clock.tone == "blue"
    # Not a special procedure: no pause recorded, not suspended, no back-office task.
    assert not food.pauses.exists() and not food.tasks.exists()
    # The member running at once has its due date from the acceptance day (即办: the same day).
    check = _member(bundle_case, w.s.check).case
    assert (check.status, check.clock_from, check.due_on) == (CaseStatus.UNDER_REVIEW, ACCEPTED, ACCEPTED)
    # The applicant's notice of the waiting member says when its limit starts.
    body = Notification.objects.filter(recipient=w.citizen, object_id=str(food.pk), title="申请已受理").first().body
    assert "前序事项办结之次日起计算" in body


def test_the_waiting_member_is_not_overdue_in_monitoring(w):
    bundle_case = _accepted(w)
    late_day = dt.date(2026, 11, 30)  # long past any due date counted from the acceptance day
    run_monitoring(today=late_day)
    food = _member(bundle_case, w.s.food).case
    check = _member(bundle_case, w.s.check).case
    food.refresh_from_db()
    check.refresh_from_db()
    assert food.warning == WarningColour.NONE and not CaseWarning.objects.filter(case=food).exists()
    assert check.warning == WarningColour.RED  # the one whose clock runs is overdue
    assert CaseWarning.objects.filter(case=check, kind=WarningKind.OVERDUE).exists()
    assert case_clock(food, today=late_day).label == "等待前序事项办结"
    # The lead agency's console lists the late member only.
    from yiwang.bundles.selectors import late_bundle_cases

    late = [m.implementation_id for _, members in late_bundle_cases(actor=w.clerk, today=late_day) for m in members]
    assert late == [w.s.check.implementation_id]


def test_due_dates_count_from_the_day_after_the_prerequisite_concluded(w):
    bundle_case = _accepted(w)
    # At acceptance, the bundle's due date by the members' clocks: 10 working days after the
    # check's due date (28 Sep): 29, 30 Sep, 8, 9, 10, 12, 13, 14, 15, 16 Oct.
    assert bundle_case.due_on == dt.date(2026, 10, 16)
    _decide(w, w.s.check, w.market_approver, CHECK_CONCLUDED)
    food = _member(bundle_case, w.s.food)
    sign = _member(bundle_case, w.s.sign)
    assert food.state == sign.state == MemberState.RUNNING
    assert (food.case.status, food.case.waiting_since, food.case.clock_from) == (CaseStatus.UNDER_REVIEW, None, CHECK_CONCLUDED)
    assert food.case.due_on == dt.date(2026, 10, 20)  # 8, 9, 10, 12 … 20 Oct: ten working days
    assert sign.case.due_on == dt.date(2026, 10, 10)  # 8, 9, 10 Oct: the make-up Saturday counts
    assert food.case.tasks.exists()  # its back-office process started now
    assert not case_clock(food.case, today=CHECK_CONCLUDED).waiting
    # The timeline says why the clock started when it did.
    start = food.case.status_changes.get(action="start_review")
    assert "已于 2026-09-30 办结" in start.note and start.details["due_on"] == "2026-10-20"


def test_a_late_prerequisite_moves_the_bundle_due_date(w):
    bundle_case = _accepted(w)
    before = bundle_case.due_on
    _decide(w, w.s.check, w.market_approver, CHECK_CONCLUDED)
    bundle_case.refresh_from_db()
    assert (before, bundle_case.due_on) == (dt.date(2026, 10, 16), dt.date(2026, 10, 20))
    event = AuditEvent.objects.get(action="bundles.due_recomputed", object_id=str(bundle_case.pk))
    assert event.details == {"previous_due_on": "2026-10-16", "due_on": "2026-10-20"}
    assert Notification.objects.filter(recipient=w.citizen, title__startswith="一件事预计办结日期调整").exists()
    # The signboard concluding changes nothing: the food licence is still the critical path.
    _decide(w, w.s.sign, w.urban_approver, dt.date(2026, 10, 8))
    bundle_case.refresh_from_db()
    assert bundle_case.due_on == dt.date(2026, 10, 20) and bundle_case.status == BundleCaseStatus.IN_PROGRESS


def test_a_refused_prerequisite_closes_the_waiting_member_without_starting_its_clock(w):
    bundle_case = _accepted(w)
    _decide(w, w.s.check, w.market_approver, CHECK_CONCLUDED, decision="denied")
    food = _member(bundle_case, w.s.food)
    assert food.state == MemberState.CLOSED
    assert food.case.status == CaseStatus.TERMINATED and food.case.due_on is None and food.case.clock_from is None


def test_deemed_acceptance_also_holds_a_waiting_members_clock(w):
    """Nobody did 综合受理 in the §32 period: monitoring deems every member accepted on the
    receipt day — the waiting ones with their clocks held all the same."""
    bundle_case = _apply(w)  # received Mon 16 Nov 2026
    run_monitoring(today=dt.date(2026, 11, 24))  # receipt + 5 working days = 23 Nov has passed
    check, food = _member(bundle_case, w.s.check).case, _member(bundle_case, w.s.food).case
    assert check.status == CaseStatus.UNDER_REVIEW and check.due_on == dt.date(2026, 11, 16)
    assert (food.status, food.accepted_on, food.waiting_since, food.due_on) == (
        CaseStatus.ACCEPTED, dt.date(2026, 11, 16), dt.date(2026, 11, 16), None)


def test_bundle_page_console_and_api_show_each_members_clock(client, w):
    bundle_case = _accepted(w)
    client.force_login(w.citizen)
    page = client.get(f"/bundles/cases/{bundle_case.pk}/").content.decode()
    assert page.count("等待前序事项办结") >= 2 and "2026-09-28" in page
    api = client.get(f"/api/v1/bundle-cases/{bundle_case.pk}").json()
    clocks = {m["name"]: (m["waiting_for_prerequisites"], m["due_on"]) for m in api["members"]}
    assert clocks == {"企业营业执照信息核验": (False, "2026-09-28"), "食品经营许可": (True, None),
                      "户外招牌设施设置规范管理": (True, None)}
    food = _member(bundle_case, w.s.food).case
    case_api = client.get(f"/api/v1/cases/{food.pk}").json()
    assert case_api["clock"]["waiting"] and case_api["clock"]["label"] == "等待前序事项办结"
    _decide(w, w.s.check, w.market_approver, CHECK_CONCLUDED)
    client.force_login(w.clerk)
    console = client.get("/bundles/console/").content.decode()
    assert "2026-10-20" in console and "2026-10-10" in console and "等待前序事项办结" not in console
