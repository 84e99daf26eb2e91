"""The clock: pauses for special procedures (§45), extensions (§42), delivery (§44), colours and
warnings, provisional dates recomputed when a new year is entered."""

import datetime as dt

import pytest

from yiwang.cases.constants import CaseAction, CaseStatus, DocumentKind, WarningColour, WarningKind
from yiwang.cases.models import CaseWarning
from yiwang.cases.services import (
    case_accept,
    case_decide,
    case_deliver,
    case_extend,
    case_pause,
    case_resume,
    case_withdraw,
    delivery_change,
    run_monitoring,
)
from yiwang.cases.tests.conftest import MONDAY
from yiwang.core.errors import DomainError, InvalidTransition, NotFound, ValidationFailed
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(world, submit):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    case.refresh_from_db()
    return case


def test_special_procedure_pauses_the_clock_and_moves_the_due_date(world, accepted):
    case_pause(actor=world.reviewer, case=accepted, procedure="inspection", reason="需现场核查经营场所",
               expected_days=5, today=dt.date(2026, 11, 18))
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.SUSPENDED
    assert accepted.documents.filter(kind=DocumentKind.SPECIAL_PROCEDURE_NOTICE).exists()
    case_resume(actor=world.reviewer, case=accepted, today=dt.date(2026, 11, 23))
    accepted.refresh_from_db()
    # No dates given: the procedure ran from the day it was recorded (Wed 18) to the day its end was
    # recorded (Mon 23), both inclusive: Wed 18, Thu 19, Fri 20, Mon 23 do not count: 30 Nov + 4.
    assert accepted.paused_days == 4 and accepted.due_on == dt.date(2026, 12, 4)
    assert accepted.status == CaseStatus.UNDER_REVIEW
    pause = accepted.pauses.get()
    assert pause.ended_on == dt.date(2026, 11, 23) and pause.paused_working_days == 4
    assert (pause.started_on, pause.last_day) == (dt.date(2026, 11, 18), dt.date(2026, 11, 23))


def test_a_procedure_across_a_weekend_counts_its_own_dates_not_the_day_resume_is_clicked(world, accepted):
    assert accepted.due_on == dt.date(2026, 11, 30)
    # Hearing on the notice: Fri 20 to Mon 23 Nov; recorded on Fri, resumed only on Thu 26.
    case_pause(actor=world.reviewer, case=accepted, procedure="hearing", reason="依申请举行听证",
               first_day=dt.date(2026, 11, 20), last_day=dt.date(2026, 11, 23), today=dt.date(2026, 11, 20))
    pause = accepted.pauses.get()
    assert pause.expected_days == 4  # calendar days on the notice
    notice = accepted.documents.get(kind=DocumentKind.SPECIAL_PROCEDURE_NOTICE)
    assert notice.facts["first_day"] == "2026-11-20" and notice.facts["last_day"] == "2026-11-23"
    accepted.refresh_from_db()
    case_resume(actor=world.reviewer, case=accepted, today=dt.date(2026, 11, 26))
    accepted.refresh_from_db()
    # Fri 20 and Mon 23 are the procedure's working days; Sat 21 and Sun 22 count for nothing.
    assert accepted.paused_days == 2 and accepted.due_on == dt.date(2026, 12, 2)
    resumed = accepted.status_changes.filter(action=CaseAction.RESUME).values_list("details", flat=True).get()
    assert resumed["first_day"] == "2026-11-20" and resumed["last_day"] == "2026-11-23"


def test_a_procedure_across_the_national_day_holiday_skips_holidays_and_counts_the_make_up_day(world, submit):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=dt.date(2026, 9, 28))
    case.refresh_from_db()
    # 10 working days after Mon 28 Sep: 29, 30 Sep, 8, 9, Sat 10 (make-up day), 12–16 Oct.
    assert case.due_on == dt.date(2026, 10, 16)
    case_pause(actor=world.reviewer, case=case, procedure="expert_review", reason="组织专家评审",
               first_day=dt.date(2026, 9, 30), today=dt.date(2026, 9, 30), expected_days=10)
    case.refresh_from_db()
    # The last day is entered when the review ends: Sat 10 Oct, a make-up working day.
    case_resume(actor=world.reviewer, case=case, last_day=dt.date(2026, 10, 10), today=dt.date(2026, 10, 12))
    case.refresh_from_db()
    # 30 Sep, 8, 9 and 10 Oct; 1–7 Oct are holidays: 16 Oct + 4 working days (19–22 Oct).
    assert case.paused_days == 4 and case.due_on == dt.date(2026, 10, 22)
    assert case.pauses.get().last_day == dt.date(2026, 10, 10)


def test_procedure_dates_are_checked(world, accepted):
    with pytest.raises(ValidationFailed) as err:
        case_pause(actor=world.reviewer, case=accepted, procedure="testing", reason="送检",
                   first_day=dt.date(2026, 11, 20), last_day=dt.date(2026, 11, 19), today=dt.date(2026, 11, 20))
    assert {e.field for e in err.value.errors} == {"last_day"}
    with pytest.raises(ValidationFailed) as err:
        case_pause(actor=world.reviewer, case=accepted, procedure="testing", reason="送检",
                   first_day=dt.date(2026, 11, 13), expected_days=3, today=dt.date(2026, 11, 20))
    assert {e.field for e in err.value.errors} == {"first_day"}  # before acceptance (16 Nov)
    case_pause(actor=world.reviewer, case=accepted, procedure="testing", reason="送检",
               first_day=dt.date(2026, 11, 18), expected_days=3, today=dt.date(2026, 11, 18))
    accepted.refresh_from_db()
    with pytest.raises(ValidationFailed) as err:
        case_resume(actor=world.reviewer, case=accepted, last_day=dt.date(2026, 11, 25), today=dt.date(2026, 11, 20))
    assert {e.field for e in err.value.errors} == {"last_day"}  # not over yet


def test_pause_needs_a_reason_and_a_known_procedure(world, accepted):
    with pytest.raises(ValidationFailed) as err:
        case_pause(actor=world.reviewer, case=accepted, procedure="magic", reason="", expected_days=0,
                   today=MONDAY)
    assert {e.field for e in err.value.errors} == {"procedure", "reason", "expected_days"}


def test_extension_needs_the_approver_and_is_capped(world, accepted):
    with pytest.raises(NotFound):
        case_extend(actor=world.reviewer, case=accepted, reason="情况复杂")
    ext = case_extend(actor=world.approver, case=accepted, reason="需征求相关部门意见")
    accepted.refresh_from_db()
    assert ext.days == 10 and ext.previous_due_on == dt.date(2026, 11, 30)
    assert accepted.due_on == dt.date(2026, 12, 14) and accepted.extension_days == 10
    assert accepted.documents.filter(kind=DocumentKind.EXTENSION_NOTICE).exists()
    with pytest.raises(ValidationFailed) as err:
        case_extend(actor=world.approver, case=accepted, reason="再延", days=1)
    assert err.value.errors[0].code == "extension_exceeds_limit"


def test_decision_sets_the_delivery_period_and_window_pickup_needs_the_code(world, accepted,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(actor=world.approver, case=accepted, decision="approved", reasons="材料齐全，符合条件",
                    legal_basis="《食品安全法》第三十五条", today=dt.date(2026, 11, 20))
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.CONCLUDED
    assert accepted.delivery_due_on == dt.date(2026, 12, 4)  # §44: 10 working days
    assert accepted.documents.filter(kind=DocumentKind.DECISION).exists()
    message = Notification.objects.get(recipient=world.citizen, topic="delivery.code", channel="in_app")
    code = message.body.split("取件码 ")[1][:6]
    with pytest.raises(DomainError) as err:
        case_deliver(actor=world.clerk, case=accepted, pickup_code="000000" if code != "000000" else "111111")
    assert err.value.code == "pickup_code_invalid"
    case_deliver(actor=world.clerk, case=accepted, pickup_code=code, today=dt.date(2026, 11, 23))
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.DELIVERED and accepted.delivered_on == dt.date(2026, 11, 23)


def test_pickup_code_message_names_the_case_and_links_to_it(world, accepted, django_capture_on_commit_callbacks):
    # An applicant with several results ready holds several codes: each message says which case.
    case_decide(actor=world.approver, case=accepted, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
    message = Notification.objects.get(recipient=world.citizen, topic="delivery.code", channel="in_app")
    assert f"办件 {accepted.number}（{accepted.version.name}）" in message.body
    assert message.link == f"/cases/mine/{accepted.pk}/"


def test_delivered_message_carries_the_tracking_number(world, accepted):
    delivery_change(actor=world.citizen, application=accepted.application, method="mail", address="西安市雁塔区小寨东路 1 号")
    case_decide(actor=world.approver, case=accepted, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
    case_deliver(actor=world.clerk, case=accepted, tracking_number="EMS1234567890CN")
    message = Notification.objects.get(recipient=world.citizen, topic="case.delivered", channel="in_app")
    assert "EMS1234567890CN" in message.body


def test_unknown_delivery_method_is_refused_in_words(world, accepted):
    with pytest.raises(ValidationFailed) as err:
        delivery_change(actor=world.citizen, application=accepted.application, method="drone")
    assert err.value.errors[0].field == "method" and "window" not in err.value.errors[0].message


def test_mail_delivery_records_the_tracking_number_and_locks_changes(world, accepted):
    delivery_change(actor=world.citizen, application=accepted.application, method="mail", address="西安市雁塔区小寨东路 1 号")
    case_decide(actor=world.approver, case=accepted, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
    with pytest.raises(ValidationFailed):
        case_deliver(actor=world.clerk, case=accepted)
    case_deliver(actor=world.clerk, case=accepted, tracking_number="EMS1234567890CN")
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.DELIVERED
    with pytest.raises(DomainError) as err:
        delivery_change(actor=world.citizen, application=accepted.application, method="window")
    assert err.value.code == "delivery_locked"


def test_denial_needs_legal_basis(world, accepted):
    with pytest.raises(ValidationFailed) as err:
        case_decide(actor=world.approver, case=accepted, decision="denied", reasons="不符合条件", legal_basis="")
    assert err.value.errors[0].field == "legal_basis"


def test_withdraw_before_but_not_after_decision(world, submit, accepted):
    case_withdraw(actor=world.citizen, case=accepted, reason="不再需要")
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.WITHDRAWN
    other = submit()
    case_accept(actor=world.clerk, case=other, today=MONDAY)
    case_decide(actor=world.approver, case=other, decision="approved", reasons="符合", today=MONDAY)
    with pytest.raises(InvalidTransition):
        case_withdraw(actor=world.citizen, case=other)


def test_monitoring_colours_yellow_then_red_with_warnings(world, accepted):
    run_monitoring(today=dt.date(2026, 11, 25))
    accepted.refresh_from_db()
    assert accepted.warning == WarningColour.NONE
    run_monitoring(today=dt.date(2026, 11, 26))  # due 30 Nov is within 2 working days
    accepted.refresh_from_db()
    assert accepted.warning == WarningColour.YELLOW
    assert CaseWarning.objects.filter(case=accepted, kind=WarningKind.DUE_SOON).exists()
    report = run_monitoring(today=dt.date(2026, 12, 1))
    accepted.refresh_from_db()
    assert accepted.warning == WarningColour.RED and (accepted.number, WarningKind.OVERDUE) in report.warnings_raised
    assert not run_monitoring(today=dt.date(2026, 12, 1)).changed  # idempotent


def test_paused_cases_carry_no_colour(world, accepted):
    run_monitoring(today=dt.date(2026, 12, 1))
    case_pause(actor=world.reviewer, case=accepted, procedure="testing", reason="送检", expected_days=10,
               today=dt.date(2026, 12, 1))
    run_monitoring(today=dt.date(2026, 12, 2))
    accepted.refresh_from_db()
    assert accepted.warning == WarningColour.NONE


def test_delivery_late_warning(world, accepted):
    delivery_change(actor=world.citizen, application=accepted.application, method="mail", address="西安市碑林区")
    case_decide(actor=world.approver, case=accepted, decision="approved", reasons="符合", today=dt.date(2026, 11, 20))
    run_monitoring(today=dt.date(2026, 12, 7))
    assert CaseWarning.objects.filter(case=accepted, kind=WarningKind.DELIVERY_LATE).exists()


def test_provisional_due_date_is_recomputed_when_the_year_is_entered(world, submit, django_capture_on_commit_callbacks):
    from yiwang.accounts.tests.factories import StaffFactory
    from yiwang.orgs.models import RoleGrant
    from yiwang.workdays.services import calendar_year_import

    case = submit(today=dt.date(2026, 12, 21))
    case_accept(actor=world.clerk, case=case, today=dt.date(2026, 12, 21))
    case.refresh_from_db()
    # 22–31 Dec: 8 working days; 1 Jan 2027 is a (provisional) fixed holiday; then 4, 5 Jan.
    assert case.due_on == dt.date(2027, 1, 5) and case.due_provisional
    admin = StaffFactory()
    RoleGrant.objects.create(user=admin, organisation=world.gov, role="administrator")
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_import(actor=admin, text="holiday 2027-01-01 2027-01-04 元旦（测试数据）\n")
    case.refresh_from_db()
    assert not case.due_provisional and case.due_on == dt.date(2027, 1, 6)


def test_locker_pickup_with_the_one_time_code(world, accepted, django_capture_on_commit_callbacks):
    from yiwang.accounts.tests.factories import StaffFactory
    from yiwang.cases.models import Locker
    from yiwang.cases.services import locker_pickup
    from yiwang.orgs.models import RoleGrant

    box = Locker.objects.create(outlet=world.hall, code="XA-0009", location="市政务服务中心东门")
    device = StaffFactory(username="locker-xa-0009")
    RoleGrant.objects.create(user=device, organisation=world.hall, role="window_clerk")
    delivery_change(actor=world.citizen, application=accepted.application, method="locker", locker_id=box.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(actor=world.approver, case=accepted, decision="approved", reasons="符合条件",
                    today=dt.date(2026, 11, 20))
    message = Notification.objects.get(recipient=world.citizen, topic="delivery.code", channel="in_app")
    assert "XA-0009" in message.body
    code = message.body.split("取件码 ")[1][:6]
    with pytest.raises(NotFound):  # someone else's account cannot open it
        locker_pickup(actor=world.reviewer, locker=box, pickup_code=code)
    with pytest.raises(DomainError) as err:
        locker_pickup(actor=device, locker=box, pickup_code="99999" + ("8" if code[-1] != "8" else "7"))
    assert err.value.code == "pickup_code_invalid"
    (delivered,) = locker_pickup(actor=device, locker=box, pickup_code=code, today=dt.date(2026, 11, 21))
    assert delivered.pk == accepted.pk and delivered.status == CaseStatus.DELIVERED
    with pytest.raises(DomainError):  # one-time: the same code does not open it twice
        locker_pickup(actor=device, locker=box, pickup_code=code)


def test_locker_compartments_are_never_shared_and_a_full_locker_falls_back_to_the_window(
        world, submit, monkeypatch, django_capture_on_commit_callbacks):
    from yiwang.cases import handover
    from yiwang.cases.models import Locker
    from yiwang.notifications.models import Notification

    monkeypatch.setattr(handover, "LOCKER_COMPARTMENTS", 2)
    box = Locker.objects.create(outlet=world.hall, code="XA-0010", location="市政务服务中心西门")
    deliveries = []
    for _ in range(3):
        case = submit()
        case_accept(actor=world.clerk, case=case, today=MONDAY)
        delivery_change(actor=world.citizen, application=case.application, method="locker", locker_id=box.pk)
        with django_capture_on_commit_callbacks(execute=True):
            case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
        delivery = case.application.delivery
        delivery.refresh_from_db()
        deliveries.append(delivery)
    first, second, third = deliveries
    assert {first.locker_compartment, second.locker_compartment} == {"01", "02"}
    assert third.method == "window" and third.locker_compartment == ""
    told = Notification.objects.filter(topic="delivery.code", object_id=str(third.application_id)).first()
    assert told is not None and "暂无空格口，已改为窗口领取" in told.body
