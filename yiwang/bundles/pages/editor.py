"""Pages for catalog staff: the bundle list, a new bundle, a version (with its problems, members,
questions and figures), editing a draft, submitting, reviewing by a second person, publishing and
starting a new draft. Objects come only through access.py (out of scope = 404), changes only
through services.py; the actions offered are access.version_actions_for's answer.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yiwang.bundles import access, selectors, services
from yiwang.bundles.models import BundleReview
from yiwang.bundles.pages.editor_forms import BasicsForm, NewBundleForm, member_input, question_input, separate_input
from yiwang.bundles.question_text import format_questions
from yiwang.core.errors import DomainError, NotFound, ValidationFailed


def bundle_staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_bundle_staff(request.user):
            return render(request, "bundles/editor/forbidden.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def _version_url(version) -> str:
    return reverse("bundles:editor_version", args=[version.pk])


def _errors_by_field(errors) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(error.field.split(".")[0].split("[")[0], []).append(error.message)
    return grouped


@require_safe
@bundle_staff_required
def editor_list(request):
    return render(request, "bundles/editor/list.html", {
        "dashboard": selectors.editor_dashboard(request.user),
        "can_create": bool(access.stewards_for(request.user)),
    })


@require_http_methods(["GET", "POST"])
@bundle_staff_required
def editor_new(request):
    stewards = access.stewards_for(request.user)
    if not stewards:
        return render(request, "bundles/editor/forbidden.html", {"reason": "您没有任何单位的事项编辑角色，不能新建一件事。"}, status=403)
    form = NewBundleForm(request.POST or None, stewards=stewards)
    problems = []
    if request.method == "POST" and form.is_valid():
        steward = next(o for o in stewards if o.pk == form.cleaned_data["steward"])
        try:
            version = services.bundle_create(actor=request.user, steward=steward, name=form.cleaned_data["name"],
                                             code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            problems = exc.errors
        else:
            messages.success(request, f"已新建“{version.name}”草稿，请添加成员事项。")
            return redirect("bundles:editor_edit", version_id=version.pk)
    return render(request, "bundles/editor/new.html", {"form": form, "problems": problems})


def _version_context(request, version, *, problems_from=None) -> dict:
    page = selectors.version_page(version)
    actions = access.version_actions_for(actor=request.user, version=page.version)
    return {
        "version": page.version, "bundle": page.version.bundle, "definition": page.definition, "actions": actions,
        "problems": page.problems if actions.edit or actions.submit or actions.review else [],
        "submit_errors": problems_from or [], "checklist": page.checklist,
        "questions_text": format_questions(page.questions, page.member_ids), "history": page.history,
        "members": {m.id: m for m in page.definition.members},
    }


@require_safe
@bundle_staff_required
def editor_version(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    return render(request, "bundles/editor/version.html", _version_context(request, version))


@require_http_methods(["GET", "POST"])
@bundle_staff_required
def editor_edit(request, version_id: int):
    version = access.access_version_for_editing(actor=request.user, version_id=version_id)
    if not access.version_actions_for(actor=request.user, version=version).edit:
        messages.error(request, f"版本 v{version.number} 当前为「{version.get_status_display()}」，不能修改。")
        return redirect(_version_url(version))
    page = selectors.version_page(version, for_editing=True)
    choices = {"stages": page.stages, "agencies": page.agencies, "events": page.events}
    errors = []
    if request.method == "POST":
        form = BasicsForm(request.POST, **choices)
        members = member_input(request.POST)
        questions, question_errors = question_input(request.POST, members.shown)
        errors = list(question_errors)
        if form.is_valid() and not errors:
            data = {**form.cleaned_data, "separate_elements": separate_input(request.POST)}
            try:
                services.bundle_version_update(actor=request.user, version=version, data=data, members=members.members, questions=questions)
            except ValidationFailed as exc:
                errors = exc.errors
            else:
                if request.POST.get("then") == "submit":
                    return _submit(request, version)
                messages.success(request, "已保存。")
                return redirect(request.path if request.POST.get("then") == "continue" else _version_url(version))
    else:
        detail = page.version
        form = BasicsForm(initial={"name": detail.name, "summary": detail.summary, "stage": detail.stage_id, "lead_agency": detail.lead_agency_id,
                                   "life_event": detail.life_event_id, "change_note": detail.change_note}, **choices)
    members_in_order = sorted(page.definition.members, key=lambda m: (m.order, m.id))
    return render(request, "bundles/editor/edit.html", {
        "version": page.version, "form": form, "errors": errors, "errors_by_field": _errors_by_field(errors),
        "rows": list(zip(page.version.members.all(), members_in_order, strict=True)),
        "member_choices": page.member_choices, "elements": page.shared_elements, "separate": set(page.version.separate_elements or []),
        "questions_text": request.POST.get("questions") if request.method == "POST" else format_questions(page.questions, page.member_ids),
        "problems": page.problems,
    })


def _submit(request, version):
    try:
        services.bundle_version_submit(actor=request.user, version=version)
    except ValidationFailed as exc:
        return render(request, "bundles/editor/version.html", _version_context(request, version, problems_from=exc.errors), status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已提交审核，请等待另一位事项审核人员审核。")
    return redirect(_version_url(version))


@require_POST
@bundle_staff_required
def editor_submit(request, version_id: int):
    version = access.access_version_for_editing(actor=request.user, version_id=version_id)
    return _submit(request, version)


@require_http_methods(["GET", "POST"])
@bundle_staff_required
def editor_review(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    errors = []
    if request.method == "POST":
        try:
            services.bundle_version_review(actor=request.user, version=version, decision=request.POST.get("decision", ""),
                                           comment=request.POST.get("comment", "")[:6000])
        except ValidationFailed as exc:
            errors = exc.errors
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_version_url(version))
        else:
            approved = request.POST.get("decision") == BundleReview.Decision.APPROVE
            messages.success(request, "已审核通过，可以发布。" if approved else "已退回修改，起草人会看到您的审核意见。")
            return redirect(_version_url(version))
    context = _version_context(request, version)
    if not context["actions"].review:
        messages.error(request, "您不能审核这个版本：只有另一位事项审核人员可以审核待审核的版本。")
        return redirect(_version_url(version))
    return render(request, "bundles/editor/review.html", {**context, "errors": errors, "comment": request.POST.get("comment", "")},
                  status=400 if errors else 200)


@require_POST
@bundle_staff_required
def editor_publish(request, version_id: int):
    version = access.access_version_for_staff(actor=request.user, version_id=version_id)
    try:
        published = services.bundle_version_publish(actor=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # Only a published version can be copied into a draft, so v2 and later always replace one.
        kept = "上一个发布版本保留为“已被新版本替代”。" if published.number > 1 else ""
        messages.success(request, f"已发布：群众现在看到的是这个版本。{kept}")
    return redirect(_version_url(version))


@require_POST
@bundle_staff_required
def editor_start_draft(request, bundle_id: int):
    bundle = access.access_bundle_for_staff(actor=request.user, bundle_id=bundle_id)
    try:
        draft = services.bundle_version_start_draft(actor=request.user, bundle=bundle)
    except DomainError as exc:
        messages.error(request, exc.message)
        version = selectors.open_version_of(bundle) or bundle.current_version
        return redirect(_version_url(version)) if version else redirect("bundles:editor_list")
    messages.success(request, f"已新建草稿 v{draft.number}（复制自发布版本）。")
    return redirect("bundles:editor_edit", version_id=draft.pk)
