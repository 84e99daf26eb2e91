"""The ticket's states as data: {status: {action: next status}}. Pure; no database.

The closed loop of 国办发〔2020〕53号 (受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价), shaped
like the open complaint systems (FixMyStreet's states, Signalen's transition table, DIGIT PGR's
workflow with its reopen decision). Reminders, supervision, extensions and priorities are records
with their own clocks (models.TicketMeasure), not states. Who may take an action, and the rules
beyond the table (only consultations are answered directly; a unit sends a ticket back within its
return window; text is required to close or reopen), live in services and access.
"""

from yiwang.core.errors import InvalidTransition
from yiwang.hotline.constants import TicketAction as A
from yiwang.hotline.constants import TicketStatus as S

TRANSITIONS: dict[S, dict[A, S]] = {
    S.RECEIVED: {A.ACCEPT: S.ACCEPTED, A.REJECT: S.REJECTED, A.INVALIDATE: S.INVALID, A.MERGE: S.MERGED},
    S.ACCEPTED: {
        A.ANSWER: S.ANSWERED, A.REJECT: S.REJECTED, A.INVALIDATE: S.INVALID, A.MERGE: S.MERGED,
        A.QUEUE: S.PENDING_DISPATCH, A.DISPATCH: S.DISPATCHED,
    },
    S.PENDING_DISPATCH: {A.DISPATCH: S.DISPATCHED, A.ANSWER: S.ANSWERED, A.MERGE: S.MERGED, A.REJECT: S.REJECTED},
    S.DISPATCHED: {A.SIGN: S.SIGNED, A.SEND_BACK: S.PENDING_DISPATCH, A.MERGE: S.MERGED},
    S.SIGNED: {A.START: S.IN_PROGRESS, A.SEND_BACK: S.PENDING_DISPATCH, A.REPLY: S.REPLIED, A.MERGE: S.MERGED},
    S.IN_PROGRESS: {A.HOLD: S.ON_HOLD, A.REPLY: S.REPLIED, A.MERGE: S.MERGED},
    S.ON_HOLD: {A.RESUME: S.IN_PROGRESS},
    S.REPLIED: {A.APPROVE_REPLY: S.PENDING_CALLBACK, A.REWORK: S.RETURNED},
    S.RETURNED: {A.START: S.IN_PROGRESS, A.REPLY: S.REPLIED},
    S.PENDING_CALLBACK: {A.CLOSE: S.CLOSED, A.REWORK: S.RETURNED},
    S.CLOSED: {A.REQUEST_REOPEN: S.REOPEN_REQUESTED},
    S.REOPEN_REQUESTED: {A.REOPEN: S.RETURNED, A.REFUSE_REOPEN: S.CLOSED},
    S.ANSWERED: {},
    S.REJECTED: {},
    S.MERGED: {},
    S.INVALID: {},
}


def next_status(status: str, action: str) -> S:
    """The status after `action`, or InvalidTransition naming both in Chinese."""
    try:
        return TRANSITIONS[S(status)][A(action)]
    except (KeyError, ValueError):
        status_label = S(status).label if status in S.values else status
        action_label = A(action).label if action in A.values else action
        raise InvalidTransition(f"工单当前状态为「{status_label}」，不能执行「{action_label}」。",
                                detail={"status": status, "action": action}) from None


def allowed_actions(status: str) -> list[A]:
    return list(TRANSITIONS.get(S(status), {}))


def is_open(status: str) -> bool:
    """Open for the public (Open311 status): everything but the terminal states."""
    from yiwang.hotline.constants import TERMINAL_STATUSES

    return S(status) not in TERMINAL_STATUSES
