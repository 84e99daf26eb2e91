"""The bundles API, mounted at /api/v1/bundles: public reads of the bundles in force.

- `GET /bundles` every bundle in force with its figures, the city-wide totals, and what seed 000
  reported for Xi'an;
- `GET /bundles/{id}` one bundle: members, dependencies, questions, and the checklist before any
  answer (every member);
- `POST /bundles/{id}/checklist` answers (question key → option value) → the members that apply
  and why the others do not, the merged materials (and the dropped ones with reasons), the merged
  form, the figures for these answers.
Errors leave as {"code", "message", "detail"}: 400 for unknown questions or options, over-long or
control-character input (naming the field), 404 for a bundle that does not exist or is not
published.
- `POST /bundles/{id}/applications` (signed in, Idempotency-Key) files the bundle: one case per
  applicable member; `GET /bundle-cases/{id}` the bundle case (its applicant or the lead agency).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Header, Query, Router, Schema
from pydantic import Field, StringConstraints

from yiwang.accounts.auth import session_or_token
from yiwang.bundles import applications, presenters, selectors
from yiwang.bundles.constants import ErrorCode
from yiwang.bundles.version_input import has_control_characters
from yiwang.core.errors import MAX_DB_ID, FieldError, ValidationFailed
from yiwang.core.inputs import Line

router = Router(tags=["bundles"])
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Value = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class ErrorOut(Schema):
    code: str
    message: str
    detail: Any = None


ERRORS = {400: ErrorOut, 404: ErrorOut}


class Ref(Schema):
    id: int | None
    name: str


class FiguresOut(Schema):
    members: int
    departments: int
    materials_before: int
    materials_after: int
    materials_reduction: float | None = Field(None, description="减少的百分比，一位小数；之前为 0 时为空")
    visits_before: int
    visits_after: int
    visits_reduction: float | None
    days_before: float = Field(description="承诺时限之和（工作日）")
    days_after: float = Field(description="关键路径上的承诺时限（工作日）")
    time_reduction: float | None
    fields_before: int
    fields_after: int
    fields_reduction: float | None


class BundleSummary(Schema):
    id: int
    code: str
    version_id: int
    version_number: int
    name: str
    summary: str
    subject: str
    stage: Ref
    lead_agency: Ref
    url: str
    figures: FiguresOut


class Reported(Schema):
    materials_reduction: float
    visits_reduction: float
    time_reduction: float
    source: str


class BundleList(Schema):
    items: list[BundleSummary]
    totals: FiguresOut
    reported: Reported


class MemberOut(Schema):
    id: int = Field(description="成员事项（实施清单）编号，见 /api/v1/catalog/items/{id}")
    name: str
    listed_as: str
    agency: str
    agency_id: int
    is_lead: bool
    depends_on: list[int]
    promised_limit: float | None
    promised_limit_unit: str
    promised_text: str
    visits: int
    guide_url: str


class OptionOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    key: str
    text: str
    help_text: str
    options: list[OptionOut]


class AnswerOut(Schema):
    key: str
    question: str
    value: str
    label: str


class ChecklistMember(Schema):
    id: int
    name: str
    agency: str
    is_lead: bool
    promised_limit: str
    visits: int
    waits_for: list[int]


class ExcludedOut(Schema):
    id: int
    name: str
    reason: str


class CoverOut(Schema):
    member: int
    material: str


class MaterialOut(Schema):
    key: str
    name: str
    necessity: str
    necessity_label: str
    source_channel: str
    source_label: str
    licence_type_code: str
    copies: str
    notes: str
    submitted: bool
    members: list[int]
    member_names: list[str]
    covers: list[CoverOut]
    notice: str = ""  # why a held document does not serve (an expired or revoked e-licence)


class HeldOut(Schema):
    key: str
    name: str
    licence_name: str
    identifier: str
    reason: str
    members: list[int]


class DroppedOut(Schema):
    member: int
    member_name: str
    material: str
    reason_code: Literal["exempt", "provided", "held", "answer"]
    reason: str


class FormFieldOut(Schema):
    name: str
    element: str
    label: str
    type: str
    type_label: str
    required: bool
    options: list[OptionOut]
    help: str
    section: str
    members: list[int]


class ChecklistOut(Schema):
    answers: list[AnswerOut]
    members: list[ChecklistMember]
    excluded: list[ExcludedOut]
    waves: list[list[int]]
    materials: list[MaterialOut]
    dropped: list[DroppedOut]
    held: list[HeldOut] = []
    form: list[FormFieldOut]
    figures: FiguresOut


class BundleDetail(BundleSummary):
    members: list[MemberOut]
    questions: list[QuestionOut]
    checklist: ChecklistOut


class ChecklistIn(Schema):
    answers: dict[Key, Value] = Field(default_factory=dict, max_length=20, description='{"<问题编号>": "<选项值>"}，如 {"signboard": "no"}')


class ListFilters(Schema):
    subject: Literal["person", "enterprise"] | None = None


def _summary(version, figures) -> dict:
    stage = version.stage
    return {
        "id": version.bundle_id, "code": version.bundle.code, "version_id": version.pk, "version_number": version.number,
        "name": version.name, "summary": version.summary, "subject": stage.subject if stage else "",
        "stage": {"id": stage.pk if stage else None, "name": stage.name if stage else ""},
        "lead_agency": {"id": version.lead_agency_id, "name": version.lead_agency.name if version.lead_agency_id else ""},
        "url": reverse("bundles:guide", args=[version.bundle_id]), "figures": presenters.figures(figures),
    }


@router.get("", response={200: BundleList, **ERRORS}, summary="全部已发布的一件事及其成效数字")
def list_bundles(request, filters: Query[ListFilters]):
    overview = selectors.overview(subject=filters.subject)
    return {"items": [_summary(row.version, row.figures) for row in overview.rows], "totals": presenters.figures(overview.totals),
            "reported": {"materials_reduction": float(overview.reported["materials"]), "visits_reduction": float(overview.reported["visits"]),
                         "time_reduction": float(overview.reported["time"]), "source": overview.reported_source}}


@router.get("/{bundle_id}", response={200: BundleDetail, **ERRORS}, summary="一件事：成员、依赖、情形问题和合并清单")
def bundle_detail(request, bundle_id: DbId):
    guide = selectors.bundle_guide(bundle_id, {}, applicant=request.user)
    return {**_summary(guide.version, guide.overall.figures), "members": presenters.members(guide.definition),
            "questions": presenters.questions(guide.definition), "checklist": presenters.checklist(guide.overall)}


@router.post("/{bundle_id}/checklist", response={200: ChecklistOut, **ERRORS}, summary="按情形回答生成合并的材料清单和表单")
def bundle_checklist(request, bundle_id: DbId, payload: ChecklistIn):
    bad = [FieldError(f"answers.{key}"[:60], ErrorCode.FIELD_INVALID, "问题编号或回答含有不可见的控制字符，请删除后重新提交。")
           for key, value in payload.answers.items() if has_control_characters(key) or has_control_characters(value)]
    if bad:
        raise ValidationFailed(bad)
    return presenters.checklist(selectors.bundle_checklist_by_id(bundle_id, payload.answers, applicant=request.user))


# --- Applying (authenticated: the applicant, or a window clerk for them) ----------------------

class ApplicationIn(Schema):
    answers: dict[Key, Value] = Field(default_factory=dict, max_length=20)
    form_data: dict[Annotated[str, StringConstraints(min_length=1, max_length=120)], Any] = Field(
        default_factory=dict, max_length=200, description="合并表单的回答：字段名 → 值（字段名见 checklist 的 form[].name）")
    materials: dict[Annotated[str, StringConstraints(min_length=1, max_length=120)], dict[str, Any]] = Field(
        default_factory=dict, max_length=100, description='合并材料清单的键 → {"file": 文件 id} 或 {"paper": true}')
    joint_delivery: bool = Field(True, description="全部办结后一并送达（一个取件码）；false 为逐项送达")
    delivery: dict[str, Any] | None = None


class CaseMemberOut(Schema):
    implementation_id: int
    name: str
    agency: str
    case_id: int
    case_number: str
    case_status: str
    case_status_label: str
    state: str
    state_label: str
    waits_for: list[int]
    due_on: str | None
    clock: str = Field("", description="成员办件的计时：等待前序事项办结 / 剩余 n 个工作日 / 已超期 … / 已结束计时")
    waiting_for_prerequisites: bool = Field(False, description="已受理，等待前序事项办结后开始计时")
    closed_reason: str


class TimelineOut(Schema):
    at: str
    member: str
    text: str


class BundleCaseOut(Schema):
    id: int
    number: str
    bundle_id: int
    version_id: int
    name: str
    status: str
    status_label: str
    joint_delivery: bool
    accepted_on: str | None
    due_on: str | None
    critical_days: float
    members: list[CaseMemberOut]
    timeline: list[TimelineOut]
    replayed: bool = False


def bundle_case_out(bundle_case, *, replayed: bool = False) -> dict:
    members = selectors.bundle_case_members(bundle_case)
    return {
        "id": bundle_case.pk, "number": bundle_case.number, "bundle_id": bundle_case.version.bundle_id,
        "version_id": bundle_case.version_id, "name": bundle_case.version.name, "status": bundle_case.status,
        "status_label": bundle_case.get_status_display(), "joint_delivery": bundle_case.joint_delivery,
        "accepted_on": str(bundle_case.accepted_on) if bundle_case.accepted_on else None,
        "due_on": str(bundle_case.due_on) if bundle_case.due_on else None, "critical_days": float(bundle_case.critical_days),
        "members": [{"implementation_id": m.implementation_id, "name": m.case.version.name, "agency": m.case.agency.name,
                     "case_id": m.case_id, "case_number": m.case.number, "case_status": m.case.status,
                     "case_status_label": m.case.get_status_display(), "state": m.state, "state_label": m.get_state_display(),
                     "waits_for": list(m.waits_for), "due_on": str(m.case.due_on) if m.case.due_on else None,
                     "clock": m.clock.label, "waiting_for_prerequisites": m.clock.waiting,
                     "closed_reason": m.closed_reason} for m in members],
        "timeline": [{"at": e["at"].isoformat(), "member": e["member"], "text": e["text"]}
                     for e in selectors.bundle_case_timeline(bundle_case)],
        "replayed": replayed,
    }


@router.post("/{bundle_id}/applications", response={201: BundleCaseOut, 200: BundleCaseOut, **ERRORS}, auth=session_or_token,
             summary="申请一件事（幂等）：每个适用的成员事项各生成一个办件")
def bundle_apply(request, bundle_id: DbId, payload: ApplicationIn,
                 idempotency_key: Line(80) | None = Header(None, alias="Idempotency-Key")):
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 80:
        raise ValidationFailed([FieldError("Idempotency-Key", ErrorCode.FIELD_INVALID, "Idempotency-Key 长度应为 1–80 个字符。")])
    bad = [FieldError(f"answers.{key}"[:60], ErrorCode.FIELD_INVALID, "问题编号或回答含有不可见的控制字符，请删除后重新提交。")
           for key, value in payload.answers.items() if has_control_characters(key) or has_control_characters(value)]
    if bad:
        raise ValidationFailed(bad)
    bundle_case = applications.bundle_application_submit(
        actor=request.auth, applicant=request.auth, bundle_id=bundle_id, answers=payload.answers, form_data=payload.form_data,
        materials=payload.materials, delivery=payload.delivery, joint_delivery=payload.joint_delivery,
        idempotency_key=idempotency_key or "")
    replayed = getattr(bundle_case, "replayed", False)
    return (200 if replayed else 201), bundle_case_out(bundle_case, replayed=replayed)


case_router = Router(tags=["bundles"], auth=session_or_token)


@case_router.get("/{bundle_case_id}", response={200: BundleCaseOut, **ERRORS}, summary="一件事办件：每个成员的状态、时限和统一时间线")
def bundle_case_detail(request, bundle_case_id: DbId):
    return bundle_case_out(selectors.bundle_case_for(actor=request.auth, bundle_case_id=bundle_case_id))
