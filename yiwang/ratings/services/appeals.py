"""Appeals (申诉) against malicious or mistaken bad ratings (STANDARDS §4: appeals are reviewed).

The rated unit files within `policy.appeal_days()` working days of the rating (default 5); a
higher level decides, with reasons. An upheld appeal takes the rating out of the statistics and
ends its rectification — the rating itself is kept, unchanged, and the rater is told.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, FieldError, ValidationFailed
from yiwang.ratings import policy
from yiwang.ratings.access import rectification_actions_for, require_appeal_decider, require_unit_officer
from yiwang.ratings.constants import (
    BAD_LEVELS,
    AppealGround,
    AppealStatus,
    ErrorCode,
    RectificationAction,
    RectificationStatus,
)
from yiwang.ratings.locks import lock_appeal, lock_rating, lock_rectification
from yiwang.ratings.models import RatingAppeal, Rectification
from yiwang.ratings.services.inputs import NOTE_MAX, clean_text
from yiwang.ratings.services.rectification import _step
from yiwang.ratings.services.upload_marks import upload_changed
from yiwang.workdays.time_limits import add_working_days


@transaction.atomic
def appeal_file(*, actor, rectification: Rectification, ground: str, reason: str, today: date | None = None) -> RatingAppeal:
    require_unit_officer(actor=actor, rectification=rectification)
    today = today or timezone.localdate()
    rating = rectification.rating
    ends = add_working_days(rating.rated_on, policy.appeal_days()).due_date
    errors: list[FieldError] = []
    if ground not in AppealGround.values:
        errors.append(FieldError("ground", "invalid_choice", "请选择申诉理由类别：恶意差评或误评。"))
    text = clean_text(reason, field="reason", label="申诉理由与证据", max_length=NOTE_MAX, required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    if rating.level not in BAD_LEVELS:
        raise Conflict("只有差评可以申诉。", code=ErrorCode.APPEAL_NOT_BAD)
    if today > ends:
        raise Conflict(f"申诉期限已过：应在评价后 {policy.appeal_days()} 个工作日内（{ends.year}年{ends.month}月{ends.day}日前）提出。",
                       code=ErrorCode.APPEAL_WINDOW_CLOSED)
    if "appeal" not in rectification_actions_for(actor=actor, rectification=rectification, today=today):
        raise Conflict("该评价已提出过申诉。", code=ErrorCode.APPEAL_EXISTS)
    try:
        with transaction.atomic():
            appeal = RatingAppeal.objects.create(rating=rating, unit_id=rectification.unit_id,
                                                 unit_path=rectification.unit_path, ground=ground, reason=text,
                                                 filed_by=actor, filed_on=today, window_ends_on=ends)
    except IntegrityError:
        raise Conflict("该评价已提出过申诉。", code=ErrorCode.APPEAL_EXISTS) from None
    record_event(actor=actor, action="appeal.filed", obj=appeal, details={"rating": rating.pk, "ground": ground})
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal: RatingAppeal, upheld, reason: str, now: datetime | None = None) -> RatingAppeal:
    """复核: uphold (the rating leaves the statistics, its rectification ends) or reject, with reasons."""
    require_appeal_decider(actor=actor, appeal=appeal)
    now = now or timezone.now()
    errors: list[FieldError] = []
    if not isinstance(upheld, bool):
        errors.append(FieldError("upheld", "required", "请选择申诉是否成立。"))
    text = clean_text(reason, field="reason", label="复核意见", max_length=NOTE_MAX, required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    rating = appeal.rating
    lock_rating(rating)  # locks in order: rating, rectification, appeal (locks.py)
    rectification = getattr(rating, "rectification", None)
    if rectification is not None:
        lock_rectification(rectification)
    lock_appeal(appeal)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict("该申诉已复核。", code="appeal_decided")
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_reason = actor, now, text
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    record_event(actor=actor, action=f"appeal.{appeal.status}", obj=appeal, details={"rating": rating.pk})
    if upheld:
        rating.counts_in_statistics, rating.excluded_at = False, now
        rating.save(update_fields=["counts_in_statistics", "excluded_at", "updated_at"])
        if rectification is not None and rectification.status not in (RectificationStatus.CLOSED,
                                                                       RectificationStatus.EXCLUDED):
            _step(rectification=rectification, action=RectificationAction.EXCLUDE, actor=actor, note=text)
        from yiwang.notifications.services import notify

        notify(recipient=rating.rater, topic="rating.appeal_upheld", title="评价复核结果",
               body=f"您对办件 {rating.case_number} 的评价经上级复核，不计入统计：{text}。如有异议，可拨打 12345 反映。",
               link=f"/ratings/mine/{rating.pk}/", obj=rating)
        upload_changed(rating)
    return appeal
