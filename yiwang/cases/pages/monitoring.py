"""Monitoring (电子监察) for supervisors and administrators: open warnings in scope, filtered by
kind and colour."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from yiwang.cases.constants import WarningKind
from yiwang.cases.forms import ErrorList
from yiwang.cases.pages.department import COLOUR_FILTERS
from yiwang.cases.pages.shared import staff_page, today
from yiwang.cases.selectors import case_clock, open_warnings


@staff_page("monitoring")
def warnings(request):
    kind = request.GET.get("kind", "")
    colour = request.GET.get("colour", "")
    errors = ErrorList()
    if kind and kind not in WarningKind.values:
        errors.add("kind", "预警类型筛选无效，已显示全部。", "#kind")
        kind = ""
    if colour not in dict(COLOUR_FILTERS):
        errors.add("colour", "颜色筛选无效，已显示全部。", "#colour")
        colour = ""
    page = Paginator(open_warnings(request.user, kind=kind, colour=colour), 50).get_page(request.GET.get("page"))
    day = today()
    rows = [{"warning": w, "clock": case_clock(w.case, today=day)} for w in page.object_list]
    query = urlencode({k: v for k, v in (("kind", kind), ("colour", colour)) if v})
    return render(request, "cases/warnings.html", {
        "rows": rows, "page": page, "kind": kind, "colour": colour, "kinds": WarningKind.choices,
        "colour_filters": COLOUR_FILTERS, "errors": errors, "query": query})
