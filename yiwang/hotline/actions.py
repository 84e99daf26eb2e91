"""What follows a ticket event: tell the caller (and, after a merge, every caller of the merged
tickets — they get the master's reply). Notifications are an outbox written in the same
transaction; their SMS copies leave after commit (yiwang.notifications)."""

from __future__ import annotations

from yiwang.hotline.models import Ticket


def _callers(ticket: Ticket) -> list:
    users = [ticket.caller_user] if ticket.caller_user_id else []
    for merged in ticket.merged.select_related("caller_user"):
        if merged.caller_user_id and merged.caller_user not in users:
            users.append(merged.caller_user)
    return users


def _notify(ticket: Ticket, *, topic: str, title: str, body: str, recipients=None) -> None:
    from yiwang.notifications.services import notify

    for user in recipients if recipients is not None else _callers(ticket):
        notify(recipient=user, topic=f"hotline.{topic}", title=title, body=body,
               link=f"/hotline/mine/{ticket.number}/", obj=ticket)


def acceptance_notifications(ticket: Ticket) -> list:
    """The caller's notice of acceptance (unsaved rows: intake writes them with the ticket)."""
    from yiwang.notifications.services import build_notifications

    if not ticket.caller_user_id:  # a new ticket has no merged ones
        return []
    return build_notifications(recipient=ticket.caller_user, topic="hotline.accepted", title="12345 诉求已受理",
                               body=f"您的诉求已受理，工单编号 {ticket.number}，查询码 {ticket.lookup_code}。",
                               link=f"/hotline/mine/{ticket.number}/", obj=ticket)


def after_reply_published(ticket: Ticket) -> None:
    _notify(ticket, topic="replied", title="12345 诉求已答复", body=f"工单 {ticket.number} 已答复：{ticket.public_reply[:60]}")


def after_ticket_closed(ticket: Ticket) -> None:
    _notify(ticket, topic="closed", title="12345 诉求已办结",
            body=f"工单 {ticket.number} 已办结，欢迎登录后对办理结果进行评价。")


def after_ticket_merged(ticket: Ticket, master: Ticket) -> None:
    _notify(ticket, topic="merged", title="12345 诉求已并单",
            body=f"您的工单 {ticket.number} 与同一事项的工单 {master.number} 合并办理，答复将同时告知您。",
            recipients=[ticket.caller_user] if ticket.caller_user_id else [])
