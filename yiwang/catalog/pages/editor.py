"""Pages for catalog editors: the list, a new implementation, a version, editing and submitting a
draft, the version history and a new draft from the published guide, the Excel import/export.

Pages obtain implementations and versions only through access.py (out of scope = 404), ask it what
the actor may do now (access.version_actions_for), and change them only through services.py; what
the services refuse is shown next to the inputs it concerns. Reviewing and publishing: review.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.catalog import access, selectors, services
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
from yiwang.catalog.pages.staff import catalog_staff_required, version_url
from yiwang.catalog.rules import version_problems
from yiwang.catalog.selectors.editing import versions_to_export
from yiwang.catalog.workbook import WorkbookImportFailed, export_workbook, import_workbook
from yiwang.core.errors import DomainError, ValidationFailed

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


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
        "can_create": access.editable_agencies(request.user).exists(),
    })


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_new(request):
    agencies = list(access.editable_agencies(request.user)[:500])
    if not agencies:
        return render(request, "catalog/editor/forbidden.html", {"reason": "您没有任何部门的事项编辑角色，不能新建事项。"},
                      status=403)
    form = NewImplementationForm(request.POST or None, agencies=agencies)
    errors = ErrorMap()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            implementation = services.implementation_create_with_base_item(
                actor=request.user, basic_code=data["basic_code"], base_name=data["base_name"], item_type=data["item_type"],
                agency=next((a for a in agencies if str(a.pk) == data["agency"]), None),
                exercise_level=data["exercise_level"], implementation_code=data["implementation_code"],
                handling_item_kind=data["handling_item_kind"], handling_item_code=data["handling_item_code"],
                name=data["name"])
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


# --- One version -------------------------------------------------------------------------------


@require_safe
@catalog_staff_required
def editor_version(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    version = selectors.version_detail(version.pk)
    problems = version_problems(version) if access.version_is_editable(version) else []
    return _render_version(request, version, problems=problems, submitted_problems=[])


def _render_version(request, version, *, problems, submitted_problems, status=200):
    errors = ErrorMap()
    edit_url = reverse("catalog:editor_edit", args=[version.pk])
    for problem in submitted_problems:
        errors.add(problem.field, problem.message, anchor_base=edit_url + "?check=1")
    return render(request, "catalog/editor/version.html", {
        "version": version, "implementation": version.implementation, "actions": access.version_actions_for(actor=request.user, version=version),
        "problems": problems, "errors": errors, "edit_url": edit_url,
    }, status=status)


@require_http_methods(["GET", "POST"])
@catalog_staff_required
def editor_edit(request, version_id: int):
    version = access.access_version_for_editing(actor=request.user, version_id=version_id)
    if not access.version_is_editable(version):
        messages.warning(request, f"版本 v{version.number} 当前为「{version.get_status_display()}」，不能编辑。")
        return redirect(version_url(version))
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
                return redirect(version_url(version))
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
        return redirect(version_url(version))
    messages.success(request, f"版本 v{version.number} 已提交审核，等待另一位事项审核人员审核。")
    return redirect(version_url(version))


@require_POST
@catalog_staff_required
def editor_submit(request, version_id: int):
    version = access.access_version_for_editing(actor=request.user, version_id=version_id)
    return _submit(request, version)


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
    return render(request, "catalog/editor/history.html", {
        "implementation": implementation, "versions": versions,
        "can_start_draft": access.can_start_draft(request.user, implementation, versions),
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
    versions = versions_to_export(actor=request.user, everything=request.GET.get("scope") == "all")
    data = export_workbook(versions)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"catalog-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
