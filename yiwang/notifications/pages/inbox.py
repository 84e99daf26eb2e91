"""我的消息: the in-app copies of everything the platform told a person (case status changes,
pickup codes …), newest first, with read marks.

Audience: the signed-in person the messages are for. Mounted by config/urls.py as `path("messages/", include("yiwang.notifications.urls"))`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yiwang.core.redirects import is_local_link
from yiwang.notifications.selectors import inbox_message, inbox_of, unread_count, unread_ids_of
from yiwang.notifications.services import notification_mark_read


@login_required
def inbox(request):
    show = request.GET.get("show", "")
    page = Paginator(inbox_of(request.user, unread_only=show == "unread"), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "notifications": page.object_list, "unread_count": unread_count(request.user), "show": show,
        "query": "show=unread" if show == "unread" else ""})


@login_required
@require_POST
def mark_read(request):
    """Mark the chosen messages (or all) as read."""
    if request.POST.get("all"):
        ids = unread_ids_of(request.user)
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if str(i).isdigit()]
    changed = notification_mark_read(recipient=request.user, notification_ids=ids)
    messages.success(request, f"已标记 {changed} 条消息为已读。" if changed else "没有需要标记的未读消息。")
    return redirect("notifications:inbox")


@login_required
@require_POST
def open_message(request, notification_id: int):
    """Open a message's link (its case, usually), marking it read on the way."""
    notification = inbox_message(request.user, notification_id)
    if notification is None:
        messages.error(request, "未找到该消息。")
        return redirect("notifications:inbox")
    notification_mark_read(recipient=request.user, notification_ids=[notification.pk])
    link = notification.link or ""
    # Only links inside this site: a message must never become an open redirect.
    if is_local_link(request, link):
        return redirect(link)
    return redirect("notifications:inbox")
