"""The catalog API, mounted at /api/v1/catalog.

Public: search the published catalog and read one guide with its materials and form. Catalog
staff (session with CSRF, or a bearer token): create implementations, start drafts, edit, submit,
review, publish, read versions and their differences. Errors leave as {"code", "message",
"detail"} (config/api.py); an implementation or version outside the caller's scope is 404, an
action the caller's role does not allow on one in scope is 403.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema, Status

from yiwang.accounts.auth import session_or_token
from yiwang.catalog import access, lifecycle, selectors, services
from yiwang.catalog.application_form import form_schema
from yiwang.catalog.constants import CATALOG_FLAGS, EDITABLE_STATUSES, ErrorCode, VersionStatus
from yiwang.catalog.models import ImplementationVersion
from yiwang.catalog.rules import version_problems
from yiwang.catalog.selectors.editing import base_item_by_id, comparison_version_id
from yiwang.catalog.version_input import VERSION_ELEMENTS, is_id
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.core.inputs import DbId, Int, Line, Text
from yiwang.orgs.selectors import organisation_by_id

router = Router(tags=["catalog"])


class ErrorOut(Schema):
    code: str
    message: str
    detail: Any = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class AgencyOut(Schema):
    id: int
    name: str


class ItemSummary(Schema):
    id: int  # the implementation's id (stable across versions)
    version_id: int
    version_number: int
    name: str
    implementation_code: str
    basic_code: str
    handling_item_code: str
    item_type: str
    item_type_label: str
    agency: AgencyOut
    exercise_level: str
    statutory_limit: float | None
    statutory_limit_unit: str
    promised_limit: float
    promised_limit_unit: str
    case_kind: str
    visits: int
    flags: dict[str, bool]


class ItemPage(Schema):
    total: int
    page: int
    page_size: int
    num_pages: int
    items: list[ItemSummary]


class MaterialOut(Schema):
    id: int
    order: int
    name: str
    issuing_body: str
    material_type: str
    medium: str
    original_copies: int
    copy_copies: int
    necessity: str
    source_channel: str
    licence_type_code: str
    blank_form: str
    sample: str
    filling_notes: str
    acceptance_standard: str
    legal_basis: str


class FeeItemOut(Schema):
    id: int
    name: str
    standard: str
    reduction: str


class FAQOut(Schema):
    id: int
    question: str
    answer: str


class PlaceOut(Schema):
    id: int
    name: str
    address: str
    hours: str
    phone: str
    outlet: int | None


class FormFieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    options: list[dict]
    help: str
    section: str
    validation: dict
    personal: bool
    profile_source: str


class ItemDetail(ItemSummary):
    elements: dict[str, Any]
    materials: list[MaterialOut]
    fee_items: list[FeeItemOut]
    faqs: list[FAQOut]
    places: list[PlaceOut]
    form: list[FormFieldOut]


class EditorFormFieldOut(Schema):
    id: int
    data_element: str
    section: str
    label: str
    required: bool
    options: list[dict]
    validation: dict
    help_text: str


class ReviewOut(Schema):
    id: int
    reviewer: str
    decision: str
    comment: str
    created_at: str


class ProblemOut(Schema):
    field: str
    code: str
    message: str


class VersionOut(Schema):
    id: int
    implementation_id: int
    implementation_code: str
    agency: AgencyOut
    number: int
    status: str
    status_label: str
    is_current: bool
    allowed_actions: list[str]
    elements: dict[str, Any]
    materials: list[MaterialOut]
    fee_items: list[FeeItemOut]
    faqs: list[FAQOut]
    places: list[PlaceOut]
    form_fields: list[EditorFormFieldOut]
    reviews: list[ReviewOut]
    problems: list[ProblemOut]  # consistency problems that would block submission (editable versions)


class VersionPatch(Schema):
    data: dict[str, Any] = {}
    materials: list[dict] | None = None
    fee_items: list[dict] | None = None
    faqs: list[dict] | None = None
    places: list[dict] | None = None
    form_fields: list[dict] | None = None


class ReviewIn(Schema):
    decision: Line(10)
    comment: Text(2000) = ""


class ImplementationIn(Schema):
    base_item_id: DbId
    agency_id: DbId
    exercise_level: Line(1)
    implementation_code: Line(40)
    handling_item_kind: Line(20) = "new"
    handling_item_code: Line(60) = ""
    data: dict[str, Any] = {}


class ChangeOut(Schema):
    element: str
    label: str
    old: str
    new: str
    kind: str


class DiffOut(Schema):
    old_version_id: int | None
    new_version_id: int
    changes: list[ChangeOut]


# --- Payloads ----------------------------------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else float(Decimal(value))


def _file(value) -> str:
    return value.url if value else ""


def _summary(version: ImplementationVersion) -> dict:
    implementation = version.implementation
    return {
        "id": implementation.pk, "version_id": version.pk, "version_number": version.number, "name": version.name,
        "implementation_code": implementation.implementation_code,
        "basic_code": implementation.base_item.basic_code, "handling_item_code": implementation.handling_item_code,
        "item_type": implementation.base_item.item_type,
        "item_type_label": implementation.base_item.get_item_type_display(),
        "agency": {"id": implementation.agency_id, "name": implementation.agency.name},
        "exercise_level": implementation.exercise_level,
        "statutory_limit": _number(version.statutory_limit), "statutory_limit_unit": version.statutory_limit_unit,
        "promised_limit": _number(version.promised_limit), "promised_limit_unit": version.promised_limit_unit,
        "case_kind": version.case_kind, "visits": version.visits,
        "flags": {key: getattr(version, key) for key in CATALOG_FLAGS},
    }


def _elements(version: ImplementationVersion) -> dict:
    elements = {}
    for key in VERSION_ELEMENTS:
        if key == "co_agencies":
            elements[key] = [{"id": o.pk, "name": o.name} for o in version.co_agencies.all()]
        elif key == "result_sample":
            elements[key] = _file(version.result_sample)
        elif key in ("statutory_limit", "promised_limit"):
            elements[key] = _number(getattr(version, key))
        else:
            elements[key] = getattr(version, key)
    return elements


def _children(version: ImplementationVersion) -> dict:
    return {
        "materials": [{
            "id": m.pk, "order": m.order, "name": m.name, "issuing_body": m.issuing_body,
            "material_type": m.material_type, "medium": m.medium, "original_copies": m.original_copies,
            "copy_copies": m.copy_copies, "necessity": m.necessity, "source_channel": m.source_channel,
            "licence_type_code": m.licence_type_code, "blank_form": _file(m.blank_form), "sample": _file(m.sample),
            "filling_notes": m.filling_notes, "acceptance_standard": m.acceptance_standard, "legal_basis": m.legal_basis,
        } for m in version.materials.all()],
        "fee_items": [{"id": f.pk, "name": f.name, "standard": f.standard, "reduction": f.reduction}
                      for f in version.fee_items.all()],
        "faqs": [{"id": f.pk, "question": f.question, "answer": f.answer} for f in version.faqs.all()],
        "places": [{"id": p.pk, "name": p.name, "address": p.address, "hours": p.hours, "phone": p.phone,
                    "outlet": p.outlet_id} for p in version.places.all()],
    }


def _version_payload(version: ImplementationVersion) -> dict:
    implementation = version.implementation
    problems = version_problems(version) if version.status in EDITABLE_STATUSES else []
    return {
        "id": version.pk, "implementation_id": implementation.pk,
        "implementation_code": implementation.implementation_code,
        "agency": {"id": implementation.agency_id, "name": implementation.agency.name},
        "number": version.number, "status": version.status, "status_label": version.get_status_display(),
        "is_current": version.status == VersionStatus.PUBLISHED,
        "allowed_actions": [a.value for a in lifecycle.allowed_actions(version.status)],
        "elements": _elements(version), **_children(version),
        "form_fields": [{
            "id": f.pk, "data_element": f.data_element.key, "section": f.section, "label": f.label,
            "required": f.required, "options": f.options, "validation": f.validation, "help_text": f.help_text,
        } for f in version.form_fields.all()],
        "reviews": [{"id": r.pk, "reviewer": r.reviewer.display_name, "decision": r.decision, "comment": r.comment,
                     "created_at": r.created_at.isoformat()} for r in version.reviews.all()],
        "problems": [p.as_dict() for p in problems],
    }


# --- Public ------------------------------------------------------------------------------------


class ItemFilters(Schema):
    q: Line(100) = ""
    agency: DbId | None = None
    type: Line(20) | None = None
    subject: Line(20) | None = None
    page: Int(1, 100_000) = 1
    page_size: Int(1, 100) = 20
    commitment_eligible: bool | None = None
    deferred_material_eligible: bool | None = None
    high_frequency: bool | None = None
    city_wide: bool | None = None
    in_hall: bool | None = None
    weekend_service: bool | None = None


@router.get("/items", response={200: ItemPage, **ERRORS}, summary="搜索已发布的事项")
def search_items(request, filters: Query[ItemFilters]):
    """Published implementations matching `q` (words of the name, codes or agency), the agency (and
    organisations under it), the item type (GB/T 39046 code, e.g. 01), the subject (person /
    enterprise) and the lists (flags); paginated with the total count."""
    flags = {key: getattr(filters, key) for key in CATALOG_FLAGS if getattr(filters, key) is not None}
    page = selectors.catalog_search(q=filters.q, agency_id=filters.agency, item_type=filters.type or None,
                                    flags=flags, subject=filters.subject or None, page=filters.page,
                                    page_size=filters.page_size)
    return {"total": page.total, "page": page.page, "page_size": page.page_size, "num_pages": page.num_pages,
            "items": [_summary(v) for v in page.items]}


@router.get("/items/{implementation_id}", response={200: ItemDetail, **ERRORS}, summary="一个已发布事项的办事指南")
def item_detail(request, implementation_id: DbId):
    version = selectors.implementation_detail(implementation_id)
    return {**_summary(version), "elements": _elements(version), **_children(version), "form": form_schema(version)}


# --- Catalog staff -----------------------------------------------------------------------------


@router.post("/implementations", response={201: VersionOut, **ERRORS}, auth=session_or_token,
             summary="新建实施清单事项（草稿 v1）")
def create_implementation(request, payload: ImplementationIn):
    base_item = base_item_by_id(payload.base_item_id) if is_id(payload.base_item_id) else None
    agency = organisation_by_id(payload.agency_id) if is_id(payload.agency_id) else None
    errors = []
    if base_item is None:
        errors.append(FieldError("base_item_id", ErrorCode.FIELD_INVALID,
                                 f"基本目录事项 {payload.base_item_id} 不存在，请核对。"))
    if agency is None or not access.can_edit(request.auth, agency):
        errors.append(FieldError("agency_id", ErrorCode.FIELD_INVALID,
                                 f"实施主体 {payload.agency_id} 不存在或不在您的编辑范围内，请选择您负责的部门。"))
    if errors:
        raise ValidationFailed(errors)
    implementation = services.implementation_create(
        actor=request.auth, base_item=base_item, agency=agency, exercise_level=payload.exercise_level,
        implementation_code=payload.implementation_code, handling_item_kind=payload.handling_item_kind,
        handling_item_code=payload.handling_item_code, data=payload.data)
    version = implementation.versions.get(number=1)
    return Status(201, _version_payload(selectors.version_detail(version.pk)))


@router.post("/implementations/{implementation_id}/drafts", response={201: VersionOut, **ERRORS},
             auth=session_or_token, summary="从已发布版本新建草稿")
def start_draft(request, implementation_id: DbId):
    implementation = access.access_implementation_for_editing(actor=request.auth, implementation_id=implementation_id)
    draft = services.version_start_draft(actor=request.auth, implementation=implementation)
    return Status(201, _version_payload(selectors.version_detail(draft.pk)))


@router.get("/versions/{version_id}", response={200: VersionOut, **ERRORS}, auth=session_or_token,
            summary="一个版本（任意状态）")
def get_version(request, version_id: DbId):
    version = access.access_version_for_staff(actor=request.auth, version_id=version_id)
    return _version_payload(selectors.version_detail(version.pk))


@router.patch("/versions/{version_id}", response={200: VersionOut, **ERRORS}, auth=session_or_token,
              summary="修改草稿或退回的版本")
def update_version(request, version_id: DbId, payload: VersionPatch):
    """`data` holds the elements to change; each list given (materials, fee_items, faqs, places,
    form_fields) replaces that list — include a row's `id` to keep it (and its files)."""
    version = access.access_version_for_editing(actor=request.auth, version_id=version_id)
    services.version_update(actor=request.auth, version=version, data=payload.data, materials=payload.materials,
                            fee_items=payload.fee_items, faqs=payload.faqs, places=payload.places,
                            form_fields=payload.form_fields)
    return _version_payload(selectors.version_detail(version.pk))


@router.post("/versions/{version_id}/submit", response={200: VersionOut, **ERRORS}, auth=session_or_token,
             summary="提交审核")
def submit_version(request, version_id: DbId):
    version = access.access_version_for_editing(actor=request.auth, version_id=version_id)
    services.version_submit(actor=request.auth, version=version)
    return _version_payload(selectors.version_detail(version.pk))


@router.post("/versions/{version_id}/review", response={200: VersionOut, **ERRORS}, auth=session_or_token,
             summary="审核：通过或退回")
def review_version(request, version_id: DbId, payload: ReviewIn):
    version = access.access_version_for_staff(actor=request.auth, version_id=version_id)
    services.version_review(actor=request.auth, version=version, decision=payload.decision, comment=payload.comment)
    return _version_payload(selectors.version_detail(version.pk))


@router.post("/versions/{version_id}/publish", response={200: VersionOut, **ERRORS}, auth=session_or_token,
             summary="发布（替代当前发布版本）")
def publish_version(request, version_id: DbId):
    version = access.access_version_for_staff(actor=request.auth, version_id=version_id)
    services.version_publish(actor=request.auth, version=version)
    return _version_payload(selectors.version_detail(version.pk))


@router.get("/versions/{version_id}/diff", response={200: DiffOut, **ERRORS}, auth=session_or_token,
            summary="与另一版本（默认：当前发布版本）的差异")
def diff_version(request, version_id: DbId, against: DbId | None = None):
    version = access.access_version_for_staff(actor=request.auth, version_id=version_id)
    if against is None:
        old_id = comparison_version_id(version)
    else:
        other = access.access_version_for_staff(actor=request.auth, version_id=against)
        if other.implementation_id != version.implementation_id:
            raise DomainError("只能比较同一实施清单事项的两个版本，请选择该事项的其他版本。",
                              code=ErrorCode.DIFF_OTHER_IMPLEMENTATION, field="against")
        old_id = other.pk
    old = selectors.version_detail(old_id) if old_id else None
    new = selectors.version_detail(version.pk)
    return {"old_version_id": old_id, "new_version_id": version.pk,
            "changes": [c.__dict__ for c in selectors.version_diff(old, new)]}

