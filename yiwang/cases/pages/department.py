"""The department: the worklist (open tasks, most urgent first, claim) and the case page — form
data (identifiers masked), materials, timeline and task history; claim, complete (a decision with
reasons and legal basis), return, reassign; special procedures, extensions, commitment
verification, paper materials received. What the officer may do: access.case_actions_for and
access.task_actions_for."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yiwang.cases import process_engine, selectors, services
from yiwang.cases.access import (
    access_case_by_id,
    access_task_by_id,
    case_actions_for,
    may_claim_task,
    task_actions_for,
)
from yiwang.cases.constants import TaskStatus
from yiwang.cases.forms import ErrorList, ExtendForm, PauseForm, ReassignForm, TaskCompleteForm, TaskReturnForm, VerifyForm
from yiwang.cases.lifecycle import status_facts
from yiwang.cases.pages.shared import case_page, collect, staff_page, today
from yiwang.core.errors import Conflict, DomainError, NotFound

COLOUR_FILTERS = [("", "全部"), ("none", "正常"), ("yellow", "黄牌"), ("red", "红牌")]
TASK_STATUS_FILTERS = [("", "全部"), (TaskStatus.READY, "待签收"), (TaskStatus.CLAIMED, "办理中")]


@staff_page("worklist")
@require_http_methods(["GET", "POST"])
def worklist(request):
    if request.method == "POST":
        try:
            task = access_task_by_id(actor=request.user, task_id=request.POST.get("task_id"))
            services.task_claim(actor=request.user, task=task)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已签收：{task.case.number} {task.title}。")
        # Back to the same filtered list; only the list's own filters are carried over.
        kept = QueryDict(request.POST.get("next_query", ""))
        back = urlencode({k: kept[k] for k in ("status", "colour", "page") if kept.get(k)})
        return redirect(reverse("cases:worklist") + (f"?{back}" if back else ""))
    status = request.GET.get("status", "")
    colour = request.GET.get("colour", "")
    errors = ErrorList()
    if status not in dict(TASK_STATUS_FILTERS):
        errors.add("status", "状态筛选无效，已显示全部。", "#status")
        status = ""
    if colour not in dict(COLOUR_FILTERS):
        errors.add("colour", "预警颜色筛选无效，已显示全部。", "#colour")
        colour = ""
    tasks = selectors.worklist_for(actor=request.user, status=status or None,
                                   colour=None if not colour else "" if colour == "none" else colour
                                   ).select_related("case__version")
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    day = today()
    rows = [{"task": t, "clock": selectors.case_clock(t.case, today=day), "can_claim": may_claim_task(request.user, t)}
            for t in page.object_list]
    query = urlencode({k: v for k, v in (("status", status), ("colour", colour)) if v})
    return render(request, "cases/worklist.html", {
        "rows": rows, "page": page, "status": status, "colour": colour, "status_filters": TASK_STATUS_FILTERS,
        "colour_filters": COLOUR_FILTERS, "errors": errors, "query": query})


def _task_panels(request, case, forms: dict) -> list[dict]:
    panels = []
    for task in selectors.open_tasks_of(case):
        may = task_actions_for(actor=request.user, task=task, case=case)
        prefix = f"task{task.pk}"
        decision = process_engine.is_decision_task(task.task_key)
        panel = {"task": task, "actions": may, "decision": decision,
                 "role_label": selectors.role_label(task.role)}
        if may.may_complete:
            panel["complete_form"] = forms.get(f"{prefix}-complete") or TaskCompleteForm(
                prefix=f"{prefix}-complete", outcomes=selectors.task_outcomes(task), decision=decision)
            if may.may_return:
                panel["return_form"] = forms.get(f"{prefix}-return") or TaskReturnForm(prefix=f"{prefix}-return")
        if may.may_reassign:
            panel["reassign_form"] = forms.get(f"{prefix}-reassign") or ReassignForm(
                prefix=f"{prefix}-reassign", colleagues=[u for u in selectors.colleagues_for(task) if u.pk != task.assignee_id])
        panels.append(panel)
    return panels


def _staff_case_context(request, case, *, errors: ErrorList | None = None, forms: dict | None = None) -> dict:
    forms = forms or {}
    actions = case_actions_for(actor=request.user, case=case)
    context = {
        "case": case, "actions": actions, "state": status_facts(case.status),
        "clock": selectors.case_clock(case, today=today()),
        "timeline": selectors.case_timeline(case), "history": selectors.finished_tasks_of(case),
        "form_rows": selectors.case_form_rows(case, for_staff=True), "materials": selectors.case_materials(case),
        "documents": selectors.case_documents(case), "applicant_id": selectors.case_applicant_for_staff(case)["id_number"],
        "errors": errors or ErrorList(), "panels": _task_panels(request, case, forms),
        "deferral": selectors.deferral_of(case), "commitment": selectors.commitment_of(case),
        "extensions": selectors.case_extensions(case), "pauses": selectors.case_pauses(case),
        "transfers": selectors.case_transfers(case),
        "acceptance_url": reverse("cases:clerk_case", args=[case.pk]) if actions.may_open_window_page else "",
        "page_panels": selectors.case_page_panels(case=case, actor=request.user, audience="department"),
    }
    if actions.may_pause:
        context["pause_form"] = forms.get("pause") or PauseForm(prefix="pause")
    if actions.may_extend:
        context["extend_form"] = forms.get("extend") or ExtendForm(prefix="extend")
    if actions.may_verify_commitment:
        context["verify_form"] = forms.get("verify") or VerifyForm(prefix="verify")
    return context


@staff_page("staff_case")
@require_http_methods(["GET", "POST"])
def staff_case(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id)
    return case_page(request, case, template="cases/staff_case.html", context=_staff_case_context,
                     actions=_STAFF_ACTIONS, url_name="cases:staff_case")


def _back(case):
    return redirect("cases:staff_case", case.pk)


def _rerender(request, case, *, errors: ErrorList, forms: dict):
    case.refresh_from_db()  # as on the window's page: drop what a refused service call left on the object
    return render(request, "cases/staff_case.html", _staff_case_context(request, case, errors=errors, forms=forms))


def _case_task(request, case):
    return access_task_by_id(actor=request.user, task_id=request.POST.get("task_id"), case=case)


def _claim(request, case):
    try:
        task = services.task_claim(actor=request.user, task=_case_task(request, case))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已签收「{task.title}」。")
    return _back(case)


def _complete(request, case):
    task = _case_task(request, case)
    prefix = f"task{task.pk}-complete"
    decision = process_engine.is_decision_task(task.task_key)
    form = TaskCompleteForm(request.POST, prefix=prefix, outcomes=selectors.task_outcomes(task), decision=decision)
    if form.is_valid():
        data = {"legal_basis": form.cleaned_data.get("legal_basis", "")} if decision else {}
        try:
            services.task_complete(actor=request.user, task=task, outcome=form.cleaned_data.get("outcome", ""),
                                   comment=form.cleaned_data.get("comment", ""), data=data)
        except DomainError as exc:
            if isinstance(exc, Conflict | NotFound) and not exc.field:
                messages.error(request, exc.message)
                return _back(case)
            form.add_service_errors(exc)
        else:
            case.refresh_from_db()
            if case.decision:
                messages.success(request, f"已作出决定：{case.get_decision_display()}。办件状态：{case.get_status_display()}。")
            else:
                messages.success(request, f"已完成「{task.title}」，已转下一步。")
            return _back(case)
    errors = collect(ErrorList(), (form, f"task-{task.pk}"))
    return _rerender(request, case, errors=errors, forms={prefix: form})


def _return(request, case):
    task = _case_task(request, case)
    prefix = f"task{task.pk}-return"
    form = TaskReturnForm(request.POST, prefix=prefix)
    form.is_valid()
    try:
        services.task_return(actor=request.user, task=task, comment=form.cleaned_data.get("comment", ""))
    except DomainError as exc:
        if exc.field:
            form.add_service_errors(exc)
            return _rerender(request, case, errors=collect(ErrorList(), (form, f"task-{task.pk}")), forms={prefix: form})
        messages.error(request, exc.message)
        return _back(case)
    messages.success(request, f"已将「{task.title}」退回上一步。")
    return _back(case)


def _reassign(request, case):
    task = _case_task(request, case)
    prefix = f"task{task.pk}-reassign"
    form = ReassignForm(request.POST, prefix=prefix, colleagues=selectors.colleagues_for(task))
    if form.is_valid():
        to_user = selectors.staff_member_by_id(form.cleaned_data.get("to_user"))
        try:
            services.task_reassign(actor=request.user, task=task, to_user=to_user)
        except DomainError as exc:
            if exc.field:
                form.add_service_errors(exc)
            else:
                messages.error(request, exc.message)
                return _back(case)
        else:
            messages.success(request, f"已将「{task.title}」改派给 {to_user.display_name}。")
            return _back(case)
    return _rerender(request, case, errors=collect(ErrorList(), (form, f"task-{task.pk}")), forms={prefix: form})


def _form_action(request, case, form, call, *, success: str, anchor: str, key: str):
    """Validate `form`, run `call(form)`; field errors go next to the inputs, others to a message."""
    if form.is_valid():
        try:
            call(form)
        except NotFound:
            raise  # not the actor's to do (access.require_*): the same 404 as a missing case
        except DomainError as exc:
            if isinstance(exc, Conflict) and not exc.field:
                messages.error(request, exc.message)
                return _back(case)
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return _back(case)
    return _rerender(request, case, errors=collect(ErrorList(), (form, anchor)), forms={key: form})


def _pause(request, case):
    form = PauseForm(request.POST, prefix="pause")
    return _form_action(
        request, case, form, lambda f: services.case_pause(actor=request.user, case=case, procedure=f.cleaned_data.get("procedure", ""),
                                                           reason=f.cleaned_data.get("reason", ""), expected_days=f.days(),
                                                           first_day=f.cleaned_data.get("first_day"),
                                                           last_day=f.cleaned_data.get("last_day")),
        success="已启动特别程序，暂停计时；特别程序告知书已出具。", anchor="pause", key="pause")


def _resume(request, case):
    text = (request.POST.get("last_day") or "").strip()
    try:
        last_day = date.fromisoformat(text) if text else None
    except ValueError:
        messages.error(request, "特别程序的最后一日格式无效（年-月-日）。")
        return _back(case)
    try:
        services.case_resume(actor=request.user, case=case, last_day=last_day)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        case.refresh_from_db()
        messages.success(request, f"特别程序结束，恢复计时。新的办结期限：{case.due_on:%Y-%m-%d}。")
    return _back(case)


def _extend(request, case):
    form = ExtendForm(request.POST, prefix="extend")
    return _form_action(
        request, case, form, lambda f: services.case_extend(actor=request.user, case=case, reason=f.cleaned_data.get("reason", ""),
                                                            days=f.day_count()),
        success="已延长审批期限；延长审批期限告知书已出具并通知申请人。", anchor="extend", key="extend")


def _verify(request, case):
    form = VerifyForm(request.POST, prefix="verify")
    if form.is_valid() and form.cleaned_data.get("truthful") not in ("yes", "no"):
        form.add_error("truthful", "请选择核查结论：承诺属实或承诺不实。")
    return _form_action(
        request, case, form, lambda f: services.commitment_verify(actor=request.user, case=case,
                                                                  truthful=f.cleaned_data["truthful"] == "yes",
                                                                  note=f.cleaned_data.get("note", "")),
        success="已记录承诺核查结果。", anchor="verify", key="verify")


def _receive(request, case):
    transfer = selectors.transfer_of(case, request.POST.get("transfer_id") or 0)
    try:
        services.material_transfer_receive(actor=request.user, transfer=transfer)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收纸质材料。")
    return _back(case)


_STAFF_ACTIONS = {
    "claim": _claim,
    "complete": _complete,
    "return": _return,
    "reassign": _reassign,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "verify": _verify,
    "receive": _receive,
}
