"""Writes of the hotline, by stage (re-exported here: `from yiwang.hotline import services`)."""

from yiwang.hotline.services.escalation import run_escalation
from yiwang.hotline.services.intake import Location, emergency_refer, ticket_submit
from yiwang.hotline.services.measures import extension_decide, measure_answer, ticket_extension_request, ticket_remind
from yiwang.hotline.services.merging import ticket_merge, ticket_split
from yiwang.hotline.services.ratings import can_rate, ticket_rate
from yiwang.hotline.services.visits import appeal_rate, appeal_submit, visit_check_in, visit_target_create
from yiwang.hotline.services.workflow import (
    dispatch_locked,
    is_street_level,
    ticket_answer,
    ticket_callback,
    ticket_close,
    ticket_co_opinion,
    ticket_decide_reopen,
    ticket_dispatch,
    ticket_hold,
    ticket_invalidate,
    ticket_reject,
    ticket_reply,
    ticket_request_reopen,
    ticket_resume,
    ticket_review_reply,
    ticket_send_back,
    ticket_sign,
    ticket_start,
)

__all__ = [
    "Location", "appeal_rate", "appeal_submit", "can_rate", "dispatch_locked", "emergency_refer", "extension_decide",
    "is_street_level", "measure_answer", "run_escalation", "ticket_answer", "ticket_callback", "ticket_close",
    "ticket_co_opinion", "ticket_decide_reopen", "ticket_dispatch", "ticket_extension_request", "ticket_hold",
    "ticket_invalidate", "ticket_merge", "ticket_rate", "ticket_reject", "ticket_remind", "ticket_reply",
    "ticket_request_reopen", "ticket_resume", "ticket_review_reply", "ticket_send_back", "ticket_sign", "ticket_split",
    "ticket_start", "ticket_submit", "visit_check_in", "visit_target_create",
]
