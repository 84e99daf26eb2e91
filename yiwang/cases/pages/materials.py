"""Material inputs shared by the wizard, corrections, deferred supplements and the window, and the
one-time correction notice as the applicant (online) and the window (walk-in) answer it."""

from __future__ import annotations

from yiwang.cases import selectors, services
from yiwang.cases.forms import ErrorList, application_sections, form_values_from_post, material_input_id
from yiwang.cases.pages.shared import form_error_href, place_service_errors
from yiwang.catalog.application_form import form_schema, validate_form_data
from yiwang.catalog.constants import MaterialNecessity, MaterialSource
from yiwang.core.errors import DomainError

GOVERNMENT_SOURCE_HINT = "政府部门核发"
LICENCE_SOURCE_HINT = "持有效电子证照的可免提交"


def material_entry(requirement, *, errors: ErrorList, current=None, paper: bool = False,
                   extra: dict | None = None, applicant=None) -> dict:
    """What the page shows for one material requirement (a catalog.Material). With `applicant`
    (applying), a requirement met without upload says so: the online form itself (在线填报), or a
    held e-licence (免提交) — and a held licence that no longer counts says why."""
    hint = ""
    if requirement.licence_type_code:
        hint = LICENCE_SOURCE_HINT
    elif requirement.source_channel == MaterialSource.GOVERNMENT_ISSUED:
        hint = GOVERNMENT_SOURCE_HINT
    from_form = applicant is not None and requirement.source_channel == MaterialSource.ONLINE_FORM
    offer = None if applicant is None or from_form else services.licence_offer(applicant=applicant, requirement=requirement)
    return {"requirement": requirement, "id": material_input_id(requirement.pk), "field": f"materials.{requirement.pk}",
            "necessity": requirement.get_necessity_display(), "required": requirement.necessity == MaterialNecessity.REQUIRED,
            "exempt": requirement.necessity == MaterialNecessity.EXEMPT, "source_hint": hint, "current": current,
            "paper": paper, "errors": errors.for_field(f"materials.{requirement.pk}"), "from_form": from_form,
            "licence": offer if offer and offer.get("satisfies") else None,
            "licence_problem": offer if offer and not offer.get("satisfies") else None, **(extra or {})}


def read_material(request, requirement, *, owner, errors: ErrorList, allow_paper: bool = False,
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


def file_id(spec) -> int | None:
    if isinstance(spec, dict):
        value = spec.get("file") or spec.get("reuse")
        return value if isinstance(value, int) else None
    return None


def kept_files(materials: dict) -> dict[int, int]:
    return {int(k): v["file"] for k, v in materials.items() if isinstance(v, dict) and isinstance(v.get("file"), int)}


def correction_context(case, *, errors: ErrorList, values: dict | None = None, kept: dict | None = None,
                       paper_ticked: set | None = None) -> dict | None:
    """The open one-time correction notice and what it asks for: the form fields and materials it
    names (everything, if an item names nothing), filled with `values` or what was filed. Shown to
    the applicant online and to the window clerk for a walk-in correction, whose paper ticks are
    never pre-set: the corrected original has to be received anew (`paper_ticked` keeps a retry's)."""
    notice = selectors.open_correction_notice(case)
    if notice is None:
        return None
    kept = kept or {}
    application = case.application
    schema = form_schema(case.version)
    requirements = selectors.version_requirements(case.version)
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
    current = selectors.filed_materials_by_requirement(case)
    files = selectors.owned_files(case.applicant, [m.stored_file_id for m in current.values() if m.stored_file_id]
                                  + [v for v in kept.values() if isinstance(v, int)])
    entries = []
    for r in shown_materials:
        filed = current.get(r.pk)
        entries.append(material_entry(r, errors=errors, current=filed.stored_file if filed else None,
                                      paper=r.pk in (paper_ticked or ()), extra={"kept": files.get(kept.get(r.pk))}))
    return {"notice": notice, "sections": application_sections(shown_schema, values, errors), "materials": entries}


def file_correction(request, case, correction: dict, *, allow_paper: bool) -> tuple[bool, ErrorList, dict, dict]:
    """Read and file a correction (the applicant online, or the clerk for a walk-in applicant):
    the fields and materials the notice asked for. Returns (done, errors, values, materials)."""
    shown_keys = [i.key for s in correction["sections"] for i in s.inputs]
    shown_schema = [s for s in form_schema(case.version) if s["key"] in shown_keys]
    typed = form_values_from_post(shown_schema, request.POST)
    errors = ErrorList()
    materials = {}
    for entry in correction["materials"]:
        requirement = entry["requirement"]
        spec = read_material(request, requirement, owner=case.applicant, errors=errors, allow_paper=allow_paper)
        if spec is not None:
            materials[str(requirement.pk)] = spec
    values = {**case.application.form_data, **typed}
    if errors and shown_keys:
        # An upload was refused, so the service is not asked; the form's own problems are still
        # shown now, with it, rather than only after the next attempt (一次性告知 both ways).
        _, problems = validate_form_data(selectors.version_form_fields(case.version), values)
        for problem in problems:
            if problem.field in shown_keys:
                errors.add(problem.field, problem.message, form_error_href(problem.field))
    if not errors:
        try:
            services.case_resubmit(actor=request.user, case=case, form_data=typed if shown_keys else None,
                                   materials=materials or None)
        except DomainError as exc:
            place_service_errors(exc, errors, form_keys=shown_keys)
        else:
            return True, errors, values, materials
    return False, errors, values, materials


def read_materials(request, requirements, *, owner, errors: ErrorList, allow_paper: bool = False) -> dict:
    """The specs of several material rows, keyed by requirement id (rows left empty are omitted)."""
    materials = {}
    for requirement in requirements:
        spec = read_material(request, requirement, owner=owner, errors=errors, allow_paper=allow_paper)
        if spec is not None:
            materials[str(requirement.pk)] = spec
    return materials
