"""Giving a rating, on any channel, by the real-name applicant only; the invitation after delivery;
the rater's rating of the fix.

Three doors, one room: the applicant's own session (PC, mobile), a signed link (SMS, QR, hall
tablet) and a registered channel system that has identified the applicant (kiosk, phone system,
SMS gateway). Each door establishes *who the applicant is*; `_give` then applies the same rules
(一事一评, the stage is open, a bad rating names reasons and says what happened) and writes the
rating, its provincial upload row and — for a bad rating — the rectification, in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from yiwang.ratings import tokens
from yiwang.ratings.access import applicant_via_channel, refuse_staff, require_rater
from yiwang.ratings.constants import (
    RESULT_REPORTED,
    ErrorCode,
    RatingChannel,
    RatingStage,
    SatisfactionLevel,
)
from yiwang.ratings.lifecycle import is_bad, reason_problems, stage_open
from yiwang.ratings.locks import lock_rectification
from yiwang.ratings.models import ChannelSystem, ProvincialUpload, Rating, RatingInvitation, Rectification
from yiwang.ratings.services.inputs import COMMENT_MAX, clean_text
from yiwang.ratings.services.upload_marks import upload_changed

# ---------------------------------------------------------------------------------------------
# The three doors


@transaction.atomic
def rating_give(*, actor, case, level: str, reasons=(), comment: str = "", stage: str = RatingStage.OVERALL,
                channel: str = RatingChannel.PC, now: datetime | None = None) -> Rating:
    """The applicant rates their own case on our pages or the citizen API (channel pc or mobile)."""
    require_rater(actor=actor, case=case)
    if channel not in (RatingChannel.PC, RatingChannel.MOBILE):
        raise ValidationFailed([FieldError("channel", "invalid_choice", "登录后评价的渠道应为 pc（电脑端）或 mobile（移动端）。")])
    return _give(case=case, rater=actor, actor=actor, stage=stage, level=level, reasons=reasons, comment=comment,
                 channel=channel, now=now)


def link_target(*, token: str, session_user=None, tablet: bool = False):
    """(rater, case, channel) a rating link opens. The link alone says who rates; a session in the
    browser never does — and a staff session (a clerk's tablet, a clerk's phone) is refused, as is
    another person's account, so nobody rates with someone else's link while logged in as themself."""
    from yiwang.cases.access import access_case_by_id

    if tablet:
        try:
            link = tokens.read_tablet(token)
        except DomainError:  # a slip's printed link also opens the tablet screen (then: tablet channel)
            link = tokens.read(token)
            if link.channel != RatingChannel.QR:
                raise
        channel = RatingChannel.TABLET
    else:
        link = tokens.read(token)
        channel = link.channel
    if session_user is not None and getattr(session_user, "is_authenticated", False):
        refuse_staff(session_user)
        if session_user.pk != link.rater_id:
            raise NotFound("该评价链接属于另一位申请人。请退出当前账号后再打开，或登录本人账号在“我的办件”中评价。",
                           code=ErrorCode.TOKEN_INVALID)
    rater = get_user_model().objects.filter(pk=link.rater_id, is_active=True).first()
    if rater is None:
        raise NotFound("评价链接无效。", code=ErrorCode.TOKEN_INVALID)
    case = access_case_by_id(actor=rater, case_id=link.case_id)
    require_rater(actor=rater, case=case)
    return rater, case, channel


@transaction.atomic
def rating_give_by_link(*, token: str, level: str, reasons=(), comment: str = "", stage: str = RatingStage.OVERALL,
                        session_user=None, tablet: bool = False, now: datetime | None = None) -> Rating:
    """The applicant rates through the SMS link, a QR code or the hall tablet."""
    rater, case, channel = link_target(token=token, session_user=session_user, tablet=tablet)
    return _give(case=case, rater=rater, actor=rater, stage=stage, level=level, reasons=reasons, comment=comment,
                 channel=channel, now=now)


@transaction.atomic
def rating_give_via_channel(*, actor, case_number: str, identity_check: str, level: str, id_number: str = "",
                            uscc: str = "", phone: str = "", reasons=(), comment: str = "",
                            stage: str = RatingStage.OVERALL, now: datetime | None = None) -> Rating:
    """A kiosk, the phone system or the SMS gateway posts the rating of the applicant it identified.
    `actor` is the system's own account (its API token); the rater is the applicant."""
    from yiwang.cases.selectors import cases_of_applicant

    system, applicant = applicant_via_channel(actor=actor, identity_check=identity_check, id_number=id_number,
                                              uscc=uscc, phone=phone)
    number = "".join(ch for ch in (case_number or "") if ch.isalnum() or ch == "-")[:40]
    case = cases_of_applicant(applicant).select_related("outlet").filter(number=number).first() if number else None
    if case is None:
        raise NotFound("该申请人名下没有这个办件编号。", code=ErrorCode.IDENTITY_MISMATCH)
    require_rater(actor=applicant, case=case)
    return _give(case=case, rater=applicant, actor=actor, stage=stage, level=level, reasons=reasons, comment=comment,
                 channel=system.channel, now=now, entered_via=system, identity_check=identity_check)


# ---------------------------------------------------------------------------------------------
# The room


def _snapshot(case, stage: str) -> dict:
    """What is rated, as it is now: the agency, the window, the division, the item, the person."""
    staff_id = case.accepted_by_id
    if stage == RatingStage.REVIEW:
        staff_id = case.decided_by_id
    elif stage == RatingStage.DELIVERY:
        invitation = RatingInvitation.objects.filter(case=case).only("delivered_by_id").first()
        staff_id = invitation.delivered_by_id if invitation else None
    return {"case_number": case.number, "agency_id": case.agency_id, "agency_path": case.agency_path,
            "outlet_id": case.outlet_id, "outlet_path": case.outlet_path or "", "division_id": case.agency.division_id,
            "implementation_id": case.implementation_id, "item_name": case.version.name[:300], "staff_id": staff_id}


def _give(*, case, rater, actor, stage: str, level: str, reasons, comment, channel: str, now: datetime | None,
          entered_via: ChannelSystem | None = None, identity_check: str = "") -> Rating:
    from yiwang.cases.constants import CaseStatus
    from yiwang.ratings.selectors import stages_offered

    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: list[FieldError] = []
    if level not in SatisfactionLevel.values:
        errors.append(FieldError("level", "invalid_choice", "请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意。"))
    if stage not in RatingStage.values:
        errors.append(FieldError("stage", "invalid_choice", "评价环节应为 overall、acceptance、review 或 delivery。"))
    if isinstance(reasons, str) or not all(isinstance(r, str) for r in (reasons or ())):
        errors.append(FieldError("reasons", "invalid", "差评原因应为选项列表。"))
        reasons = []
    reasons = list(dict.fromkeys(reasons or ()))
    text = clean_text(comment, field="comment", label="评价内容", max_length=COMMENT_MAX, errors=errors)
    if not errors:
        errors += [FieldError(f, c, m) for f, c, m in reason_problems(level, reasons, text)]
    if channel not in RatingChannel.values:
        errors.append(FieldError("channel", "invalid_choice", "评价渠道不正确。"))
    if errors:
        raise ValidationFailed(errors)
    if Rating.objects.filter(case=case, stage=stage).exists():
        raise Conflict("该办件此环节已经评价过了（一事一评）。您可以在“我的评价”中查看。", code=ErrorCode.ALREADY_RATED)
    if stage not in stages_offered(case) or not stage_open(
            stage, accepted=case.accepted_on is not None, decided=case.decided_on is not None,
            delivered=case.status == CaseStatus.DELIVERED):
        raise Conflict("该办件现在还不能评价：办结并送达后即可评价。", code=ErrorCode.STAGE_NOT_OPEN)
    try:
        with transaction.atomic():  # a savepoint: a racing second rating fails here, not the caller's transaction
            rating = Rating.objects.create(
                case=case, stage=stage, level=level, channel=channel, rater=rater, reasons=reasons, comment=text,
                rated_at=now, rated_on=today, entered_via=entered_via, identity_check=identity_check,
                **_snapshot(case, stage))
    except IntegrityError:
        raise Conflict("该办件此环节已经评价过了（一事一评）。您可以在“我的评价”中查看。", code=ErrorCode.ALREADY_RATED) from None
    record_event(actor=actor, action="rating.given", obj=rating,
                 details={"case": case.number, "stage": stage, "level": level, "channel": channel,
                          "via": entered_via.pk if entered_via else None, "rater": rater.pk})
    ProvincialUpload.objects.create(rating=rating, next_attempt_at=now)
    if is_bad(level):
        from yiwang.ratings.services.rectification import rectification_open

        rectification_open(rating=rating, case=case, today=today)
    return rating


# ---------------------------------------------------------------------------------------------
# After delivery


def invitation_send(*, case, delivered_by=None) -> RatingInvitation | None:
    """Invite the applicant to rate a delivered case — once per case (inbox and SMS, through the
    notifications outbox, so they commit with the delivery). Runs inside the delivery's
    transaction (the `case.delivered` hook); a second call for the same case does nothing."""
    from yiwang.notifications.services import notify

    staff = delivered_by if getattr(delivered_by, "is_staff_member", False) else None
    try:
        with transaction.atomic():
            invitation = RatingInvitation.objects.create(case=case, rater_id=case.applicant_id,
                                                         delivered_on=case.delivered_on or timezone.localdate(),
                                                         delivered_by=staff)
    except IntegrityError:
        return None
    token = tokens.issue(case_id=case.pk, rater_id=case.applicant_id, channel=RatingChannel.SMS)
    link = f"{settings.YIWANG_PUBLIC_BASE_URL.rstrip('/')}/ratings/r/{token}/"
    notify(recipient=case.applicant, topic="rating.invitation", title="请评价本次服务",
           body=f"办件 {case.number}（{case.version.name}）已送达。欢迎评价本次服务（自愿评价，评价人信息保密）：{link}",
           link=f"/ratings/cases/{case.pk}/", obj=case)
    record_event(actor=delivered_by, action="rating.invited", obj=invitation, details={"case": case.number})
    return invitation


# ---------------------------------------------------------------------------------------------
# The rater rates the fix (满意度测评 after the follow-up)


@transaction.atomic
def fix_rate(*, actor, rating: Rating, level: str, comment: str = "", now: datetime | None = None) -> Rectification:
    """The rater says what they think of how their bad rating was handled — once, after the result
    was reported to them. It does not change the original rating (that stays as given)."""
    refuse_staff(actor)
    if getattr(actor, "pk", None) != rating.rater_id:
        raise NotFound("未找到该评价。", code="rating_not_found")
    try:
        rectification = rating.rectification
    except Rating.rectification.RelatedObjectDoesNotExist:
        raise NotFound("该评价没有整改记录。", code="rectification_not_found") from None
    lock_rectification(rectification)
    if rectification.status not in RESULT_REPORTED:
        raise Conflict("处理结果反馈给您之后才能评价整改。", code=ErrorCode.FIX_NOT_REPORTED)
    if rectification.fix_level:
        raise Conflict("您已评价过这次整改。", code=ErrorCode.FIX_ALREADY_RATED)
    errors: list[FieldError] = []
    if level not in SatisfactionLevel.values:
        errors.append(FieldError("level", "invalid_choice", "请选择对整改的评价：非常满意、满意、基本满意、不满意或非常不满意。"))
    text = clean_text(comment, field="comment", label="意见", max_length=COMMENT_MAX, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    rectification.fix_level, rectification.fix_comment = level, text
    rectification.fix_rated_at = now or timezone.now()
    rectification.save(update_fields=["fix_level", "fix_comment", "fix_rated_at", "updated_at"])
    record_event(actor=actor, action="rectification.fix_rated", obj=rectification, details={"level": level})
    upload_changed(rating)
    return rectification

