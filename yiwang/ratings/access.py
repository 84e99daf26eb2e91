"""Who may do what with ratings — the one place that decides (pages, API, admin and templates ask here).

- A rating is given by the case's real-name applicant only, never by staff (STANDARDS §4: forcing
  or faking ratings is forbidden), whatever the interface: `require_rater`.
- The rated unit's `rating_officer` verifies, reports, follows up and appeals; a `leader` of the
  unit (or above) approves results; appeals are decided at a *higher* organisation by a
  `rating_officer` or `supervisor` (never by the unit itself); supervisors, leaders and rating
  officers read indicators of their subtree. A role covers its organisation's subtree.
- Missing and forbidden look alike (not found), except a staff member trying to rate, who is told
  plainly that staff cannot rate.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from yiwang.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import role_grants_for, scope_filter
from yiwang.ratings.constants import (
    BAD_LEVELS,
    AppealStatus,
    ErrorCode,
    IdentityCheck,
    RatingChannel,
    RectificationAction,
    RectificationStatus,
)
from yiwang.ratings.lifecycle import allowed_actions
from yiwang.ratings.models import ChannelSystem, Rating, RatingAppeal, Rectification

UNIT_ROLES = (Role.RATING_OFFICER,)
LEADER_ROLES = (Role.LEADER,)
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
APPEAL_DECIDER_ROLES = (Role.RATING_OFFICER, Role.SUPERVISOR)
INDICATOR_ROLES = (Role.RATING_OFFICER, Role.SUPERVISOR, Role.LEADER, Role.ADMINISTRATOR)
# Everyone who may open a rectification of their subtree.
RECTIFICATION_ROLES = (Role.RATING_OFFICER, Role.LEADER, Role.SUPERVISOR, Role.ADMINISTRATOR)


def _is_staff(actor) -> bool:
    return bool(getattr(actor, "is_staff_member", False) or getattr(actor, "is_superuser", False))


def _holds(actor, roles, path: str) -> bool:
    """The actor holds one of `roles` at the organisation with `path` or above it."""
    return any(path.startswith(g.organisation.path) for g in role_grants_for(actor, roles))


def _holds_above(actor, roles, path: str) -> bool:
    """…at an organisation strictly above it (a higher level: 上级)."""
    return any(path.startswith(g.organisation.path) and path != g.organisation.path
               for g in role_grants_for(actor, roles))


# ---------------------------------------------------------------------------------------------
# Raters


def refuse_staff(actor) -> None:
    """Staff accounts (clerks, reviewers, administrators) never rate a citizen's case."""
    if _is_staff(actor):
        raise PermissionDenied("工作人员不能评价，也不能代替申请人评价。请申请人用本人手机、大厅评价平板或短信链接自行评价。",
                               code=ErrorCode.STAFF_CANNOT_RATE)


def require_rater(*, actor, case) -> None:
    """`actor` is the case's applicant (the real-name account that applied) and not staff."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound("未找到该办件。", code="case_not_found")
    refuse_staff(actor)
    if actor.pk != case.applicant_id or not actor.is_active:
        raise NotFound("未找到该办件。", code="case_not_found")


def access_case_to_rate(*, actor, case_id):
    """The actor's own case, to rate it; staff are told they cannot rate (not "not found")."""
    from yiwang.cases.access import access_case_by_id

    refuse_staff(actor)
    case = access_case_by_id(actor=actor, case_id=case_id)
    require_rater(actor=actor, case=case)
    return case


def access_own_rating(*, actor, rating_id) -> Rating:
    """One of the rater's own ratings (with its rectification, if any)."""
    try:
        rating_id = int(rating_id)
    except (TypeError, ValueError):
        rating_id = 0
    rating = (Rating.objects.select_related("case", "agency", "rectification").filter(pk=rating_id, rater_id=getattr(actor, "pk", None))
              .first() if getattr(actor, "is_authenticated", False) and not _is_staff(actor) else None)
    if rating is None:
        raise NotFound("未找到该评价。", code="rating_not_found")
    return rating


# ---------------------------------------------------------------------------------------------
# The rated unit, leaders and supervisors


def rectifications_in_scope(actor, roles=RECTIFICATION_ROLES):
    return Rectification.objects.filter(scope_filter(actor, roles, path_field="unit_path"))


def access_rectification_by_id(*, actor, rectification_id, for_update: bool = False) -> Rectification:
    try:
        rectification_id = int(rectification_id)
    except (TypeError, ValueError):
        rectification_id = 0
    qs = rectifications_in_scope(actor).select_related("rating", "rating__case", "rating__agency", "rating__rater", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    rectification = qs.filter(pk=rectification_id).first() if _is_staff(actor) else None
    if rectification is None:
        raise NotFound("未找到该整改，或它不在您的管辖范围内。", code="rectification_not_found")
    return rectification


def require_unit_officer(*, actor, rectification: Rectification) -> None:
    if not _holds(actor, UNIT_ROLES, rectification.unit_path):
        raise NotFound("未找到该整改，或它不在您的管辖范围内。", code="rectification_not_found")


def require_leader(*, actor, rectification: Rectification) -> None:
    if not _holds(actor, LEADER_ROLES, rectification.unit_path):
        raise NotFound("只有整改单位或上级单位的领导可以审核处理结果。", code="rectification_not_found")


def appeal_window_open(rating: Rating, *, today: date | None = None) -> bool:
    from yiwang.ratings import policy
    from yiwang.workdays.time_limits import add_working_days

    today = today or timezone.localdate()
    return today <= add_working_days(rating.rated_on, policy.appeal_days()).due_date


def rectification_actions_for(*, actor, rectification: Rectification, today: date | None = None) -> frozenset[str]:
    """What `actor` may do with this rectification now: the loop's actions the table allows and
    the actor's roles permit, plus "appeal" and "reveal_contact"."""
    from yiwang.ratings import policy

    open_actions = allowed_actions(rectification.status)
    officer = _holds(actor, UNIT_ROLES, rectification.unit_path)
    leader = _holds(actor, LEADER_ROLES, rectification.unit_path)
    A = RectificationAction
    actions = set()
    if officer:
        actions |= open_actions & {A.VERIFY, A.SUBMIT_FOR_APPROVAL, A.FOLLOW_UP_REACHED, A.FOLLOW_UP_UNREACHED}
        if A.REPORT in open_actions and not policy.approval_required():
            actions.add(A.REPORT)
        if rectification.status in (RectificationStatus.VERIFYING, RectificationStatus.RECTIFYING,
                                     RectificationStatus.FOLLOWING_UP):
            actions.add("reveal_contact")
        rating = rectification.rating
        if (rating.level in BAD_LEVELS and rating.counts_in_statistics and not _has_appeal(rating)
                and appeal_window_open(rating, today=today)):
            actions.add("appeal")
    if leader:
        actions |= open_actions & {A.APPROVE, A.RETURN}
    return frozenset(actions)


def _has_appeal(rating: Rating) -> bool:
    try:
        return rating.appeal is not None
    except Rating.appeal.RelatedObjectDoesNotExist:
        return False


def appeals_to_decide(actor):
    """Pending appeals of units strictly below an organisation where the actor may decide."""
    q = Q(pk__in=[])
    for grant in role_grants_for(actor, APPEAL_DECIDER_ROLES):
        q |= Q(unit_path__startswith=grant.organisation.path) & ~Q(unit_path=grant.organisation.path)
    return RatingAppeal.objects.filter(q, status=AppealStatus.PENDING).exclude(filed_by=actor)


def access_appeal_by_id(*, actor, appeal_id) -> RatingAppeal:
    """An appeal the actor may decide (higher level) or follow (the unit's officers)."""
    try:
        appeal_id = int(appeal_id)
    except (TypeError, ValueError):
        appeal_id = 0
    appeal = (RatingAppeal.objects.select_related("rating", "rating__case", "rating__agency", "unit", "filed_by")
              .filter(pk=appeal_id).first()) if _is_staff(actor) else None
    if appeal is None or not (_holds_above(actor, APPEAL_DECIDER_ROLES, appeal.unit_path)
                              or _holds(actor, UNIT_ROLES, appeal.unit_path)):
        raise NotFound("未找到该申诉，或它不在您的管辖范围内。", code="appeal_not_found")
    return appeal


def can_decide_appeal(*, actor, appeal: RatingAppeal) -> bool:
    return (appeal.status == AppealStatus.PENDING and appeal.filed_by_id != getattr(actor, "pk", None)
            and _holds_above(actor, APPEAL_DECIDER_ROLES, appeal.unit_path))


def require_appeal_decider(*, actor, appeal: RatingAppeal) -> None:
    if not _holds_above(actor, APPEAL_DECIDER_ROLES, appeal.unit_path) or appeal.filed_by_id == getattr(actor, "pk", None):
        raise PermissionDenied("申诉须由上级单位的好差评整改人员或电子监察人员复核，申诉单位不能自行决定。",
                               code=ErrorCode.APPEAL_NOT_HIGHER)


def indicator_scope(actor) -> Q:
    """Ratings whose agency or outlet lies in the actor's subtree (for the staff indicators)."""
    return (scope_filter(actor, INDICATOR_ROLES, path_field="agency_path")
            | scope_filter(actor, INDICATOR_ROLES, path_field="outlet_path"))


def may_see_indicators(actor) -> bool:
    return bool(role_grants_for(actor, INDICATOR_ROLES))


def may_print_slip(*, actor, case) -> bool:
    """Window clerks of the case's outlet or agency print the rating slip for the applicant."""
    path_ok = _holds(actor, [Role.WINDOW_CLERK], case.agency_path) or (
        bool(case.outlet_path) and _holds(actor, [Role.WINDOW_CLERK], case.outlet_path))
    return path_ok


# ---------------------------------------------------------------------------------------------
# Channel systems


def channel_system_for(*, actor) -> ChannelSystem:
    """The active channel system whose account is calling; a personal account is not one."""
    system = (ChannelSystem.objects.select_related("outlet").filter(account_id=getattr(actor, "pk", None), is_active=True)
              .first() if getattr(actor, "is_authenticated", False) else None)
    if system is None:
        raise PermissionDenied("该令牌不属于已登记的评价渠道系统（自助终端、电话系统或短信平台）。工作人员账号不能提交评价。",
                               code=ErrorCode.CHANNEL_NOT_REGISTERED)
    return system


# Which channel systems may identify an applicant in which way: a card reader at a kiosk or tablet,
# the calling number at the phone system or the SMS gateway (the telecom vouches for it).
_CHECKS_BY_CHANNEL = {
    RatingChannel.TERMINAL: {IdentityCheck.ID_CARD},
    RatingChannel.TABLET: {IdentityCheck.ID_CARD},
    RatingChannel.PHONE: {IdentityCheck.PHONE_NUMBER, IdentityCheck.ID_CARD},
    RatingChannel.SMS: {IdentityCheck.PHONE_NUMBER},
}


def applicant_via_channel(*, actor, identity_check: str, id_number: str = "", uscc: str = "", phone: str = ""):
    """(the calling channel system, the applicant it has identified) — or an error: the caller is not a
    registered channel system (403), the check does not suit the channel (400), or no applicant matches
    (404, alike for every mismatch)."""
    from yiwang.accounts.selectors import user_by_id_number, user_by_phone, user_by_uscc, users_represented_by

    system = channel_system_for(actor=actor)
    allowed = _CHECKS_BY_CHANNEL.get(system.channel, set())
    if identity_check not in allowed:
        labels = "、".join(IdentityCheck(c).label for c in sorted(allowed)) or "无"
        raise ValidationFailed([FieldError("identity_check", "invalid_choice",
                                           f"{system.get_channel_display()}渠道可用的身份核验方式：{labels}。")])
    user = None
    if identity_check == IdentityCheck.ID_CARD:
        if uscc:
            enterprise = user_by_uscc(uscc)
            represented = {u.pk for u in users_represented_by(id_number)} if id_number else set()
            user = enterprise if enterprise is not None and enterprise.pk in represented else None
        elif id_number:
            user = user_by_id_number(id_number)
    elif identity_check == IdentityCheck.PHONE_NUMBER and phone:
        user = user_by_phone(phone)
    if user is None or not user.is_active or user.is_staff_member:
        raise NotFound("未找到与该身份对应的申请人。", code=ErrorCode.IDENTITY_MISMATCH)
    return system, user
