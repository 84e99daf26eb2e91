"""Staff pages: licences in scope (search, status changes, new versions), bulk import, the
no-submission figure, and profiles (lookup, view — recorded — edit, export masked)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from yiwang.core.crypto import mask_name
from yiwang.core.errors import DomainError, NotFound
from yiwang.licences.access import (
    LICENCE_STAFF_ROLES,
    PROFILE_VIEW_ROLES,
    access_licence_for_staff,
    access_profile_by_subject,
    access_profile_for_staff,
    licence_actions_for,
    profile_actions_for,
    profiles_in_scope,
)
from yiwang.licences.constants import LicenceAction, LicenceStatus
from yiwang.licences.pages.common import error_list, staff_required
from yiwang.licences.selectors import (
    cases_of_profile,
    effective_status,
    licence_type_for_code,
    licence_types,
    licences_of_profile,
    profile_accesses,
    profile_attribute_rows,
    staff_licence_search,
    status_history,
    verifications_of,
    verifier_description,
    waiver_figures,
)
from yiwang.licences.services import (
    LicenceImportFailed,
    licence_change_status,
    licence_new_version,
    licences_import,
    profile_record_access,
    profile_update,
)
from yiwang.licences.services.imports import template_rows
from yiwang.licences.services.profiles import FIELDS_OF, LABELS


class StatusForm(forms.Form):
    action = forms.ChoiceField(label="操作", choices=[(a.value, a.label) for a in
                                                    (LicenceAction.REVOKE, LicenceAction.CANCEL, LicenceAction.WITHDRAW)])
    reason = forms.CharField(label="理由和依据", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="将告知持证人，并记入证照的状态记录。例如：依据《行政许可法》第六十九条撤销。")


class NewVersionForm(forms.Form):
    kind = forms.ChoiceField(label="换发类型", choices=[("renewal", "延续（新的有效期）"), ("change", "变更（有效期不变）")])
    reason = forms.CharField(label="换发原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    holder_name = forms.CharField(label="持证主体名称（变更时填写）", max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="证照文件（.xlsx 或 .csv）", help_text="第 1 行为列名。全部正确才会导入；有错误时逐行逐列列出，均不导入。")


class LookupForm(forms.Form):
    subject_id = forms.CharField(label="身份证号或统一社会信用代码", max_length=18, min_length=18,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))


def _has_control(text: str) -> bool:
    return any(not ch.isprintable() for ch in text.replace("\n", "").replace("\r", ""))


# --- Licences ----------------------------------------------------------------------------------


@staff_required(*LICENCE_STAFF_ROLES)
@require_GET
def staff_licences(request):
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    if _has_control(q):
        q = ""
    return render(request, "licences/staff/licences.html", {
        "licences": staff_licence_search(request.user, q=q, status=status), "q": q, "status": status,
        "statuses": LicenceStatus.choices})


def _licence_context(request, licence, *, status_form=None, version_form=None, errors=None) -> dict:
    actions = licence_actions_for(actor=request.user, licence=licence)
    return {
        "licence": licence, "status": effective_status(licence), "actions": actions, "history": status_history(licence),
        "checks": [{"v": v, "who": verifier_description(v)} for v in verifications_of(licence, limit=20)],
        "fields": [(f["label"], licence.attributes.get(f["key"], "")) for f in licence.licence_type.template_fields
                   if licence.attributes.get(f["key"])],
        "status_form": status_form or (StatusForm(prefix="status") if actions["status_actions"] else None),
        "version_form": version_form or (NewVersionForm(prefix="version") if actions["new_version"] else None),
        "errors": errors or [],
    }


@staff_required(*LICENCE_STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def staff_licence(request, licence_id: int):
    licence = access_licence_for_staff(actor=request.user, licence_id=licence_id)
    if request.method == "GET":
        return render(request, "licences/staff/licence.html", _licence_context(request, licence))
    what = request.POST.get("what", "")
    if what == "status":
        form = StatusForm(request.POST, prefix="status")
        if form.is_valid():
            try:
                licence_change_status(actor=request.user, licence=licence, action=form.cleaned_data["action"],
                                      reason=form.cleaned_data["reason"])
            except DomainError as exc:
                return render(request, "licences/staff/licence.html",
                              _licence_context(request, licence, status_form=form, errors=error_list(exc)), status=400)
            messages.success(request, f"已{LicenceAction(form.cleaned_data['action']).label}该证照，并已通知持证人。")
            return redirect("licences:staff_licence", licence.pk)
        return render(request, "licences/staff/licence.html", _licence_context(request, licence, status_form=form), status=400)
    if what == "version":
        form = NewVersionForm(request.POST, prefix="version")
        if form.is_valid():
            change = form.cleaned_data["kind"] == "change"
            try:
                from yiwang.licences.services.issuance import KEEP

                new = licence_new_version(
                    actor=request.user, licence=licence, reason=form.cleaned_data["reason"],
                    valid_from=licence.valid_from if change else None,
                    valid_until=licence.valid_until if change else KEEP,
                    holder_name=form.cleaned_data["holder_name"].strip())
            except DomainError as exc:
                return render(request, "licences/staff/licence.html",
                              _licence_context(request, licence, version_form=form, errors=error_list(exc)), status=400)
            messages.success(request, f"已换发第 {new.version:03d} 版：{new.identifier}")
            return redirect("licences:staff_licence", new.pk)
        return render(request, "licences/staff/licence.html", _licence_context(request, licence, version_form=form), status=400)
    messages.error(request, "无法识别的操作，请重试。")
    return redirect("licences:staff_licence", licence.pk)


@staff_required(*LICENCE_STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def staff_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "types": licence_types(), "problems": [], "imported": []}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = licences_import(actor=request.user, stream=upload, filename=upload.name)
        except LicenceImportFailed as exc:
            context.update(problems=exc.problems, message=exc.message)
            return render(request, "licences/staff/import.html", context, status=400)
        messages.success(request, f"已导入并签发 {len(imported)} 张证照。")
        return redirect(reverse("licences:staff_import") + "?done=" + str(len(imported)))
    return render(request, "licences/staff/import.html", context, status=400 if request.method == "POST" else 200)


@staff_required(*LICENCE_STAFF_ROLES)
@require_GET
def staff_import_template(request, type_code: str):
    licence_type = licence_type_for_code(type_code[:40])
    if licence_type is None:
        raise NotFound("没有这个证照类型。")
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese headers only with a BOM
    csv.writer(buffer).writerows(template_rows(licence_type))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="licence-import-{licence_type.code}.csv"'
    return response


@staff_required(*LICENCE_STAFF_ROLES)
@require_GET
def staff_waivers(request):
    figures, total = waiver_figures()
    return render(request, "licences/staff/waivers.html", {"figures": figures, "total": total})


# --- Profiles ----------------------------------------------------------------------------------


@staff_required(*PROFILE_VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def staff_profiles(request):
    """Look a subject up by number (POST: the number never goes into a URL or a log line)."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = access_profile_by_subject(actor=request.user, subject_id=form.cleaned_data["subject_id"])
        except NotFound as exc:
            form.add_error("subject_id", exc.message)
        else:
            return redirect("licences:staff_profile", profile.pk)
    return render(request, "licences/staff/profiles.html", {"form": form, "count": profiles_in_scope(request.user).count()},
                  status=400 if form.errors else 200)


class ProfileForm(forms.Form):
    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        for row in profile_attribute_rows(profile):
            name = row["name"]
            field = profile._meta.get_field(name)
            if field.choices:
                self.fields[name] = forms.ChoiceField(label=LABELS[name], choices=field.choices, required=False)
            elif name in ("birth_date", "founded_on"):
                self.fields[name] = forms.CharField(label=LABELS[name], required=False, max_length=10,
                                                    help_text="YYYY-MM-DD", widget=forms.DateInput(attrs={"type": "date"}))
            else:
                self.fields[name] = forms.CharField(label=LABELS[name], required=False, max_length=12)
            value = row["value"]
            self.initial[name] = value.isoformat() if isinstance(value, dt.date) else ("" if value is None else value)


def _profile_context(request, profile, *, form=None, errors=None) -> dict:
    from yiwang.licences.actions import profile_sections

    actions = profile_actions_for(actor=request.user, profile=profile)
    return {"profile": profile, "rows": profile_attribute_rows(profile), "licences": licences_of_profile(profile),
            "cases": cases_of_profile(profile), "accesses": profile_accesses(profile, limit=20), "actions": actions,
            "form": form or (ProfileForm(profile=profile, prefix="p") if actions["edit"] else None), "errors": errors or [],
            "sections": profile_sections(profile=profile, actor=request.user)}


@staff_required(*PROFILE_VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def staff_profile(request, profile_id: int):
    profile = access_profile_for_staff(actor=request.user, profile_id=profile_id)
    if request.method == "GET":
        profile_record_access(actor=request.user, profile=profile, purpose="view")
        return render(request, "licences/staff/profile.html", _profile_context(request, profile))
    form = ProfileForm(request.POST, profile=profile, prefix="p")
    if not form.is_valid():
        return render(request, "licences/staff/profile.html", _profile_context(request, profile, form=form), status=400)
    try:
        profile_update(actor=request.user, profile=profile,
                       changes={k: v for k, v in form.cleaned_data.items() if k in FIELDS_OF[profile.kind]})
    except DomainError as exc:
        for item in error_list(exc):
            if item["field"] in form.fields:
                form.add_error(item["field"], item["message"])
        return render(request, "licences/staff/profile.html",
                      _profile_context(request, profile, form=form, errors=error_list(exc)), status=400)
    profile_record_access(actor=request.user, profile=profile, purpose="edit")
    messages.success(request, "档案已保存。")
    return redirect("licences:staff_profile", profile.pk)


@staff_required(*LICENCE_STAFF_ROLES)
@require_GET
def staff_profiles_export(request):
    """Profiles in scope as CSV, identifiers masked; every exported profile records an access."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["类型", "身份证号/统一社会信用代码（掩码）", "姓名/名称", *LABELS.values()])
    profiles = list(profiles_in_scope(request.user, LICENCE_STAFF_ROLES).order_by("kind", "id")[:5000])
    for profile in profiles:
        values = {row["name"]: row["shown"] for row in profile_attribute_rows(profile)}
        name = profile.name if profile.kind == "enterprise" else mask_name(profile.name)
        writer.writerow([profile.get_kind_display(), profile.masked_subject_id, name, *[values.get(k, "") for k in LABELS]])
        profile_record_access(actor=request.user, profile=profile, purpose="export")
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="profiles.csv"'
    return response
