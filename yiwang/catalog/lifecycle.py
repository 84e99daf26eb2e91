"""The life of one version of an implementation (its guide), as data. Pure: no database.

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published ──supersede──▶ superseded
                          │  ▲
                   return │  │ submit (after edits)
                          ▼  │
                        returned

Draft and returned versions are editable; submitted and approved ones wait for a person; published
and superseded ones are frozen (models.py guards them). Who may take each action is decided in
services.py (editor / reviewer roles, no self-review), not here.
"""

from __future__ import annotations

from yiwang.catalog.constants import VersionAction, VersionStatus
from yiwang.core.errors import InvalidTransition

TRANSITIONS: dict[VersionStatus, dict[VersionAction, VersionStatus]] = {
    VersionStatus.DRAFT: {VersionAction.SUBMIT: VersionStatus.SUBMITTED},
    VersionStatus.SUBMITTED: {
        VersionAction.APPROVE: VersionStatus.APPROVED,
        VersionAction.RETURN: VersionStatus.RETURNED,
    },
    VersionStatus.RETURNED: {VersionAction.SUBMIT: VersionStatus.SUBMITTED},
    VersionStatus.APPROVED: {VersionAction.PUBLISH: VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: {VersionAction.SUPERSEDE: VersionStatus.SUPERSEDED},
    VersionStatus.SUPERSEDED: {},
}


def allowed_actions(status: str) -> list[VersionAction]:
    return list(TRANSITIONS.get(VersionStatus(status), {}))


def can(status: str, action: str) -> bool:
    return VersionAction(action) in TRANSITIONS.get(VersionStatus(status), {})


def next_status(status: str, action: str) -> VersionStatus:
    """The status after `action`, or InvalidTransition (code `invalid_transition`) naming what is
    possible instead."""
    current = VersionStatus(status)
    act = VersionAction(action)
    try:
        return TRANSITIONS[current][act]
    except KeyError:
        possible = "、".join(a.label for a in TRANSITIONS.get(current, {})) or "无（该版本已不可再变更）"
        raise InvalidTransition(
            f"版本当前状态为「{current.label}」，不能执行「{act.label}」。此状态下可执行：{possible}。",
            detail={"status": current.value, "action": act.value},
        ) from None
