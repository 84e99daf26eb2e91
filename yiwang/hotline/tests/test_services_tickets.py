"""Intake, dispatch, the unit's work, review, callback, close and reopen — through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yiwang.core.errors import DomainError, InvalidTransition, ValidationFailed
from yiwang.core.geo import wgs84_to_gcj02
from yiwang.hotline import services
from yiwang.hotline.access import AGENT, CO, PRIMARY, caller_for
from yiwang.hotline.constants import MeasureKind
from yiwang.hotline.constants import TicketStatus as S
from yiwang.hotline.models import ServiceLevel, Ticket, TicketEvent
from yiwang.hotline.tests.world import XIAOZHAI
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_confident_street_rule_dispatches_at_once(hw, submit):
    t = submit()
    assert t.status == S.DISPATCHED and t.auto_dispatched and t.primary_unit == hw.office
    assert t.handling_limit_days == 5 and t.due_on > timezone.localdate()
    assert list(TicketEvent.objects.filter(ticket=t).values_list("action", flat=True)) == ["submit", "accept", "dispatch"]
    assert t.number.isdigit() and len(t.number) == 16 and len(t.lookup_code) == 6


def test_the_district_rule_applies_without_a_street(hw, submit):
    assert submit(street=None).primary_unit == hw.yanta_gov


def test_no_rule_for_the_place_waits_for_the_agent(hw, submit):
    t = submit(district=hw.beilin, street=None)
    assert t.status == S.PENDING_DISPATCH and t.primary_unit is None


def test_a_guessed_item_needs_two_keywords_to_dispatch_alone(hw, submit):
    one = submit(item=None, description="路边有人摆摊")
    assert one.item == hw.stall and one.status == S.PENDING_DISPATCH
    two = submit(item=None, description="路边有人摆摊占道经营")
    assert two.status == S.DISPATCHED


def test_gcj02_input_is_stored_as_wgs84(hw, submit):
    gcj = wgs84_to_gcj02(*XIAOZHAI)
    t = submit(location=services.Location(*gcj, datum="gcj02"))
    assert abs(t.lat - XIAOZHAI[0]) < 1e-6 and abs(t.lng - XIAOZHAI[1]) < 1e-6


def test_every_input_problem_is_reported_at_once(hw, submit):
    with pytest.raises(ValidationFailed) as err:
        submit(ticket_type="x", urgency="y", description="", caller_phone="12", location=services.Location(95, 0))
    fields = {e.field for e in err.value.errors}
    assert {"ticket_type", "urgency", "description", "caller_phone", "lat"} <= fields
    with pytest.raises(ValidationFailed):
        submit(description="a\x00b")
    with pytest.raises(ValidationFailed):
        submit(description="x" * 4001)
    assert not Ticket.objects.exists()


def test_an_item_only_takes_its_ticket_types(hw, submit):
    with pytest.raises(ValidationFailed) as err:
        submit(item=hw.consult, ticket_type="complaint")
    assert err.value.errors[0].code == "ticket_type_not_allowed"


def test_emergency_words_need_a_confirmation(hw, submit):
    with pytest.raises(DomainError) as err:
        submit(description="楼下着火了，有人被困")
    assert err.value.code == "emergency_unconfirmed" and "119" in err.value.message
    assert not Ticket.objects.exists()
    assert submit(description="上次着火后的楼道还没清理", emergency_confirmed=True).pk
    referral = services.emergency_refer(actor=hw.agent, line="119", summary="楼下着火")
    assert referral.get_line_display().startswith("119")


def test_a_functional_item_is_never_sent_to_the_street(hw, submit):
    t = submit(item=hw.lamp, description="路灯不亮", street=None, district=hw.beilin)
    assert t.status == S.DISPATCHED and t.primary_unit == hw.chengguan
    t2 = submit(item=hw.lamp, description="路灯坏了", dispatch=False)
    with pytest.raises(ValidationFailed) as err:
        services.ticket_dispatch(actor=hw.agent, ticket=Ticket.objects.get(pk=t2.pk), unit=hw.office)
    assert err.value.errors[0].code == "functional_item_street_level"
    with pytest.raises(ValidationFailed):
        services.ticket_dispatch(actor=hw.agent, ticket=Ticket.objects.get(pk=t2.pk), unit=hw.chengguan, co_units=[hw.office])


def test_consultations_only_are_answered_directly(hw, submit):
    t = submit(item=hw.consult, ticket_type="consultation", description="营业执照怎么办", answer_text="可在政务服务中心办理。")
    assert t.status == S.ANSWERED and t.public_reply and t.closed_at
    other = submit(dispatch=False, street=None, district=hw.beilin)
    with pytest.raises(DomainError) as err:
        services.ticket_answer(actor=hw.agent, ticket=other, text="答复")
    assert err.value.code == "answer_not_consultation"


def test_reject_and_invalidate_need_a_reason(hw, submit):
    t = submit(dispatch=False)
    with pytest.raises(ValidationFailed):
        services.ticket_reject(actor=hw.agent, ticket=t, reason=" ")
    services.ticket_reject(actor=hw.agent, ticket=t, reason="不属于政务服务范围")
    t2 = submit(dispatch=False)
    services.ticket_invalidate(actor=hw.agent, ticket=t2, reason="无声电话")
    assert Ticket.objects.get(pk=t2.pk).status == S.INVALID


def test_signing_freezes_the_sign_flag(hw, submit):
    t = submit()
    Ticket.objects.filter(pk=t.pk).update(sign_due_at=timezone.now() - timedelta(minutes=1))
    t.refresh_from_db()
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    assert t.status == S.SIGNED and t.sign_overdue is True


def test_a_unit_sends_back_within_its_window_and_the_ticket_stays_open(hw, submit):
    t = submit()
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    with pytest.raises(ValidationFailed):
        services.ticket_send_back(actor=hw.office_handler, ticket=t, reason="")
    services.ticket_send_back(actor=hw.office_handler, ticket=t, reason="应由区市场监管局办理")
    assert t.status == S.PENDING_DISPATCH and t.primary_unit is None and t.due_on is not None
    assert not t.handlers.filter(active=True).exists()
    services.ticket_dispatch(actor=hw.agent, ticket=t, unit=hw.district_handler.role_grants.first().organisation)
    assert t.status == S.DISPATCHED and t.primary_unit == hw.yanta_gov


def test_the_return_window_is_two_working_days(hw, submit):
    t = submit()
    Ticket.objects.filter(pk=t.pk).update(return_due_on=timezone.localdate() - timedelta(days=1))
    t.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.ticket_send_back(actor=hw.office_handler, ticket=t, reason="不归我们管")
    assert err.value.code == "return_window_passed"


def _dispatched(submit):
    return submit()


def test_hold_pauses_the_clock_and_resume_moves_the_due_date(hw, submit, monkeypatch):
    t = submit()
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    services.ticket_start(actor=hw.office_handler, ticket=t)
    due = t.due_on
    services.ticket_hold(actor=hw.office_handler, ticket=t, reason="等待来电人补充位置")
    assert t.status == S.ON_HOLD and t.paused_remaining is not None
    with pytest.raises(InvalidTransition):
        services.ticket_reply(actor=hw.office_handler, ticket=t, text="答复")
    later = timezone.localdate() + timedelta(days=7)
    monkeypatch.setattr("yiwang.hotline.services.workflow._today", lambda: later)
    services.ticket_resume(actor=hw.office_handler, ticket=t)
    assert t.status == S.IN_PROGRESS and t.due_on > due and t.paused_days >= 4


def _replied(hw, submit, **kw):
    t = submit(**kw)
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="已劝离摊贩并加强巡查。")
    return t


def test_the_reply_freezes_the_overdue_flag_and_later_limits_do_not_move_it(hw, submit):
    t = submit()
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    Ticket.objects.filter(pk=t.pk).update(due_on=timezone.localdate() - timedelta(days=10))
    t.refresh_from_db()
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="已处理")
    assert t.reply_overdue is True and t.reply_overdue_days >= 5
    ServiceLevel.objects.filter(item=hw.stall).update(handling_limit_days=60)  # a later, longer limit
    t.refresh_from_db()
    assert t.reply_overdue is True and t.handling_limit_days == 5


def test_review_publishes_the_reply_or_sends_it_back(hw, submit):
    t = _replied(hw, submit)
    with pytest.raises(ValidationFailed):
        services.ticket_review_reply(actor=hw.agent, ticket=t, approve=False, note="")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=False, note="请写明处理结果")
    assert t.status == S.RETURNED
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="摊贩已劝离，设置了隔离栏。")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    assert t.status == S.PENDING_CALLBACK and t.public_reply == "摊贩已劝离，设置了隔离栏。" and t.callback_due_on


def test_callback_then_close_with_text(hw, submit):
    t = _replied(hw, submit)
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True, public_text="已处置。")
    with pytest.raises(ValidationFailed):
        services.ticket_callback(actor=hw.agent, ticket=t, reached=True, resolved="resolved", satisfaction="",
                                 close_as="resolved", close_text="")
    cb = services.ticket_callback(actor=hw.agent, ticket=t, reached=True, resolved="resolved", satisfaction="satisfied",
                                  close_as="resolved", close_text="已解决")
    t.refresh_from_db()
    assert cb.satisfaction == "satisfied" and t.status == S.CLOSED and t.closure == "resolved" and t.callback_overdue is False


def test_an_unresolved_callback_sends_the_ticket_back(hw, submit):
    t = _replied(hw, submit)
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    services.ticket_callback(actor=hw.agent, ticket=t, reached=True, resolved="unresolved", satisfaction="dissatisfied",
                             note="摊贩晚上又来了")
    assert Ticket.objects.get(pk=t.pk).status == S.RETURNED


def test_closing_and_reopening_need_text_and_a_person_decides(hw, submit):
    t = _replied(hw, submit)
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    with pytest.raises(ValidationFailed):
        services.ticket_close(actor=hw.agent, ticket=t, closure="resolved", text="")
    services.ticket_close(actor=hw.agent, ticket=t, closure="explained", text="已向来电人解释")
    with pytest.raises(ValidationFailed):
        services.ticket_request_reopen(actor=hw.agent, ticket=t, reason="")
    services.ticket_request_reopen(actor=hw.agent, ticket=t, reason="问题反弹")
    assert t.status == S.REOPEN_REQUESTED
    services.ticket_decide_reopen(actor=hw.supervisor, ticket=t, reopen=False, note="已妥善处理")
    assert t.status == S.CLOSED
    services.ticket_request_reopen(actor=hw.agent, ticket=t, reason="再次反弹")
    services.ticket_decide_reopen(actor=hw.supervisor, ticket=t, reopen=True, note="确实反弹")
    assert t.status == S.RETURNED and t.closed_at is None and t.reply_overdue is None


def test_the_caller_hears_of_acceptance_reply_and_closure(hw, submit):
    t = _replied(hw, submit, caller_user=hw.citizen, caller_phone="", caller_name="")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    topics = set(Notification.objects.filter(recipient=hw.citizen).values_list("topic", flat=True))
    assert {"hotline.accepted", "hotline.replied"} <= topics
    assert t.caller_phone == hw.citizen.phone


def test_caller_identity_by_audience(hw, submit):
    t = submit()
    assert caller_for(ticket=t, audience=AGENT)["phone"] == "13800000001"
    assert caller_for(ticket=t, audience=PRIMARY)["phone"] == "13800000001"
    assert caller_for(ticket=t, audience=CO)["phone"] == "138****0001"
    assert caller_for(ticket=t, audience="public")["phone"] == ""
    secret = submit(confidential=True)
    assert caller_for(ticket=secret, audience=PRIMARY)["shown"] == "hidden"
    assert caller_for(ticket=secret, audience=AGENT)["name"] == "李明"
    row = Ticket.objects.filter(pk=t.pk).values_list("caller_phone", flat=True).get()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT caller_phone FROM hotline_ticket WHERE id = %s", [t.pk])
        stored = cur.fetchone()[0]
    assert row == "13800000001" and stored.startswith("sm4gcm1:")


def test_extension_requests_are_bounded_and_decided(hw, submit):
    t = submit()
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    with pytest.raises(DomainError) as err:
        services.ticket_extension_request(actor=hw.office_handler, ticket=t, days=11, reason="协调")
    assert err.value.code == "extension_too_long"
    m = services.ticket_extension_request(actor=hw.office_handler, ticket=t, days=4, reason="需协调多部门")
    with pytest.raises(DomainError):
        services.ticket_extension_request(actor=hw.office_handler, ticket=t, days=2, reason="再延")
    due = t.due_on
    services.extension_decide(actor=hw.agent, measure=m, approve=True)
    t.refresh_from_db()
    assert t.extension_days == 4 and t.due_on > due and t.status == S.SIGNED
    m2 = services.ticket_extension_request(actor=hw.office_handler, ticket=t, days=6, reason="仍需协调")
    with pytest.raises(ValidationFailed):
        services.extension_decide(actor=hw.agent, measure=m2, approve=False, note="")
    services.extension_decide(actor=hw.agent, measure=m2, approve=False, note="请按期办结")
    assert Ticket.objects.get(pk=t.pk).extension_days == 4  # a refusal changes nothing
    with pytest.raises(DomainError):  # 10 in all: 4 used, 7 more is too many
        services.ticket_extension_request(actor=hw.office_handler, ticket=t, days=7, reason="x")


def test_reminders_and_supervision_are_records_not_states(hw, submit):
    t = submit()
    m = services.ticket_remind(actor=hw.supervisor, ticket=t, reason="请加快办理", kind=MeasureKind.SUPERVISION)
    assert Ticket.objects.get(pk=t.pk).status == S.DISPATCHED and m.due_on > date(2004, 1, 1)
    services.measure_answer(actor=hw.office_handler, measure=m, text="正在办理")
    with pytest.raises(DomainError):
        services.measure_answer(actor=hw.office_handler, measure=m, text="again")
    p = services.ticket_remind(actor=hw.supervisor, ticket=t, reason="群众反映强烈", kind=MeasureKind.PRIORITY)
    assert p.kind == "priority" and Ticket.objects.get(pk=t.pk).priority == 1


def test_co_handlers_give_their_opinion(hw, submit):
    t = submit(dispatch=False, district=hw.beilin)
    services.ticket_dispatch(actor=hw.agent, ticket=t, unit=hw.chengguan, co_units=[hw.market])
    handler = t.handlers.get(unit=hw.market)
    services.ticket_co_opinion(actor=hw.market_handler, ticket=t, handler=handler, text="已配合检查摊贩食品")
    handler.refresh_from_db()
    assert handler.opinion and handler.role == "co"


def test_a_number_clash_is_retried_whole(hw, submit, monkeypatch, transactional_db):
    first = submit()
    numbers = iter([first.number, first.number[:8] + "00000001"])
    monkeypatch.setattr("yiwang.hotline.services.intake._number", lambda: next(numbers))
    from django.db import connection

    assert not connection.in_atomic_block  # the API's path: one transaction, retried whole
    second = services.ticket_submit(actor=hw.agent, channel="phone", ticket_type="complaint", description="又有摊贩占道",
                                    item=hw.stall, district=hw.yanta, street=hw.street)
    assert second.number.endswith("00000001") and Ticket.objects.count() == 2
    assert TicketEvent.objects.filter(ticket=second).count() == 3  # nothing of the failed attempt remains


def test_the_one_statement_intake_writes_every_row(hw, transactional_db):
    """PostgreSQL's path (outside any transaction): ticket, timeline, audit, co-handlers and the
    caller's notice in one statement; elsewhere the same rows through the ORM."""
    from django.db import connection

    from yiwang.core.models import AuditEvent

    assert not connection.in_atomic_block
    t = services.ticket_submit(actor=hw.agent, channel="phone", ticket_type="complaint", description="摊贩占道",
                               item=hw.stall, district=hw.beilin, caller_user=hw.citizen, unit=hw.chengguan,
                               co_units=[hw.market])
    t.refresh_from_db()
    assert t.status == S.DISPATCHED and t.primary_unit == hw.chengguan and t.caller_phone == hw.citizen.phone
    assert list(t.events.values_list("action", flat=True)) == ["submit", "accept", "dispatch"]
    assert AuditEvent.objects.filter(object_type="hotline.ticket", object_id=str(t.pk)).count() == 3
    assert list(t.handlers.values_list("unit_id", "role")) == [(hw.market.pk, "co")]
    assert Notification.objects.filter(object_id=str(t.pk), topic="hotline.accepted").exists()
    from yiwang.core.audit import verify_audit

    assert verify_audit()[2] is None  # the hashes name the ticket id the statement wrote
