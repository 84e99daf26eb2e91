"""Cases API: apply (idempotent), list and read cases, the acceptance decisions, the clock, the
decision and delivery; BPMN task endpoints. Staff endpoints check role and data scope through
yiwang.cases.access; every error leaves as {"code", "message", "detail"}."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import pydantic
from django.http import FileResponse
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from yiwang.accounts.auth import session_or_token
from yiwang.accounts.network import client_ip
from yiwang.cases import selectors, services
from yiwang.cases.access import (
    access_case_by_id,
    access_case_by_number,
    access_staff_case,
    access_task_by_id,
    case_actions_for,
    require_window_clerk,
    window_outlets_of,
)
from yiwang.cases.constants import Channel
from yiwang.cases.documents import document_file
from yiwang.cases.selectors import case_clock, case_timeline, cases_for_staff_list, cases_of_applicant
from yiwang.core.errors import MAX_DB_ID, DomainError, FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.inputs import Int, Line, Text
from yiwang.orgs.selectors import organisation_by_id

router = Router(tags=["cases"], auth=session_or_token)

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


class ApplicantRef(Schema):
    id_number: Line(18) | None = None
    uscc: Line(18) | None = None


class DeliveryIn(Schema):
    method: Line(20) = "window"
    address: Text(300) = ""
    locker: DbId | None = None
    recipient_name: Line(100) = ""
    recipient_phone: Line(20) = ""


class ApplicationIn(Schema):
    implementation_id: DbId
    form_data: dict = Field(default_factory=dict, max_length=500)
    materials: dict = Field(default_factory=dict, max_length=200,
                            description='{"<requirement id>": {"file": <stored file id>} | {"reuse": id} | {"paper": true}}')
    delivery: DeliveryIn | None = None
    channel: Line(20) | None = None
    outlet_id: DbId | None = None
    applicant: ApplicantRef | None = Field(None, description="window clerks filing on behalf of an applicant")


class ApplicationOut(Schema):
    id: int
    status: str
    case_ids: list[int]
    case_numbers: list[str]
    submitted_at: str | None


class CaseSummary(Schema):
    id: int
    number: str
    item: str
    agency: str
    status: str
    status_label: str
    received_on: date
    due_on: date | None
    due_provisional: bool
    warning: str


class TimelineOut(Schema):
    at: str
    title: str
    actor: str
    note: str


class ClockOut(Schema):
    accepted_on: date | None
    due_on: date | None
    provisional: bool
    remaining_working_days: int | None
    colour: str
    paused: bool
    waiting: bool = Field(False, description="已受理，等待前序事项办结后开始计时（一件事成员）")
    clock_from: date | None = Field(None, description="时限起算日（次日起计算）")
    label: str
    limit_days: int
    extension_days: int
    paused_days: int
    acceptance_due_on: date
    delivery_due_on: date | None


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    issued_on: date
    sm3: str


class ActionsOut(Schema):
    """What the caller may do with the case now (access.case_actions_for, as the pages show it)."""

    may_withdraw: bool
    may_resubmit: bool
    may_supplement: bool
    may_change_delivery: bool
    may_accept: bool
    may_refuse: bool
    may_record_correction: bool
    may_receive_deferred: bool
    handover: str = Field(description='"code", "mail", "electronic" or "" (no hand-over now)')
    may_reissue_code: bool
    may_send_materials: bool
    may_pause: bool
    may_resume: bool
    may_extend: bool
    may_verify_commitment: bool
    may_receive_materials: bool


class CaseDetail(CaseSummary):
    acceptance_mode: str
    decision: str
    decision_reasons: str
    channel: str
    version_id: int
    implementation_id: DbId
    clock: ClockOut
    timeline: list[TimelineOut]
    documents: list[DocumentOut]
    actions: ActionsOut


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseSummary]


def _summary(case) -> dict:
    return {"id": case.pk, "number": case.number, "item": case.version.name, "agency": case.agency.name,
            "status": case.status, "status_label": case.get_status_display(), "received_on": case.received_on,
            "due_on": case.due_on, "due_provisional": case.due_provisional, "warning": case.warning}


def _detail(case, *, viewer) -> dict:
    clock = case_clock(case)
    actions = case_actions_for(actor=viewer, case=case)
    return {
        **_summary(case), "acceptance_mode": case.acceptance_mode, "decision": case.decision,
        "decision_reasons": case.decision_reasons, "channel": case.channel, "version_id": case.version_id,
        "implementation_id": case.implementation_id,
        "clock": {"accepted_on": case.accepted_on, "due_on": clock.due_on, "provisional": clock.provisional,
                  "remaining_working_days": clock.remaining_working_days, "colour": clock.colour,
                  "paused": clock.paused, "waiting": clock.waiting, "clock_from": case.clock_from,
                  "label": clock.label, "limit_days": case.limit_days,
                  "extension_days": case.extension_days, "paused_days": case.paused_days,
                  "acceptance_due_on": case.acceptance_due_on, "delivery_due_on": case.delivery_due_on},
        "timeline": [{"at": e.at.isoformat(), "title": e.title, "actor": e.actor, "note": e.note}
                     for e in case_timeline(case, for_public=not viewer.is_staff_member)],
        "documents": [{"id": d.pk, "kind": d.kind, "title": d.get_kind_display(), "number": d.number,
                       "issued_on": d.issued_on, "sm3": d.sm3} for d in selectors.case_documents(case)],
        "actions": {name: getattr(actions, name) for name in ActionsOut.model_fields},
    }


def _applicant_for(request, payload: ApplicationIn):
    """The applicant is the caller, or — for a window clerk — the person they checked."""
    user = request.auth
    if not user.is_staff_member:
        if payload.applicant:
            raise PermissionDenied("只有窗口工作人员可以代他人申请。", code="not_window_clerk")
        return user, payload.channel or Channel.WEB, None
    require_window_clerk(user)
    outlets = window_outlets_of(user)
    ref = payload.applicant or ApplicantRef()
    if not (ref.id_number or ref.uscc):
        raise ValidationFailed([FieldError("applicant", "required",
                                           "代为申请时请提供申请人的居民身份证号码（id_number）或统一社会信用代码（uscc）。")])
    field = "applicant.id_number" if ref.id_number else "applicant.uscc"
    applicant = selectors.applicant_by_identifier(ref.id_number or ref.uscc, field=field)
    outlet = outlets[0]
    if payload.outlet_id:
        outlet = next((o for o in outlets if o.pk == payload.outlet_id), None)
        if outlet is None:
            raise NotFound("未找到该受理网点。", code="outlet_not_found", field="outlet_id")
    return applicant, payload.channel or Channel.WINDOW, outlet


@router.post("/applications", response={201: ApplicationOut, 200: ApplicationOut}, summary="提交申请（幂等）")
def submit_application(request, payload: ApplicationIn,
                       idempotency_key: Line(100) | None = Header(None, alias="Idempotency-Key")):
    applicant, channel, outlet = _applicant_for(request, payload)
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 100):
        raise DomainError("Idempotency-Key 长度应为 1–100 个字符。", code="invalid_input", field="Idempotency-Key")
    application = services.application_submit(
        actor=request.auth, applicant=applicant, implementation_id=payload.implementation_id,
        form_data=payload.form_data, materials=payload.materials,
        delivery=payload.delivery.dict() if payload.delivery else None, channel=channel, outlet=outlet,
        idempotency_key=idempotency_key)
    cases = getattr(application, "submitted_cases", None) or selectors.cases_of_application(application)
    body = {"id": application.pk, "status": application.status, "case_ids": [c.pk for c in cases],
            "case_numbers": [c.number for c in cases],
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None}
    return Status(200 if application.replayed else 201, body)


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sm3: str


@router.post("/files", response={201: FileOut}, summary="上传申请材料文件（PDF/JPEG/PNG/OFD）")
def upload_file(request, file: UploadedFile = File(...)):
    stored = services.stored_file_create(actor=request.auth, owner=request.auth, upload=file)
    return Status(201, {"id": stored.pk, "name": stored.original_name, "content_type": stored.content_type,
                 "size": stored.size, "sm3": stored.sm3})


@router.get("/cases", response=Page, summary="我的办件；工作人员为职责范围内的办件")
def list_cases(request, status: Line(30) | None = None, colour: Line(10) | None = None, page: int = Query(1, ge=1, le=100_000),
               page_size: int = Query(20, ge=1, le=100)):
    user = request.auth
    if user.is_staff_member:
        qs = cases_for_staff_list(user, status=status, colour=colour)
    else:
        qs = cases_of_applicant(user, status=status)
    total = qs.count()
    rows = qs[(page - 1) * page_size: page * page_size]
    return {"count": total, "page": page, "page_size": page_size, "results": [_summary(c) for c in rows]}


@router.get("/cases/{case_id}", response=CaseDetail, summary="办件详情（时间线、计时）")
def get_case(request, case_id: DbId):
    case = access_case_by_id(actor=request.auth, case_id=case_id)
    return _detail(case, viewer=request.auth)


@router.get("/cases/{case_id}/documents/{document_id}", summary="下载文书 PDF")
def get_document(request, case_id: DbId, document_id: DbId):
    case = access_case_by_id(actor=request.auth, case_id=case_id)
    doc = selectors.document_of(case, document_id)
    return FileResponse(document_file(doc).open("rb"), content_type="application/pdf", filename=f"{doc.number}.pdf")


class DeferralIn(Schema):
    requirement_ids: list[DbId] = Field(max_length=200)
    deadline: date
    form_note: Text(300)
    commitment_text: Text(5000)
    consequence: Text(300) = ""


class CommitmentIn(Schema):
    conditions: list[Text(1000)] = Field(max_length=100)
    commitment_text: Text(5000)
    liability_text: Text(5000) = ""


class AcceptIn(Schema):
    mode: Line(20) = "normal"
    deferral: DeferralIn | None = None
    commitment: CommitmentIn | None = None


def _detail_after_change(request, case_id: int) -> dict:
    """The case as the change left it, read afresh (the service may have changed related rows)."""
    return _detail(access_case_by_id(actor=request.auth, case_id=case_id), viewer=request.auth)


def _staff_case(request, case_id: DbId):
    return access_staff_case(actor=request.auth, case_id=case_id)


@router.post("/cases/{case_id}/accept", response=CaseDetail, summary="受理（一般、容缺、告知承诺）")
def accept(request, case_id: DbId, payload: AcceptIn):
    case = _staff_case(request, case_id)
    services.case_accept(actor=request.auth, case=case, mode=payload.mode,
                         deferral=payload.deferral.dict() if payload.deferral else None,
                         commitment=payload.commitment.dict() if payload.commitment else None)
    return _detail_after_change(request, case_id)


class RefuseIn(Schema):
    reason: Text(2000)
    legal_basis: Text(2000) = ""
    competent_agency_id: DbId | None = None
    competent_agency_note: Text(300) = ""


@router.post("/cases/{case_id}/refuse", response=CaseDetail, summary="不予受理")
def refuse(request, case_id: DbId, payload: RefuseIn):
    case = _staff_case(request, case_id)
    agency = None
    if payload.competent_agency_id:
        agency = organisation_by_id(payload.competent_agency_id)
        if agency is None:
            raise NotFound("未找到该机关。", code="organisation_not_found", field="competent_agency_id")
    services.case_refuse(actor=request.auth, case=case, reason=payload.reason, legal_basis=payload.legal_basis,
                         competent_agency=agency, competent_agency_note=payload.competent_agency_note)
    return _detail_after_change(request, case_id)


class CorrectionItem(Schema):
    target: Line(200) = ""
    problem: Text(1000)
    fix: Text(1000)


class CorrectionsIn(Schema):
    items: list[CorrectionItem] = Field(max_length=100)


@router.post("/cases/{case_id}/request-corrections", response=CaseDetail, summary="一次性告知补正")
def request_corrections(request, case_id: DbId, payload: CorrectionsIn):
    case = _staff_case(request, case_id)
    services.case_request_corrections(actor=request.auth, case=case, items=[i.dict() for i in payload.items])
    return _detail_after_change(request, case_id)


class ResubmitIn(Schema):
    form_data: dict | None = Field(None, max_length=500)
    materials: dict = Field(default_factory=dict, max_length=200)


@router.post("/cases/{case_id}/resubmit", response=CaseDetail, summary="补正后重新提交（申请人）")
def resubmit(request, case_id: DbId, payload: ResubmitIn):
    case = access_case_by_id(actor=request.auth, case_id=case_id)
    services.case_resubmit(actor=request.auth, case=case, form_data=payload.form_data, materials=payload.materials)
    return _detail_after_change(request, case_id)


class PauseIn(Schema):
    procedure: Line(30)
    reason: Text(2000)
    # The dates on the notice (both inclusive); the last day may instead be given on resume.
    first_day: date | None = None
    last_day: date | None = None
    expected_days: Int(1, 3650) | None = None


class ResumeIn(Schema):
    last_day: date | None = None


@router.post("/cases/{case_id}/pause", response=CaseDetail, summary="启动特别程序（暂停计时，§45）")
def pause(request, case_id: DbId, payload: PauseIn):
    case = _staff_case(request, case_id)
    services.case_pause(actor=request.auth, case=case, procedure=payload.procedure, reason=payload.reason,
                        expected_days=payload.expected_days, first_day=payload.first_day, last_day=payload.last_day)
    return _detail_after_change(request, case_id)


@router.post("/cases/{case_id}/resume", response=CaseDetail, summary="特别程序结束（恢复计时）")
def resume(request, case_id: DbId):
    """Body optional: {"last_day": "YYYY-MM-DD"} when the notice did not state it (else the day of the call)."""
    case = _staff_case(request, case_id)
    try:
        is_json = request.content_type == "application/json" and request.body.strip()
        body = ResumeIn.model_validate_json(request.body) if is_json else ResumeIn()
    except pydantic.ValidationError as exc:
        raise ValidationFailed([FieldError("last_day", "invalid", "特别程序的最后一日格式无效（年-月-日）。")]) from exc
    services.case_resume(actor=request.auth, case=case, last_day=body.last_day)
    return _detail_after_change(request, case_id)


class ExtendIn(Schema):
    reason: Text(2000)
    days: Int(1, 3650) | None = None


@router.post("/cases/{case_id}/extend", response=CaseDetail, summary="延长审批期限（§42，负责人批准）")
def extend(request, case_id: DbId, payload: ExtendIn):
    case = _staff_case(request, case_id)
    services.case_extend(actor=request.auth, case=case, reason=payload.reason, days=payload.days)
    return _detail_after_change(request, case_id)


class DecideIn(Schema):
    decision: Line(20)
    reasons: Text(5000)
    legal_basis: Text(2000) = ""


@router.post("/cases/{case_id}/decide", response=CaseDetail, summary="作出决定（准予/不予准予）")
def decide(request, case_id: DbId, payload: DecideIn):
    """Completes the case's open decide task when it has one (the process then decides);
    otherwise records the decision directly (services.decision_submit)."""
    case = _staff_case(request, case_id)
    services.decision_submit(actor=request.auth, case=case, decision=payload.decision, reasons=payload.reasons,
                             legal_basis=payload.legal_basis)
    return _detail_after_change(request, case_id)


class DeliverIn(Schema):
    pickup_code: Line(20) = ""
    tracking_number: Line(60) = ""


@router.post("/cases/{case_id}/deliver", response=CaseDetail, summary="送达（窗口凭取件码领取/邮寄）")
def deliver(request, case_id: DbId, payload: DeliverIn):
    case = _staff_case(request, case_id)
    services.case_deliver(actor=request.auth, case=case, pickup_code=payload.pickup_code,
                          tracking_number=payload.tracking_number, client=client_ip(request))
    return _detail_after_change(request, case_id)


@router.post("/cases/{case_id}/pickup-code", response=CaseDetail, summary="重新发送取件码（原取件码作废）")
def reissue_pickup_code(request, case_id: DbId):
    case = _staff_case(request, case_id)
    services.pickup_code_reissue(actor=request.auth, case=case)
    return _detail_after_change(request, case_id)


class WithdrawIn(Schema):
    reason: Text(2000) = ""


@router.post("/cases/{case_id}/withdraw", response=CaseDetail, summary="撤回申请（申请人，决定前）")
def withdraw(request, case_id: DbId, payload: WithdrawIn):
    case = access_case_by_id(actor=request.auth, case_id=case_id)
    services.case_withdraw(actor=request.auth, case=case, reason=payload.reason)
    return _detail_after_change(request, case_id)


class ProgressOut(Schema):
    number: str
    item: str
    agency: str
    status: str
    status_label: str
    received_on: date
    due_on: date | None
    timeline: list[TimelineOut]


@router.get("/progress", response=ProgressOut, auth=None, summary="公开进度查询（办件编号 + 查询验证码）")
def public_progress(request, number: Line(64), code: Line(20)):  # as typed: spaces, full-width digits
    case = access_case_by_number(number=number, verification_code=code, client=client_ip(request))
    return {"number": case.number, "item": case.version.name, "agency": case.agency.name, "status": case.status,
            "status_label": case.get_status_display(), "received_on": case.received_on, "due_on": case.due_on,
            "timeline": [{"at": e.at.isoformat(), "title": e.title, "actor": "", "note": ""}
                         for e in case_timeline(case, for_public=True)]}


class TaskOut(Schema):
    id: int
    case_id: DbId
    case_number: str
    item: str
    task_key: str
    title: str
    role: str
    organisation: str
    status: str
    assignee: str | None
    due_on: date | None
    warning: str


def _task(t) -> dict:
    return {"id": t.pk, "case_id": t.case_id, "case_number": t.case.number, "item": t.case.version.name,
            "task_key": t.task_key, "title": t.title, "role": t.role, "organisation": t.organisation.name,
            "status": t.status, "assignee": t.assignee.get_username() if t.assignee_id else None,
            "due_on": t.case.due_on, "warning": t.case.warning}


@router.get("/tasks", response=list[TaskOut], summary="部门待办任务（按办结期限排序）")
def list_tasks(request, status: Line(20) | None = None, colour: Line(10) | None = None):
    return [_task(t) for t in selectors.worklist_for(actor=request.auth, status=status, colour=colour)[:200]]


@router.post("/tasks/{task_id}/claim", response=TaskOut, summary="认领任务")
def claim_task(request, task_id: DbId):
    return _task(services.task_claim(actor=request.auth, task=access_task_by_id(actor=request.auth, task_id=task_id)))


class CompleteIn(Schema):
    outcome: Line(50)
    comment: Text(2000) = ""
    legal_basis: Text(2000) = ""


@router.post("/tasks/{task_id}/complete", response=TaskOut, summary="完成任务（决定任务须填写理由与法律依据）")
def complete_task(request, task_id: DbId, payload: CompleteIn):
    task = access_task_by_id(actor=request.auth, task_id=task_id)
    return _task(services.task_complete(actor=request.auth, task=task, outcome=payload.outcome, comment=payload.comment,
                               data={"legal_basis": payload.legal_basis} if payload.legal_basis else None))


class ReturnIn(Schema):
    comment: Text(2000)


@router.post("/tasks/{task_id}/return", response=TaskOut, summary="退回上一步（须填写意见）")
def return_task(request, task_id: DbId, payload: ReturnIn):
    task = access_task_by_id(actor=request.auth, task_id=task_id)
    return _task(services.task_return(actor=request.auth, task=task, comment=payload.comment))


class ReassignIn(Schema):
    to_user_id: DbId


@router.post("/tasks/{task_id}/reassign", response=TaskOut, summary="改派任务")
def reassign_task(request, task_id: DbId, payload: ReassignIn):
    task = access_task_by_id(actor=request.auth, task_id=task_id)
    to_user = selectors.staff_member_by_id(payload.to_user_id)
    if to_user is None:
        raise NotFound("未找到该工作人员。", code="user_not_found", field="to_user_id")
    return _task(services.task_reassign(actor=request.auth, task=task, to_user=to_user))


class LockerPickupIn(Schema):
    pickup_code: Line(20, min_length=1)


class LockerPickupOut(Schema):
    delivered_case_numbers: list[str]


@router.post("/lockers/{locker_code}/pickup", response=LockerPickupOut, summary="智能信包箱凭取件码取件（信包箱设备调用）")
def locker_pickup(request, locker_code: Line(30), payload: LockerPickupIn):
    locker = selectors.locker_by_code(locker_code)
    cases = services.locker_pickup(actor=request.auth, locker=locker, pickup_code=payload.pickup_code,
                                   client=client_ip(request))
    return {"delivered_case_numbers": [c.number for c in cases]}


class LockerDropOffIn(Schema):
    open_code: str = Field(min_length=1, max_length=20)


class LockerDropOffOut(Schema):
    compartment: str


@router.post("/lockers/{locker_code}/drop-off", response=LockerDropOffOut,
             summary="智能信包箱凭开箱码交件（信包箱设备调用）")
def locker_drop_off(request, locker_code: Line(30), payload: LockerDropOffIn):
    locker = selectors.locker_by_code(locker_code)
    drop_off = services.drop_off_deposit(actor=request.auth, locker=locker, open_code=payload.open_code,
                                         client=client_ip(request))
    return {"compartment": drop_off.compartment}
