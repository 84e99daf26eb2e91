"""The bundle apply wizard (一件事一次申请): 1 situational questions, 2 the merged form, 3 the
merged materials (uploads stored through the cases app, as in the single-item wizard), 4 delivery
(joint or member by member), 5 review and submit → the bundle case page.

What was entered is kept in the session per bundle between steps (a bundle has no draft table);
nothing is filed until the review step's submit, which goes through
`applications.bundle_application_submit` (all members or none). Service errors are shown next to
the merged field they name.
"""

from __future__ import annotations

import hashlib
import uuid

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yiwang.bundles import applications, selectors
from yiwang.bundles.merge_materials import ONLINE_FORM
from yiwang.bundles.pages.public import PREFIX
from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.forms import ErrorList, application_sections, display_value, form_values_from_post, input_id
from yiwang.cases.pages.shared import applicant_required
from yiwang.catalog.constants import MaterialNecessity
from yiwang.core.errors import DomainError, ValidationFailed

STEPS = (("questions", "回答问题"), ("form", "填写表单"), ("materials", "上传材料"), ("delivery", "领取方式"),
         ("review", "核对提交"))
STEP_KEYS = [key for key, _ in STEPS]
SESSION_KEY = "bundle_apply"


def _state(request, bundle_id: int) -> dict:
    return dict((request.session.get(SESSION_KEY) or {}).get(str(bundle_id)) or {})


def _save_state(request, bundle_id: int, state: dict) -> None:
    everything = dict(request.session.get(SESSION_KEY) or {})
    everything[str(bundle_id)] = state
    request.session[SESSION_KEY] = everything


def _forget(request, bundle_id: int) -> None:
    everything = dict(request.session.get(SESSION_KEY) or {})
    everything.pop(str(bundle_id), None)
    request.session[SESSION_KEY] = everything


def _step_url(bundle_id: int, step: str) -> str:
    return reverse("bundles:apply_step", args=[bundle_id, step])


def merged_schema(checklist) -> list[dict]:
    """The merged form in the shape the cases app's form widgets take."""
    return [{"key": f.name, "label": f.label, "type": f.data_type, "required": f.required,
             "options": [{"value": v, "label": label} for v, label in f.options], "help": f.help_text,
             "section": f.section, "validation": dict(f.validation)} for f in checklist.form.fields]


def material_slot(key: str) -> str:
    """A short, stable input name for a merged entry (its key holds '|' and Chinese text)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def to_hand_in(checklist) -> list:
    """The merged entries to upload: everything handed in except the merged online form, which
    the form step fills in."""
    return [m for m in checklist.materials.merged if m.submitted and m.source_channel != ONLINE_FORM]


def _context(request, version, step: str, errors: ErrorList, **extra) -> dict:
    index = STEP_KEYS.index(step)
    steps = [{"key": key, "title": title, "number": i + 1,
              "state": "done" if i < index else "current" if i == index else "todo"} for i, (key, title) in enumerate(STEPS)]
    return {"version": version, "bundle_id": version.bundle_id, "step": step, "steps": steps, "step_number": index + 1,
            "step_title": STEPS[index][1], "step_count": len(STEPS), "errors": errors,
            "action": _step_url(version.bundle_id, step), **extra}


def _next(bundle_id: int, step: str, nav: str):
    index = STEP_KEYS.index(step)
    return redirect(_step_url(bundle_id, STEP_KEYS[max(index - 1, 0)] if nav == "back" else STEP_KEYS[index + 1]))


@applicant_required
@require_http_methods(["GET"])
def apply_start(request, bundle_id: int):
    """Start (or resume) the wizard. Answers given on the guide come along as `q-<key>=<value>`
    and fill in the questions step (to be confirmed there); odd ones are dropped."""
    version = selectors.published_bundle(bundle_id)  # 404 (NotFound) for a bundle not in force
    prefill = {}
    for question in selectors.definition_of(version).questions:
        value = request.GET.get(PREFIX + question.key, "")
        if value in {o.value for o in question.options}:
            prefill[question.key] = value
    if prefill:
        state = _state(request, bundle_id)
        if prefill != state.get("answers"):
            state["prefill"] = prefill
        else:
            state.pop("prefill", None)
        _save_state(request, bundle_id, state)
    return redirect(_step_url(bundle_id, "questions"))


@applicant_required
@require_http_methods(["GET", "POST"])
def apply_step(request, bundle_id: int, step: str):
    if step not in STEP_KEYS:
        return redirect(_step_url(bundle_id, "questions"))
    version = selectors.published_bundle(bundle_id)
    state = _state(request, bundle_id)
    if step != "questions" and "answers" not in state:
        return redirect(_step_url(bundle_id, "questions"))
    handler = {"questions": _questions, "form": _form, "materials": _materials, "delivery": _delivery, "review": _review}[step]
    return handler(request, version, state)


def _questions(request, version, state):
    definition = selectors.definition_of(version)
    answers = dict(state.get("prefill") or state.get("answers") or {})
    errors = ErrorList()
    if request.method == "POST":
        answers = {}
        for question in definition.questions:
            value = request.POST.get(PREFIX + question.key, "")
            if value not in {o.value for o in question.options}:
                errors.add(PREFIX + question.key, f"请回答「{question.text}」。", f"#question-{question.key}")
            else:
                answers[question.key] = value
        if not errors:
            state.pop("prefill", None)
            if answers != state.get("answers"):
                state = {"answers": answers}  # other answers, other members: start the rest afresh
            _save_state(request, version.bundle_id, state)
            return _next(version.bundle_id, "questions", "next")
    questions = [{"key": q.key, "text": q.text, "help": q.help_text, "id": f"question-{q.key}", "name": PREFIX + q.key,
                  "options": [{"value": o.value, "label": o.label, "checked": answers.get(q.key) == o.value} for o in q.options],
                  "errors": errors.for_field(PREFIX + q.key)} for q in definition.questions]
    return render(request, "bundles/apply/questions.html", _context(request, version, "questions", errors, questions=questions,
                                                                    prefilled=bool(state.get("prefill")) and not errors),
                  status=400 if errors else 200)


def required_field_errors(checklist, values: dict) -> ErrorList:
    """Required fields left empty, named; the members' own checks (formats, lengths) come back
    from the intake at submission, under the same field names."""
    errors = ErrorList()
    for field in checklist.form.fields:
        value = values.get(field.name)
        if field.required and (value is None or (isinstance(value, str) and not value.strip()) or value == []):
            errors.add(field.name, f"请填写「{field.label}」。", f"#{input_id(field.name)}")
    return errors


def _form(request, version, state):
    checklist = selectors.bundle_checklist(version, state["answers"], applicant=request.user)
    schema = merged_schema(checklist)
    values = dict(state.get("form_data") or {})
    errors = ErrorList()
    if request.method == "POST":
        values = form_values_from_post(schema, request.POST)
        nav = request.POST.get("nav", "next")
        state["form_data"] = values
        _save_state(request, version.bundle_id, state)
        errors = required_field_errors(checklist, values) if nav == "next" else ErrorList()
        if not errors:
            return _next(version.bundle_id, "form", nav)
    return render(request, "bundles/apply/form.html", _context(
        request, version, "form", errors, sections=application_sections(schema, values, errors),
        conflicts=checklist.form.conflicts), status=400 if errors else 200)


def _material_rows(request, checklist, materials: dict, errors: ErrorList) -> list[dict]:
    files = case_selectors.owned_files(request.user, [s.get("file") for s in materials.values() if isinstance(s, dict)])
    rows = []
    for entry in to_hand_in(checklist):
        slot = material_slot(entry.key)
        spec = materials.get(entry.key) or {}
        rows.append({"entry": entry, "slot": slot, "id": f"m-{slot}", "current": files.get(spec.get("file")),
                     "required": entry.necessity == MaterialNecessity.REQUIRED,
                     "necessity": MaterialNecessity(entry.necessity).label if entry.necessity in MaterialNecessity.values else "",
                     "errors": errors.for_field(f"materials.{entry.key}"), "members": entry.member_titles,
                     "notice": checklist.notices.get(entry.key, "")})
    return rows


def _materials(request, version, state):
    checklist = selectors.bundle_checklist(version, state["answers"], applicant=request.user)
    materials = dict(state.get("materials") or {})
    errors = ErrorList()
    if request.method == "POST":
        nav = request.POST.get("nav", "next")
        for entry in to_hand_in(checklist):
            slot = material_slot(entry.key)
            field = f"materials.{entry.key}"
            upload = request.FILES.get(f"file-{slot}")
            if upload is not None:
                try:
                    stored = case_services.stored_file_create(actor=request.user, owner=request.user, upload=upload, field=field)
                except DomainError as exc:
                    errors.add(field, f"「{entry.name}」：{exc.message}", f"#m-{slot}")
                else:
                    materials[entry.key] = {"file": stored.pk}
        # Uploads that worked are kept even when another row has a problem.
        state["materials"] = materials
        _save_state(request, version.bundle_id, state)
        if nav == "next":
            for entry in to_hand_in(checklist):
                if entry.necessity == MaterialNecessity.REQUIRED and entry.key not in materials \
                        and not errors.for_field(f"materials.{entry.key}"):
                    notice = checklist.notices.get(entry.key)  # a held licence that does not serve: say why
                    errors.add(f"materials.{entry.key}", f"请上传「{entry.name}」：{notice}" if notice else f"请上传「{entry.name}」。",
                               f"#m-{material_slot(entry.key)}")
        if not errors or nav == "back":
            return _next(version.bundle_id, "materials", nav)
    rows = _material_rows(request, checklist, materials, errors)
    return render(request, "bundles/apply/materials.html", _context(
        request, version, "materials", errors, rows=rows, online=[m for m in checklist.materials.merged if m.source_channel == ONLINE_FORM],
        held=checklist.held, dropped=[d for d in checklist.materials.dropped if d.reason_code != "held"]),
        status=400 if errors else 200)


def _delivery(request, version, state):
    errors = ErrorList()
    if request.method == "POST":
        nav = request.POST.get("nav", "next")
        choice = request.POST.get("joint_delivery", "")
        if choice in ("joint", "separate"):
            state["joint_delivery"] = choice == "joint"
            _save_state(request, version.bundle_id, state)
            return _next(version.bundle_id, "delivery", nav)
        if nav == "back":
            return _next(version.bundle_id, "delivery", nav)
        errors.add("joint_delivery", "请选择领取方式。", "#joint-joint")
    joint = state.get("joint_delivery", True)
    return render(request, "bundles/apply/delivery.html", _context(request, version, "delivery", errors, joint=joint),
                  status=400 if errors else 200)


def _review(request, version, state):
    checklist = selectors.bundle_checklist(version, state["answers"], applicant=request.user)
    errors = ErrorList()
    key = uuid.uuid4().hex
    if request.method == "POST":
        if request.POST.get("nav") == "back":
            return _next(version.bundle_id, "review", "back")
        key = (request.POST.get("idempotency_key") or "").strip()[:100] or key
        try:
            bundle_case = applications.bundle_application_submit(
                actor=request.user, applicant=request.user, bundle_id=version.bundle_id, answers=state["answers"],
                form_data=state.get("form_data") or {}, materials=state.get("materials") or {},
                joint_delivery=state.get("joint_delivery", True), idempotency_key=key)
        except ValidationFailed as failed:
            for error in failed.errors:
                errors.add(error.field, error.message, _review_href(checklist, error.field))
        except DomainError as exc:
            errors.add(exc.field or "", exc.message, "")
        else:
            _forget(request, version.bundle_id)
            return redirect("bundles:case", bundle_case.pk)
    schema = merged_schema(checklist)
    values = state.get("form_data") or {}
    form_url = _step_url(version.bundle_id, "form")
    rows = [{"label": item["label"], "value": display_value(item, values.get(item["key"])), "id": input_id(item["key"]),
             "errors": errors.for_field(item["key"]), "edit": f"{form_url}#{input_id(item['key'])}"} for item in schema]
    material_rows = _material_rows(request, checklist, state.get("materials") or {}, errors)
    definition = selectors.definition_of(version)
    answered = [{"text": q.text, "answer": next((o.label for o in q.options if o.value == state["answers"].get(q.key)), "")}
                for q in definition.questions]
    member_errors = [e for e in errors if e.field == "materials" or not e.field]
    return render(request, "bundles/apply/review.html", _context(
        request, version, "review", errors, rows=rows, material_rows=material_rows, answered=answered,
        members=checklist.members, joint=state.get("joint_delivery", True), idempotency_key=key, held=checklist.held,
        member_errors=member_errors), status=400 if errors else 200)


def _review_href(checklist, field: str) -> str:
    if field.startswith("materials."):
        return f"#m-{material_slot(field.removeprefix('materials.'))}"
    if any(f.name == field for f in checklist.form.fields):
        return f"#{input_id(field)}"
    return ""
