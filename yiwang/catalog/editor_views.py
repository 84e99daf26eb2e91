"""Pages for catalog staff: the editor's list, a new implementation, editing a draft, submitting,
reviewing (with the difference from the published guide), publishing, version history and
differences, and the Excel import/export.

Views obtain implementations and versions only through access.py (out of scope = 404) and change
them only through services.py; what the services refuse is shown next to the inputs it concerns.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.catalog import access, selectors, services
from yiwang.catalog.constants import EDITABLE_STATUSES, VersionStatus
from yiwang.catalog.editor_forms import (
    CHILD_PREFIXES,
    CHILD_TITLES,
    ErrorMap,
    NewImplementationForm,
    VersionForm,
    child_formset,
    child_initial,
    formset_rows,
)
from yiwang.catalog.models import BaseItem, ImplementationVersion, VersionReview
from yiwang.catalog.rules import version_problems
from yiwang.catalog.workbook import WorkbookImportFailed, export_workbook, import_workbook
from yiwang.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from yiwang.orgs.models import Organisation

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def catalog_staff_required(view):
    """Logged in (else to the login page) and holding a catalog role (else 403); access.py's
    NotFound becomes the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_catalog_staff(request.user):
            return render(request, "catalog/editor/forbidden.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def _version_url(version) -> str:
    return reverse("catalog:editor_version", args=[version.pk])


def _actions(actor, version: ImplementationVersion) -> dict:
    agency = version.implementation.agency
    own = actor.pk in {version.created_by_id, version.submitted_by_id}
    return {
        "edit": version.status in EDITABLE_STATUSES and access.can_edit(actor, agency),
        "submit": version.status in EDITABLE_STATUSES and access.can_edit(actor, agency),
        "review": version.status == VersionStatus.SUBMITTED and access.can_review(actor, agency) and not own,
        "publish": version.status == VersionStatus.APPROVED and access.can_publish(actor, agency),
        "start_draft": version.status == VersionStatus.PUBLISHED and access.can_edit(actor, agency)
        and not version.implementation.versions.exclude(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).exists(),
    }


def _published_counterpart(version: ImplementationVersion) -> ImplementationVersion | None:
    """The version to compare with: the published one, or (for the published one itself and for
    first drafts) the previous number."""
    other = (ImplementationVersion.objects.filter(implementation_id=version.implementation_id,
                                                  status=VersionStatus.PUBLISHED).exclude(pk=version.pk).first())
    if other is None:
        other = (ImplementationVersion.objects.filter(implementation_id=version.implementation_id,
                                                      number__lt=version.number).order_by("-number").first())
    return selectors.version_detail(other.pk) if other else None


# --- List, new ---------------------------------------------------------------------------------


@require_safe
@catalog_staff_required
def editor_list(request):
    q = selectors.clean_query(request.GET.get("q", ""))  # control characters out: PostgreSQL rejects NUL
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    return render(request, "catalog/editor/list.html", {
        "dashboard": selectors.editor_dashboard(request.user),
        "q": q,
        "results": selectors.implementations_for_staff(request.user, q=q, page=page_number),
        "can_create": Organisation.objects.filter(access.editable_agencies_filter(request.user)).exists(),
    })


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_new(request):
    agencies = list(Organisation.objects.filter(access.editable_agencies_filter(request.user)).order_by("path")[:500])
    if not agencies:
        return render(request, "catalog/editor/forbidden.html", {"reason": "您没有任何部门的事项编辑角色，不能新建事项。"},
                      status=403)
    form = NewImplementationForm(request.POST or None, agencies=agencies)
    errors = ErrorMap()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            implementation = _create_implementation(request.user, data, agencies)
        except ValidationFailed as exc:
            for error in exc.errors:
                errors.add(error.field, error.message)
        except DomainError as exc:
            errors.add(exc.field or "agency", exc.message)
        else:
            messages.success(request, "已新建事项（草稿 v1），请补全办事指南的各项内容后提交审核。")
            return redirect("catalog:editor_edit", version_id=implementation.versions.get(number=1).pk)
    names = ("basic_code", "base_name", "item_type", "agency", "exercise_level", "implementation_code",
             "handling_item_kind", "handling_item_code", "name")
    return render(request, "catalog/editor/new.html", {"form": form, "rows": errors.rows(form, names), "errors": errors},
                  status=400 if errors else 200)


@transaction.atomic
def _create_implementation(actor, data: dict, agencies: list[Organisation]):
    """The base item (found by code, or added), then the implementation; one transaction, so a
    refused implementation does not leave a new base item behind."""
    problems: list[FieldError] = []
    basic_code = data["basic_code"].strip()
    base_item = BaseItem.objects.filter(basic_code=basic_code).first() if basic_code else None
    agency = next((a for a in agencies if str(a.pk) == data["agency"]), None)
    if not basic_code:
        problems.append(FieldError("basic_code", "required", "请填写基本编码。"))
    if agency is None:
        problems.append(FieldError("agency", "required", "请选择实施主体。"))
    if problems:
        raise ValidationFailed(problems)
    if base_item is None:
        base_item = services.base_item_create(actor=actor, basic_code=basic_code, name=data["base_name"] or data["name"],
                                              item_type=data["item_type"])
    payload = {"name": data["name"]} if data["name"].strip() else {}
    return services.implementation_create(
        actor=actor, base_item=base_item, agency=agency, exercise_level=data["exercise_level"],
        implementation_code=data["implementation_code"], handling_item_kind=data["handling_item_kind"] or "new",
        handling_item_code=data["handling_item_code"], data=payload)


# --- One version -------------------------------------------------------------------------------


@require_safe
@catalog_staff_required
def editor_version(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    version = selectors.version_detail(version.pk)
    problems = version_problems(version) if version.status in EDITABLE_STATUSES else []
    return _render_version(request, version, problems=problems, submitted_problems=[])


def _render_version(request, version, *, problems, submitted_problems, status=200):
    errors = ErrorMap()
    edit_url = reverse("catalog:editor_edit", args=[version.pk])
    for problem in submitted_problems:
        errors.add(problem.field, problem.message, anchor_base=edit_url + "?check=1")
    return render(request, "catalog/editor/version.html", {
        "version": version, "implementation": version.implementation, "actions": _actions(request.user, version),
        "problems": problems, "errors": errors, "edit_url": edit_url,
    }, status=status)


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_edit(request, version_id: int):
    version = access.access_version_for_editing(actor=request.user, version_id=version_id)
    if version.status not in EDITABLE_STATUSES:
        messages.warning(request, f"版本 v{version.number} 当前为「{version.get_status_display()}」，不能编辑。")
        return redirect(_version_url(version))
    version = selectors.version_detail(version.pk)
    errors = ErrorMap()
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES)
        formsets = {kind: child_formset(kind, data=request.POST, files=request.FILES) for kind in CHILD_PREFIXES}
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            lists, positions = {}, {}
            for kind, formset in formsets.items():
                lists[kind], positions[kind] = formset_rows(formset)
            try:
                services.version_update(actor=request.user, version=version, data=form.to_data(), **lists)
            except ValidationFailed as exc:
                for error in exc.errors:
                    errors.add(error.field, error.message, positions=positions)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect(_version_url(version))
            else:
                if "submit" not in request.POST:
                    messages.success(request, "已保存草稿。")
                    return redirect("catalog:editor_edit", version_id=version.pk)
                return _submit(request, version)
        else:
            for name, messages_ in form.errors.items():
                for message in messages_:
                    errors.add(name, message)
            for kind, formset in formsets.items():
                for message in formset.non_form_errors():
                    errors.add(kind, f"{message}（请刷新页面后重试）")
                for index, child in enumerate(formset.forms):
                    for name, messages_ in child.errors.items():
                        for message in messages_:
                            errors.add(f"{kind}[{index}].{name}", message)
    else:
        form = VersionForm(initial=VersionForm.initial_for(version))
        formsets = {kind: child_formset(kind, initial=child_initial(version, kind)) for kind in CHILD_PREFIXES}
        for problem in version_problems(version) if request.GET.get("check") else []:
            errors.add(problem.field, problem.message)
    return _render_edit(request, version, form, formsets, errors)


def _render_edit(request, version, form, formsets, errors, status=None):
    sections = [{"id": key, "title": title, "rows": errors.rows(form, names)} for key, title, names in VersionForm.FIELDSETS]
    lists = []
    for kind, formset in formsets.items():
        forms_rows = []
        for index, child in enumerate(formset.forms):
            names = [n for n in child.fields if n not in ("id", "DELETE")]
            forms_rows.append({"form": child, "index": index, "rows": errors.rows(child, names),
                               "hidden": [child["id"]], "delete": child["DELETE"],
                               "errors": errors.by_input.get(f"{kind}-{index}", [])})
        lists.append({"kind": kind, "title": CHILD_TITLES[kind], "formset": formset, "forms": forms_rows,
                      "errors": errors.list_errors(kind)})
    return render(request, "catalog/editor/edit.html", {
        "version": version, "implementation": version.implementation, "form": form, "sections": sections,
        "lists": lists, "errors": errors,
    }, status=status or (400 if errors else 200))


def _submit(request, version):
    try:
        services.version_submit(actor=request.user, version=version)
    except ValidationFailed as exc:
        fresh = selectors.version_detail(version.pk)
        return _render_version(request, fresh, problems=[], submitted_problems=exc.errors, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_version_url(version))
    messages.success(request, f"版本 v{version.number} 已提交审核，等待另一位事项审核人员审核。")
    return redirect(_version_url(version))


@require_POST
@catalog_staff_required
def editor_submit(request, version_id: int):
    version = access.access_version_for_editing(actor=request.user, version_id=version_id)
    return _submit(request, version)


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_review(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    version = selectors.version_detail(version.pk)
    errors = ErrorMap()
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    if request.method == "POST":
        try:
            services.version_review(actor=request.user, version=version, decision=decision, comment=comment)
        except ValidationFailed as exc:
            for error in exc.errors:
                errors.add(error.field, error.message)
        except DomainError as exc:
            errors.add("decision", exc.message)
        else:
            text = "审核通过，可以发布。" if decision == VersionReview.Decision.APPROVE else "已退回修改，编辑人员会看到您的意见。"
            messages.success(request, text)
            return redirect(_version_url(version))
    old = _published_counterpart(version)
    own = request.user.pk in {version.created_by_id, version.submitted_by_id}
    return render(request, "catalog/editor/review.html", {
        "version": version, "implementation": version.implementation, "old": old,
        "changes": selectors.version_diff(old, version), "errors": errors, "decision": decision, "comment": comment,
        "can_review": version.status == VersionStatus.SUBMITTED and access.can_review(request.user, version.implementation.agency),
        "own": own, "decisions": VersionReview.Decision.choices,
    }, status=400 if errors else 200)


@require_POST
@catalog_staff_required
def editor_publish(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    try:
        services.version_publish(actor=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"版本 v{version.number} 已发布，原发布版本已标记为被替代（保留备查）。")
    return redirect(_version_url(version))


@require_POST
@catalog_staff_required
def editor_start_draft(request, implementation_id: int):
    implementation = access.access_implementation_for_editing(actor=request.user, implementation_id=implementation_id)
    try:
        draft = services.version_start_draft(actor=request.user, implementation=implementation)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:editor_history", implementation_id=implementation.pk)
    messages.success(request, f"已从发布版本复制出草稿 v{draft.number}。")
    return redirect("catalog:editor_edit", version_id=draft.pk)


@require_safe
@catalog_staff_required
def editor_history(request, implementation_id: int):
    implementation = access.access_implementation_for_staff(actor=request.user, implementation_id=implementation_id)
    versions = selectors.versions_of(implementation)
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        newer.previous_version = older
    published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    has_open = any(v.status not in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED) for v in versions)
    return render(request, "catalog/editor/history.html", {
        "implementation": implementation, "versions": versions,
        "can_start_draft": published is not None and not has_open and access.can_edit(request.user, implementation.agency),
    })


@require_safe
@catalog_staff_required
def editor_diff(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    against = request.GET.get("against", "").strip()
    if against:
        other = access.access_version_for_staff(actor=request.user, version_id=against)
        if other.implementation_id != version.implementation_id:
            raise Http404("只能比较同一事项的两个版本。")
        old = selectors.version_detail(other.pk)
    else:
        old = _published_counterpart(version)
    new = selectors.version_detail(version.pk)
    others = [v for v in selectors.versions_of(version.implementation) if v.pk != version.pk]
    return render(request, "catalog/editor/diff.html", {
        "version": new, "old": old, "implementation": new.implementation, "changes": selectors.version_diff(old, new),
        "others": others,
    })


# --- Workbook ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_import(request):
    problems, result, error = [], None, ""
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            error = "请选择要导入的 Excel 文件（.xlsx）。"
        elif upload.size > MAX_UPLOAD_BYTES:
            error = f"文件过大（{upload.size // 1024 // 1024} MB），请分批导入，每个文件不超过 10 MB。"
        elif not upload.name.lower().endswith(".xlsx"):
            error = "只能导入 .xlsx 文件，请用导出的模板填写。"
        else:
            try:
                result = import_workbook(actor=request.user, stream=upload)
            except WorkbookImportFailed as exc:
                problems = exc.problems
                error = exc.message
            else:
                messages.success(request, f"导入完成：新建 {len(result.created)} 个事项，"
                                          f"{len(result.updated)} 个事项生成或更新了草稿。请逐个检查后提交审核。")
    return render(request, "catalog/editor/import.html", {"problems": problems, "result": result, "error": error},
                  status=400 if error else 200)


@require_safe
@catalog_staff_required
def editor_export(request):
    versions = selectors.published_versions().prefetch_related("materials", "fee_items")
    if request.GET.get("scope") != "all":
        versions = versions.filter(pk__in=access.versions_in_scope(request.user).values("pk"))
    data = export_workbook(versions.order_by("implementation__implementation_code"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"catalog-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
