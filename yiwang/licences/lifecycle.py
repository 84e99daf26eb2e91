"""A licence's states as data: {status: {action: next status}}. Pure; no database.

行政许可法 §69 (撤销), §70 (注销: expiry without renewal, the holder's death or dissolution, a
licence revoked or withdrawn — each ends in 注销), 行政处罚法 §9 (吊销 is a penalty). A renewal
(§50) or a change (§49) issues a new version; the old one is superseded, whatever state it is in
that still allows it (an expired licence may be renewed late by a new decision).
"""

from yiwang.core.errors import InvalidTransition
from yiwang.licences.constants import LicenceAction as A
from yiwang.licences.constants import LicenceStatus as S

TRANSITIONS: dict[S, dict[A, S]] = {
    S.VALID: {
        A.EXPIRE: S.EXPIRED,
        A.REVOKE: S.REVOKED,
        A.CANCEL: S.CANCELLED,
        A.WITHDRAW: S.WITHDRAWN,
        A.SUPERSEDE: S.SUPERSEDED,
    },
    S.EXPIRED: {
        A.CANCEL: S.CANCELLED,
        A.REVOKE: S.REVOKED,  # a decision found unlawful after the licence ran out is still revoked
        A.SUPERSEDE: S.SUPERSEDED,
    },
    S.REVOKED: {A.CANCEL: S.CANCELLED},
    S.WITHDRAWN: {A.CANCEL: S.CANCELLED},
    S.CANCELLED: {},
    S.SUPERSEDED: {},
}

# Actions a person takes (the system expires and supersedes).
STAFF_ACTIONS = (A.REVOKE, A.CANCEL, A.WITHDRAW)


def next_status(status: str, action: str) -> S:
    try:
        return TRANSITIONS[S(status)][A(action)]
    except (KeyError, ValueError):
        status_label = S(status).label if status in S.values else status
        action_label = A(action).label if action in A.values else action
        raise InvalidTransition(f"证照当前状态为「{status_label}」，不能执行「{action_label}」。",
                                detail={"status": status, "action": action}) from None


def allowed_actions(status: str) -> list[A]:
    return list(TRANSITIONS.get(S(status), {}))
