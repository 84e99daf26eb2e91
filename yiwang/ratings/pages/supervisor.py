"""Supervision: overdue rectifications (the periodic sweep's warnings), appeals to decide at the
higher level, and the indicators with their charts."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from yiwang.core.errors import DomainError
from yiwang.ratings import charts, selectors, services
from yiwang.ratings.access import (
    APPEAL_DECIDER_ROLES,
    INDICATOR_ROLES,
    LEADER_ROLES,
    SUPERVISOR_ROLES,
    UNIT_ROLES,
    access_appeal_by_id,
    can_decide_appeal,
    indicator_scope,
)
from yiwang.ratings.constants import BadReason
from yiwang.ratings.pages.common import PageErrors, staff_required, yes_no

SUPERVISION_PAGE_ROLES = (*SUPERVISOR_ROLES, *LEADER_ROLES, *APPEAL_DECIDER_ROLES)


@staff_required(*SUPERVISION_PAGE_ROLES)
@require_GET
def supervision(request):
    overdue = [{"r": r, "clock": selectors.rectification_clock(r)} for r in selectors.overdue_rectifications(request.user)[:200]]
    return render(request, "ratings/supervision.html", {
        "overdue": overdue, "appeals": list(selectors.pending_appeals(request.user)[:100]),
    })


@staff_required(*APPEAL_DECIDER_ROLES, *UNIT_ROLES)
@require_http_methods(["GET", "POST"])
def appeal_page(request, appeal_id: int):
    appeal = access_appeal_by_id(actor=request.user, appeal_id=appeal_id)
    errors, form = PageErrors(), {}
    if request.method == "POST":
        form = {"upheld": request.POST.get("upheld", ""), "reason": request.POST.get("reason", "")}
        try:
            services.appeal_decide(actor=request.user, appeal=appeal, upheld=yes_no(form["upheld"]), reason=form["reason"])
        except DomainError as exc:
            errors.take(exc, prefix="decide-")
        else:
            messages.success(request, "复核意见已记录。")
            return redirect("ratings:appeal", appeal.pk)
    rating = appeal.rating
    return render(request, "ratings/appeal.html", {
        "appeal": appeal, "rating": rating, "can_decide": can_decide_appeal(actor=request.user, appeal=appeal),
        "reasons": [BadReason(x).label for x in rating.reasons if x in BadReason.values],
        "errors": errors, "form": form,
    }, status=400 if errors else 200)


def _period(request) -> tuple[selectors.Period, list[str]]:
    default = selectors.Period.last_year()
    problems = []

    def day(name: str, fallback: date) -> date:
        raw = request.GET.get(name, "")
        if not raw:
            return fallback
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            problems.append(f"日期“{raw[:10]}”格式应为 年-月-日（如 2026-01-31），已按默认统计期显示。")
            return fallback

    since, until = day("since", default.since), day("until", default.until)
    if since > until:
        problems.append("开始日期晚于结束日期，已按默认统计期显示。")
        since, until = default.since, default.until
    return selectors.Period(since, until), problems


@staff_required(*INDICATOR_ROLES)
@require_GET
def indicators_page(request):
    dimension = request.GET.get("by", "agency")
    if dimension not in selectors.DIMENSIONS:
        dimension = "agency"
    period, problems = _period(request)
    scope = indicator_scope(request.user)
    rows, totals = selectors.indicator_table(dimension=dimension, period=period, scope=scope)
    trend = selectors.monthly_trend(period=period, scope=scope)
    label = selectors.DIMENSIONS[dimension][2]
    return render(request, "ratings/indicators.html", {
        "rows": rows, "totals": totals, "period": period,
        "dimension": dimension, "dimensions": [(k, v[2]) for k, v in selectors.DIMENSIONS.items()], "label": label,
        "definitions": selectors.DEFINITIONS, "problems": problems,
        "satisfaction_chart": charts.rate_chart(rows, value=lambda r: r.satisfaction_rate, title=f"各{label}满意率",
                                                description=f"按评价数排序的前 15 个{label}的满意率。"),
        "on_time_chart": charts.rate_chart(rows, value=lambda r: r.on_time_rate, title=f"各{label}按期整改率",
                                           description=f"前 15 个{label}已到期差评中按期反馈结果的比例；无到期差评的显示“—”。"),
        "trend_chart": charts.count_chart([(m.name, m.ratings) for _, m in trend], title="每月评价数",
                                          description="统计期内每个月的评价条数。"),
    })
