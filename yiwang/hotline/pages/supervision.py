"""Supervisors and leaders: overdue tickets, open reminders and supervision, extension requests,
the ten oldest open tickets, indicators with charts, and hot spots with the heat layer."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from yiwang.core.errors import NotFound
from yiwang.hotline import charts
from yiwang.hotline.access import can_see_indicators
from yiwang.hotline.pages.common import not_found
from yiwang.hotline.selectors import (
    HEAT_BBOX,
    PLACES,
    escalation_rules,
    heat_cells,
    hotspots,
    indicators,
    monthly_indicators,
    oldest_open,
    open_extension_requests,
    open_measures,
    overdue_tickets,
)


def _period(request) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - timedelta(days=89)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    if end < start or (end - start).days > 800:
        start, end = today - timedelta(days=89), today
    return start, end


def _guard(request):
    if not can_see_indicators(request.user):
        return not_found(request, NotFound("未找到该页面，或您无权访问。"))
    return None


@login_required
def supervision(request):
    if (refused := _guard(request)) is not None:
        return refused
    return render(request, "hotline/supervision.html", {
        "overdue": overdue_tickets(), "measures": open_measures(), "extensions": open_extension_requests(),
        "oldest": oldest_open(10), "rules": escalation_rules()})


@login_required
def indicator_page(request):
    if (refused := _guard(request)) is not None:
        return refused
    start, end = _period(request)
    figures = indicators(start=start, end=end)
    monthly = monthly_indicators(12)
    bars = [(name, figures[key]) for key, name in (("response_rate", "响应率"), ("on_time_rate", "按时办结率"),
                                                   ("resolution_rate", "解决率"), ("satisfaction_rate", "满意率"))
            if figures[key] is not None]
    return render(request, "hotline/indicators.html", {
        "start": start, "end": end, "figures": figures,
        "bars": charts.bar_chart(bars, label=f"{start} 至 {end} 各项指标（%）", unit="%", max_value=100.0),
        "trend": charts.column_chart(monthly["series"], monthly["months"], label="近 12 个月指标走势（%）"),
        "monthly": monthly})


@login_required
def hotspot_page(request):
    if (refused := _guard(request)) is not None:
        return refused
    start, end = _period(request)
    cells = heat_cells(start=start, end=end)
    return render(request, "hotline/hotspots.html", {
        "start": start, "end": end, "rows": hotspots(start=start, end=end),
        "heat": charts.heat_map(cells, rows=16, cols=24, bbox=HEAT_BBOX, places=PLACES,
                                label=f"{start} 至 {end} 诉求热力分布（按经纬度网格统计）"),
        "located": sum(cells.values())})
