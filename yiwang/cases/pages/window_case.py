"""The general window's case page: the materials check, eligibility, acceptance (normal, deferred,
commitment), the one-time correction notice, a walk-in applicant's correction, refusal; documents;
hand-over (pickup code, tracking number, a lost code sent again); paper materials of city-wide
cases; deferred materials received. What the clerk may do is access.case_actions_for."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yiwang.accounts.network import client_ip
from yiwang.cases import selectors, services
from yiwang.cases.access import access_case_for_window, case_actions_for
from yiwang.cases.constants import AcceptanceMode, DeliveryMethod
from yiwang.cases.deadlines import due_if_accepted
from yiwang.cases.forms import (
    CommitmentForm,
    CorrectionRow,
    DeferralForm,
    ErrorList,
    MailForm,
    PickupForm,
    RefusalForm,
    TransferForm,
    correction_rows_from_post,
)
from yiwang.cases.pages.materials import correction_context, file_correction, kept_files, material_entry, read_materials
from yiwang.cases.pages.shared import UPLOAD_ACCEPT, case_page, collect, place_service_errors, progress_path, staff_page, today
from yiwang.cases.services.intake import accepts_paper
from yiwang.catalog.constants import MaterialNecessity
from yiwang.core.errors import Conflict, DomainError, ValidationFailed
from yiwang.orgs.selectors import organisation_by_id


def _deferrable(case) -> list:
    return [r for r in selectors.version_requirements(case.version) if r.necessity == MaterialNecessity.DEFERRABLE]


def _clerk_case_context(request, case, *, errors: ErrorList | None = None, forms: dict | None = None,
                        rows=None, open_panel: str = "", resubmit_values: dict | None = None, kept: dict | None = None,
                        paper_ticked: set | None = None) -> dict:
    errors = errors or ErrorList()
    forms = forms or {}
    day = today()
    actions = case_actions_for(actor=request.user, case=case)
    applicant = selectors.case_applicant_for_staff(case)
    context = {
        "case": case, "actions": actions, "clock": selectors.case_clock(case, today=day),
        "materials": selectors.case_materials(case), "applicant_id": applicant["id_number"],
        "applicant_phone": applicant["phone"], "documents": selectors.case_documents(case),
        "timeline": selectors.case_timeline(case), "errors": errors, "open_panel": open_panel,
        "acceptance_days_left": selectors.acceptance_days_left(case, day),
        "progress_url": progress_path(case), "delivery": getattr(case.application, "delivery", None),
        "refusal": selectors.refusal_of(case), "accept": UPLOAD_ACCEPT, "staff_case_url": reverse("cases:staff_case", args=[case.pk]),
        "form_rows": selectors.case_form_rows(case, for_staff=True), "transfers": selectors.case_transfers(case),
        "panels": selectors.case_page_panels(case=case, actor=request.user, audience="window"),
    }
    if actions.may_accept:
        deferrable = _deferrable(case)
        due_hint = due_if_accepted(case, day)
        context.update(
            eligibility=selectors.eligibility(case, on=day), due_hint=due_hint, deferrable=deferrable,
            deferral_form=forms.get("deferral") or DeferralForm(prefix="deferral", materials=deferrable, due_hint=due_hint, initial={
                "form_note": "现场提交纸质原件或网上上传扫描件",
                "commitment_text": "本人承诺在上述期限内补交所列材料；逾期未补交的，同意终止办理。"}),
            commitment_form=forms.get("commitment") or CommitmentForm(prefix="commitment", initial={
                "conditions": "\n".join(str(c) for c in case.version.acceptance_conditions or [] if c),
                "commitment_text": "本人承诺已经符合上述条件，所提供的信息真实、准确、完整，愿意承担虚假承诺的法律责任。"}),
            correction_rows=rows if rows is not None else correction_rows_from_post({}),
            correction_targets=selectors.correction_targets(case))
    if actions.may_refuse:
        context["refusal_form"] = forms.get("refusal") or RefusalForm(prefix="refusal", agencies=selectors.refusal_agencies(case))
    if actions.handover == "mail":
        context["mail_form"] = forms.get("mail") or MailForm(prefix="mail")
    elif actions.handover == "code":
        context["pickup_form"] = forms.get("pickup") or PickupForm(prefix="pickup")
    elif actions.handover == "electronic":
        context["electronic_delivery"] = True
    if actions.may_send_materials:
        context["transfer_form"] = forms.get("transfer") or TransferForm(prefix="transfer")
    if actions.may_record_correction:
        context["correction"] = correction_context(case, errors=errors, values=resubmit_values, kept=kept,
                                                   paper_ticked=paper_ticked)
        context["reusable"] = (selectors.reusable_files_for(case.applicant, actor=request.user)
                                 if context["correction"] else [])
    if actions.may_receive_deferred:
        deferral = selectors.pending_deferral(case)
        context["supplement"] = {"deferral": deferral, "materials": [
            material_entry(r, errors=errors) for r in selectors.pending_deferred_requirements(case, deferral)],
            "allow_paper": accepts_paper(case.application.channel)}
    return context


@staff_page("window_case")
@require_http_methods(["GET", "POST"])
def clerk_case(request, case_id: int):
    case = access_case_for_window(actor=request.user, case_id=case_id)
    return case_page(request, case, template="cases/clerk_case.html", context=_clerk_case_context,
                     actions=_CLERK_ACTIONS, url_name="cases:clerk_case")


def _back(case):
    return redirect("cases:clerk_case", case.pk)


def _rerender(request, case, **context_args):
    # A service that refused may already have changed this object before raising (case_accept
    # starts the clock, then finds the deferral invalid); the transaction rolled the database back,
    # not the object, so read it again or the page shows a due date for a case not accepted.
    case.refresh_from_db()
    return render(request, "cases/clerk_case.html", _clerk_case_context(request, case, **context_args))


def _accepted_message(case) -> str:
    case.refresh_from_db()
    due = f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日" if case.due_on else "—"
    note = "（暂定：该年节假日尚未公布）" if case.due_provisional else ""
    return f"已受理（{case.get_acceptance_mode_display()}），承诺办结期限 {due}{note}。请打印受理通知书交申请人。"


def _accept(request, case):
    try:
        services.case_accept(actor=request.user, case=case, mode=AcceptanceMode.NORMAL)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case)
    messages.success(request, _accepted_message(case))
    return _back(case)


def _accept_deferred(request, case):
    form = DeferralForm(request.POST, prefix="deferral", materials=_deferrable(case), due_hint=due_if_accepted(case, today()))
    if form.is_valid():
        try:
            services.case_accept(actor=request.user, case=case, mode=AcceptanceMode.DEFERRED, deferral=form.spec())
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _accepted_message(case) + " 容缺受理通知书已出具。")
            return _back(case)
    errors = collect(ErrorList(), (form, "accept-deferred"))
    return _rerender(request, case, errors=errors, forms={"deferral": form}, open_panel="deferred")


def _accept_commitment(request, case):
    form = CommitmentForm(request.POST, prefix="commitment")
    if form.is_valid():
        try:
            services.case_accept(actor=request.user, case=case, mode=AcceptanceMode.COMMITMENT, commitment=form.spec())
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _accepted_message(case) + " 告知承诺书已出具。")
            return _back(case)
    errors = collect(ErrorList(), (form, "accept-commitment"))
    return _rerender(request, case, errors=errors, forms={"commitment": form}, open_panel="commitment")


def _corrections(request, case, *, add_row: bool = False):
    rows = correction_rows_from_post(request.POST)
    if add_row:
        rows.append(CorrectionRow(len(rows)))
        context = _clerk_case_context(request, case, rows=rows, open_panel="corrections")
        context["focus_row"] = len(rows) - 1
        return render(request, "cases/clerk_case.html", context)
    filled = [row for row in rows if not row.blank]
    errors = ErrorList()
    try:
        notice = services.case_request_corrections(
            actor=request.user, case=case, items=[{"target": r.target, "problem": r.problem, "fix": r.fix} for r in filled])
    except ValidationFailed as exc:
        for error in exc.errors:
            match = re.fullmatch(r"items\[(\d+)\]", error.field)
            if match and int(match.group(1)) < len(filled):
                row = filled[int(match.group(1))]
                row.errors.append(error.message)
                errors.add(f"items.{row.index}", f"第 {row.index + 1} 项：{error.message}", f"#problem-{row.index}")
            else:
                errors.add("items", error.message, "#problem-0")
    except DomainError as exc:
        errors.add("items", exc.message, "#problem-0")
    else:
        messages.success(request, f"已出具一次性告知书（共 {len(notice.items)} 项），已通知申请人补正。")
        return _back(case)
    return _rerender(request, case, errors=errors, rows=rows, open_panel="corrections")


def _refuse(request, case):
    form = RefusalForm(request.POST, prefix="refusal", agencies=selectors.refusal_agencies(case))
    if form.is_valid():
        data = form.cleaned_data
        agency = organisation_by_id(data["competent_agency"]) if data.get("competent_agency") else None
        try:
            services.case_refuse(actor=request.user, case=case, reason=data.get("reason", ""), legal_basis=data.get("legal_basis", ""),
                                 competent_agency=agency, competent_agency_note=data.get("competent_agency_note", ""))
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已作出不予受理决定，请打印不予受理决定书交申请人。")
            return _back(case)
    errors = collect(ErrorList(), (form, "refuse"))
    return _rerender(request, case, errors=errors, forms={"refusal": form}, open_panel="refuse")


def _deliver(request, case):
    mail = case.application.delivery.method == DeliveryMethod.MAIL
    form = MailForm(request.POST, prefix="mail") if mail else PickupForm(request.POST, prefix="pickup")
    form.is_valid()
    try:
        services.case_deliver(actor=request.user, case=case, pickup_code=form.cleaned_data.get("pickup_code", ""),
                              tracking_number=form.cleaned_data.get("tracking_number", ""), client=client_ip(request))
    except (ValidationFailed, DomainError) as exc:
        if isinstance(exc, Conflict):
            messages.error(request, exc.message)
            return _back(case)
        form.add_service_errors(exc)
        errors = collect(ErrorList(), (form, "deliver"))
        return _rerender(request, case, errors=errors, forms={"mail" if mail else "pickup": form})
    messages.success(request, "已送达：办理结果已交付申请人。" if not mail else "已登记邮寄，办理结果已寄出。")
    return _back(case)


def _reissue_code(request, case):
    try:
        services.pickup_code_reissue(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "新的取件码已发送到申请人的注册手机和站内消息，原取件码已作废。请申请人出示新取件码。")
    return _back(case)


def _transfer(request, case):
    form = TransferForm(request.POST, prefix="transfer")
    form.is_valid()
    try:
        services.material_transfer_send(actor=request.user, case=case, tracking_number=form.cleaned_data.get("tracking_number", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记纸质材料寄往「{case.agency.name}」。")
    return _back(case)


def _supplement(request, case):
    deferral = selectors.pending_deferral(case)
    if deferral is None:
        messages.error(request, "该办件没有待补交的容缺材料。")
        return _back(case)
    errors = ErrorList()
    allow_paper = accepts_paper(case.application.channel)
    materials = read_materials(request, selectors.deferred_requirements(deferral), owner=case.applicant, errors=errors,
                               allow_paper=allow_paper)
    if not errors:
        try:
            services.case_supplement_deferred(actor=request.user, case=case, materials=materials)
        except DomainError as exc:
            place_service_errors(exc, errors)
        else:
            messages.success(request, "容缺材料已补齐。")
            return _back(case)
    return _rerender(request, case, errors=errors)


def _resubmit(request, case):
    """A walk-in applicant brings what the one-time notice asked for: the clerk records the corrected
    fields, ticks the paper originals received (or scans them), and receipt starts again today."""
    may = case_actions_for(actor=request.user, case=case).may_record_correction
    correction = correction_context(case, errors=ErrorList()) if may else None
    if correction is None:
        messages.error(request, "该办件当前无需补正。")
        return _back(case)
    done, errors, values, materials = file_correction(request, case, correction, allow_paper=True)
    if done:
        case.refresh_from_db()
        due = case.acceptance_due_on
        messages.success(request, f"已登记补正，办件重新进入受理环节；受理期限至 {due.year}年{due.month}月{due.day}日。")
        return _back(case)
    paper = {int(k) for k, v in materials.items() if isinstance(v, dict) and v.get("paper")}
    return _rerender(request, case, errors=errors, open_panel="resubmit", resubmit_values=values,
                     kept=kept_files(materials), paper_ticked=paper)


_CLERK_ACTIONS = {
    "accept": _accept,
    "resubmit": _resubmit,
    "accept_deferred": _accept_deferred,
    "accept_commitment": _accept_commitment,
    "corrections": _corrections,
    "corrections_add_row": lambda request, case: _corrections(request, case, add_row=True),
    "refuse": _refuse,
    "deliver": _deliver,
    "reissue_code": _reissue_code,
    "transfer": _transfer,
    "supplement": _supplement,
}
