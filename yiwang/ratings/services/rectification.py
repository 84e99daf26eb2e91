"""The bad-rating loop (差评整改): verify → rectify or explain → (leader approval) → report to the
rater → follow-up contact → the rater may rate the fix. STANDARDS §4; 国办发〔2019〕51号; seed 001
§15 (“差评”核实整改和整改回访“三个100%”); seed 002 (八) (谁办理、谁负责; 调查核实、反馈回访、满意度测评).

The loop has its own clock on the working-day calendar: the result is due `policy.rectification_days()`
working days (default 15) after the bad rating was given; the periodic sweep flags what is late.
Every step goes through `_step`, which checks the transition table (lifecycle.py), writes the
history row and the audit event.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from yiwang.core.audit import actor_fields, record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.ratings import policy
from yiwang.ratings.access import require_leader, require_unit_officer
from yiwang.ratings.constants import (
    CLOCK_RUNNING,
    Handling,
    RatingStage,
    RectificationAction,
    RectificationStatus,
)
from yiwang.ratings.lifecycle import next_status
from yiwang.ratings.locks import lock_rectification
from yiwang.ratings.models import Rating, Rectification, RectificationEvent
from yiwang.ratings.services.inputs import NOTE_MAX, clean_text
from yiwang.ratings.services.upload_marks import upload_changed
from yiwang.workdays.time_limits import due_date

A = RectificationAction


def _step(*, rectification: Rectification, action: str, actor, note: str = "", extra_fields: tuple[str, ...] = ()) -> None:
    old = rectification.status
    rectification.status = next_status(old, action)
    rectification.save(update_fields=["status", "updated_at", *extra_fields])
    actor_id, label = actor_fields(actor)
    RectificationEvent.objects.create(rectification=rectification, from_status=old, to_status=rectification.status,
                                      action=action, actor_id=actor_id, actor_label=label, occurred_at=timezone.now(),
                                      note=note)
    record_event(actor=actor, action=f"rectification.{action}", obj=rectification,
                 details={"from": old, "to": rectification.status})


def rectification_open(*, rating: Rating, case, today: date) -> Rectification:
    """Every bad rating opens a rectification at the unit that handled what was rated: the
    accepting outlet for the acceptance stage, the agency otherwise (谁办理、谁负责)."""
    if rating.stage == RatingStage.ACCEPTANCE and case.outlet_id:
        unit_id, unit_path = case.outlet_id, case.outlet_path
    else:
        unit_id, unit_path = case.agency_id, case.agency_path
    days = policy.rectification_days()
    due = due_date(today, days)
    rectification = Rectification.objects.create(
        rating=rating, unit_id=unit_id, unit_path=unit_path, opened_on=today, deadline_days=days,
        due_on=due.due_date, due_provisional=due.provisional)
    RectificationEvent.objects.create(rectification=rectification, to_status=rectification.status, action="open",
                                      actor_label="system", occurred_at=rating.rated_at,
                                      note=f"差评生成整改，{days} 个工作日内反馈处理结果")
    record_event(actor=None, action="rectification.opened", obj=rectification,
                 details={"rating": rating.pk, "unit": unit_id, "due_on": due.due_date.isoformat()})
    return rectification


@transaction.atomic
def rectification_verify(*, actor, rectification: Rectification, finding_true, finding_reasonable,
                         finding_malicious, handling: str, note: str) -> Rectification:
    """核实: the unit called back and checked. True and reasonable → fix (now, or by the deadline
    when complex); not true, not reasonable or without legal basis → explain."""
    require_unit_officer(actor=actor, rectification=rectification)
    lock_rectification(rectification)
    errors: list[FieldError] = []
    for field, value, label in (("finding_true", finding_true, "反映情况是否属实"),
                                ("finding_reasonable", finding_reasonable, "诉求是否合理"),
                                ("finding_malicious", finding_malicious, "是否疑似恶意差评")):
        if not isinstance(value, bool):
            errors.append(FieldError(field, "required", f"请选择「{label}」。"))
    if handling not in Handling.values:
        errors.append(FieldError("handling", "invalid_choice", "请选择处理方式：立行立改、限期整改或解释说明。"))
    text = clean_text(note, field="note", label="核实情况", max_length=NOTE_MAX, required=True, errors=errors)
    if not errors and not (finding_true and finding_reasonable) and handling != Handling.EXPLAIN:
        errors.append(FieldError("handling", "explain_required",
                                 "经核实反映情况不属实或诉求不合理的，应向评价人解释说明，请选择“解释说明”。"))
    if errors:
        raise ValidationFailed(errors)
    rectification.finding_true, rectification.finding_reasonable = finding_true, finding_reasonable
    rectification.finding_malicious, rectification.handling = finding_malicious, handling
    rectification.verification_note = text
    rectification.verified_at, rectification.verified_by = timezone.now(), actor
    _step(rectification=rectification, action=A.VERIFY, actor=actor, note=text,
          extra_fields=("finding_true", "finding_reasonable", "finding_malicious", "handling", "verification_note",
                        "verified_at", "verified_by"))
    return rectification


def _tell_rater(rectification: Rectification) -> None:
    from yiwang.notifications.services import notify

    rating = rectification.rating
    summary = rectification.result_text if len(rectification.result_text) <= 120 else rectification.result_text[:118] + "……"
    notify(recipient=rating.rater, topic="rating.rectification_result", title="您的评价已处理",
           body=f"您对办件 {rating.case_number}（{rating.item_name}）的评价，{rectification.unit.name}已处理：{summary}"
                "。欢迎对处理结果评价。",
           link=f"/ratings/mine/{rating.pk}/", obj=rating)


@transaction.atomic
def rectification_report(*, actor, rectification: Rectification, result_text: str, for_approval: bool = False,
                         today: date | None = None) -> Rectification:
    """The result — what was fixed, or the explanation — goes to the rater (and is published), or
    first to the leader when the officer asks or local practice requires it."""
    require_unit_officer(actor=actor, rectification=rectification)
    lock_rectification(rectification)
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    text = clean_text(result_text, field="result_text", label="处理结果", max_length=NOTE_MAX, required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    to_leader = for_approval or policy.approval_required()
    rectification.result_text, rectification.reported_by, rectification.reported_on = text, actor, today
    fields = ["result_text", "reported_by", "reported_on"]
    if not to_leader:
        rectification.result_on = today
        fields.append("result_on")
    _step(rectification=rectification, action=A.SUBMIT_FOR_APPROVAL if to_leader else A.REPORT, actor=actor,
          note=text, extra_fields=tuple(fields))
    if not to_leader:
        _tell_rater(rectification)
        upload_changed(rectification.rating)
    return rectification


@transaction.atomic
def rectification_approve(*, actor, rectification: Rectification, note: str = "", today: date | None = None) -> Rectification:
    require_leader(actor=actor, rectification=rectification)
    lock_rectification(rectification)
    errors: list[FieldError] = []
    text = clean_text(note, field="note", label="审核意见", max_length=NOTE_MAX, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    rectification.approved_by, rectification.approved_at, rectification.approval_note = actor, timezone.now(), text
    rectification.result_on = today or timezone.localdate()
    _step(rectification=rectification, action=A.APPROVE, actor=actor, note=text,
          extra_fields=("approved_by", "approved_at", "approval_note", "result_on"))
    _tell_rater(rectification)
    upload_changed(rectification.rating)
    return rectification


@transaction.atomic
def rectification_return(*, actor, rectification: Rectification, note: str) -> Rectification:
    require_leader(actor=actor, rectification=rectification)
    lock_rectification(rectification)
    errors: list[FieldError] = []
    text = clean_text(note, field="note", label="退回意见", max_length=NOTE_MAX, required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    rectification.approval_note = text
    _step(rectification=rectification, action=A.RETURN, actor=actor, note=text, extra_fields=("approval_note",))
    return rectification


@transaction.atomic
def rectification_follow_up(*, actor, rectification: Rectification, reached, accepted=None, note: str,
                            today: date | None = None) -> Rectification:
    """回访: every real-name bad rating is followed up (seed 001 §15: 整改回访 100%). Each call is
    recorded; after `policy.follow_up_attempts()` calls nobody answered, the follow-up ends as
    'not reached' (and counts so in the follow-up rate)."""
    require_unit_officer(actor=actor, rectification=rectification)
    lock_rectification(rectification)
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    if not isinstance(reached, bool):
        errors.append(FieldError("reached", "required", "请选择是否联系上评价人。"))
    elif reached and not isinstance(accepted, bool):
        errors.append(FieldError("accepted", "required", "请选择评价人是否认可处理结果。"))
    text = clean_text(note, field="note", label="回访记录", max_length=NOTE_MAX, required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    next_status(rectification.status, A.FOLLOW_UP_REACHED)  # the precise error before anything changes
    rectification.follow_up_attempts += 1
    rectification.follow_up_note = text
    fields = ["follow_up_attempts", "follow_up_note"]
    if reached:
        action = A.FOLLOW_UP_REACHED
        rectification.follow_up_reached, rectification.follow_up_accepted = True, accepted
    elif rectification.follow_up_attempts >= policy.follow_up_attempts():
        action = A.FOLLOW_UP_EXHAUSTED
        rectification.follow_up_reached = False
    else:
        action = A.FOLLOW_UP_UNREACHED
    if action != A.FOLLOW_UP_UNREACHED:
        rectification.followed_up_on, rectification.followed_up_by = today, actor
        fields += ["follow_up_reached", "follow_up_accepted", "followed_up_on", "followed_up_by"]
    _step(rectification=rectification, action=action, actor=actor, note=text, extra_fields=tuple(fields))
    if action != A.FOLLOW_UP_UNREACHED:
        upload_changed(rectification.rating)
    return rectification


@transaction.atomic
def rectification_contact(*, actor, rectification: Rectification) -> dict:
    """The rater's name and phone for the call-back — shown to the unit's rating officer only
    while the loop needs the call, and every look is recorded (rater identity is protected)."""
    require_unit_officer(actor=actor, rectification=rectification)
    if rectification.status not in (RectificationStatus.VERIFYING, RectificationStatus.RECTIFYING,
                                    RectificationStatus.FOLLOWING_UP):
        raise ValidationFailed([FieldError("contact", "not_needed", "当前环节不需要联系评价人。")])
    rater = rectification.rating.rater
    record_event(actor=actor, action="rectification.contact_viewed", obj=rectification, details={"rater": rater.pk})
    return {"name": rater.display_name, "phone": rater.phone or ""}


def rectifications_mark_overdue(*, today: date | None = None) -> int:
    """Flag every rectification whose result is past due (the supervisors' warnings). One UPDATE;
    idempotent: a flagged row is not flagged again, and running it for an earlier day flags nothing
    that was not late then."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ids = list(Rectification.objects.filter(status__in=CLOCK_RUNNING, due_on__lt=today, overdue_on__isnull=True)
                   .values_list("pk", flat=True))
        if not ids:
            return 0
        count = Rectification.objects.filter(pk__in=ids, overdue_on__isnull=True).update(overdue_on=today,
                                                                                          updated_at=timezone.now())
        record_event(actor="ratings-overdue", action="rectification.overdue_flagged", object_type="ratings.rectification",
                     details={"day": today.isoformat(), "ids": ids[:500], "count": count})
    return count
