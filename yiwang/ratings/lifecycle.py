"""The rules of ratings that need no database: the rectification loop as a transition table, which
stage of a case may be rated when, what a bad rating must carry. Pure, so property-testable.

The loop (STANDARDS §4; 国办发〔2019〕51号 “差评整改”; seed 002 (八): 调查核实、反馈回访、满意度测评):

    verifying --verify--> rectifying --report--> following_up --follow_up_reached--> closed
                                     --submit_for_approval--> awaiting_approval --approve--> following_up
                                                                                 --return--> rectifying
                                                   following_up --follow_up_unreached--> following_up
                                                                --follow_up_exhausted--> closed
    any state before closed --exclude (an upheld appeal)--> excluded
"""

from __future__ import annotations

from collections.abc import Iterable

from yiwang.core.errors import InvalidTransition
from yiwang.ratings.constants import (
    BAD_LEVELS,
    BadReason,
    RatingStage,
    RectificationAction,
    RectificationStatus,
)

S, A = RectificationStatus, RectificationAction

TRANSITIONS: dict[str, dict[str, str]] = {
    S.VERIFYING: {A.VERIFY: S.RECTIFYING, A.EXCLUDE: S.EXCLUDED},
    S.RECTIFYING: {A.REPORT: S.FOLLOWING_UP, A.SUBMIT_FOR_APPROVAL: S.AWAITING_APPROVAL, A.EXCLUDE: S.EXCLUDED},
    S.AWAITING_APPROVAL: {A.APPROVE: S.FOLLOWING_UP, A.RETURN: S.RECTIFYING, A.EXCLUDE: S.EXCLUDED},
    S.FOLLOWING_UP: {A.FOLLOW_UP_REACHED: S.CLOSED, A.FOLLOW_UP_UNREACHED: S.FOLLOWING_UP,
                     A.FOLLOW_UP_EXHAUSTED: S.CLOSED, A.EXCLUDE: S.EXCLUDED},
    S.CLOSED: {},
    S.EXCLUDED: {},
}


def allowed_actions(status: str) -> frozenset[str]:
    return frozenset(TRANSITIONS.get(status, {}))


def next_status(status: str, action: str) -> str:
    """The state after `action`, or InvalidTransition naming what can be done instead."""
    try:
        return TRANSITIONS[status][action]
    except KeyError:
        label = S(status).label if status in S.values else status
        doing = A(action).label if action in A.values else action
        raise InvalidTransition(f"整改当前为“{label}”，不能“{doing}”。请刷新页面查看当前可办理的操作。",
                                code="invalid_transition") from None


# A stage may be rated once the case got there (STANDARDS §4: a staged bundle rates acceptance,
# review and delivery separately; a single case is rated as a whole after delivery).
def stage_open(stage: str, *, accepted: bool, decided: bool, delivered: bool) -> bool:
    if stage == RatingStage.ACCEPTANCE:
        return accepted
    if stage == RatingStage.REVIEW:
        return decided
    if stage in (RatingStage.DELIVERY, RatingStage.OVERALL):
        return delivered
    return False


def is_bad(level: str) -> bool:
    return level in BAD_LEVELS


def reason_problems(level: str, reasons: Iterable[str], comment: str) -> list[tuple[str, str, str]]:
    """(field, code, message) for what a rating lacks: a bad one names at least one standard reason
    and says in words what happened; a good one may add words but names no reason."""
    from yiwang.ratings.constants import ErrorCode

    reasons = list(reasons)
    problems = []
    unknown = [r for r in reasons if r not in BadReason.values]
    if unknown:
        problems.append(("reasons", "invalid_choice", "差评原因只能从列出的选项中选择，请重新勾选。"))
    if is_bad(level):
        if not reasons:
            problems.append(("reasons", ErrorCode.REASONS_REQUIRED,
                             "选择“不满意”或“非常不满意”时，请至少勾选一项差评原因。"))
        if not comment.strip():
            problems.append(("comment", ErrorCode.COMMENT_REQUIRED,
                             "选择“不满意”或“非常不满意”时，请写明遇到的问题，便于核实整改。"))
    elif reasons and not unknown:
        problems.append(("reasons", "reasons_for_good_rating", "差评原因只在选择“不满意”或“非常不满意”时填写，请取消勾选。"))
    return problems
