"""Rating services (writes). One module per part of the domain; import from here."""

from yiwang.ratings.services.appeals import appeal_decide, appeal_file
from yiwang.ratings.services.channels import channel_system_register
from yiwang.ratings.services.provincial import provincial_upload_retry, provincial_upload_run
from yiwang.ratings.services.ratings import (
    fix_rate,
    invitation_send,
    link_target,
    rating_give,
    rating_give_by_link,
    rating_give_via_channel,
)
from yiwang.ratings.services.rectification import (
    rectification_approve,
    rectification_contact,
    rectification_follow_up,
    rectification_report,
    rectification_return,
    rectification_verify,
    rectifications_mark_overdue,
)

__all__ = [
    "appeal_decide",
    "appeal_file",
    "channel_system_register",
    "fix_rate",
    "invitation_send",
    "link_target",
    "provincial_upload_retry",
    "provincial_upload_run",
    "rating_give",
    "rating_give_by_link",
    "rating_give_via_channel",
    "rectification_approve",
    "rectification_contact",
    "rectification_follow_up",
    "rectification_report",
    "rectification_return",
    "rectification_verify",
    "rectifications_mark_overdue",
]
