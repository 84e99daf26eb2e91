"""The applicant's own cases: the list (drafts too), a case's page — clock, timeline, documents;
answering a correction notice, supplying deferred materials, changing the delivery — and
withdrawal. What the applicant may do is access.case_actions_for."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from yiwang.cases import selectors, services
from yiwang.cases.access import access_case_by_id, case_actions_for
from yiwang.cases.constants import CaseStatus, DeliveryMethod, DropOffStatus
from yiwang.cases.forms import DeliveryForm, DropOffForm, ErrorList, WithdrawForm
from yiwang.cases.lifecycle import status_facts
from yiwang.cases.pages.materials import (
    correction_context,
    file_correction,
    kept_files,
    material_entry,
    read_materials,
)
from yiwang.cases.pages.shared import (
    UPLOAD_ACCEPT,
    applicant_required,
    case_page,
    collect,
    place_service_errors,
    progress_path,
    today,
)
from yiwang.core.errors import Conflict, DomainError
from yiwang.notifications.selectors import unread_count

APPLICANT_STATUS_FILTERS = [("", "全部"), ("draft", "草稿"), *CaseStatus.choices]


def pickup_context(case, actor) -> dict | None:
    """The pickup code and a QR code of it for the window's scanner (it types what it reads into
    the clerk's 取件码 box), shown on the owner's own case page only."""
    code = selectors.pickup_code_for_owner(case, actor)
    if not code:
        return None
    label = "取件码二维码"
    # A full QR code (segno would pick a Micro QR for six digits, which window scanners often do
    # not read); sized by the stylesheet (no width/height attributes, only the viewBox).
    svg = segno.make(code, error="m", micro=False).svg_inline(border=4, title=label, svgclass="qr", lineclass=None, omitsize=True)
    # segno's markup holds only the code's modules and our fixed label.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return {"code": code, "qr": mark_safe(svg)}  # noqa: S308


@applicant_required
def my_cases(request):
    status = request.GET.get("status", "")
    errors = ErrorList()
    if status not in dict(APPLICANT_STATUS_FILTERS):
        errors.add("status", "状态筛选无效，已显示全部办件。", "#status")
        status = ""
    drafts = list(selectors.drafts_of(request.user)[:50]) if status in ("", "draft") else []
    page = None
    if status != "draft":
        paginator = Paginator(selectors.cases_of_applicant(request.user, status=status or None), 20)
        page = paginator.get_page(request.GET.get("page"))
    day = today()
    rows = [{"case": c, "clock": selectors.case_clock(c, today=day)} for c in (page.object_list if page else [])]
    return render(request, "cases/my_cases.html", {
        "drafts": drafts, "rows": rows, "page": page, "status": status, "status_filters": APPLICANT_STATUS_FILTERS,
        "errors": errors, "inbox_url": reverse("notifications:inbox"), "unread_count": unread_count(request.user),
        "query": urlencode({"status": status}) if status else ""})


def _locker_context(request, case, drop_off_form: DropOffForm | None = None) -> dict:
    """The locker panel: the drop-off of paper materials (choice while the case awaits acceptance,
    then its state) and where a result waits in a locker."""
    drop_off = selectors.drop_off_of(case.application_id)
    may_drop_off = (case.status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED)
                    and (drop_off is None or drop_off.status == DropOffStatus.AWAITING))
    if may_drop_off and drop_off_form is None:
        choices = selectors.locker_choices(lat=request.GET.get("lat"), lng=request.GET.get("lng"))
        drop_off_form = DropOffForm(choices=choices, prefix="drop_off",
                                    initial={"locker": str(drop_off.locker_id) if drop_off else ""}) if choices else None
    return {"drop_off": drop_off, "drop_off_form": drop_off_form if may_drop_off else None}


def _case_detail_context(request, case, *, errors: ErrorList | None = None, resubmit_values: dict | None = None,
                         delivery_form: DeliveryForm | None = None, kept: dict | None = None,
                         drop_off_form: DropOffForm | None = None) -> dict:
    errors = errors or ErrorList()
    kept = kept or {}
    actions = case_actions_for(actor=request.user, case=case)
    correction = (correction_context(case, errors=errors, values=resubmit_values, kept=kept)
                  if actions.may_resubmit else None)
    supplement = None
    if actions.may_supplement:
        deferral = selectors.pending_deferral(case)
        supplement = {"deferral": deferral, "materials": [
            material_entry(r, errors=errors, extra={"kept": selectors.owned_files(case.applicant, [kept.get(r.pk)]).get(kept.get(r.pk))})
            for r in selectors.pending_deferred_requirements(case, deferral)]}
    delivery = getattr(case.application, "delivery", None)
    locker_list = selectors.lockers()
    if actions.may_change_delivery and delivery_form is None:
        delivery_form = DeliveryForm(initial={"method": delivery.method, "address": delivery.address,
                                              "locker": str(delivery.locker_id or ""), "recipient_name": delivery.recipient_name,
                                              "recipient_phone": delivery.recipient_phone}, lockers=locker_list, prefix="delivery")
    return {
        "case": case, "application": case.application, "actions": actions, "state": status_facts(case.status),
        "clock": selectors.case_clock(case, today=today()),
        "timeline": selectors.applicant_timeline(case), "documents": selectors.case_documents(case),
        "materials": selectors.case_materials(case), "form_rows": selectors.case_form_rows(case, for_staff=False),
        "correction": correction, "supplement": supplement, "delivery": delivery, "refusal": selectors.refusal_of(case),
        "delivery_form": delivery_form if actions.may_change_delivery else None, "has_lockers": bool(locker_list),
        "closure": selectors.case_closure(case), "progress_url": progress_path(case), "errors": errors,
        "accept": UPLOAD_ACCEPT, "reusable": (selectors.reusable_files_for(case.applicant, actor=request.user)
                     if (correction or supplement) else []),
        "panels": selectors.case_page_panels(case=case, actor=request.user, audience="applicant"),
        "pickup": pickup_context(case, request.user),
        **_locker_context(request, case, drop_off_form),
    }


@applicant_required
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id)
    return case_page(request, case, template="cases/case_detail.html", context=_case_detail_context,
                     actions={"resubmit": _resubmit, "supplement": _supplement, "delivery": _delivery,
                              "drop_off": _drop_off},
                     url_name="cases:case_detail")


def _resubmit(request, case):
    correction = correction_context(case, errors=ErrorList()) if case_actions_for(actor=request.user, case=case).may_resubmit else None
    if correction is None:
        messages.error(request, "该办件当前无需补正。")
        return redirect("cases:case_detail", case.pk)
    done, errors, values, materials = file_correction(request, case, correction, allow_paper=False)
    if done:
        messages.success(request, "已补正并重新提交。受理期限自今天起重新计算。")
        return redirect("cases:case_detail", case.pk)
    context = _case_detail_context(request, case, errors=errors, resubmit_values=values, kept=kept_files(materials))
    return render(request, "cases/case_detail.html", context)


def _supplement(request, case):
    if not case_actions_for(actor=request.user, case=case).may_supplement:
        messages.error(request, "该办件没有待补交的容缺材料。")
        return redirect("cases:case_detail", case.pk)
    context = _case_detail_context(request, case)
    errors = ErrorList()
    materials = read_materials(request, [e["requirement"] for e in context["supplement"]["materials"]],
                               owner=request.user, errors=errors)
    if not errors:
        try:
            services.case_supplement_deferred(actor=request.user, case=case, materials=materials)
        except DomainError as exc:
            place_service_errors(exc, errors)
        else:
            messages.success(request, "容缺材料已补齐。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/case_detail.html", _case_detail_context(request, case, errors=errors,
                                                                           kept=kept_files(materials)))


def _delivery(request, case):
    form = DeliveryForm(request.POST, lockers=selectors.lockers(), prefix="delivery")
    if form.is_valid():
        spec = form.spec()
        try:
            services.delivery_change(actor=request.user, application=case.application, method=spec["method"],
                                     address=spec["address"], locker_id=spec["locker"],
                                     recipient_name=spec["recipient_name"], recipient_phone=spec["recipient_phone"])
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("cases:case_detail", case.pk)
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"送达方式已改为「{DeliveryMethod(spec['method']).label}」。")
            return redirect("cases:case_detail", case.pk)
    errors = collect(ErrorList(), (form, "delivery-change"))
    return render(request, "cases/case_detail.html", _case_detail_context(request, case, errors=errors, delivery_form=form))


def _drop_off(request, case):
    form = DropOffForm(request.POST, choices=selectors.locker_choices(), prefix="drop_off")
    if form.is_valid():
        try:
            drop_off = services.drop_off_request(actor=request.user, application=case.application,
                                                 locker_id=int(form.cleaned_data["locker"]))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("cases:case_detail", case.pk)
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已选择信包箱 {drop_off.locker}（{drop_off.compartment} 号格口），"
                                      "开箱码已发送到您的手机和“我的消息”。")
            return redirect("cases:case_detail", case.pk)
    errors = collect(ErrorList(), (form, "drop-off"))
    return render(request, "cases/case_detail.html", _case_detail_context(request, case, errors=errors, drop_off_form=form))


@applicant_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id)
    if not case_actions_for(actor=request.user, case=case).may_withdraw:
        messages.error(request, f"办件当前状态为「{case.get_status_display()}」，已不能撤回。")
        return redirect("cases:case_detail", case.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_withdraw(actor=request.user, case=case, reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "申请已撤回。")
        return redirect("cases:case_detail", case.pk)
    return render(request, "cases/case_withdraw.html", {"case": case, "form": form})
