"""Enterprise visits (大走访): the leader's key projects and enterprises, check-in on the spot,
appeals (by the leader's team or the enterprise's liaison) carried by tickets, 5-star rating, and
the monthly analysis as SVG charts and a PDF."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.core.errors import DomainError, NotFound
from yiwang.hotline import charts, services
from yiwang.hotline.access import access_visit_target, can_visit, visit_targets_for
from yiwang.hotline.constants import AppealCategory, AppealMode
from yiwang.hotline.models import EnterpriseAppeal
from yiwang.hotline.pages.common import as_float, as_int, field_errors, not_found, text
from yiwang.hotline.selectors import appeal_analysis, visit_coverage


def _month(request) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        first = date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


@login_required
def visits(request):
    targets = list(visit_targets_for(request.user))
    if not targets and not can_visit(request.user):
        return not_found(request, NotFound("未找到该页面，或您无权访问。"))
    today = timezone.localdate()
    return render(request, "hotline/visits.html", {
        "targets": targets, "coverage": visit_coverage(start=today.replace(day=1), end=today, targets=targets),
        "can_report": can_visit(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def target(request, pk):
    try:
        target = access_visit_target(actor=request.user, target_id=pk)
    except NotFound as exc:
        return not_found(request, exc)
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("category", "description", "difficulty", "mode")}
        try:
            appeal = services.appeal_submit(
                actor=request.user, target=target, category=values["category"], description=text(request, "description"),
                difficulty=as_int(values["difficulty"], 0), mode=values["mode"] or AppealMode.DISPATCHED,
                by_liaison=target.liaison_id == request.user.pk)
            messages.success(request, f"诉求已提交，工单编号 {appeal.ticket.number}。")
            return redirect("hotline:visit_target", pk=target.pk)
        except DomainError as exc:
            errors = field_errors(exc)
    appeals = list(EnterpriseAppeal.objects.filter(target=target).select_related("ticket", "ticket__primary_unit"))
    return render(request, "hotline/visit_target.html", {
        "target": target, "appeals": appeals, "checkins": list(target.checkins.all()[:20]), "errors": errors,
        "values": values, "categories": AppealCategory.choices, "modes": AppealMode.choices,
        "is_leader": target.leader_id == request.user.pk, "is_liaison": target.liaison_id == request.user.pk},
        status=400 if errors else 200)


@login_required
@require_POST
def check_in(request, pk):
    try:
        target = access_visit_target(actor=request.user, target_id=pk)
        services.visit_check_in(actor=request.user, target=target, lat=as_float(request.POST.get("lat")),
                                lng=as_float(request.POST.get("lng")), datum=request.POST.get("datum", "wgs84"),
                                note=text(request, "note", 2000))
        messages.success(request, "走访签到已记录。")
    except NotFound as exc:
        return not_found(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("hotline:visit_target", pk=pk)


@login_required
@require_POST
def rate_appeal(request, pk):
    appeal = EnterpriseAppeal.objects.select_related("target").filter(pk=as_int(pk, 0)).first()
    if appeal is None or appeal.target.liaison_id != request.user.pk:
        return not_found(request, NotFound("未找到该诉求。"))
    try:
        services.appeal_rate(actor=request.user, appeal=appeal, stars=as_int(request.POST.get("stars"), 0),
                             note=text(request, "note", 2000))
        messages.success(request, "感谢您的评价。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("hotline:visit_target", pk=appeal.target_id)


def _report(request):
    start, end = _month(request)
    data = appeal_analysis(start=start, end=end)
    return start, end, data


@login_required
def report(request):
    if not can_visit(request.user):
        return not_found(request, NotFound("未找到该页面，或您无权访问。"))
    start, end, data = _report(request)
    return render(request, "hotline/visit_report.html", {
        "start": start, "end": end, "data": data, "month": f"{start:%Y-%m}",
        "chart": charts.bar_chart([(name, share) for name, share in data["shares"]], unit="%",
                                  label=f"{start:%Y 年 %m 月}企业诉求类别占比（%）")})


@login_required
def report_pdf(request):
    if not can_visit(request.user):
        return not_found(request, NotFound("未找到该页面，或您无权访问。"))
    from yiwang.core import pdf

    start, end, data = _report(request)
    flow = [pdf.paragraph(f"{start:%Y 年 %m 月}“大走访”企业诉求分析", "title"),
            pdf.paragraph(f"诉求 {data['total']} 件，办结 {data['done']} 件（办结率 {data['done_rate'] or 0}%），"
                          f"现场协调 {data['on_site']} 件；评价 {data['rated']} 件，五星率 {data['five_star_rate'] or 0}%。"),
            pdf.paragraph("诉求类别占比", "h1"),
            pdf.table([("类别", "占比（%）"), *[(n, f"{s:.2f}") for n, s in data["shares"]]]),
            pdf.paragraph("各区县前三类诉求", "h1"),
            pdf.table([("区县", "前三类（件）"), *[(k, "；".join(f"{c} {n}" for c, n in v)) for k, v in data["per_district"].items()]]),
            pdf.paragraph("各包抓部门前三类诉求", "h1"),
            pdf.table([("部门", "前三类（件）"), *[(k, "；".join(f"{c} {n}" for c, n in v)) for k, v in data["per_department"].items()]])]
    content = pdf.build_pdf(flow, title="大走访企业诉求月度分析", header="西安市“互联网+大走访”", footer="月度分析报告")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visits-{start:%Y-%m}.pdf"'
    return response
