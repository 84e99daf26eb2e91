"""The back office: a case's BPMN process, its tasks, and the work queues.

The process engine (process_engine.py) decides which user tasks are ready; this module projects them
into `WorkTask` rows, so a queue is one indexed query, and owns every write around them: start,
claim, reassign, return, complete, cancel, and uploading process definitions. Each write locks the
case row first (yiwang.cases.locks), then the process instance, then task rows — one order for every
writer, so two officers acting on one case never deadlock and never advance the engine twice.

Which process a case runs (`process_for_case`): the item version's `process_key` when set; else
即办件 → on_the_spot, items with co-handling agencies → countersign, items whose special procedures
mention a site inspection → review_inspect_decide, everything else → review_decide.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from yiwang.cases import process_engine as engine
from yiwang.cases.constants import CaseStatus, Decision, ErrorCode, TaskStatus, WarningColour
from yiwang.cases.locks import lock_case
from yiwang.cases.models import Case, ProcessDefinition, ProcessInstance, WorkTask
from yiwang.catalog.constants import CaseKind
from yiwang.core.audit import record_event
from yiwang.core.errors import (
    Conflict,
    DomainError,
    FieldError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, organisation_by_id, role_grants_for, role_holders_over, scope_filter

STANDARD_PROCESS_DIR = Path(__file__).resolve().parent / "processes"
ON_THE_SPOT = "on_the_spot"
REVIEW_DECIDE = "review_decide"
REVIEW_INSPECT_DECIDE = "review_inspect_decide"
COUNTERSIGN = "countersign"
STANDARD_PROCESSES = (ON_THE_SPOT, REVIEW_DECIDE, REVIEW_INSPECT_DECIDE, COUNTERSIGN)

OPEN_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)
# Words in a special procedure's name or note that mean an on-site inspection (现场核查/勘查/踏勘).
SITE_INSPECTION_WORDS = ("现场", "踏勘", "实地", "inspection")
# The decision task's outcome → the case decision (行政许可法 §38: 准予 / 不予准予).
DECISION_OUTCOMES = {"approve": Decision.APPROVED, "deny": Decision.DENIED}
RETURNED = "returned"
# Keys the platform puts into the process data; an officer's submitted data may not overwrite them
# (co_agencies decides which departments get a task).
RESERVED_DATA_KEYS = frozenset({"case_number", engine.CO_AGENCIES, "co_agency", "co_opinion", "co_opinions",
                                "outcome", "comment"})
# Roles that may upload process definitions; only administrators' uploads are trusted (may carry
# gateway conditions and scripts) and only they may publish a new version of a standard process.
UPLOAD_ROLES = (Role.ADMINISTRATOR, Role.CATALOG_EDITOR)
REASSIGN_ROLES = (Role.DEPT_APPROVER, Role.ADMINISTRATOR)

PROCESS_NOT_FOUND = "process_not_found"
PROCESS_ALREADY_STARTED = "process_already_started"
TASK_NOT_FOUND = "task_not_found"
ASSIGNEE_NOT_ELIGIBLE = "assignee_not_eligible"
OUTCOME_INVALID = "outcome_invalid"
_OUTCOME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,99}$")


# ---------------------------------------------------------------------------------------------
# Process definitions
# ---------------------------------------------------------------------------------------------


def _definition_fields(parsed: engine.ParsedProcess) -> dict:
    return {"process_id": parsed.process_id, "has_expressions": parsed.has_expressions,
            "user_tasks": [t.as_dict() for t in parsed.user_tasks]}


def ensure_standard_processes(*, definition_model=None) -> list:
    """Load yiwang/cases/processes/*.bpmn as standard definitions. Idempotent: a file whose text
    equals the latest version of its key changes nothing; an edited file becomes the next version
    (running cases keep the process they started with: the engine state carries its own spec).

    `definition_model` is the historical model when called from a migration (no audit then: the
    audit model of that moment is not ours to write)."""
    model = definition_model or ProcessDefinition
    created = []
    for key in STANDARD_PROCESSES:
        xml = (STANDARD_PROCESS_DIR / f"{key}.bpmn").read_text(encoding="utf-8")
        latest = model.objects.filter(key=key).order_by("-version").first()
        if latest is not None and latest.bpmn_xml == xml:
            continue
        parsed = engine.validate_bpmn(xml, trusted=True)
        row = model.objects.create(key=key, version=(latest.version + 1) if latest else 1, name=parsed.name,
                                   bpmn_xml=xml, is_standard=True, trusted=True, **_definition_fields(parsed))
        created.append(row)
        if definition_model is None:
            record_event(actor="system", action="process_definition.loaded", obj=row,
                         details={"key": key, "version": row.version})
    return created


def _active_definition(key: str) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key, is_active=True).order_by("-version").first()


def _mentions_site_inspection(special_procedures) -> bool:
    for item in special_procedures or []:
        text = " ".join(str(item.get(k, "")) for k in ("name", "note")) if isinstance(item, dict) else str(item)
        if any(word in text.lower() for word in SITE_INSPECTION_WORDS):
            return True
    return False


def process_key_for_case(case: Case) -> str:
    version = case.version
    if version.process_key:
        return version.process_key
    if version.case_kind == CaseKind.IMMEDIATE:
        return ON_THE_SPOT
    if version.co_agencies.exists():
        return COUNTERSIGN
    if _mentions_site_inspection(version.special_procedures):
        return REVIEW_INSPECT_DECIDE
    return REVIEW_DECIDE


def process_for_case(case: Case) -> ProcessDefinition:
    """The latest active definition of the process the case's item version calls for."""
    key = process_key_for_case(case)
    definition = _active_definition(key)
    if definition is None and key in STANDARD_PROCESSES:
        # A database emptied after migrations (transactional tests, a hand-cleaned demo): the
        # standard files are still here, so load them rather than leave a case without a process.
        ensure_standard_processes()
        definition = _active_definition(key)
    if definition is None:
        raise DomainError(f"事项配置的后台流程「{key}」不存在或已停用：请在流程管理中上传该流程，或清空事项的“后台流程”以使用标准流程。",
                          code=PROCESS_NOT_FOUND, field="process_key")
    return definition


def process_definition_check(*, actor, xml: str | bytes, key: str, name: str) -> engine.ParsedProcess:
    """Everything process_definition_upload checks, without writing (the admin form shows the
    errors next to the fields before anything is saved)."""
    if not has_role(actor, UPLOAD_ROLES):
        raise PermissionDenied("只有系统管理员和事项编辑可以上传后台流程。", code="permission_denied")
    trusted = has_role(actor, Role.ADMINISTRATOR)
    key = (key or "").strip()
    name = (name or "").strip()
    errors = []
    if not _KEY.match(key):
        errors.append(FieldError("key", "invalid", "流程标识须为 2–100 位小写字母、数字或下划线，且以字母开头，如 food_licence_review。"))
    if not name:
        errors.append(FieldError("name", "required", "请填写流程名称。"))
    elif len(name) > 200:
        errors.append(FieldError("name", "too_long", "流程名称不能超过 200 个字。"))
    if key in STANDARD_PROCESSES and not trusted:
        errors.append(FieldError("key", "standard_process", "标准流程只能由系统管理员发布新版本，请换一个流程标识。"))
    if errors:
        raise ValidationFailed(errors)
    return engine.validate_bpmn(_xml_text(xml), trusted=trusted)


def _xml_text(xml: str | bytes) -> str:
    if isinstance(xml, bytes):
        try:
            return xml.decode("utf-8")
        except UnicodeDecodeError:
            raise DomainError("BPMN 文件无效：文件不是 UTF-8 编码的 XML。", code=ErrorCode.BPMN_INVALID,
                              field="bpmn_xml") from None
    return xml or ""


@transaction.atomic
def process_definition_upload(*, actor, xml: str | bytes, key: str, name: str) -> ProcessDefinition:
    """Add a new version of process `key` from a BPMN 2.0 file made in bpmn-js / Camunda Modeler.
    Trusted (may carry gateway conditions and scripts) only when the actor is an administrator."""
    parsed = process_definition_check(actor=actor, xml=xml, key=key, name=name)
    trusted = has_role(actor, Role.ADMINISTRATOR)
    key, name, xml = key.strip(), name.strip(), _xml_text(xml)
    latest = ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()
    try:
        with transaction.atomic():
            definition = ProcessDefinition.objects.create(
                key=key, version=(latest.version + 1) if latest else 1, name=name, bpmn_xml=xml, is_standard=False,
                uploaded_by=actor, trusted=trusted, **_definition_fields(parsed))
    except IntegrityError:
        raise Conflict("有人同时上传了同一流程的新版本，请刷新后重试。", code="conflict") from None
    record_event(actor=actor, action="process_definition.uploaded", obj=definition,
                 details={"key": key, "version": definition.version, "process_id": parsed.process_id,
                          "trusted": trusted, "has_expressions": parsed.has_expressions})
    return definition


@transaction.atomic
def process_definition_set_active(*, actor, definition: ProcessDefinition, is_active: bool) -> ProcessDefinition:
    """Withdraw a version from new cases (running ones keep it) or bring it back."""
    if not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied("只有系统管理员可以停用或启用后台流程。", code="permission_denied")
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.is_active != is_active:
        definition.is_active = is_active
        definition.save(update_fields=["is_active", "updated_at"])
        record_event(actor=actor, action="process_definition.activated" if is_active else "process_definition.deactivated",
                     obj=definition, details={"key": definition.key, "version": definition.version})
    return definition


# ---------------------------------------------------------------------------------------------
# Projection: engine ready tasks -> WorkTask rows
# ---------------------------------------------------------------------------------------------


def _organisation_for(case: Case, ready: engine.ReadyTask, co_agency_ids: set[int]):
    """A co-handling task belongs to its department; every other task to the case's agency."""
    if ready.collection != engine.CO_AGENCIES:
        return case.agency
    try:
        org_id = int(ready.item)
    except (TypeError, ValueError):
        org_id = None
    if org_id not in co_agency_ids:
        raise DomainError(f"流程数据中的联办机构「{ready.item}」不是本事项的联办机构。", code=engine.PROCESS_ERROR)
    return organisation_by_id(org_id)


def _sync_tasks(*, process: ProcessInstance, case: Case, return_comment: str = "") -> tuple[list[WorkTask], list[WorkTask]]:
    """Make the open WorkTask rows equal the engine's ready user tasks: rows no longer ready are
    cancelled (a parallel sibling of a returned task), newly ready ones are created."""
    ready = engine.ready_user_tasks(process.state)
    ready_ids = {r.engine_task_id for r in ready}
    open_rows = list(WorkTask.objects.select_for_update().filter(process=process, status__in=OPEN_STATUSES))
    open_ids = {t.engine_task_id for t in open_rows}
    cancelled = [t for t in open_rows if t.engine_task_id not in ready_ids]
    for row in cancelled:
        row.status = TaskStatus.CANCELLED
        row.save(update_fields=["status", "updated_at"])
    co_agency_ids = set(case.version.co_agencies.values_list("pk", flat=True)) if any(
        r.collection == engine.CO_AGENCIES for r in ready) else set()
    new_rows = []
    for r in ready:
        if r.engine_task_id in open_ids:
            continue
        org = _organisation_for(case, r, co_agency_ids)
        new_rows.append(WorkTask(case=case, process=process, engine_task_id=r.engine_task_id, task_key=r.task_key,
                                 title=r.title[:200], role=r.role, organisation=org, organisation_path=org.path,
                                 return_comment=return_comment))
    created = WorkTask.objects.bulk_create(new_rows)
    return created, cancelled


def _lock_process(case: Case) -> ProcessInstance:
    process = ProcessInstance.objects.select_for_update().filter(case=case).first()
    if process is None:
        raise Conflict("该办件还没有启动后台流程。", code="process_not_started")
    return process


def _lock_task(task: WorkTask) -> tuple[Case, ProcessInstance, WorkTask]:
    """Case, then process, then task: the one lock order of this module."""
    case = lock_case(task.case)
    process = _lock_process(case)
    fresh = WorkTask.objects.select_for_update().select_related("organisation").get(pk=task.pk)
    for f in WorkTask._meta.concrete_fields:
        setattr(task, f.attname, getattr(fresh, f.attname))
    task.case = case
    return case, process, task


@transaction.atomic
def process_start(*, actor, case: Case) -> ProcessInstance:
    """Start the case's back-office process (called by case_accept) and create its first tasks."""
    lock_case(case)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW):
        raise InvalidTransition(f"办件当前状态为「{CaseStatus(case.status).label}」，不能启动后台流程。",
                                detail={"status": case.status})
    if ProcessInstance.objects.filter(case=case).exists():
        raise Conflict("该办件已启动后台流程。", code=PROCESS_ALREADY_STARTED)
    definition = process_for_case(case)
    data = {"case_number": case.number,
            engine.CO_AGENCIES: sorted(case.version.co_agencies.values_list("pk", flat=True))}
    state = engine.start(definition.bpmn_xml, definition.process_id, data)
    if engine.is_completed(state):
        raise DomainError(f"后台流程「{definition}」没有任何人工任务就结束了，无法作出决定：请检查流程的网关条件。",
                          code=engine.PROCESS_ERROR)
    process = ProcessInstance.objects.create(case=case, definition=definition, state=state)
    created, _ = _sync_tasks(process=process, case=case)
    record_event(actor=actor, action="process.started", obj=process,
                 details={"case": case.number, "definition": definition.key, "version": definition.version,
                          "tasks": [t.task_key for t in created]})
    return process


# ---------------------------------------------------------------------------------------------
# Access and permissions
# ---------------------------------------------------------------------------------------------


def _task_not_found() -> NotFound:
    return NotFound("未找到该待办任务。", code=TASK_NOT_FOUND)


def _can_see(actor, task: WorkTask) -> bool:
    return has_role(actor, {task.role, *REASSIGN_ROLES}, task.organisation)


def _require_can_do(actor, task: WorkTask) -> None:
    """The actor holds the task's role over its organisation; missing and invisible look alike."""
    if has_role(actor, task.role, task.organisation):
        return
    if _can_see(actor, task):
        raise PermissionDenied(f"办理此任务需要「{Role(task.role).label}」角色。", code="permission_denied")
    raise _task_not_found()


def access_task_by_id(*, actor, task_id: int | str) -> WorkTask:
    """A task the actor may see: one whose role they hold (or an approver/administrator) in scope."""
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise _task_not_found() from None
    task = WorkTask.objects.select_related("case", "organisation", "assignee").filter(pk=task_id).first()
    if task is None or not getattr(actor, "is_authenticated", False) or not _can_see(actor, task):
        raise _task_not_found()
    return task


def _require_open(task: WorkTask) -> None:
    if task.status not in OPEN_STATUSES:
        raise InvalidTransition(f"该任务{TaskStatus(task.status).label}，不能再办理。", detail={"status": task.status})


def _require_under_review(case: Case) -> None:
    """Suspension (§45 special procedure) keeps the tasks but nothing may advance until resumed."""
    if case.status == CaseStatus.SUSPENDED:
        raise InvalidTransition("办件处于特别程序中（暂停计时），请先结束特别程序、恢复审查后再办理。",
                                detail={"status": case.status})
    if case.status != CaseStatus.UNDER_REVIEW:
        raise InvalidTransition(f"办件当前状态为「{CaseStatus(case.status).label}」，不能办理审查任务。",
                                detail={"status": case.status})


def _require_holder(actor, task: WorkTask) -> None:
    """READY: anyone with the role; CLAIMED: only its assignee."""
    _require_can_do(actor, task)
    if task.status == TaskStatus.CLAIMED and task.assignee_id != actor.pk:
        raise PermissionDenied(f"该任务已由{_name(task.assignee)}签收办理。", code=ErrorCode.TASK_NOT_YOURS)


def _name(user) -> str:
    return getattr(user, "display_name", "") or getattr(user, "username", "") or "他人"


# ---------------------------------------------------------------------------------------------
# Task services
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def task_claim(*, actor, task: WorkTask) -> WorkTask:
    """签收: the task leaves the team queue for the actor's own."""
    _, _, task = _lock_task(task)
    _require_can_do(actor, task)
    _require_open(task)
    if task.status == TaskStatus.CLAIMED:
        if task.assignee_id == actor.pk:
            return task
        raise Conflict(f"该任务已由{_name(task.assignee)}签收。", code=ErrorCode.TASK_NOT_YOURS)
    task.status, task.assignee, task.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
    task.save(update_fields=["status", "assignee", "claimed_at", "updated_at"])
    record_event(actor=actor, action="task.claimed", obj=task, details={"case": task.case.number, "task": task.task_key})
    return task


@transaction.atomic
def task_reassign(*, actor, task: WorkTask, to_user) -> WorkTask:
    """改派: an approver or administrator over the task's organisation hands it to a colleague who
    holds the task's role there."""
    _, _, task = _lock_task(task)
    if not has_role(actor, REASSIGN_ROLES, task.organisation):
        if has_role(actor, task.role, task.organisation):
            raise PermissionDenied("只有审批（决定）人员或系统管理员可以改派任务。", code="permission_denied")
        raise _task_not_found()
    _require_open(task)
    if to_user is None:
        raise DomainError("请选择改派给哪位同事。", code="required", field="to_user")
    if not has_role(to_user, task.role, task.organisation):
        raise DomainError(f"改派对象须在「{task.organisation.name}」具有「{Role(task.role).label}」角色。",
                          code=ASSIGNEE_NOT_ELIGIBLE, field="to_user")
    previous = task.assignee_id
    task.status, task.assignee, task.claimed_at = TaskStatus.CLAIMED, to_user, timezone.now()
    task.save(update_fields=["status", "assignee", "claimed_at", "updated_at"])
    record_event(actor=actor, action="task.reassigned", obj=task,
                 details={"case": task.case.number, "task": task.task_key, "from": previous, "to": to_user.pk})
    return task


@transaction.atomic
def task_return(*, actor, task: WorkTask, comment: str) -> WorkTask:
    """退回上一步: the process goes back to the previous human step, which reappears with the comment.
    Returns the task row that was sent back."""
    comment = (comment or "").strip()
    case, process, task = _lock_task(task)
    _require_holder(actor, task)
    _require_open(task)
    _require_under_review(case)
    if not comment:
        raise DomainError("请填写退回意见，说明需要上一步补充或更正什么。", code=ErrorCode.REASON_REQUIRED, field="comment")
    process.state = engine.return_to_previous(process.state, task.engine_task_id)
    process.save(update_fields=["state", "updated_at"])
    now = timezone.now()
    task.status, task.outcome, task.comment = TaskStatus.COMPLETED, RETURNED, comment
    task.completed_at, task.completed_by = now, actor
    if task.assignee_id is None:
        task.assignee, task.claimed_at = actor, now
    task.save(update_fields=["status", "outcome", "comment", "completed_at", "completed_by", "assignee", "claimed_at",
                             "updated_at"])
    created, cancelled = _sync_tasks(process=process, case=case, return_comment=comment)
    record_event(actor=actor, action="task.returned", obj=task,
                 details={"case": case.number, "task": task.task_key, "comment": comment,
                          "to": [t.task_key for t in created], "cancelled": [t.pk for t in cancelled]})
    return task


def _check_submission(task: WorkTask, outcome: str, comment: str, data: dict) -> None:
    errors = []
    if not _OUTCOME.match(outcome):
        errors.append(FieldError("outcome", OUTCOME_INVALID,
                                 "办理结论须为字母开头的小写代码，如 approve、deny、pass、inspect。"))
    bad_keys = sorted(k for k in data if not isinstance(k, str) or k in RESERVED_DATA_KEYS or k.startswith("_"))
    if bad_keys:
        errors.append(FieldError("data", engine.PROCESS_DATA_INVALID,
                                 f"办理数据不能包含平台保留的键：{'、'.join(map(str, bad_keys))}。"))
    if errors:
        raise ValidationFailed(errors)
    if engine.is_decision_task(task.task_key):
        if outcome not in DECISION_OUTCOMES:
            raise ValidationFailed([FieldError("outcome", OUTCOME_INVALID,
                                               "决定任务的结论只能是 approve（准予）或 deny（不予准予）。")])
        missing = []
        if not comment:
            missing.append(FieldError("comment", ErrorCode.REASON_REQUIRED, "请填写决定理由。"))
        if not str(data.get("legal_basis") or "").strip():
            missing.append(FieldError("legal_basis", ErrorCode.REASON_REQUIRED,
                                      "请填写决定的法律依据（法律法规名称和条款）。"))
        if missing:
            raise DomainError("作出决定须写明理由和法律依据：" + "；".join(e.message for e in missing),
                              code=ErrorCode.REASON_REQUIRED, detail=[e.as_dict() for e in missing])


@transaction.atomic
def task_complete(*, actor, task: WorkTask, outcome: str, comment: str, data: dict | None = None) -> WorkTask:
    """办理完成: advance the process with the outcome; when it ends, the last decide task's outcome
    becomes the case decision (yiwang.cases.services.case_decide)."""
    outcome = (outcome or "").strip()
    comment = (comment or "").strip()
    data = dict(data or {})
    case, process, task = _lock_task(task)
    _require_holder(actor, task)
    _require_open(task)
    _require_under_review(case)
    _check_submission(task, outcome, comment, data)

    state = engine.complete(process.state, task.engine_task_id, {**data, "outcome": outcome, "comment": comment})
    finished = engine.is_completed(state)
    now = timezone.now()
    process.state = state
    process.completed = finished
    process.completed_at = now if finished else None
    process.save(update_fields=["state", "completed", "completed_at", "updated_at"])
    if task.assignee_id is None:
        task.assignee, task.claimed_at = actor, now  # implicit claim
    task.status, task.outcome, task.comment, task.data = TaskStatus.COMPLETED, outcome, comment, data
    task.completed_at, task.completed_by = now, actor
    task.save(update_fields=["status", "assignee", "claimed_at", "outcome", "comment", "data", "completed_at",
                             "completed_by", "updated_at"])
    created, cancelled = _sync_tasks(process=process, case=case)
    record_event(actor=actor, action="task.completed", obj=task,
                 details={"case": case.number, "task": task.task_key, "outcome": outcome,
                          "next": [t.task_key for t in created]})
    if finished:
        _decide_from_process(actor=actor, case=case, process=process)
    return task


def _decide_from_process(*, actor, case: Case, process: ProcessInstance) -> None:
    decision_task = (WorkTask.objects.filter(process=process, status=TaskStatus.COMPLETED,
                                             outcome__in=list(DECISION_OUTCOMES), task_key__startswith=engine.DECIDE_PREFIX)
                     .order_by("-completed_at", "-id").first())
    if decision_task is None:
        raise DomainError("后台流程已结束，但没有完成决定任务（id 以 decide 开头的人工任务），无法作出决定：请检查流程定义。",
                          code=engine.PROCESS_ERROR)
    record_event(actor=actor, action="process.completed", obj=process,
                 details={"case": case.number, "decision_task": decision_task.pk, "outcome": decision_task.outcome})
    # Imported here: the case services import this module (acceptance starts the process).
    from yiwang.cases.services import case_decide

    case_decide(actor=decision_task.completed_by, case=case, decision=DECISION_OUTCOMES[decision_task.outcome],
                reasons=decision_task.comment, legal_basis=str(decision_task.data.get("legal_basis", "")))


@transaction.atomic
def tasks_cancel_for_case(*, case: Case, reason: str, actor=None) -> int:
    """The case ended mid-process (withdrawn, terminated, decided outside the process): cancel the
    engine's open work and the open task rows. Returns how many task rows were cancelled."""
    lock_case(case)
    process = ProcessInstance.objects.select_for_update().filter(case=case).first()
    if process is None:
        return 0
    reason = (reason or "").strip() or "办件已结束办理"
    open_rows = list(WorkTask.objects.select_for_update().filter(process=process, status__in=OPEN_STATUSES))
    for row in open_rows:
        row.status, row.comment = TaskStatus.CANCELLED, reason
        row.save(update_fields=["status", "comment", "updated_at"])
    if not process.completed and process.cancelled_at is None:
        process.state = engine.cancel(process.state)
        process.cancelled_at = timezone.now()
        process.save(update_fields=["state", "cancelled_at", "updated_at"])
    elif not open_rows:
        return 0
    record_event(actor=actor, action="process.cancelled", obj=process,
                 details={"case": case.number, "reason": reason, "tasks": [t.pk for t in open_rows]})
    return len(open_rows)


# ---------------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------------


def worklist_for(*, actor, status: str | None = None, colour: str | None = None) -> QuerySet[WorkTask]:
    """Open tasks whose role the actor holds, each within that role's organisation subtree; the
    most urgent case first (due date, then age)."""
    errors = []
    if status is not None and status not in OPEN_STATUSES:
        errors.append(FieldError("status", "invalid_choice", "状态只能是 ready（待办）或 claimed（办理中）。"))
    if colour is not None and colour not in WarningColour.values:
        errors.append(FieldError("colour", "invalid_choice", "预警颜色只能是 yellow（黄牌）、red（红牌）或空（正常）。"))
    if errors:
        raise ValidationFailed(errors)
    q = Q(pk__in=[])
    for role in sorted({g.role for g in role_grants_for(actor)}):
        q |= Q(role=role) & scope_filter(actor, role, path_field="organisation_path")
    qs = WorkTask.objects.filter(q, status__in=[status] if status else OPEN_STATUSES)
    if colour is not None:
        qs = qs.filter(case__warning=colour)
    return (qs.select_related("case", "case__agency", "organisation", "assignee")
            .order_by(F("case__due_on").asc(nulls_last=True), "created_at", "id"))


def tasks_for_case(*, case: Case) -> QuerySet[WorkTask]:
    """Every task of a case, open and finished, in order (the back-office part of its timeline)."""
    return WorkTask.objects.filter(case=case).select_related("organisation", "assignee", "completed_by").order_by(
        "created_at", "id")


def task_can_return(task: WorkTask) -> bool:
    """Whether 退回上一步 is possible for this open task: not on a process's first human step, where
    task_return would refuse after the officer has written the comment."""
    if task.status not in OPEN_STATUSES or task.process_id is None:
        return False
    return engine.has_previous_step(task.process.state, task.engine_task_id)


def colleagues_for(task: WorkTask) -> list:
    """Staff who hold the task's role at its organisation or above it: whom task_reassign accepts."""
    return role_holders_over(task.organisation, task.role)
