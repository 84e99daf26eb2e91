"""The 一件事 window: a general-window clerk (综合窗口) files a bundle for the applicant at the
counter. Two pages:

- `/bundles/window/`: check the applicant (the cases app's lookup — resident ID or USCC through
  the accounts' blind index — and its session key, so the applicant checked at the single-item
  window is the one here too), find the bundle (search, or the list for the applicant's kind),
  and whether this window can file it;
- `/bundles/window/<id>/`: one form — the situational questions first (确定情形 re-renders the
  rest for the answers, keeping what was typed), the merged form, each merged material ticked as
  received on paper or a scan uploaded (the cases app's material rows and `read_material`), the
  delivery, joint or member-by-member, the outlet — submitted once through
  `applications.bundle_application_submit` on the window channel at the clerk's outlet. Then the
  bundle case page, with 综合受理 when the clerk may decide it.

Who: `access.may_use_window` (window clerks); which bundles at which outlet:
`access.window_outlets_for_members` (the cases app's rule for each member).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.bundles import access, applications, selectors
from yiwang.bundles.merge_materials import ONLINE_FORM
from yiwang.bundles.pages.apply import material_slot, merged_schema, required_field_errors, to_hand_in
from yiwang.bundles.pages.public import PREFIX
from yiwang.cases import selectors as case_selectors
from yiwang.cases.constants import Channel, DeliveryMethod
from yiwang.cases.forms import (
    DeliveryForm,
    ErrorList,
    FindApplicantForm,
    application_sections,
    form_values_from_post,
    input_id,
)
from yiwang.cases.pages.materials import file_id, material_entry, read_material
from yiwang.cases.pages.shared import UPLOAD_ACCEPT, collect, forbidden, not_found
from yiwang.cases.pages.window import applicant_check, clerk_applicant
from yiwang.cases.services import prefill_from_profile
from yiwang.cases.services.intake import published_version_for
from yiwang.catalog.constants import MaterialNecessity
from yiwang.core.errors import DomainError, NotFound, ValidationFailed

SEARCH_MAX = 40


def window_required(view):
    """Logged in (else the login page) as a window clerk (else 403); NotFound becomes 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.may_use_window(request.user):
            return forbidden(request, access.window_denial())
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return not_found(request, exc.message)

    return wrapper


def _subject_of(applicant) -> str:
    return "enterprise" if getattr(applicant, "kind", "") == "enterprise" else "person"


@window_required
@require_http_methods(["GET", "POST"])
def window_home(request):
    errors = ErrorList()
    find_form = FindApplicantForm(request.POST if request.POST.get("action") == "find" else None)
    if request.method == "POST":
        done = applicant_check(request, find_form, back="bundles:window")
        if done is not None:
            return done
        collect(errors, (find_form, "find"))
    applicant = clerk_applicant(request)
    q = (request.GET.get("q") or "").strip()[:SEARCH_MAX]
    show_all = request.GET.get("all") == "1" or applicant is None
    rows = selectors.window_bundle_rows(request.user, q=q, subject=None if show_all else _subject_of(applicant))
    if not errors and applicant is None:
        find_form.fields["identifier"].widget.attrs["autofocus"] = True
    return render(request, "bundles/window/home.html", {
        "find_form": find_form, "applicant": applicant, "errors": errors, "q": q, "show_all": show_all, "rows": rows,
        "identity": case_selectors.applicant_identity_for_staff(applicant) if applicant else None,
        "subject_label": "法人" if applicant and _subject_of(applicant) == "enterprise" else "个人",
        "awaiting": selectors.bundle_cases_awaiting_acceptance(actor=request.user)[:20]}, status=400 if errors else 200)


# --- The intake form --------------------------------------------------------------------------

@dataclass(frozen=True)
class MergedRequirement:
    """A merged material in the shape the cases app's material row and `read_material` take
    (`pk` is the entry's short slot: inputs are file-<slot>, paper-<slot>, uploaded-<slot>)."""

    pk: str
    name: str
    necessity: str
    licence_type_code: str
    source_channel: str
    filling_notes: str
    issuing_body: str = ""
    blank_form: object = None
    sample: object = None

    def get_necessity_display(self) -> str:
        return MaterialNecessity(self.necessity).label if self.necessity in MaterialNecessity.values else ""


def _requirement(entry) -> MergedRequirement:
    notes = f"用于：{'、'.join(entry.member_titles)}。" + (entry.notes or "")
    return MergedRequirement(pk=material_slot(entry.key), name=entry.name, necessity=entry.necessity,
                             licence_type_code=entry.licence_type_code, source_channel=entry.source_channel,
                             filling_notes=notes, issuing_body=entry.issuing_body)


def _read_answers(definition, data, errors: ErrorList | None) -> dict:
    answers = {}
    for question in definition.questions:
        value = data.get(PREFIX + question.key, "")
        if question.option(value) is not None:
            answers[question.key] = value
        elif errors is not None:
            errors.add(PREFIX + question.key, f"请回答「{question.text}」。", f"#question-{question.key}")
    return answers


def _questions(definition, answers: dict, errors: ErrorList) -> list[dict]:
    return [{"key": q.key, "text": q.text, "help": q.help_text, "id": f"question-{q.key}", "name": PREFIX + q.key,
             "options": [{"value": o.value, "label": o.label, "checked": answers.get(q.key) == o.value} for o in q.options],
             "errors": errors.for_field(PREFIX + q.key)} for q in definition.questions]


def _fingerprint(answers: dict) -> str:
    return json.dumps(answers, sort_keys=True, ensure_ascii=False)


@window_required
@require_http_methods(["GET", "POST"])
def window_intake(request, bundle_id: int):
    applicant = clerk_applicant(request)
    if applicant is None:
        messages.error(request, "请先核验申请人身份（输入身份证号或统一社会信用代码）。")
        return redirect("bundles:window")
    version = selectors.published_bundle(bundle_id)
    definition = selectors.definition_of(version)
    errors = ErrorList()
    posted = request.method == "POST"
    action = request.POST.get("action", "") if posted else ""
    key = ((request.POST.get("idempotency_key") or "").strip()[:80] if posted else "") or uuid.uuid4().hex
    if posted:
        done = selectors.bundle_case_by_key(applicant=applicant, idempotency_key=key)
        if done is not None:  # the same page sent twice (a double click): it was filed once
            messages.info(request, f"该一件事已提交（办件编号 {done.number}），重复提交已忽略。")
            return redirect("bundles:case", done.pk)
    answers = _read_answers(definition, request.POST if posted else request.GET, errors if posted else None)
    context = {"version": version, "definition": definition, "applicant": applicant, "errors": errors,
               "identity": case_selectors.applicant_identity_for_staff(applicant), "idempotency_key": key,
               "accept": UPLOAD_ACCEPT}
    complete = len(answers) == len(definition.questions)
    if not complete:
        return _render(request, context, answers, status=400 if errors else 200)
    checklist = selectors.bundle_checklist(version, answers, applicant=applicant)
    fits, refused = access.window_outlets_for_members(request.user, [m.id for m in checklist.members])
    context.update(checklist=checklist, outlets=fits, fingerprint=_fingerprint(answers))
    if not fits:
        blocked = min((set(ids) for ids in refused.values()), key=len) if refused else set()
        names = "、".join(f"「{m.title}」" for m in checklist.members if m.id in blocked) or "部分成员事项"
        errors.add("members", f"{names}不属于全市通办事项，本窗口不能受理。请调整情形回答，或引导申请人到实施部门所在地的政务服务中心办理。",
                   "#situations")
        return _render(request, context, answers, status=400)
    if checklist.form.conflicts:
        errors.add("members", "该一件事的合并表单存在冲突，暂不能受理。请联系一件事的维护单位。", "#members")
        return _render(request, context, answers, status=400)
    schema = merged_schema(checklist)
    entries = to_hand_in(checklist)
    lockers = case_selectors.lockers()
    if not posted:
        values = prefill(checklist, applicant)
        context.update(values=values, materials={}, joint=True, outlet_id=fits[0].pk,
                       delivery_form=DeliveryForm(initial={"method": DeliveryMethod.WINDOW}, lockers=lockers, prefix="delivery"))
        return _render(request, context, answers, schema=schema, entries=entries)
    shown = request.POST.get("fingerprint", "")
    # The form is shown for the first time (after 确定情形): filled from the applicant's account.
    values = form_values_from_post(schema, request.POST) if shown else prefill(checklist, applicant)
    materials = {}
    for entry in entries:
        spec = read_material(request, _requirement(entry), owner=applicant, errors=errors, allow_paper=True)
        if spec is not None:
            materials[entry.key] = spec
    delivery_form = (DeliveryForm(request.POST, lockers=lockers, prefix="delivery") if shown else
                     DeliveryForm(initial={"method": DeliveryMethod.WINDOW}, lockers=lockers, prefix="delivery"))
    joint_choice = request.POST.get("joint_delivery", "")
    outlet_id = request.POST.get("outlet", "")
    outlet = next((o for o in fits if str(o.pk) == outlet_id), fits[0] if len(fits) == 1 else None)
    context.update(values=values, materials=materials, joint=joint_choice != "separate", delivery_form=delivery_form,
                   outlet_id=outlet.pk if outlet else None)
    changed = shown != _fingerprint(answers)
    if action != "submit" or changed:
        # 确定情形 (or answers changed before 提交): the form for these answers, typed values kept.
        if action == "submit":
            messages.info(request, "情形回答已更改，下方表单和材料已按新的回答更新，请核对后再提交。")
        if delivery_form.is_bound:
            delivery_form.is_valid()
        return _render(request, context, answers, schema=schema, entries=entries)
    for problem in required_field_errors(checklist, values):
        errors.add(problem.field, problem.message, problem.href)
    for entry in entries:
        slot = material_slot(entry.key)
        if entry.necessity == MaterialNecessity.REQUIRED and entry.key not in materials \
                and not errors.for_field(f"materials.{slot}"):
            errors.add(f"materials.{slot}", f"请确认已收取「{entry.name}」的纸质原件（勾选），或上传扫描件。", f"#m-{slot}")
    if joint_choice not in ("joint", "separate"):
        errors.add("joint_delivery", "请选择领取方式：一并领取或分别领取。", "#joint-joint")
    if outlet is None:
        errors.add("outlet", "请选择受理网点。", "#outlet")
    delivery_ok = delivery_form.is_valid()
    if not errors and delivery_ok:
        try:
            bundle_case = applications.bundle_application_submit(
                actor=request.user, applicant=applicant, bundle_id=version.bundle_id, answers=answers, form_data=values,
                materials=materials, channel=Channel.WINDOW, outlet=outlet, delivery=delivery_form.spec(),
                joint_delivery=joint_choice == "joint", idempotency_key=key)
        except ValidationFailed as failed:
            _place_errors(failed.errors, errors, checklist, delivery_form)
        except DomainError as exc:
            errors.add(exc.field or "__all__", exc.message, "")
        else:
            if getattr(bundle_case, "replayed", False):
                messages.info(request, f"该一件事已提交（办件编号 {bundle_case.number}），重复提交已忽略。")
            else:
                messages.success(request, f"已代为提交一件事，办件编号 {bundle_case.number}，"
                                          f"共 {bundle_case.members.count()} 个成员事项。")
            return redirect("bundles:case", bundle_case.pk)
    collect(errors, (delivery_form, "delivery"))
    return _render(request, context, answers, schema=schema, entries=entries, status=400)


def prefill(checklist, applicant) -> dict:
    """What the applicant's account already says (name, ID number, phone …), by data element:
    the same prefill the single-item window uses, asked of the cases app per member."""
    values: dict = {}
    wanted = {f.name: f for f in checklist.form.fields}
    for member in checklist.members:
        version = published_version_for(member.id)
        for key, value in prefill_from_profile(version=version, applicant=applicant).items():
            if key in wanted and value not in (None, "") and key not in values:
                values[key] = value
    return values


def _place_errors(failed, errors: ErrorList, checklist, delivery_form) -> None:
    """The intake's errors beside what they name: merged fields, material rows, delivery."""
    names = {f.name for f in checklist.form.fields}
    for error in failed:
        field = error.field
        if field in names:
            errors.add(field, error.message, f"#{input_id(field)}")
        elif field.startswith("materials.") and field != "materials.":
            slot = material_slot(field.removeprefix("materials."))
            errors.add(f"materials.{slot}", error.message, f"#m-{slot}")
        elif field.startswith("delivery.") and delivery_form.add_service_error(error):
            continue
        else:
            errors.add(field or "__all__", error.message, "#materials" if field == "materials" else "")


def _render(request, context: dict, answers: dict, *, schema=None, entries=(), status: int = 200):
    errors = context["errors"]
    definition = context["definition"]
    context["questions"] = _questions(definition, answers, errors)
    context["complete"] = schema is not None
    if schema is not None:
        checklist = context["checklist"]
        materials = context.get("materials") or {}
        files = case_selectors.owned_files(context["applicant"], [file_id(s) for s in materials.values()])
        context["sections"] = application_sections(schema, context.get("values") or {}, errors)
        context["rows"] = [material_entry(_requirement(e), errors=errors, paper=bool((materials.get(e.key) or {}).get("paper")),
                                          extra={"kept": files.get(file_id(materials.get(e.key)))}) for e in entries]
        context["online"] = [m for m in checklist.materials.merged if m.source_channel == ONLINE_FORM]
        context["dropped"] = checklist.dropped
        context["excluded"] = checklist.excluded
        context["member_errors"] = [e for e in errors if e.field in ("members", "materials", "__all__", "")]
    if errors and status == 200:
        status = 400
    return render(request, "bundles/window/intake.html", context, status=status)
