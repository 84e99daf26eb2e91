"""The handling unit's worklist: tickets of the unit (primary or co-handling) with their clocks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yiwang.core.errors import NotFound
from yiwang.hotline.access import handler_paths, tickets_for_unit
from yiwang.hotline.constants import UNIT_STATUSES, TicketStatus
from yiwang.hotline.pages.common import not_found
from yiwang.hotline.selectors import worklist as worklist_rows


@login_required
def worklist(request):
    if not handler_paths(request.user):
        return not_found(request, NotFound("未找到该页面，或您无权访问。"))
    status = request.GET.get("status", "")
    status = status if status in UNIT_STATUSES else ""
    return render(request, "hotline/worklist.html", {
        "rows": worklist_rows(tickets_for_unit(request.user), status=status), "status": status,
        "statuses": [(s, TicketStatus(s).label) for s in TicketStatus.values if s in UNIT_STATUSES]})
