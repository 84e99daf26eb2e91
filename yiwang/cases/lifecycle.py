"""The law's case states as data: {status: {action: next status}}. Pure; no database.

行政许可法: §32 acceptance (or correction notice / refusal within 5 working days, else deemed
accepted), §42 decision within the limit (+ extension), §45 special procedures pause the clock,
§44 delivery within 10 days of the decision. Withdrawal is possible until a decision is made.
"""

from dataclasses import dataclass

from yiwang.cases.constants import CLOSED_STATUSES
from yiwang.cases.constants import CaseAction as A
from yiwang.cases.constants import CaseStatus as S
from yiwang.core.errors import InvalidTransition

TRANSITIONS: dict[S, dict[A, S]] = {
    # 免申即享 (channel proactive): the platform prepared the case; receipt happens on confirmation.
    S.AWAITING_CONFIRMATION: {
        A.CONFIRM: S.SUBMITTED,
        A.DECLINE: S.WITHDRAWN,
        A.LAPSE: S.TERMINATED,
    },
    S.SUBMITTED: {
        A.ACCEPT: S.ACCEPTED,
        A.DEEM_ACCEPT: S.ACCEPTED,
        A.REQUEST_CORRECTIONS: S.CORRECTION_REQUESTED,
        A.REFUSE: S.REFUSED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.CORRECTION_REQUESTED: {
        A.RESUBMIT: S.SUBMITTED,
        A.REFUSE: S.REFUSED,
        A.WITHDRAW: S.WITHDRAWN,
        A.TERMINATE: S.TERMINATED,
    },
    S.ACCEPTED: {
        A.START_REVIEW: S.UNDER_REVIEW,
        A.WITHDRAW: S.WITHDRAWN,
        A.TERMINATE: S.TERMINATED,  # waiting for a case it depends on, which was refused (a bundle)
    },
    S.UNDER_REVIEW: {
        A.PAUSE: S.SUSPENDED,
        A.APPROVE: S.APPROVED,
        A.DENY: S.DENIED,
        A.WITHDRAW: S.WITHDRAWN,
        A.TERMINATE: S.TERMINATED,
    },
    S.SUSPENDED: {
        A.RESUME: S.UNDER_REVIEW,
        A.WITHDRAW: S.WITHDRAWN,
        A.TERMINATE: S.TERMINATED,
    },
    S.APPROVED: {
        A.CONCLUDE: S.CONCLUDED,
        A.TERMINATE: S.TERMINATED,  # deferred materials never came: the result is not issued
        A.REVOKE: S.REVOKED,
    },
    S.DENIED: {
        A.CONCLUDE: S.CONCLUDED,
    },
    S.CONCLUDED: {
        A.DELIVER: S.DELIVERED,
        A.REVOKE: S.REVOKED,
    },
    S.DELIVERED: {
        A.REVOKE: S.REVOKED,  # a commitment found false after delivery
    },
    S.REFUSED: {},
    S.WITHDRAWN: {},
    S.TERMINATED: {},
    S.REVOKED: {},
}


def next_status(status: str, action: str) -> S:
    """The status after `action`, or InvalidTransition naming both in Chinese."""
    try:
        return TRANSITIONS[S(status)][A(action)]
    except (KeyError, ValueError):
        status_label = S(status).label if status in S.values else status
        action_label = A(action).label if action in A.values else action
        raise InvalidTransition(
            f"办件当前状态为「{status_label}」，不能执行「{action_label}」。",
            detail={"status": status, "action": action},
        ) from None


def allowed_actions(status: str) -> list[A]:
    return list(TRANSITIONS.get(S(status), {}))


def may(status: str, action: str) -> bool:
    """Whether the table allows `action` from `status` (no error, for offering a button)."""
    return A(action) in TRANSITIONS.get(S(status), {})


# Statuses in which a decision stands and its result may still be withheld or handed over.
DECIDED = frozenset({S.APPROVED, S.DENIED})
# Deferred (容缺) materials are awaited while the case is reviewed, paused or approved-but-withheld.
AWAITING_DEFERRED = frozenset({S.UNDER_REVIEW, S.SUSPENDED, S.APPROVED})


@dataclass(frozen=True)
class StatusFacts:
    """What a status means for what the pages show (never who may act: access.case_actions_for)."""

    awaiting_confirmation: bool  # 免申即享: prepared by the platform, waits for the subject (no clock)
    awaiting_acceptance: bool  # submitted: the §32 period runs
    awaiting_correction: bool  # the one-time notice waits for the applicant
    concluded: bool  # 办结: the result waits to be handed over
    revoked: bool  # the decision was revoked: it and its result no longer stand
    ended_early: bool  # terminated or revoked: the reason is shown
    suspended: bool  # a special procedure pauses the clock and the tasks
    clock_stopped: bool  # decided or finished: no countdown


def status_facts(status: str) -> StatusFacts:
    s = S(status)
    return StatusFacts(
        awaiting_confirmation=s == S.AWAITING_CONFIRMATION, awaiting_acceptance=s == S.SUBMITTED, awaiting_correction=s == S.CORRECTION_REQUESTED,
        concluded=s == S.CONCLUDED, revoked=s == S.REVOKED, ended_early=s in (S.TERMINATED, S.REVOKED),
        suspended=s == S.SUSPENDED,
        clock_stopped=s in CLOSED_STATUSES or s in (S.APPROVED, S.DENIED, S.CONCLUDED, S.AWAITING_CONFIRMATION))
