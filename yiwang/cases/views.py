"""Case pages: applying (a four-step wizard with drafts), the applicant's cases, the general window
(find the applicant, file on their behalf, acceptance decisions, documents, hand-over), the
department's worklist and case page, and the supervisor's warnings.

Views only translate: they obtain cases through yiwang.cases.access (missing and forbidden look
alike: 404), change them through yiwang.cases.services / worklist, and show what the services
refuse next to the input it concerns and in the error summary at the top. Every change is a POST
answered by a redirect (POST-redirect-GET); a page is re-rendered only to show errors, with
everything the person typed still in place.

Reads come from yiwang.cases.selectors.
"""

from __future__ import annotations

import re
import uuid
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yiwang.accounts.network import client_ip
from yiwang.cases import services
from yiwang.cases.access import (
    ACCEPTANCE_ROLES,
    DEPARTMENT_ROLES,
    SUPERVISION_ROLES,
    WINDOW_ROLES,
    access_case_by_id,
    access_case_by_number,
    cases_for_staff,
    normalise_lookup,
    require_case_role,
)
from yiwang.cases.constants import (
    CLOSED_STATUSES,
    AcceptanceMode,
    ApplicationStatus,
    CaseAction,
    CaseStatus,
    Channel,
    DeliveryMethod,
    ErrorCode,
    TaskStatus,
    WarningColour,
    WarningKind,
)
from yiwang.cases.forms import (
    CommitmentForm,
    DeferralForm,
    DeliveryForm,
    ErrorList,
    ExtendForm,
    FindApplicantForm,
    ItemSearchForm,
    MailForm,
    PauseForm,
    PickupForm,
    ReassignForm,
    RefusalForm,
    TaskCompleteForm,
    TaskReturnForm,
    TransferForm,
    VerifyForm,
    WithdrawForm,
    application_sections,
    correction_rows_from_post,
    display_value,
    form_values_from_post,
    input_id,
    material_input_id,
    service_field_errors,
)
from yiwang.cases.lifecycle import allowed_actions
from yiwang.cases.locks import lock_application
from yiwang.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseDocument,
    MaterialTransfer,
    StoredFile,
)
from yiwang.cases.selectors import (
    applicant_by_identifier,
    applicant_timeline,
    case_clock,
    case_closure,
    case_timeline,
    cases_for_staff_list,
    cases_of_applicant,
    commitment_of,
    deferral_of,
    draft_of,
    drafts_of,
    lockers,
    open_correction_notice,
    open_warnings,
    outstanding_deferred_ids,
    owned_files,
    pending_deferral,
    refusal_agencies,
    refusal_of,
    version_form_fields,
    version_requirements,
)
from yiwang.cases.services.clock import limit_of
from yiwang.cases.services.intake import published_version_for, reusable_files_for
from yiwang.cases.worklist import colleagues_for
from yiwang.catalog.application_form import form_schema, validate_form_data
from yiwang.catalog.constants import DataType, MaterialNecessity, MaterialSource
from yiwang.core.crypto import mask_id_number, mask_phone
from yiwang.core.errors import Conflict, DomainError, FieldError, NotFound, TooManyAttempts, ValidationFailed
from yiwang.notifications.selectors import unread_count
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, organisation_by_id, role_grants_for
from yiwang.workdays.time_limits import due_date, working_days_between

STEPS = (("form", "填写表单"), ("materials", "上传材料"), ("delivery", "送达方式"), ("review", "核对提交"))
STEP_KEYS = [key for key, _ in STEPS]
GOVERNMENT_SOURCE_HINT = "可由部门调取（即将支持免提交）"
UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"
CLERK_APPLICANT_SESSION_KEY = "cases_clerk_applicant"
WINDOW_PAGE_ROLES = (Role.WINDOW_CLERK, Role.DEPT_REVIEWER, Role.DEPT_APPROVER)
WORK_ROLES = (Role.DEPT_REVIEWER, Role.DEPT_APPROVER, Role.ADMINISTRATOR)
STAFF_CASE_ROLES = (*DEPARTMENT_ROLES, *SUPERVISION_ROLES, Role.WINDOW_CLERK)
# Outcome codes of non-decision tasks, as officers read them. A process uploaded by an
# administrator may branch on other codes; those are shown as they are.
OUTCOME_LABELS = {"pass": "通过，提交下一步", "approve": "准予", "deny": "不予准予", "inspect": "需要现场核查",
                  "agree": "同意", "disagree": "不同意"}
_OUTCOME_IN_CONDITION = re.compile(r"""outcome\s*==\s*["']([a-z][a-z0-9_]{0,49})["']""")


# ---------------------------------------------------------------------------------------------
# Page guards


def _forbidden(request, reason: str):
    return render(request, "cases/forbidden.html", {"reason": reason}, status=403)


def _not_found(request, message: str = ""):
    return render(request, "cases/not_found.html", {"message": message or "未找到该页面。"}, status=404)


def applicant_required(view):
    """Logged in (else the login page) as a citizen or enterprise (staff get a pointer to their
    workbench); a NotFound from access or a service becomes the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_staff_member:
            return _forbidden(request, "此页面供申请人（个人、企业）使用。工作人员请从“工作台”进入综合窗口或部门办件。")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return _not_found(request, exc.message)

    return wrapper


def staff_required(*roles):
    """Logged in staff holding one of `roles` somewhere (else 403); NotFound becomes 404."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_staff_member or not has_role(request.user, roles):
                labels = "、".join(Role(r).label for r in roles)
                return _forbidden(request, f"此页面仅向持有「{labels}」角色的工作人员开放。如需使用，请联系管理员授予角色。")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return _not_found(request, exc.message)

        return wrapper

    return decorate


def _may(actor, case: Case, roles) -> bool:
    """Whether the actor holds one of `roles` over this case (access.require_case_role decides)."""
    try:
        require_case_role(actor=actor, case=case, roles=roles)
    except NotFound:
        return False
    return True


def _today():
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Reads the pages need


def _material_rows(case: Case) -> list[ApplicationMaterial]:
    return list(case.application.materials.select_related("requirement", "stored_file").order_by("requirement__order",
                                                                                                 "requirement_id"))


def _outcomes_for(task) -> list[tuple[str, str]]:
    """The outcomes an officer may choose: approve/deny for a decision task; otherwise "pass" plus
    any outcome the process's gateway conditions test for (read from the BPMN text)."""
    from yiwang.cases.process_engine import is_decision_task

    if is_decision_task(task.task_key):
        return [("approve", "准予"), ("deny", "不予准予")]
    found = ["pass"]
    xml = task.process.definition.bpmn_xml if task.process_id else ""
    for code in _OUTCOME_IN_CONDITION.findall(xml or ""):
        if code not in found:
            found.append(code)
    return [(code, OUTCOME_LABELS.get(code, code)) for code in found]


def _applicant_identity(user) -> dict:
    """Who the clerk is serving: name and masked identifiers only (the full number is never shown)."""
    return {"name": user.display_name, "kind": user.get_kind_display(),
            "id_number": mask_id_number(user.id_number or ""), "uscc": mask_id_number(user.uscc or ""),
            "legal_rep": user.legal_rep_name, "legal_rep_id": mask_id_number(user.legal_rep_id_number or ""),
            "phone": mask_phone(user.phone or "")}


# ---------------------------------------------------------------------------------------------
# Material inputs shared by the wizard, corrections, deferred supplements and the window


def _material_entry(requirement, *, errors: ErrorList, current: StoredFile | None = None,
                    paper: bool = False, extra: dict | None = None) -> dict:
    """What the page shows for one material requirement."""
    hint = ""
    if requirement.source_channel == MaterialSource.GOVERNMENT_ISSUED:
        hint = GOVERNMENT_SOURCE_HINT
    return {"requirement": requirement, "id": material_input_id(requirement.pk), "field": f"materials.{requirement.pk}",
            "necessity": requirement.get_necessity_display(), "required": requirement.necessity == MaterialNecessity.REQUIRED,
            "exempt": requirement.necessity == MaterialNecessity.EXEMPT, "source_hint": hint, "current": current,
            "paper": paper, "errors": errors.for_field(f"materials.{requirement.pk}"), **(extra or {})}


def _read_material(request, requirement, *, owner, errors: ErrorList, allow_paper: bool = False,
                   current: dict | None = None) -> dict | None:
    """The material spec the services take ({"file": id} | {"reuse": id} | {"paper": true}) from
    one row's inputs: a new upload wins, then a file chosen from earlier ones (or kept from a
    first attempt), then the paper tick. Upload problems go into `errors`."""
    field = f"materials.{requirement.pk}"
    upload = request.FILES.get(f"file-{requirement.pk}")
    if upload is not None:
        try:
            stored = services.stored_file_create(actor=request.user, owner=owner, upload=upload, field=field)
        except DomainError as exc:
            # The service names the file; the summary at the top lists several rows' errors, so
            # the message also names the material the file was meant for.
            errors.add(field, f"「{requirement.name}」：{exc.message}", f"#{material_input_id(requirement.pk)}")
            return current
        return {"file": stored.pk}
    chosen = (request.POST.get(f"reuse-{requirement.pk}") or "").strip()
    if chosen.isdigit():
        chosen_id = int(chosen)
        if current and (current.get("file") or current.get("reuse")) == chosen_id:
            return current
        return {"reuse": chosen_id}
    kept = (request.POST.get(f"uploaded-{requirement.pk}") or "").strip()
    if kept.isdigit():
        return {"file": int(kept)}
    if allow_paper and request.POST.get(f"paper-{requirement.pk}"):
        return {"paper": True}
    return None


def _file_id(spec) -> int | None:
    if isinstance(spec, dict):
        value = spec.get("file") or spec.get("reuse")
        return value if isinstance(value, int) else None
    return None


# ---------------------------------------------------------------------------------------------
# Error placement


def _form_error_href(key: str) -> str:
    return f"#{input_id(key)}"


def _place_service_errors(exc: DomainError, errors: ErrorList, *, form_keys=(), delivery_form=None,
                          href_for=None) -> None:
    """Put a service's field errors where they belong on an application page: data-element keys
    beside their inputs, materials beside their rows, delivery beside the delivery inputs."""
    keys = set(form_keys)
    for error in service_field_errors(exc):
        name = error.field
        if name in keys:
            errors.add(name, error.message, _form_error_href(name))
        elif name.startswith("materials."):
            ident = name.removeprefix("materials.")
            errors.add(name, error.message, f"#{material_input_id(ident)}" if ident.isdigit() else "")
        elif delivery_form is not None and name.startswith("delivery."):
            if delivery_form.add_service_error(error):
                continue
            errors.add(name, error.message)
        elif href_for is not None and href_for(name):
            errors.add(name, error.message, href_for(name))
        else:
            errors.add(name or "__all__", error.message)


def _collect(errors: ErrorList, *forms_with_anchor) -> ErrorList:
    for form, anchor in forms_with_anchor:
        if form is not None and form.is_bound:
            form.collect_errors(errors, anchor=anchor)
    return errors


# ---------------------------------------------------------------------------------------------
# Public progress (no login)


# What the lookup form says when a box is left empty: which box, and where the value is found.
PROGRESS_REQUIRED = {"number": "请填写办件编号（18 位数字，见受理通知书、短信或“我的办件”）。",
                     "code": "请填写查询验证码（6 位数字，见受理通知书或“我的办件”）。"}


def _progress_page(request, number: str, code: str, *, status: int = 200):
    context = {"number": number, "code": code, "field_errors": {}}
    submitted = request.method == "GET" and ("number" in request.GET or "code" in request.GET)
    if submitted and not (number and code):
        # A press of 查询 with a box left empty: say which one, instead of showing the empty form again.
        typed = {"number": number, "code": code}
        context["field_errors"] = {key: message for key, message in PROGRESS_REQUIRED.items() if not typed[key]}
    elif number or code:
        try:
            case = access_case_by_number(number=number, verification_code=code, client=client_ip(request))
        except TooManyAttempts as exc:
            context["error"] = exc.message
            status = 429
        except NotFound as exc:
            context["error"] = exc.message
            status = 404 if request.method == "GET" and "number" not in request.GET else 200
        else:
            context.update(case=case, clock=case_clock(case), timeline=case_timeline(case, for_public=True))
    return render(request, "cases/progress.html", context, status=status)


def progress(request):
    return _progress_page(request, normalise_lookup(request.GET.get("number", "")), normalise_lookup(request.GET.get("code", "")))


def progress_qr(request, number: str, code: str):
    return _progress_page(request, normalise_lookup(number), normalise_lookup(code))


def _progress_url(case: Case) -> str:
    return reverse("cases:progress_qr", kwargs={"number": case.number, "code": case.verification_code})


# ---------------------------------------------------------------------------------------------
# Applying: the wizard (1 form, 2 materials, 3 delivery, 4 review) with a draft saved at each step


def _step_nav(current: str) -> list[dict]:
    index = STEP_KEYS.index(current)
    return [{"key": key, "title": title, "number": i + 1, "state": "done" if i < index else "current" if i == index else "todo"}
            for i, (key, title) in enumerate(STEPS)]


def _step_url(draft: Application, step: str) -> str:
    return reverse("cases:draft_step", args=[draft.pk, step])


def _wizard_context(request, *, version, step: str, draft: Application | None, errors: ErrorList, **extra) -> dict:
    index = STEP_KEYS.index(step)
    return {"version": version, "agency": version.implementation.agency, "step": step, "steps": _step_nav(step),
            "return_to": "review" if (request.GET.get("return") or request.POST.get("return_to")) == "review" else "",
            "step_number": index + 1, "step_title": STEPS[index][1], "step_count": len(STEPS), "draft": draft,
            "errors": errors, **extra}


def _draft_stash(draft: Application) -> dict:
    return dict((draft.form_data or {}).get("_draft") or {})


def _draft_form_values(draft: Application) -> dict:
    return {k: v for k, v in (draft.form_data or {}).items() if k != "_draft"}


def _render_form_step(request, *, version, draft, values, errors, status=200):
    schema = form_schema(version)
    context = _wizard_context(request, version=version, step="form", draft=draft, errors=errors,
                              sections=application_sections(schema, values, errors),
                              action=_step_url(draft, "form") if draft else reverse("cases:apply", args=[version.implementation_id]),
                              other_drafts=[] if draft else list(drafts_of(request.user, implementation_id=version.implementation_id)[:3]))
    return render(request, "cases/apply_form.html", context, status=status)


def _form_errors(version, values) -> ErrorList:
    errors = ErrorList()
    _, problems = validate_form_data(version_form_fields(version), values)
    for problem in problems:
        errors.add(problem.field, problem.message, _form_error_href(problem.field))
    return errors


@applicant_required
@require_http_methods(["GET", "POST"])
def apply(request, implementation_id: int):
    """Step 1 of a new application. The draft is created by the first POST (never by a GET)."""
    version = published_version_for(implementation_id)
    if request.method == "GET":
        values = services.prefill_from_profile(version=version, applicant=request.user)
        return _render_form_step(request, version=version, draft=None, values=values, errors=ErrorList())
    schema = form_schema(version)
    values = form_values_from_post(schema, request.POST)
    nav = request.POST.get("nav", "next")
    errors = _form_errors(version, values) if nav == "next" else ErrorList()
    if errors:
        return _render_form_step(request, version=version, draft=None, values=values, errors=errors)
    draft = services.application_save_draft(actor=request.user, applicant=request.user, implementation_id=implementation_id,
                                            form_data=values, channel=Channel.WEB)
    if nav == "save":
        messages.success(request, "已保存草稿。可在“我的办件”中继续填写。")
        return redirect("cases:my_cases")
    return redirect(_step_url(draft, "materials"))


@applicant_required
@require_http_methods(["GET", "POST"])
def draft_step(request, application_id: int, step: str):
    if step not in STEP_KEYS:
        return _not_found(request, "没有这一步。")
    submitted = Application.objects.filter(pk=application_id, applicant=request.user,
                                           status=ApplicationStatus.SUBMITTED).values_list("pk", flat=True).first()
    if submitted:
        # The back button or a second click after submitting: it was filed once; show that.
        return redirect("cases:application_done", submitted)
    draft = draft_of(request.user, application_id)
    version = published_version_for(draft.implementation_id)
    handler = {"form": _draft_form, "materials": _draft_materials, "delivery": _draft_delivery, "review": _draft_review}[step]
    return handler(request, draft, version)


def _after_save(request, draft: Application, nav: str, *, this: str) -> HttpResponseRedirect:
    index = STEP_KEYS.index(this)
    if nav == "next" and request.POST.get("return_to") == "review":
        return redirect(_step_url(draft, "review"))  # came from 修改 on the review page: go back there
    if nav == "save":
        messages.success(request, "已保存草稿。可在“我的办件”中继续填写。")
        return redirect("cases:my_cases")
    if nav == "back":
        return redirect(_step_url(draft, STEP_KEYS[max(index - 1, 0)]))
    return redirect(_step_url(draft, STEP_KEYS[min(index + 1, len(STEP_KEYS) - 1)]))


def _draft_form(request, draft, version):
    if request.method == "GET":
        return _render_form_step(request, version=version, draft=draft, values=_draft_form_values(draft), errors=ErrorList())
    values = form_values_from_post(form_schema(version), request.POST)
    nav = request.POST.get("nav", "next")
    # Saved first, whatever its state: nothing typed is lost, even on an error.
    services.application_save_draft(actor=request.user, applicant=request.user, implementation_id=draft.implementation_id,
                                    form_data=values, application=draft)
    errors = _form_errors(version, values) if nav == "next" else ErrorList()
    if errors:
        return _render_form_step(request, version=version, draft=draft, values=values, errors=errors)
    return _after_save(request, draft, nav, this="form")


def _materials_context(request, draft, version, materials: dict, errors: ErrorList) -> dict:
    requirements = version_requirements(version)
    files = owned_files(request.user, [_file_id(s) for s in materials.values()])
    reusable = reusable_files_for(request.user)
    rows = [_material_entry(r, errors=errors, current=files.get(_file_id(materials.get(str(r.pk)))), extra={"preselect": True})
            for r in requirements]
    return _wizard_context(request, version=version, step="materials", draft=draft, errors=errors, rows=rows,
                           reusable=reusable, accept=UPLOAD_ACCEPT, action=_step_url(draft, "materials"))


def _draft_materials(request, draft, version):
    stash = _draft_stash(draft)
    materials = dict(stash.get("materials") or {})
    if request.method == "GET":
        return render(request, "cases/apply_materials.html", _materials_context(request, draft, version, materials, ErrorList()))
    nav = request.POST.get("nav", "next")
    errors = ErrorList()
    requirements = version_requirements(version)
    for requirement in requirements:
        key = str(requirement.pk)
        spec = _read_material(request, requirement, owner=request.user, errors=errors, current=materials.get(key))
        if spec is None and not errors.for_field(f"materials.{requirement.pk}"):
            materials.pop(key, None)
        elif spec is not None:
            materials[key] = spec
    # Uploads that worked are kept in the draft even when another row has a problem.
    services.application_save_draft(actor=request.user, applicant=request.user, implementation_id=draft.implementation_id,
                                    materials=materials, application=draft)
    if nav == "next":
        for problem in services.material_problems(version=version, applicant=request.user, materials=materials):
            if not errors.for_field(problem.field):
                errors.add(problem.field, problem.message, f"#{material_input_id(problem.field.split('.')[1])}")
    if errors and nav == "next":
        return render(request, "cases/apply_materials.html", _materials_context(request, draft, version, materials, errors))
    if errors:
        for error in errors:
            messages.error(request, error.message)
    return _after_save(request, draft, nav, this="materials")


def _delivery_initial(applicant, spec: dict | None) -> dict:
    spec = spec or {}
    return {"method": spec.get("method") or DeliveryMethod.WINDOW, "address": spec.get("address", ""),
            "locker": str(spec["locker"]) if spec.get("locker") else "",
            "recipient_name": spec.get("recipient_name", ""), "recipient_phone": spec.get("recipient_phone", "")}


def _draft_delivery(request, draft, version):
    stash = _draft_stash(draft)
    locker_list = lockers()
    if request.method == "GET":
        form = DeliveryForm(initial=_delivery_initial(request.user, stash.get("delivery")), lockers=locker_list)
        context = _wizard_context(request, version=version, step="delivery", draft=draft, errors=ErrorList(), form=form,
                                  action=_step_url(draft, "delivery"), has_lockers=bool(locker_list))
        return render(request, "cases/apply_delivery.html", context)
    nav = request.POST.get("nav", "next")
    form = DeliveryForm(request.POST, lockers=locker_list)
    valid = form.is_valid()
    spec = form.spec() if valid else {**_delivery_initial(request.user, None), "method": request.POST.get("method", "window")}
    services.application_save_draft(actor=request.user, applicant=request.user, implementation_id=draft.implementation_id,
                                    delivery=spec, application=draft)
    if nav == "next":
        for problem in services.delivery_problems(applicant=request.user, delivery=spec) if valid else []:
            form.add_service_error(FieldError(problem.field.removeprefix("delivery."), problem.code, problem.message))
    if form.errors and nav == "next":
        errors = _collect(ErrorList(), (form, "delivery"))
        context = _wizard_context(request, version=version, step="delivery", draft=draft, errors=errors, form=form,
                                  action=_step_url(draft, "delivery"), has_lockers=bool(locker_list))
        return render(request, "cases/apply_delivery.html", context)
    return _after_save(request, draft, nav, this="delivery")


def _delivery_summary(spec: dict | None, lockers: dict) -> list[tuple[str, str]]:
    spec = spec or {}
    method = spec.get("method") or DeliveryMethod.WINDOW
    rows = [("送达方式", DeliveryMethod(method).label if method in DeliveryMethod.values else method)]
    if method == DeliveryMethod.MAIL:
        rows.append(("收件地址", spec.get("address") or "（未填写）"))
    if method == DeliveryMethod.LOCKER:
        locker = lockers.get(spec.get("locker"))
        rows.append(("信包箱", str(locker) if locker else "（未选择）"))
    if spec.get("recipient_name"):
        rows.append(("收件人", spec["recipient_name"]))
    if spec.get("recipient_phone"):
        rows.append(("收件人电话", spec["recipient_phone"]))
    return rows


def _review_context(request, draft, version, *, errors: ErrorList, key: str) -> dict:
    schema = form_schema(version)
    values = _draft_form_values(draft)
    stash = _draft_stash(draft)
    materials = stash.get("materials") or {}
    files = owned_files(request.user, [_file_id(s) for s in materials.values()])
    form_url = _step_url(draft, "form")
    sections: list[dict] = []
    for item in schema:
        title = item.get("section") or "申请信息"
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": []})
        sections[-1]["rows"].append({"label": item["label"], "value": display_value(item, values.get(item["key"])),
                                     "errors": errors.for_field(item["key"]), "id": input_id(item["key"]),
                                     "edit": f"{form_url}?return=review#{input_id(item['key'])}"})
    material_rows = []
    for requirement in version_requirements(version):
        spec = materials.get(str(requirement.pk))
        stored = files.get(_file_id(spec))
        how = (f"已上传：{stored.original_name}" if stored and spec.get("file") else
               f"使用以前提交的：{stored.original_name}" if stored else "无需提交（信息免交）"
               if requirement.necessity == MaterialNecessity.EXEMPT else "未提供")
        material_rows.append({"name": requirement.name, "necessity": requirement.get_necessity_display(), "how": how,
                              "file": stored, "errors": errors.for_field(f"materials.{requirement.pk}"),
                              "id": material_input_id(requirement.pk),
                              "edit": f"{_step_url(draft, 'materials')}?return=review#{material_input_id(requirement.pk)}"})
    locker_by_id = {lk.pk: lk for lk in lockers()}
    delivery_errors = [e.message for e in errors if e.field.startswith("delivery.")]
    return _wizard_context(request, version=version, step="review", draft=draft, errors=errors, sections=sections,
                           material_rows=material_rows, delivery_rows=_delivery_summary(stash.get("delivery"), locker_by_id),
                           delivery_errors=delivery_errors, idempotency_key=key, action=_step_url(draft, "review"),
                           edit_delivery=_step_url(draft, "delivery") + "?return=review")


def _review_problems(draft, version) -> ErrorList:
    """What would stop the submission, shown before the button is pressed; each links to where
    it is fixed."""
    errors = ErrorList()
    form_url = _step_url(draft, "form")
    _, problems = validate_form_data(version_form_fields(version), _draft_form_values(draft))
    for problem in problems:
        errors.add(problem.field, problem.message, f"{form_url}#{input_id(problem.field)}")
    stash = _draft_stash(draft)
    for problem in services.material_problems(version=version, applicant=draft.applicant,
                                              materials=stash.get("materials") or {}):
        ident = problem.field.split(".")[1]
        errors.add(problem.field, problem.message, f"{_step_url(draft, 'materials')}#{material_input_id(ident)}")
    for problem in services.delivery_problems(applicant=draft.applicant, delivery=stash.get("delivery") or {}):
        anchor = "#id_address" if problem.field == "delivery.address" else "#id_locker"
        errors.add(problem.field, problem.message, f"{_step_url(draft, 'delivery')}{anchor}")
    return errors


def _draft_review(request, draft, version):
    if request.method == "GET":
        key = uuid.uuid4().hex  # one per rendering of the review page: a double click or a retry reuses it
        errors = _review_problems(draft, version)
        return render(request, "cases/apply_review.html", _review_context(request, draft, version, errors=errors, key=key))
    nav = request.POST.get("nav", "submit")
    if nav in ("back", "save"):
        return _after_save(request, draft, nav, this="review")
    key = (request.POST.get("idempotency_key") or "").strip()[:100] or uuid.uuid4().hex
    stash = _draft_stash(draft)
    try:
        with transaction.atomic():
            # Two clicks on 提交 arrive as two requests: the second waits here for the first and then
            # finds the draft submitted (the service does not re-check a draft it is handed; reported).
            lock_application(draft)
            draft.refresh_from_db()
            if draft.status != ApplicationStatus.DRAFT:
                done = Application.objects.filter(applicant=request.user, idempotency_key=key).first()
                if done is None:
                    raise NotFound("草稿不存在或已提交。已提交的申请请在“我的办件”中查看。", code="draft_not_found")
                return redirect("cases:application_done", done.pk)
            application = services.application_submit(
                actor=request.user, applicant=request.user, implementation_id=draft.implementation_id,
                form_data=_draft_form_values(draft), materials=stash.get("materials") or {},
                delivery=stash.get("delivery") or None, channel=draft.channel, idempotency_key=key, draft=draft)
    except (ValidationFailed, DomainError) as exc:
        if isinstance(exc, NotFound):
            raise
        errors = ErrorList()
        keys = [item["key"] for item in form_schema(version)]
        _place_service_errors(exc, errors, form_keys=keys)
        # On the review page each error links to the row that shows it (and its 修改 link).
        for error in errors:
            if error.field in keys:
                error.href = f"#{input_id(error.field)}"
            elif error.field.startswith("delivery."):
                error.href = "#delivery-summary"
        draft.refresh_from_db()
        return render(request, "cases/apply_review.html", _review_context(request, draft, version, errors=errors, key=key))
    # No flash message: the confirmation page's heading already says 申请已提交, and saying it
    # twice in a row on a phone only pushes the case number further down.
    return redirect("cases:application_done", application.pk)


@applicant_required
@require_http_methods(["POST"])
def draft_discard(request, application_id: int):
    draft = draft_of(request.user, application_id)
    services.application_discard_draft(actor=request.user, application=draft)
    messages.success(request, f"已删除草稿「{draft.version.name if draft.version_id else ''}」。")
    return redirect("cases:my_cases")


@applicant_required
def application_done(request, application_id: int):
    application = (Application.objects.filter(pk=application_id, applicant=request.user, status=ApplicationStatus.SUBMITTED)
                   .select_related("version").first())
    if application is None:
        raise NotFound("未找到该申请。", code="application_not_found")
    cases = list(application.cases.select_related("agency", "version").order_by("id"))
    return render(request, "cases/apply_done.html", {"application": application, "cases": [
        {"case": c, "progress_url": _progress_url(c)} for c in cases]})


# ---------------------------------------------------------------------------------------------
# The applicant's cases


APPLICANT_STATUS_FILTERS = [("", "全部"), ("draft", "草稿"), *CaseStatus.choices]


@applicant_required
def my_cases(request):
    status = request.GET.get("status", "")
    errors = ErrorList()
    if status not in dict(APPLICANT_STATUS_FILTERS):
        errors.add("status", "状态筛选无效，已显示全部办件。", "#status")
        status = ""
    drafts = list(drafts_of(request.user)[:50]) if status in ("", "draft") else []
    page = None
    if status != "draft":
        paginator = Paginator(cases_of_applicant(request.user, status=status or None), 20)
        page = paginator.get_page(request.GET.get("page"))
    today = _today()
    rows = [{"case": c, "clock": case_clock(c, today=today)} for c in (page.object_list if page else [])]
    return render(request, "cases/my_cases.html", {
        "drafts": drafts, "rows": rows, "page": page, "status": status, "status_filters": APPLICANT_STATUS_FILTERS,
        "errors": errors, "inbox_url": reverse("notifications:inbox"), "unread_count": unread_count(request.user),
        "query": urlencode({"status": status}) if status else ""})


def _correction_context(case: Case, *, errors: ErrorList, values: dict | None = None, kept: dict | None = None,
                        paper_ticked: set | None = None) -> dict | None:
    """The open one-time correction notice and what it asks for: the form fields and materials it
    names (everything, if an item names nothing), filled with `values` or what was filed. Shown to
    the applicant online and to the window clerk for a walk-in correction, whose paper ticks are
    never pre-set: the corrected original has to be received anew (`paper_ticked` keeps a retry's)."""
    notice = open_correction_notice(case)
    if notice is None:
        return None
    kept = kept or {}
    application = case.application
    schema = form_schema(case.version)
    requirements = version_requirements(case.version)
    by_id = {r.pk: r for r in requirements}
    targets = [str(item.get("target") or "") for item in notice.items]
    field_keys = {t.removeprefix("form/") for t in targets if t.startswith("form/")}
    material_ids = {int(t.removeprefix("materials/")) for t in targets
                    if t.startswith("materials/") and t.removeprefix("materials/").isdigit()}
    untargeted = any(not t for t in targets)
    # Items that name no field or material may concern anything: then everything is offered.
    everything = untargeted or not (field_keys or material_ids)
    shown_schema = schema if everything else [s for s in schema if s["key"] in field_keys]
    shown_materials = requirements if everything else [by_id[i] for i in material_ids if i in by_id]
    values = values if values is not None else dict(application.form_data)
    files = owned_files(case.applicant, [m.stored_file_id for m in application.materials.all() if m.stored_file_id]
                         + [v for v in kept.values() if isinstance(v, int)])
    current = {m.requirement_id: m for m in application.materials.select_related("stored_file")}
    entries = []
    for r in shown_materials:
        filed = current.get(r.pk)
        entries.append(_material_entry(r, errors=errors, current=filed.stored_file if filed else None,
                                       paper=r.pk in (paper_ticked or ()), extra={"kept": files.get(kept.get(r.pk))}))
    return {"notice": notice, "sections": application_sections(shown_schema, values, errors), "materials": entries}


def _case_detail_context(request, case: Case, *, errors: ErrorList | None = None, resubmit_values: dict | None = None,
                         delivery_form: DeliveryForm | None = None, kept: dict | None = None) -> dict:
    errors = errors or ErrorList()
    kept = kept or {}
    application = case.application
    today = _today()
    schema = form_schema(case.version)
    correction = _correction_context(case, errors=errors, values=resubmit_values, kept=kept)
    deferral = pending_deferral(case)
    supplement = None
    if deferral:
        pending_ids = outstanding_deferred_ids(case)
        supplement = {"deferral": deferral, "materials": [
            _material_entry(r, errors=errors, extra={"kept": owned_files(case.applicant, [kept.get(r.pk)]).get(kept.get(r.pk))})
            for r in deferral.requirements.order_by("order", "id") if r.pk in pending_ids]}
    delivery = getattr(application, "delivery", None)
    can_change_delivery = (delivery is not None and not delivery.completed_at and not delivery.dispatched_at
                           and case.status not in CLOSED_STATUSES)
    locker_list = lockers()
    if can_change_delivery and delivery_form is None:
        delivery_form = DeliveryForm(initial={"method": delivery.method, "address": delivery.address,
                                              "locker": str(delivery.locker_id or ""), "recipient_name": delivery.recipient_name,
                                              "recipient_phone": delivery.recipient_phone}, lockers=locker_list, prefix="delivery")
    return {
        "case": case, "application": application, "clock": case_clock(case, today=today),
        "timeline": applicant_timeline(case), "documents": list(case.documents.order_by("created_at")),
        "materials": _material_rows(case), "form_rows": [
            {"label": item["label"], "value": display_value(item, application.form_data.get(item["key"]))} for item in schema],
        "correction": correction, "supplement": supplement, "delivery": delivery, "refusal": refusal_of(case),
        "delivery_form": delivery_form if can_change_delivery else None, "has_lockers": bool(locker_list),
        "closure": case_closure(case),
        "can_withdraw": CaseAction.WITHDRAW in allowed_actions(case.status),
        "progress_url": _progress_url(case), "errors": errors, "accept": UPLOAD_ACCEPT,
        "reusable": reusable_files_for(case.applicant) if (correction or supplement) else [],
    }


def _case_page(request, case: Case, *, template: str, context, actions: dict, url_name: str):
    """A case page: GET shows it; a POST names its `action`, handled by one of `actions` (each
    answers with a redirect, or the page again with errors)."""
    if request.method == "GET":
        return render(request, template, context(request, case))
    handler = actions.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, "无法识别的操作，请重试。")
        return redirect(url_name, case.pk)
    return handler(request, case)


@applicant_required
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id)
    return _case_page(request, case, template="cases/case_detail.html", context=_case_detail_context,
                      actions={"resubmit": _applicant_resubmit, "supplement": _applicant_supplement,
                               "delivery": _applicant_delivery}, url_name="cases:case_detail")


def _kept_files(materials: dict) -> dict[int, int]:
    return {int(k): v["file"] for k, v in materials.items() if isinstance(v, dict) and isinstance(v.get("file"), int)}


def _resubmit(request, case: Case, correction: dict, *, allow_paper: bool) -> tuple[bool, ErrorList, dict, dict]:
    """Read and file a correction (the applicant online, or the clerk for a walk-in applicant):
    the fields and materials the notice asked for. Returns (done, errors, values, materials)."""
    shown_keys = [i.key for s in correction["sections"] for i in s.inputs]
    shown_schema = [s for s in form_schema(case.version) if s["key"] in shown_keys]
    typed = form_values_from_post(shown_schema, request.POST)
    errors = ErrorList()
    materials = {}
    for entry in correction["materials"]:
        requirement = entry["requirement"]
        spec = _read_material(request, requirement, owner=case.applicant, errors=errors, allow_paper=allow_paper)
        if spec is not None:
            materials[str(requirement.pk)] = spec
    values = {**case.application.form_data, **typed}
    if errors and shown_keys:
        # An upload was refused, so the service is not asked; the form's own problems are still
        # shown now, with it, rather than only after the next attempt (一次性告知 both ways).
        _, problems = validate_form_data(version_form_fields(case.version), values)
        for problem in problems:
            if problem.field in shown_keys:
                errors.add(problem.field, problem.message, _form_error_href(problem.field))
    if not errors:
        try:
            services.case_resubmit(actor=request.user, case=case, form_data=typed if shown_keys else None,
                                   materials=materials or None)
        except DomainError as exc:
            _place_service_errors(exc, errors, form_keys=shown_keys)
        else:
            return True, errors, values, materials
    return False, errors, values, materials


def _applicant_resubmit(request, case: Case):
    correction = _correction_context(case, errors=ErrorList())
    if correction is None:
        messages.error(request, "该办件当前无需补正。")
        return redirect("cases:case_detail", case.pk)
    done, errors, values, materials = _resubmit(request, case, correction, allow_paper=False)
    if done:
        messages.success(request, "已补正并重新提交。受理期限自今天起重新计算。")
        return redirect("cases:case_detail", case.pk)
    context = _case_detail_context(request, case, errors=errors, resubmit_values=values, kept=_kept_files(materials))
    return render(request, "cases/case_detail.html", context)


def _applicant_supplement(request, case: Case):
    deferral = pending_deferral(case)
    if deferral is None:
        messages.error(request, "该办件没有待补交的容缺材料。")
        return redirect("cases:case_detail", case.pk)
    context = _case_detail_context(request, case)
    errors = ErrorList()
    materials = {}
    for entry in context["supplement"]["materials"]:
        requirement = entry["requirement"]
        spec = _read_material(request, requirement, owner=request.user, errors=errors)
        if spec is not None:
            materials[str(requirement.pk)] = spec
    if not errors:
        try:
            services.case_supplement_deferred(actor=request.user, case=case, materials=materials)
        except DomainError as exc:
            _place_service_errors(exc, errors)
        else:
            messages.success(request, "容缺材料已补齐。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/case_detail.html", _case_detail_context(request, case, errors=errors,
                                                                           kept=_kept_files(materials)))


def _applicant_delivery(request, case: Case):
    form = DeliveryForm(request.POST, lockers=lockers(), prefix="delivery")
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
    errors = _collect(ErrorList(), (form, "delivery-change"))
    return render(request, "cases/case_detail.html", _case_detail_context(request, case, errors=errors, delivery_form=form))


@applicant_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id)
    if CaseAction.WITHDRAW not in allowed_actions(case.status):
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


# ---------------------------------------------------------------------------------------------
# Files: documents (PDF) and uploaded materials, each only through an access check


def _serve(file_field, *, content_type: str, filename: str):
    response = FileResponse(file_field.open("rb"), content_type=content_type, filename=filename, as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document(request, document_id: int):
    doc = CaseDocument.objects.filter(pk=document_id).only("pk", "case_id").first()
    try:
        case = access_case_by_id(actor=request.user, case_id=doc.case_id if doc else 0)
    except NotFound:
        return _not_found(request, "未找到该文书。")
    doc = CaseDocument.objects.get(pk=document_id, case=case)
    return _serve(doc.file, content_type="application/pdf", filename=f"{doc.get_kind_display()}-{case.number}.pdf")


@login_required
def case_file(request, case_id: int, file_id: int):
    """A material file of a case: for the applicant, and for staff whose scope holds the case."""
    try:
        case = access_case_by_id(actor=request.user, case_id=case_id)
    except NotFound:
        return _not_found(request, "未找到该文件。")
    row = (ApplicationMaterial.objects.filter(application_id=case.application_id, stored_file_id=file_id)
           .select_related("stored_file").first())
    if row is None:
        return _not_found(request, "未找到该文件。")
    stored = row.stored_file
    return _serve(stored.file, content_type=stored.content_type, filename=stored.original_name)


@applicant_required
def my_file(request, file_id: int):
    stored = StoredFile.objects.filter(pk=file_id, owner=request.user).first()
    if stored is None:
        raise NotFound("未找到该文件。", code="file_not_found")
    return _serve(stored.file, content_type=stored.content_type, filename=stored.original_name)


# ---------------------------------------------------------------------------------------------
# The general window (综合窗口)


def _clerk_applicant(request):
    """The applicant whose identity the clerk checked (kept in the session, never in a URL)."""
    from django.contrib.auth import get_user_model

    pk = request.session.get(CLERK_APPLICANT_SESSION_KEY)
    if not pk:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    return None if user is None or user.is_staff_member else user


def _window_queue(actor, today):
    """Cases filed at or for this window awaiting the acceptance decision, most urgent first."""
    qs = (cases_for_staff_list(actor, status=CaseStatus.SUBMITTED, roles=WINDOW_ROLES)
          .order_by("acceptance_due_on", "created_at")[:100])
    return [{"case": c, "days_left": working_days_between(today, c.acceptance_due_on)} for c in qs]


@staff_required(Role.WINDOW_CLERK)
@require_http_methods(["GET", "POST"])
def clerk_workbench(request):
    errors = ErrorList()
    find_form = FindApplicantForm(request.POST if request.POST.get("action") == "find" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "clear":
            request.session.pop(CLERK_APPLICANT_SESSION_KEY, None)
            messages.success(request, "已结束为该申请人办理。")
            return redirect("cases:clerk_workbench")
        if action == "find" and find_form.is_valid():
            try:
                applicant = applicant_by_identifier(find_form.cleaned_data.get("identifier", ""))
            except DomainError as exc:
                find_form.add_service_errors(exc)
            else:
                request.session[CLERK_APPLICANT_SESSION_KEY] = applicant.pk
                messages.success(request, f"已核验：{applicant.display_name}。")
                return redirect("cases:clerk_workbench")
        _collect(errors, (find_form, "find"))
    number = normalise_lookup(request.GET.get("number", ""))[:40]
    if number:
        found = cases_for_staff(request.user, WINDOW_PAGE_ROLES).filter(number=number).values_list("pk", flat=True).first()
        if found:
            return redirect("cases:clerk_case", found)
        errors.add("number", f"职责范围内没有编号为 {number} 的办件，请核对办件编号。", "#number")
    applicant = _clerk_applicant(request)
    item_form = ItemSearchForm(request.GET or None)
    items = []
    if applicant and item_form.is_valid() and item_form.cleaned_data.get("item_q"):
        from yiwang.catalog.selectors import catalog_search

        outlets = _clerk_outlets(request.user)
        # Items this window may not file (not 城市通办, another district's) are listed without the
        # button, so the clerk does not type a whole form to be told so on submission.
        items = [{"version": v, "window_ok": any(services.outlet_accepts(version_id=v.pk, outlet=o) for o in outlets)}
                 for v in catalog_search(q=item_form.cleaned_data["item_q"], page_size=10).items]
    # The next thing to type has the focus (the clerk at the counter works from the keyboard); not
    # when there are errors, where the error summary takes it.
    if not errors:
        if applicant is None:
            find_form.fields["identifier"].widget.attrs["autofocus"] = True
        elif not items:
            item_form.fields["item_q"].widget.attrs["autofocus"] = True
    today = _today()
    concluded = cases_for_staff_list(request.user, status=CaseStatus.CONCLUDED, roles=WINDOW_ROLES)[:50]
    return render(request, "cases/clerk_workbench.html", {
        "find_form": find_form, "applicant": applicant, "identity": _applicant_identity(applicant) if applicant else None,
        "item_form": item_form, "items": items, "queue": _window_queue(request.user, today), "concluded": concluded,
        "errors": errors, "number": number, "today": today, "searched": bool(item_form.is_bound and request.GET.get("item_q"))})


def _clerk_outlets(actor) -> list:
    return [g.organisation for g in role_grants_for(actor, [Role.WINDOW_CLERK])]


@staff_required(Role.WINDOW_CLERK)
@require_http_methods(["GET", "POST"])
def clerk_apply(request, implementation_id: int):
    """Filing at the window for the checked applicant: the wizard's form on one page; paper
    originals are ticked as received, or scans uploaded (owned by the applicant)."""
    applicant = _clerk_applicant(request)
    if applicant is None:
        messages.error(request, "请先核验申请人身份（输入身份证号或统一社会信用代码）。")
        return redirect("cases:clerk_workbench")
    version = published_version_for(implementation_id)
    outlets = [o for o in _clerk_outlets(request.user) if services.outlet_accepts(version_id=version.pk, outlet=o)]
    if not outlets:
        messages.error(request, f"「{version.name}」不属于全市通办事项，本窗口不能代为申请。"
                                f"请引导申请人到{version.implementation.agency.name}所在地的政务服务中心办理。")
        return redirect("cases:clerk_workbench")
    schema = form_schema(version)
    requirements = version_requirements(version)
    locker_list = lockers()
    errors = ErrorList()
    if request.method == "GET":
        values = services.prefill_from_profile(version=version, applicant=applicant)
        delivery_form = DeliveryForm(initial={"method": DeliveryMethod.WINDOW}, lockers=locker_list, prefix="delivery")
        return render(request, "cases/clerk_apply.html", _clerk_apply_context(
            applicant=applicant, version=version, schema=schema, values=values, requirements=requirements, materials={},
            errors=errors, delivery_form=delivery_form, outlets=outlets, outlet_id=outlets[0].pk if outlets else None,
            key=uuid.uuid4().hex))
    values = form_values_from_post(schema, request.POST)
    key = (request.POST.get("idempotency_key") or "").strip()[:100] or uuid.uuid4().hex
    materials: dict = {}
    for requirement in requirements:
        spec = _read_material(request, requirement, owner=applicant, errors=errors, allow_paper=True)
        if spec is not None:
            materials[str(requirement.pk)] = spec
    delivery_form = DeliveryForm(request.POST, lockers=locker_list, prefix="delivery")
    delivery_ok = delivery_form.is_valid()
    outlet_id = request.POST.get("outlet", "")
    outlet = next((o for o in outlets if str(o.pk) == outlet_id), outlets[0] if len(outlets) == 1 else None)
    if outlet is None:
        errors.add("outlet", "请选择受理网点。", "#outlet")
    if not errors and delivery_ok:
        try:
            application = services.application_submit(
                actor=request.user, applicant=applicant, implementation_id=implementation_id, form_data=values,
                materials=materials, channel=Channel.WINDOW, outlet=outlet, delivery=delivery_form.spec(),
                idempotency_key=key)
        except Conflict as exc:
            existing = Application.objects.filter(applicant=applicant, idempotency_key=key).first()
            if exc.code == ErrorCode.IDEMPOTENCY_CONFLICT and existing is not None:
                # The same page sent twice (a double click re-uploads the files): it was filed once.
                case = existing.cases.order_by("id").first()
                messages.info(request, f"该申请已提交（办件编号 {case.number}），重复提交已忽略。")
                return redirect("cases:clerk_case", case.pk)
            errors.add("__all__", exc.message)
        except DomainError as exc:
            _place_service_errors(exc, errors, form_keys=[s["key"] for s in schema], delivery_form=delivery_form,
                                  href_for=lambda name: "#outlet" if name == "outlet" else "")
        else:
            case = application.cases.order_by("id").first()
            messages.success(request, f"已代为提交，办件编号 {case.number}。请核对材料并作出受理决定。")
            return redirect("cases:clerk_case", case.pk)
    _collect(errors, (delivery_form, "delivery"))
    return render(request, "cases/clerk_apply.html", _clerk_apply_context(
        applicant=applicant, version=version, schema=schema, values=values, requirements=requirements, materials=materials,
        errors=errors, delivery_form=delivery_form, outlets=outlets, outlet_id=outlet.pk if outlet else None, key=key))


def _clerk_apply_context(*, applicant, version, schema, values, requirements, materials, errors, delivery_form, outlets,
                         outlet_id, key) -> dict:
    files = owned_files(applicant, [_file_id(s) for s in materials.values()])
    rows = []
    for requirement in requirements:
        spec = materials.get(str(requirement.pk)) or {}
        rows.append(_material_entry(requirement, errors=errors, paper=bool(spec.get("paper")),
                                    extra={"kept": files.get(_file_id(spec))}))
    return {"applicant": applicant, "identity": _applicant_identity(applicant), "version": version,
            "sections": application_sections(schema, values, errors), "rows": rows, "errors": errors,
            "delivery_form": delivery_form, "outlets": outlets, "outlet_id": outlet_id, "idempotency_key": key,
            "accept": UPLOAD_ACCEPT}


def _expected_due(case: Case, today):
    """The due date if the case were accepted today (a hint for the deferral deadline)."""
    days, unit = limit_of(case.version)
    start = case.received_on if today > case.acceptance_due_on else today
    return due_date(start, days, unit).due_date


def _correction_targets(case: Case) -> list[tuple[str, str]]:
    options = [("", "整体 / 其他")]
    options += [(f"form/{item['key']}", f"表单：{item['label']}") for item in form_schema(case.version)]
    options += [(f"materials/{r.pk}", f"材料：{r.name}") for r in version_requirements(case.version)]
    return options


def _clerk_case_context(request, case: Case, *, errors: ErrorList | None = None, forms: dict | None = None,
                        rows=None, open_panel: str = "", resubmit_values: dict | None = None, kept: dict | None = None,
                        paper_ticked: set | None = None) -> dict:
    errors = errors or ErrorList()
    forms = forms or {}
    today = _today()
    user = request.user
    requirements = version_requirements(case.version)
    deferrable = [r for r in requirements if r.necessity == MaterialNecessity.DEFERRABLE]
    submitted = case.status == CaseStatus.SUBMITTED
    can_accept = submitted and _may(user, case, ACCEPTANCE_ROLES)
    context = {
        "case": case, "clock": case_clock(case, today=today), "materials": _material_rows(case),
        "applicant_id": mask_id_number(case.applicant_id_number or ""), "applicant_phone": mask_phone(case.applicant_phone or ""),
        "documents": list(case.documents.order_by("created_at")), "timeline": case_timeline(case),
        "errors": errors, "open_panel": open_panel, "can_accept": can_accept,
        "acceptance_days_left": working_days_between(today, case.acceptance_due_on) if submitted else None,
        "can_refuse": case.status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED) and _may(user, case, ACCEPTANCE_ROLES),
        "progress_url": _progress_url(case), "delivery": getattr(case.application, "delivery", None),
        "refusal": refusal_of(case), "accept": UPLOAD_ACCEPT, "staff_case_url": reverse("cases:staff_case", args=[case.pk]),
        "form_rows": _staff_form_rows(case),
    }
    if can_accept:
        check = services.eligibility(case, on=today)
        due_hint = _expected_due(case, today)
        context.update(
            eligibility=check, due_hint=due_hint, deferrable=deferrable,
            deferral_form=forms.get("deferral") or DeferralForm(prefix="deferral", materials=deferrable, due_hint=due_hint, initial={
                "form_note": "现场提交纸质原件或网上上传扫描件",
                "commitment_text": "本人承诺在上述期限内补交所列材料；逾期未补交的，同意终止办理。"}),
            commitment_form=forms.get("commitment") or CommitmentForm(prefix="commitment", initial={
                "conditions": "\n".join(str(c) for c in case.version.acceptance_conditions or [] if c),
                "commitment_text": "本人承诺已经符合上述条件，所提供的信息真实、准确、完整，愿意承担虚假承诺的法律责任。"}),
            correction_rows=rows if rows is not None else correction_rows_from_post({}),
            correction_targets=_correction_targets(case))
    if context["can_refuse"]:
        agencies = refusal_agencies(case)
        context["refusal_form"] = forms.get("refusal") or RefusalForm(prefix="refusal", agencies=agencies)
    delivery = context["delivery"]
    if case.status == CaseStatus.CONCLUDED and delivery and _may(user, case, WINDOW_PAGE_ROLES):
        if delivery.method == DeliveryMethod.MAIL:
            context["mail_form"] = forms.get("mail") or MailForm(prefix="mail")
        elif delivery.method in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER):
            context["pickup_form"] = forms.get("pickup") or PickupForm(prefix="pickup")
        else:
            context["electronic_delivery"] = True
    transfers = list(case.transfers.order_by("sent_at"))
    context["transfers"] = transfers
    if (case.version.city_wide and case.outlet_id and not transfers and case.accepted_on
            and case.status not in CLOSED_STATUSES and has_role(user, Role.WINDOW_CLERK, case.outlet)):
        context["transfer_form"] = forms.get("transfer") or TransferForm(prefix="transfer")
    if case.status == CaseStatus.CORRECTION_REQUESTED and _may(user, case, ACCEPTANCE_ROLES):
        context["correction"] = _correction_context(case, errors=errors, values=resubmit_values, kept=kept,
                                                    paper_ticked=paper_ticked)
        context["reusable"] = reusable_files_for(case.applicant) if context["correction"] else []
    deferral = pending_deferral(case)
    if deferral and _may(user, case, WINDOW_PAGE_ROLES):
        pending = outstanding_deferred_ids(case)
        context["supplement"] = {"deferral": deferral, "materials": [
            _material_entry(r, errors=errors) for r in deferral.requirements.order_by("order", "id") if r.pk in pending],
            "allow_paper": case.application.channel in (Channel.WINDOW, Channel.POST)}
    return context


@staff_required(*WINDOW_PAGE_ROLES)
@require_http_methods(["GET", "POST"])
def clerk_case(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id, roles=WINDOW_PAGE_ROLES)
    return _case_page(request, case, template="cases/clerk_case.html", context=_clerk_case_context,
                      actions=_CLERK_ACTIONS, url_name="cases:clerk_case")


def _clerk_back(case: Case):
    return redirect("cases:clerk_case", case.pk)


def _clerk_rerender(request, case, **context_args):
    # A service that refused may already have changed this object before raising (case_accept
    # starts the clock, then finds the deferral invalid); the transaction rolled the database back,
    # not the object, so read it again or the page shows a due date for a case not accepted.
    case.refresh_from_db()
    return render(request, "cases/clerk_case.html", _clerk_case_context(request, case, **context_args))


def _accepted_message(case: Case) -> str:
    case.refresh_from_db()
    due = f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日" if case.due_on else "—"
    note = "（暂定：该年节假日尚未公布）" if case.due_provisional else ""
    return f"已受理（{case.get_acceptance_mode_display()}），承诺办结期限 {due}{note}。请打印受理通知书交申请人。"


def _clerk_accept(request, case: Case):
    try:
        services.case_accept(actor=request.user, case=case, mode=AcceptanceMode.NORMAL)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _clerk_back(case)
    messages.success(request, _accepted_message(case))
    return _clerk_back(case)


def _clerk_accept_deferred(request, case: Case):
    today = _today()
    deferrable = [r for r in version_requirements(case.version) if r.necessity == MaterialNecessity.DEFERRABLE]
    form = DeferralForm(request.POST, prefix="deferral", materials=deferrable, due_hint=_expected_due(case, today))
    if form.is_valid():
        try:
            services.case_accept(actor=request.user, case=case, mode=AcceptanceMode.DEFERRED, deferral=form.spec())
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _accepted_message(case) + " 容缺受理通知书已出具。")
            return _clerk_back(case)
    errors = _collect(ErrorList(), (form, "accept-deferred"))
    return _clerk_rerender(request, case, errors=errors, forms={"deferral": form}, open_panel="deferred")


def _clerk_accept_commitment(request, case: Case):
    form = CommitmentForm(request.POST, prefix="commitment")
    if form.is_valid():
        try:
            services.case_accept(actor=request.user, case=case, mode=AcceptanceMode.COMMITMENT, commitment=form.spec())
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _accepted_message(case) + " 告知承诺书已出具。")
            return _clerk_back(case)
    errors = _collect(ErrorList(), (form, "accept-commitment"))
    return _clerk_rerender(request, case, errors=errors, forms={"commitment": form}, open_panel="commitment")


def _clerk_corrections(request, case: Case, *, add_row: bool = False):
    rows = correction_rows_from_post(request.POST)
    if add_row:
        from yiwang.cases.forms import CorrectionRow

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
        return _clerk_back(case)
    return _clerk_rerender(request, case, errors=errors, rows=rows, open_panel="corrections")


def _clerk_refuse(request, case: Case):
    agencies = refusal_agencies(case)
    form = RefusalForm(request.POST, prefix="refusal", agencies=agencies)
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
            return _clerk_back(case)
    errors = _collect(ErrorList(), (form, "refuse"))
    return _clerk_rerender(request, case, errors=errors, forms={"refusal": form}, open_panel="refuse")


def _clerk_deliver(request, case: Case):
    delivery = case.application.delivery
    mail = delivery.method == DeliveryMethod.MAIL
    form = MailForm(request.POST, prefix="mail") if mail else PickupForm(request.POST, prefix="pickup")
    form.is_valid()
    try:
        services.case_deliver(actor=request.user, case=case, pickup_code=form.cleaned_data.get("pickup_code", ""),
                              tracking_number=form.cleaned_data.get("tracking_number", ""))
    except (ValidationFailed, DomainError) as exc:
        if isinstance(exc, Conflict):
            messages.error(request, exc.message)
            return _clerk_back(case)
        form.add_service_errors(exc)
        errors = _collect(ErrorList(), (form, "deliver"))
        return _clerk_rerender(request, case, errors=errors, forms={"mail" if mail else "pickup": form})
    messages.success(request, "已送达：办理结果已交付申请人。" if not mail else "已登记邮寄，办理结果已寄出。")
    return _clerk_back(case)


def _clerk_reissue_code(request, case: Case):
    try:
        services.pickup_code_reissue(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "新的取件码已发送到申请人的注册手机和站内消息，原取件码已作废。请申请人出示新取件码。")
    return _clerk_back(case)


def _clerk_transfer(request, case: Case):
    form = TransferForm(request.POST, prefix="transfer")
    form.is_valid()
    try:
        services.material_transfer_send(actor=request.user, case=case, tracking_number=form.cleaned_data.get("tracking_number", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记纸质材料寄往「{case.agency.name}」。")
    return _clerk_back(case)


def _clerk_supplement(request, case: Case):
    deferral = pending_deferral(case)
    if deferral is None:
        messages.error(request, "该办件没有待补交的容缺材料。")
        return _clerk_back(case)
    errors = ErrorList()
    allow_paper = case.application.channel in (Channel.WINDOW, Channel.POST)
    materials = {}
    for requirement in deferral.requirements.all():
        spec = _read_material(request, requirement, owner=case.applicant, errors=errors, allow_paper=allow_paper)
        if spec is not None:
            materials[str(requirement.pk)] = spec
    if not errors:
        try:
            services.case_supplement_deferred(actor=request.user, case=case, materials=materials)
        except DomainError as exc:
            _place_service_errors(exc, errors)
        else:
            messages.success(request, "容缺材料已补齐。")
            return _clerk_back(case)
    return _clerk_rerender(request, case, errors=errors)


def _clerk_resubmit(request, case: Case):
    """A walk-in applicant brings what the one-time notice asked for: the clerk records the corrected
    fields, ticks the paper originals received (or scans them), and receipt starts again today."""
    correction = _correction_context(case, errors=ErrorList()) if _may(request.user, case, ACCEPTANCE_ROLES) else None
    if correction is None:
        messages.error(request, "该办件当前无需补正。")
        return _clerk_back(case)
    done, errors, values, materials = _resubmit(request, case, correction, allow_paper=True)
    if done:
        case.refresh_from_db()
        due = case.acceptance_due_on
        messages.success(request, f"已登记补正，办件重新进入受理环节；受理期限至 {due.year}年{due.month}月{due.day}日。")
        return _clerk_back(case)
    paper = {int(k) for k, v in materials.items() if isinstance(v, dict) and v.get("paper")}
    return _clerk_rerender(request, case, errors=errors, open_panel="resubmit", resubmit_values=values,
                           kept=_kept_files(materials), paper_ticked=paper)


_CLERK_ACTIONS = {
    "accept": _clerk_accept,
    "resubmit": _clerk_resubmit,
    "accept_deferred": _clerk_accept_deferred,
    "accept_commitment": _clerk_accept_commitment,
    "corrections": _clerk_corrections,
    "corrections_add_row": lambda request, case: _clerk_corrections(request, case, add_row=True),
    "refuse": _clerk_refuse,
    "deliver": _clerk_deliver,
    "reissue_code": _clerk_reissue_code,
    "transfer": _clerk_transfer,
    "supplement": _clerk_supplement,
}


# ---------------------------------------------------------------------------------------------
# The department: worklist and case page


COLOUR_FILTERS = [("", "全部"), ("none", "正常"), ("yellow", "黄牌"), ("red", "红牌")]
TASK_STATUS_FILTERS = [("", "全部"), (TaskStatus.READY, "待签收"), (TaskStatus.CLAIMED, "办理中")]


@staff_required(*WORK_ROLES)
@require_http_methods(["GET", "POST"])
def worklist(request):
    from yiwang.cases import worklist as work

    if request.method == "POST":
        try:
            task = work.access_task_by_id(actor=request.user, task_id=request.POST.get("task_id"))
            work.task_claim(actor=request.user, task=task)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已签收：{task.case.number} {task.title}。")
        # Back to the same filtered list; only the list's own filters are carried over.
        from django.http import QueryDict

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
    tasks = work.worklist_for(actor=request.user, status=status or None,
                              colour=None if not colour else "" if colour == "none" else colour).select_related("case__version")
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    today = _today()
    rows = [{"task": t, "clock": case_clock(t.case, today=today),
             "can_claim": t.status == TaskStatus.READY and has_role(request.user, t.role, t.organisation)}
            for t in page.object_list]
    query = urlencode({k: v for k, v in (("status", status), ("colour", colour)) if v})
    return render(request, "cases/worklist.html", {
        "rows": rows, "page": page, "status": status, "colour": colour, "status_filters": TASK_STATUS_FILTERS,
        "colour_filters": COLOUR_FILTERS, "errors": errors, "query": query})


def _staff_form_rows(case: Case) -> list[dict]:
    """The form as staff see it: personal identifiers masked like everywhere else for non-owners
    (accounts.selectors.identifier_for_viewer); the rest as filed."""
    masked_types = {DataType.ID_NUMBER: mask_id_number, DataType.PHONE: mask_phone}
    rows = []
    for item in form_schema(case.version):
        value = display_value(item, case.application.form_data.get(item["key"]))
        if item["type"] in masked_types and value:
            value = masked_types[item["type"]](value)
        rows.append({"label": item["label"], "value": value})
    return rows


def _task_panels(request, case: Case, forms: dict) -> list[dict]:
    from yiwang.cases import worklist as work

    panels = []
    user = request.user
    for task in work.tasks_for_case(case=case).filter(status__in=work.OPEN_STATUSES).select_related("process__definition"):
        can_do = has_role(user, task.role, task.organisation)
        holder = task.status == TaskStatus.READY or task.assignee_id == user.pk
        prefix = f"task{task.pk}"
        outcomes = _outcomes_for(task)
        from yiwang.cases.process_engine import is_decision_task

        decision = is_decision_task(task.task_key)
        panel = {"task": task, "can_do": can_do, "holder": holder, "decision": decision,
                 "role_label": Role(task.role).label if task.role in Role.values else task.role,
                 "can_claim": can_do and task.status == TaskStatus.READY,
                 "can_complete": can_do and holder and case.status == CaseStatus.UNDER_REVIEW,
                 "can_reassign": has_role(user, ("dept_approver", "administrator"), task.organisation)}
        if panel["can_complete"]:
            panel["complete_form"] = forms.get(f"{prefix}-complete") or TaskCompleteForm(
                prefix=f"{prefix}-complete", outcomes=outcomes, decision=decision)
            if work.task_can_return(task):
                panel["return_form"] = forms.get(f"{prefix}-return") or TaskReturnForm(prefix=f"{prefix}-return")
        if panel["can_reassign"]:
            panel["reassign_form"] = forms.get(f"{prefix}-reassign") or ReassignForm(
                prefix=f"{prefix}-reassign", colleagues=[u for u in colleagues_for(task) if u.pk != task.assignee_id])
        panels.append(panel)
    return panels


def _outcome_label(task) -> str:
    """A finished task's outcome as officers read it (the history table), not the process code."""
    from yiwang.cases import worklist as work

    if task.status == TaskStatus.CANCELLED:
        return "已取消"
    if task.outcome == work.RETURNED:
        return "退回"
    return OUTCOME_LABELS.get(task.outcome, task.outcome)


def _staff_case_context(request, case: Case, *, errors: ErrorList | None = None, forms: dict | None = None) -> dict:
    from yiwang.cases import worklist as work

    forms = forms or {}
    user = request.user
    today = _today()
    dept = _may(user, case, DEPARTMENT_ROLES)
    approver = _may(user, case, [Role.DEPT_APPROVER])
    form_rows = _staff_form_rows(case)
    commitment = commitment_of(case)
    context = {
        "case": case, "clock": case_clock(case, today=today), "timeline": case_timeline(case),
        "history": [{"task": t, "outcome": _outcome_label(t)} for t in work.tasks_for_case(case=case)
                    if t.status not in work.OPEN_STATUSES],
        "form_rows": form_rows, "materials": _material_rows(case), "documents": list(case.documents.order_by("created_at")),
        "applicant_id": mask_id_number(case.applicant_id_number or ""), "errors": errors or ErrorList(),
        "panels": _task_panels(request, case, forms), "deferral": deferral_of(case), "commitment": commitment,
        "extensions": list(case.extensions.order_by("created_at")), "pauses": list(case.pauses.order_by("started_on")),
        "transfers": list(case.transfers.select_related("from_outlet").order_by("sent_at")),
        "can_receive": _may(user, case, DEPARTMENT_ROLES),
        "acceptance_url": reverse("cases:clerk_case", args=[case.pk])
        if case.status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED, CaseStatus.CONCLUDED)
        and _may(user, case, WINDOW_PAGE_ROLES) else "",
    }
    if dept and case.status == CaseStatus.UNDER_REVIEW:
        context["pause_form"] = forms.get("pause") or PauseForm(prefix="pause")
    context["can_resume"] = dept and case.status == CaseStatus.SUSPENDED
    if approver and case.status in (CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED):
        context["extend_form"] = forms.get("extend") or ExtendForm(prefix="extend")
    if dept and commitment is not None and not commitment.verified_on:
        context["verify_form"] = forms.get("verify") or VerifyForm(prefix="verify")
    return context


@staff_required(*STAFF_CASE_ROLES)
@require_http_methods(["GET", "POST"])
def staff_case(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id)
    return _case_page(request, case, template="cases/staff_case.html", context=_staff_case_context,
                      actions=_STAFF_ACTIONS, url_name="cases:staff_case")


def _staff_back(case: Case):
    return redirect("cases:staff_case", case.pk)


def _staff_rerender(request, case, *, errors: ErrorList, forms: dict):
    case.refresh_from_db()  # as _clerk_rerender: drop what a refused service call left on the object
    return render(request, "cases/staff_case.html", _staff_case_context(request, case, errors=errors, forms=forms))


def _case_task(request, case: Case):
    from yiwang.cases import worklist as work

    task = work.access_task_by_id(actor=request.user, task_id=request.POST.get("task_id"))
    if task.case_id != case.pk:
        raise NotFound("未找到该待办任务。", code="task_not_found")
    return task


def _staff_claim(request, case: Case):
    from yiwang.cases import worklist as work

    try:
        task = work.task_claim(actor=request.user, task=_case_task(request, case))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已签收「{task.title}」。")
    return _staff_back(case)


def _staff_complete(request, case: Case):
    from yiwang.cases import worklist as work
    from yiwang.cases.process_engine import is_decision_task

    task = _case_task(request, case)
    prefix = f"task{task.pk}-complete"
    decision = is_decision_task(task.task_key)
    form = TaskCompleteForm(request.POST, prefix=prefix, outcomes=_outcomes_for(task), decision=decision)
    if form.is_valid():
        data = {"legal_basis": form.cleaned_data.get("legal_basis", "")} if decision else {}
        try:
            work.task_complete(actor=request.user, task=task, outcome=form.cleaned_data.get("outcome", ""),
                               comment=form.cleaned_data.get("comment", ""), data=data)
        except DomainError as exc:
            if isinstance(exc, Conflict | NotFound) and not exc.field:
                messages.error(request, exc.message)
                return _staff_back(case)
            form.add_service_errors(exc)
        else:
            case.refresh_from_db()
            if case.decision:
                messages.success(request, f"已作出决定：{case.get_decision_display()}。办件状态：{case.get_status_display()}。")
            else:
                messages.success(request, f"已完成「{task.title}」，已转下一步。")
            return _staff_back(case)
    errors = _collect(ErrorList(), (form, f"task-{task.pk}"))
    return _staff_rerender(request, case, errors=errors, forms={prefix: form})


def _staff_return(request, case: Case):
    from yiwang.cases import worklist as work

    task = _case_task(request, case)
    prefix = f"task{task.pk}-return"
    form = TaskReturnForm(request.POST, prefix=prefix)
    form.is_valid()
    try:
        work.task_return(actor=request.user, task=task, comment=form.cleaned_data.get("comment", ""))
    except DomainError as exc:
        if exc.field:
            form.add_service_errors(exc)
            return _staff_rerender(request, case, errors=_collect(ErrorList(), (form, f"task-{task.pk}")), forms={prefix: form})
        messages.error(request, exc.message)
        return _staff_back(case)
    messages.success(request, f"已将「{task.title}」退回上一步。")
    return _staff_back(case)


def _staff_reassign(request, case: Case):
    from django.contrib.auth import get_user_model

    from yiwang.cases import worklist as work

    task = _case_task(request, case)
    prefix = f"task{task.pk}-reassign"
    colleagues = colleagues_for(task)
    form = ReassignForm(request.POST, prefix=prefix, colleagues=colleagues)
    if form.is_valid():
        to_id = form.cleaned_data.get("to_user")
        to_user = get_user_model().objects.filter(pk=to_id).first() if to_id else None
        try:
            work.task_reassign(actor=request.user, task=task, to_user=to_user)
        except DomainError as exc:
            if exc.field:
                form.add_service_errors(exc)
            else:
                messages.error(request, exc.message)
                return _staff_back(case)
        else:
            messages.success(request, f"已将「{task.title}」改派给 {to_user.display_name}。")
            return _staff_back(case)
    return _staff_rerender(request, case, errors=_collect(ErrorList(), (form, f"task-{task.pk}")), forms={prefix: form})


def _staff_form_action(request, case, form, call, *, success: str, anchor: str, key: str):
    """Validate `form`, run `call(form)`; field errors go next to the inputs, others to a message."""
    if form.is_valid():
        try:
            call(form)
        except NotFound:
            raise  # not the actor's to do (access.require_case_role): the same 404 as a missing case
        except DomainError as exc:
            if isinstance(exc, Conflict) and not exc.field:
                messages.error(request, exc.message)
                return _staff_back(case)
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return _staff_back(case)
    return _staff_rerender(request, case, errors=_collect(ErrorList(), (form, anchor)), forms={key: form})


def _staff_pause(request, case: Case):
    form = PauseForm(request.POST, prefix="pause")
    return _staff_form_action(
        request, case, form, lambda f: services.case_pause(actor=request.user, case=case, procedure=f.cleaned_data.get("procedure", ""),
                                                           reason=f.cleaned_data.get("reason", ""), expected_days=f.days()),
        success="已启动特别程序，暂停计时；特别程序告知书已出具。", anchor="pause", key="pause")


def _staff_resume(request, case: Case):
    try:
        services.case_resume(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        case.refresh_from_db()
        messages.success(request, f"特别程序结束，恢复计时。新的办结期限：{case.due_on:%Y-%m-%d}。")
    return _staff_back(case)


def _staff_extend(request, case: Case):
    form = ExtendForm(request.POST, prefix="extend")
    return _staff_form_action(
        request, case, form, lambda f: services.case_extend(actor=request.user, case=case, reason=f.cleaned_data.get("reason", ""),
                                                            days=f.day_count()),
        success="已延长审批期限；延长审批期限告知书已出具并通知申请人。", anchor="extend", key="extend")


def _staff_verify(request, case: Case):
    form = VerifyForm(request.POST, prefix="verify")
    if form.is_valid() and form.cleaned_data.get("truthful") not in ("yes", "no"):
        form.add_error("truthful", "请选择核查结论：承诺属实或承诺不实。")
    return _staff_form_action(
        request, case, form, lambda f: services.commitment_verify(actor=request.user, case=case,
                                                                  truthful=f.cleaned_data["truthful"] == "yes",
                                                                  note=f.cleaned_data.get("note", "")),
        success="已记录承诺核查结果。", anchor="verify", key="verify")


def _staff_receive(request, case: Case):
    transfer = MaterialTransfer.objects.filter(pk=request.POST.get("transfer_id") or 0, case=case).first()
    if transfer is None:
        raise NotFound("未找到该批流转材料。", code="transfer_not_found")
    try:
        services.material_transfer_receive(actor=request.user, transfer=transfer)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收纸质材料。")
    return _staff_back(case)


_STAFF_ACTIONS = {
    "claim": _staff_claim,
    "complete": _staff_complete,
    "return": _staff_return,
    "reassign": _staff_reassign,
    "pause": _staff_pause,
    "resume": _staff_resume,
    "extend": _staff_extend,
    "verify": _staff_verify,
    "receive": _staff_receive,
}


# ---------------------------------------------------------------------------------------------
# Monitoring (电子监察)


WARNING_TONE = {WarningKind.OVERDUE: "red", WarningKind.DUE_SOON: "yellow", WarningKind.ACCEPTANCE_LATE: "red",
                WarningKind.DELIVERY_LATE: "red", WarningKind.DEFERRED_MATERIALS_OVERDUE: "red",
                WarningKind.COMMITMENT_VERIFICATION_DUE: "yellow"}


@staff_required(*SUPERVISION_ROLES)
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
    qs = open_warnings(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if colour:
        qs = qs.filter(case__warning=WarningColour.NONE if colour == "none" else colour)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = _today()
    rows = [{"warning": w, "tone": WARNING_TONE.get(w.kind, ""), "clock": case_clock(w.case, today=today)}
            for w in page.object_list]
    query = urlencode({k: v for k, v in (("kind", kind), ("colour", colour)) if v})
    return render(request, "cases/warnings.html", {
        "rows": rows, "page": page, "kind": kind, "colour": colour, "kinds": WarningKind.choices,
        "colour_filters": COLOUR_FILTERS, "errors": errors, "query": query})
