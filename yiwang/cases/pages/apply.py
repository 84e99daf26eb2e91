"""Applying (citizens and enterprises): a four-step wizard — 1 form, 2 materials, 3 delivery,
4 review — with a draft saved on every POST, so an error never costs what was typed or uploaded."""

from __future__ import annotations

import math
import re
import uuid

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yiwang.cases import selectors, services
from yiwang.cases.constants import Channel, DeliveryMethod, DropOffChoice
from yiwang.cases.forms import (
    DeliveryForm,
    ErrorList,
    application_sections,
    display_value,
    form_values_from_post,
    input_id,
    material_input_id,
)
from yiwang.cases.pages.materials import file_id, material_entry, read_material
from yiwang.cases.pages.shared import (
    UPLOAD_ACCEPT,
    applicant_required,
    collect,
    form_error_href,
    not_found,
    place_service_errors,
    progress_path,
)
from yiwang.cases.services.intake import DELIVERY_FIELD, published_version_for
from yiwang.catalog.application_form import form_schema, validate_form_data
from yiwang.catalog.constants import DataType, MaterialNecessity, MaterialSource
from yiwang.core import hooks
from yiwang.core.errors import DomainError, FieldError, NotFound, ValidationFailed

STEPS = (("form", "填写表单"), ("materials", "上传材料"), ("delivery", "送达方式"), ("review", "核对提交"))
STEP_KEYS = [key for key, _ in STEPS]


def _step_nav(current: str) -> list[dict]:
    index = STEP_KEYS.index(current)
    return [{"key": key, "title": title, "number": i + 1, "state": "done" if i < index else "current" if i == index else "todo"}
            for i, (key, title) in enumerate(STEPS)]


def _step_url(draft, step: str) -> str:
    return reverse("cases:draft_step", args=[draft.pk, step])


def _wizard_context(request, *, version, step: str, draft, errors: ErrorList, **extra) -> dict:
    index = STEP_KEYS.index(step)
    return {"version": version, "agency": version.implementation.agency, "step": step, "steps": _step_nav(step),
            "return_to": "review" if (request.GET.get("return") or request.POST.get("return_to")) == "review" else "",
            "step_number": index + 1, "step_title": STEPS[index][1], "step_count": len(STEPS), "draft": draft,
            "errors": errors, **extra}


def _draft_stash(draft) -> dict:
    return dict((draft.form_data or {}).get("_draft") or {})


def _draft_form_values(draft) -> dict:
    return {k: v for k, v in (draft.form_data or {}).items() if k != "_draft"}


def _asked_schema(version) -> list[dict]:
    """The form as step 1 asks it: without the result delivery question, which the delivery step
    asks (once); submission fills that field from the delivery chosen there."""
    return [item for item in form_schema(version) if item["key"] != DELIVERY_FIELD]


def _render_form_step(request, *, version, draft, values, errors, status=200):
    schema = _asked_schema(version)
    other_drafts = [] if draft else list(selectors.drafts_of(request.user, implementation_id=version.implementation_id)[:3])
    context = _wizard_context(request, version=version, step="form", draft=draft, errors=errors,
                              sections=application_sections(schema, values, errors),
                              action=_step_url(draft, "form") if draft else reverse("cases:apply", args=[version.implementation_id]),
                              other_drafts=other_drafts)
    return render(request, "cases/apply_form.html", context, status=status)


def _form_errors(version, values) -> ErrorList:
    errors = ErrorList()
    _, problems = validate_form_data(selectors.version_form_fields(version), values)
    for problem in problems:
        if problem.field != DELIVERY_FIELD:
            errors.add(problem.field, problem.message, form_error_href(problem.field))
    return errors


@applicant_required
@require_http_methods(["GET", "POST"])
def apply(request, implementation_id: int):
    """Step 1 of a new application. The draft is created by the first POST (never by a GET)."""
    version = published_version_for(implementation_id)
    if request.method == "GET":
        values = services.prefill_from_profile(version=version, applicant=request.user)
        return _render_form_step(request, version=version, draft=None, values=values, errors=ErrorList())
    schema = _asked_schema(version)
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
        return not_found(request, "没有这一步。")
    submitted = selectors.submitted_application_id(request.user, application_id)
    if submitted:
        # The back button or a second click after submitting: it was filed once; show that.
        return redirect("cases:application_done", submitted)
    draft = selectors.draft_of(request.user, application_id)
    version = published_version_for(draft.implementation_id)
    handler = {"form": _draft_form, "materials": _draft_materials, "delivery": _draft_delivery, "review": _draft_review}[step]
    return handler(request, draft, version)


def _after_save(request, draft, nav: str, *, this: str) -> HttpResponseRedirect:
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
    values = form_values_from_post(_asked_schema(version), request.POST)
    nav = request.POST.get("nav", "next")
    # Saved first, whatever its state: nothing typed is lost, even on an error.
    services.application_save_draft(actor=request.user, applicant=request.user, implementation_id=draft.implementation_id,
                                    form_data=values, application=draft)
    errors = _form_errors(version, values) if nav == "next" else ErrorList()
    if errors:
        return _render_form_step(request, version=version, draft=draft, values=values, errors=errors)
    return _after_save(request, draft, nav, this="form")


def _materials_context(request, draft, version, materials: dict, errors: ErrorList) -> dict:
    requirements = selectors.version_requirements(version)
    files = selectors.owned_files(request.user, [file_id(s) for s in materials.values()])
    reusable = selectors.reusable_files_for(request.user)
    rows = [material_entry(r, errors=errors, current=files.get(file_id(materials.get(str(r.pk)))), applicant=request.user,
                           extra={"preselect": True, "reusable": _reusable_for(reusable, r)})
            for r in requirements]
    return _wizard_context(request, version=version, step="materials", draft=draft, errors=errors, rows=rows,
                           reusable=reusable, accept=UPLOAD_ACCEPT, action=_step_url(draft, "materials"))


def _reusable_for(reusable: list, requirement) -> list:
    """The earlier files, those once filed as this same material first (newest first within)."""
    return sorted(reusable, key=lambda f: requirement.name not in f.material_names)


def _draft_materials(request, draft, version):
    stash = _draft_stash(draft)
    materials = dict(stash.get("materials") or {})
    if request.method == "GET":
        return render(request, "cases/apply_materials.html", _materials_context(request, draft, version, materials, ErrorList()))
    nav = request.POST.get("nav", "next")
    errors = ErrorList()
    for requirement in selectors.version_requirements(version):
        key = str(requirement.pk)
        spec = read_material(request, requirement, owner=request.user, errors=errors, current=materials.get(key))
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


def _delivery_initial(spec: dict | None) -> dict:
    spec = spec or {}
    return {"method": spec.get("method") or DeliveryMethod.WINDOW, "address": spec.get("address", ""),
            "locker": str(spec["locker"]) if spec.get("locker") else "",
            "recipient_name": spec.get("recipient_name", ""), "recipient_phone": spec.get("recipient_phone", "")}


def _address_typed(version, values: dict) -> str:
    """The first address the applicant typed in step 1 (e.g. 户籍地址), to pre-fill the mailing address."""
    for item in form_schema(version):
        value = values.get(item["key"])
        if item["type"] == DataType.ADDRESS and isinstance(value, str) and value.strip():
            return value.strip()
    return ""


# Where the applicant said she is, for the locker list: a district or a reference place of the
# service map ("d:610113", "p:42"); a position from the phone travels as lat/lng.
_AREA = re.compile(r"^[dp]:\d{1,12}$")


def _area_value(raw) -> str:
    value = str(raw or "").strip()[:20]
    return value if _AREA.match(value) else ""


def _position(data) -> tuple[str, str] | None:
    """A WGS84 position from the phone (lat, lng, as the browser gives it), or None."""
    try:
        lat, lng = float(str(data.get("lat") or "")[:20]), float(str(data.get("lng") or "")[:20])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return f"{lat:.6f}", f"{lng:.6f}"


def _paper_possible(version) -> bool:
    """Whether the item asks for any material that may come on paper (not only the online form
    or materials the applicant need not provide)."""
    return any(r.necessity != MaterialNecessity.EXEMPT and r.source_channel != MaterialSource.ONLINE_FORM
               for r in selectors.version_requirements(version))


def _drop_off_context(request, draft, version, spec: dict | None, *, error: str = "") -> dict:
    """The paper-materials choice of the delivery step: at the window, or 投递到24小时自助信包箱
    with the lockers near the applicant (her phone's position, else the district or street she
    picks, else the district of the address she typed), within 5 km first."""
    if not _paper_possible(version):
        return {}
    spec = spec or {}
    position = _position(request.GET)
    typed = _address_typed(version, _draft_form_values(draft)) or (_draft_stash(draft).get("delivery") or {}).get("address")
    areas = selectors.locker_areas(address=typed or "")
    area = _area_value(request.GET.get("area")) or _area_value(spec.get("area")) or areas["default"]
    lat, lng = position or (None, None)
    options = selectors.locker_options(lat=lat, lng=lng, area=None if position else area or None)
    if not options:
        return {}
    chosen = str(spec.get("locker") or "")
    if chosen and all(str(o.id) != chosen for o in options):
        kept = selectors.locker_options()  # the saved choice stays on the list even when far away
        options += [o for o in kept if str(o.id) == chosen]
    area_label = next((label for _, group in areas["groups"] for value, label in group if value == area), "")
    return {"paper": {
        "method": spec.get("method") or DropOffChoice.WINDOW, "chosen": chosen, "choices": DropOffChoice.choices,
        "near": [o for o in options if o.distance_m is None or o.within_radius],
        "far": [o for o in options if o.distance_m is not None and not o.within_radius],
        "has_distance": any(o.distance_m is not None for o in options), "by_position": bool(position),
        "areas": areas["groups"], "area": area, "area_label": area_label, "error": error}}


def _read_drop_off(request) -> dict | None:
    """The paper-materials choice as posted (None when the step did not show it)."""
    if request.POST.get("paper_shown") != "1":
        return None
    method = request.POST.get("paper")
    locker = str(request.POST.get("drop_off_locker") or "").strip()
    return {"method": method if method in DropOffChoice.values else DropOffChoice.WINDOW,
            "locker": int(locker) if locker.isdigit() and len(locker) <= 12 else None,
            "area": _area_value(request.POST.get("area"))}


def _render_delivery(request, draft, version, *, form, errors: ErrorList, drop_off: dict | None, locker_list,
                     drop_off_error: str = ""):
    context = _wizard_context(request, version=version, step="delivery", draft=draft, errors=errors, form=form,
                              action=_step_url(draft, "delivery"), has_lockers=bool(locker_list),
                              **_drop_off_context(request, draft, version, drop_off, error=drop_off_error))
    return render(request, "cases/apply_delivery.html", context)


def _draft_delivery(request, draft, version):
    stash = _draft_stash(draft)
    locker_list = selectors.lockers()
    if request.method == "GET":
        initial = _delivery_initial(stash.get("delivery"))
        if not initial["address"]:
            initial["address"] = _address_typed(version, _draft_form_values(draft))
        form = DeliveryForm(initial=initial, lockers=locker_list)
        return _render_delivery(request, draft, version, form=form, errors=ErrorList(), drop_off=stash.get("drop_off"),
                                locker_list=locker_list)
    nav = request.POST.get("nav", "next")
    form = DeliveryForm(request.POST, lockers=locker_list)
    valid = form.is_valid()
    spec = form.spec() if valid else {**_delivery_initial(None), "method": request.POST.get("method", "window")}
    drop_off = _read_drop_off(request)
    services.application_save_draft(actor=request.user, applicant=request.user, implementation_id=draft.implementation_id,
                                    delivery=spec, drop_off=drop_off, application=draft)
    if nav == "locate":  # 使用我的位置 / 按所选位置排序: the same step, lockers by distance
        position = _position(request.POST)
        query = (f"lat={position[0]}&lng={position[1]}" if position else
                 f"area={drop_off['area']}" if drop_off and drop_off["area"] else "")
        return redirect(f"{_step_url(draft, 'delivery')}{'?' + query if query else ''}#drop-off")
    drop_off_error = ""
    if nav == "next" and drop_off and drop_off["method"] == DropOffChoice.LOCKER:
        try:
            services.drop_off_locker_of(drop_off)
        except ValidationFailed as failed:
            drop_off_error = failed.errors[0].message
    if nav == "next":
        for problem in services.delivery_problems(applicant=request.user, delivery=spec) if valid else []:
            form.add_service_error(FieldError(problem.field.removeprefix("delivery."), problem.code, problem.message))
    if (form.errors or drop_off_error) and nav == "next":
        errors = collect(ErrorList(), (form, "delivery"))
        if drop_off_error:
            errors.add("drop_off.locker", drop_off_error, "#drop-off-lockers")
        return _render_delivery(request, draft, version, form=form, errors=errors, drop_off=drop_off,
                                locker_list=locker_list, drop_off_error=drop_off_error)
    return _after_save(request, draft, nav, this="delivery")


def _drop_off_summary(spec: dict | None, lockers: dict) -> list[tuple[str, str]]:
    spec = spec or {}
    if spec.get("method") != DropOffChoice.LOCKER:
        return []
    locker = lockers.get(spec.get("locker"))
    return [("纸质材料", f"投递到24小时自助信包箱：{locker}（提交后发送开箱码）" if locker else
             "投递到24小时自助信包箱（未选择信包箱）")]


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


def _prereview_warnings(request, version, values, materials, files) -> list[str]:
    """智能预审: warnings (never refusals) from the apps above through the `cases.prereview` hook."""
    rows = [{"key": str(r.pk), "name": r.name, "required": r.necessity == MaterialNecessity.REQUIRED}
            for r in selectors.version_requirements(version)]
    uploads = {}
    for key, spec in materials.items():
        stored = files.get(file_id(spec))
        if stored:
            uploads[str(key)] = [stored.original_name]
    return [w for found in hooks.call("cases.prereview", materials=rows, uploads=uploads, form_data=values,
                                      applicant=request.user) for w in found or ()]


def _review_context(request, draft, version, *, errors: ErrorList, key: str) -> dict:
    schema = form_schema(version)
    values = _draft_form_values(draft)
    stash = _draft_stash(draft)
    materials = stash.get("materials") or {}
    files = selectors.owned_files(request.user, [file_id(s) for s in materials.values()])
    form_url = _step_url(draft, "form")
    sections: list[dict] = []
    for item in schema:
        if item["key"] == DELIVERY_FIELD:
            continue  # shown once, under 送达方式
        title = item.get("section") or "申请信息"
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": []})
        sections[-1]["rows"].append({"label": item["label"], "value": display_value(item, values.get(item["key"])),
                                     "errors": errors.for_field(item["key"]), "id": input_id(item["key"]),
                                     "edit": f"{form_url}?return=review#{input_id(item['key'])}"})
    material_rows = []
    for requirement in selectors.version_requirements(version):
        spec = materials.get(str(requirement.pk))
        stored = files.get(file_id(spec))
        how = (f"已上传：{stored.original_name}" if stored and spec.get("file") else
               f"使用以前提交的：{stored.original_name}" if stored else "无需提交（信息免交）"
               if requirement.necessity == MaterialNecessity.EXEMPT else "")
        if not how:
            offer = services.licence_offer(applicant=request.user, requirement=requirement)
            how = ("在线填报（即本申请表）" if requirement.source_channel == MaterialSource.ONLINE_FORM else
                   f"已从电子证照库调取（电子证照标识 {offer['identifier']}）" if offer and offer.get("satisfies") else "未提供")
        material_rows.append({"name": requirement.name, "necessity": requirement.get_necessity_display(), "how": how,
                              "file": stored, "errors": errors.for_field(f"materials.{requirement.pk}"),
                              "id": material_input_id(requirement.pk),
                              "edit": f"{_step_url(draft, 'materials')}?return=review#{material_input_id(requirement.pk)}"})
    locker_by_id = {lk.pk: lk for lk in selectors.lockers()}
    delivery_errors = [e.message for e in errors if e.field.startswith(("delivery.", "drop_off."))]
    prereview = _prereview_warnings(request, version, values, materials, files)
    return _wizard_context(request, version=version, step="review", draft=draft, errors=errors, sections=sections,
                           prereview_warnings=prereview,
                           material_rows=material_rows,
                           delivery_rows=_delivery_summary(stash.get("delivery"), locker_by_id)
                           + _drop_off_summary(stash.get("drop_off"), locker_by_id),
                           delivery_errors=delivery_errors, idempotency_key=key, action=_step_url(draft, "review"),
                           edit_delivery=_step_url(draft, "delivery") + "?return=review")


def _review_problems(draft, version) -> ErrorList:
    """What would stop the submission, shown before the button is pressed; each links to where
    it is fixed."""
    errors = ErrorList()
    form_url = _step_url(draft, "form")
    _, problems = validate_form_data(selectors.version_form_fields(version), _draft_form_values(draft))
    for problem in problems:
        if problem.field != DELIVERY_FIELD:
            errors.add(problem.field, problem.message, f"{form_url}#{input_id(problem.field)}")
    stash = _draft_stash(draft)
    for problem in services.material_problems(version=version, applicant=draft.applicant,
                                              materials=stash.get("materials") or {}):
        ident = problem.field.split(".")[1]
        errors.add(problem.field, problem.message, f"{_step_url(draft, 'materials')}#{material_input_id(ident)}")
    for problem in services.delivery_problems(applicant=draft.applicant, delivery=stash.get("delivery") or {}):
        anchor = "#id_address" if problem.field == "delivery.address" else "#id_locker"
        errors.add(problem.field, problem.message, f"{_step_url(draft, 'delivery')}{anchor}")
    try:
        services.drop_off_locker_of(stash.get("drop_off"))
    except ValidationFailed as failed:
        for problem in failed.errors:
            errors.add(problem.field, problem.message, f"{_step_url(draft, 'delivery')}#drop-off-lockers")
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
    try:
        application = services.application_submit_draft(actor=request.user, draft=draft, idempotency_key=key)
    except (ValidationFailed, DomainError) as exc:
        if isinstance(exc, NotFound):
            raise
        errors = ErrorList()
        keys = [item["key"] for item in form_schema(version)]
        place_service_errors(exc, errors, form_keys=keys)
        # On the review page each error links to the row that shows it (and its 修改 link).
        for error in errors:
            if error.field in keys:
                error.href = f"#{input_id(error.field)}"
            elif error.field.startswith(("delivery.", "drop_off.")):
                error.href = "#delivery-summary"
        draft.refresh_from_db()
        return render(request, "cases/apply_review.html", _review_context(request, draft, version, errors=errors, key=key))
    # No flash message: the confirmation page's heading already says 申请已提交, and saying it
    # twice in a row on a phone only pushes the case number further down.
    return redirect("cases:application_done", application.pk)


@applicant_required
@require_http_methods(["POST"])
def draft_discard(request, application_id: int):
    draft = selectors.draft_of(request.user, application_id)
    services.application_discard_draft(actor=request.user, application=draft)
    messages.success(request, f"已删除草稿「{draft.version.name if draft.version_id else ''}」。")
    return redirect("cases:my_cases")


@applicant_required
def application_done(request, application_id: int):
    application, cases = selectors.submitted_application(request.user, application_id)
    return render(request, "cases/apply_done.html", {"application": application, "cases": [
        {"case": c, "progress_url": progress_path(c)} for c in cases], "has_lockers": bool(selectors.lockers()),
        "drop_off": selectors.drop_off_of(application.pk)})
