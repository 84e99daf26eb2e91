"""The state machines of bookings, queue tickets, assisted-service requests and key projects, as
transition tables: {status: {action: next status}}. Pure: no database, no clock."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from yiwang.appointments.constants import AssistanceAction as AA
from yiwang.appointments.constants import AssistanceStatus as AS
from yiwang.appointments.constants import BookingAction as BA
from yiwang.appointments.constants import BookingStatus as BS
from yiwang.appointments.constants import ProjectAction as PA
from yiwang.appointments.constants import ProjectStage as PS
from yiwang.appointments.constants import TicketAction as TA
from yiwang.appointments.constants import TicketStatus as TS
from yiwang.core.errors import InvalidTransition

BOOKING_TRANSITIONS: dict[str, dict[str, str]] = {
    BS.BOOKED: {BA.CHANGE: BS.BOOKED, BA.CANCEL: BS.CANCELLED, BA.CHECK_IN: BS.CHECKED_IN,
                # An applicant who walks straight to the window without checking in is still served.
                BA.SERVE: BS.SERVED, BA.NO_SHOW: BS.NO_SHOW, BA.HALL_CANCEL: BS.CANCELLED_BY_HALL},
    BS.CHECKED_IN: {BA.SERVE: BS.SERVED},
    BS.SERVED: {},
    BS.CANCELLED: {},
    BS.CANCELLED_BY_HALL: {},
    BS.NO_SHOW: {},
}

TICKET_TRANSITIONS: dict[str, dict[str, str]] = {
    TS.WAITING: {TA.CALL: TS.CALLED, TA.CANCEL: TS.CANCELLED},
    TS.CALLED: {TA.RECALL: TS.CALLED, TA.SKIP: TS.NO_SHOW, TA.START: TS.SERVING},
    TS.SERVING: {TA.FINISH: TS.FINISHED},
    TS.FINISHED: {},
    TS.NO_SHOW: {},
    TS.CANCELLED: {},
}

ASSISTANCE_TRANSITIONS: dict[str, dict[str, str]] = {
    AS.SUBMITTED: {AA.ASSIGN: AS.ASSIGNED, AA.CANCEL: AS.CANCELLED, AA.DECLINE: AS.DECLINED, AA.NOTE: AS.SUBMITTED},
    AS.ASSIGNED: {AA.ASSIGN: AS.ASSIGNED, AA.START: AS.IN_PROGRESS, AA.CANCEL: AS.CANCELLED, AA.DECLINE: AS.DECLINED,
                  AA.NOTE: AS.ASSIGNED},
    AS.IN_PROGRESS: {AA.ASSIGN: AS.IN_PROGRESS, AA.NOTE: AS.IN_PROGRESS, AA.COMPLETE: AS.COMPLETED,
                     AA.DECLINE: AS.DECLINED},
    # Rating changes nothing but the rating; it is an action of the completed request.
    AS.COMPLETED: {AA.RATE: AS.COMPLETED},
    AS.CANCELLED: {},
    AS.DECLINED: {},
}

PROJECT_TRANSITIONS: dict[str, dict[str, str]] = {
    PS.PRE_REVIEW: {PA.ADVANCE: PS.IN_REVIEW, PA.CLOSE: PS.CLOSED},
    PS.IN_REVIEW: {PA.ADVANCE: PS.POST_REVIEW, PA.CLOSE: PS.CLOSED},
    PS.POST_REVIEW: {PA.ADVANCE: PS.CLOSED, PA.CLOSE: PS.CLOSED},
    PS.CLOSED: {PA.REOPEN: PS.POST_REVIEW},
}

_LABELS: dict[int, tuple[type[models.TextChoices], type[models.TextChoices], str]] = {
    id(BOOKING_TRANSITIONS): (BS, BA, "预约"),
    id(TICKET_TRANSITIONS): (TS, TA, "号码"),
    id(ASSISTANCE_TRANSITIONS): (AS, AA, "帮办代办申请"),
    id(PROJECT_TRANSITIONS): (PS, PA, "重点项目"),
}


def allowed_actions(table: Mapping[str, Mapping[str, str]], status: str) -> list[str]:
    return list(table.get(status, {}))


def next_status(table: Mapping[str, Mapping[str, str]], status: str, action: str) -> str:
    """The status after `action`, or InvalidTransition saying in Chinese why not."""
    target = table.get(status, {}).get(action)
    if target is not None:
        return target
    statuses, actions, what = _LABELS[id(table)]
    status_label = statuses(status).label if status in statuses.values else status
    action_label = actions(action).label if action in actions.values else action
    raise InvalidTransition(f"该{what}当前状态为“{status_label}”，不能“{action_label}”。",
                            code="invalid_transition", detail={"status": status, "action": action})
