"""The back office on the database side of the process adapter: which process a case runs, the
process definitions (shipped and uploaded), and the projection of the engine's ready user tasks into
`WorkTask` rows, so a queue is one indexed query. process_engine.py understands BPMN and runs it;
this module stores what it returns.

The writes here are building blocks: `process_start` (after acceptance) and `process_cancel`
(withdrawal, termination, a decision made outside the process) work on a case the caller has
locked, and lock only the rows after it in the order of yiwang.cases.locks (process, then tasks).
Officers' task writes (claim, complete …) are services (services/work_tasks.py).

Which process a case runs (`process_for_case`): the item version's `process_key` when set; else
即办件 → on_the_spot, items with co-handling agencies → countersign, items whose special procedures
mention a site inspection → review_inspect_decide, everything else → review_decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.cases import process_engine as engine
from yiwang.cases.access import require_process_administrator, require_process_uploader
from yiwang.cases.constants import OPEN_TASK_STATUSES, CaseStatus, ErrorCode, TaskStatus
from yiwang.cases.locks import lock_open_tasks, lock_process
from yiwang.cases.models import Case, ProcessDefinition, ProcessInstance, WorkTask
from yiwang.catalog.constants import CaseKind
from yiwang.catalog.selectors import published_versions
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, InvalidTransition, ValidationFailed
from yiwang.orgs.constants import OrganisationKind, Role
from yiwang.orgs.selectors import nearest_of_kind, organisation_by_id

STANDARD_PROCESS_DIR = Path(__file__).resolve().parent / "processes"
ON_THE_SPOT = "on_the_spot"
REVIEW_DECIDE = "review_decide"
REVIEW_INSPECT_DECIDE = "review_inspect_decide"
COUNTERSIGN = "countersign"
STANDARD_PROCESSES = (ON_THE_SPOT, REVIEW_DECIDE, REVIEW_INSPECT_DECIDE, COUNTERSIGN)

OPEN_STATUSES = OPEN_TASK_STATUSES
# Words in a special procedure's name or note that mean an on-site inspection (现场核查/勘查/踏勘).
SITE_INSPECTION_WORDS = ("现场", "踏勘", "实地", "inspection")

PROCESS_NOT_FOUND = "process_not_found"
PROCESS_ALREADY_STARTED = "process_already_started"
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,99}$")


# ---------------------------------------------------------------------------------------------
# Process definitions


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
    return process_key_for_version(case.version)


def process_key_for_version(version) -> str:
    """The process a case filed under this item version runs (see the module docstring)."""
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


@dataclass(frozen=True)
class StaffNeed:
    """Someone must hold `role` at `organisation` (or above it) for a case of `item` to get through
    `task` (a back-office task key, or ACCEPTANCE for receiving the case at the general window)."""

    item: str
    task: str
    role: str
    organisation: object  # orgs.Organisation


ACCEPTANCE = "acceptance"


def staff_needed_for_published_items() -> list[StaffNeed]:
    """Who must be there for every item in force to go from application to delivery: a general
    window clerk at the hall where its online applications are filed (who receives and hands over),
    and for each user task of its process the task's role at the organisation that owns the task
    (the agency; a co-handling task at each co-agency). Read by `load_demo_accounts` (through the
    accounts.demo_staff_needed hook) so every demo journey has somebody at each step."""
    needs: list[StaffNeed] = []
    definitions: dict[str, ProcessDefinition | None] = {}
    for version in published_versions().prefetch_related("co_agencies"):
        agency = version.implementation.agency
        hall = nearest_of_kind(agency.pk, OrganisationKind.SERVICE_CENTER)  # as intake.agency_hall
        if hall is not None:
            needs.append(StaffNeed(version.name, ACCEPTANCE, Role.WINDOW_CLERK, organisation_by_id(hall[0])))
        key = process_key_for_version(version)
        if key not in definitions:
            definitions[key] = _active_definition(key)
        definition = definitions[key]
        for task in (definition.user_tasks if definition else []):
            owners = list(version.co_agencies.all()) if task.get("multi_instance") == engine.CO_AGENCIES else [agency]
            needs.extend(StaffNeed(version.name, task["task_key"], task["role"], owner) for owner in owners)
    return needs


def process_definition_check(*, actor, xml: str | bytes, key: str, name: str) -> engine.ParsedProcess:
    """Everything process_definition_upload checks, without writing (the admin form shows the
    errors next to the fields before anything is saved)."""
    trusted = require_process_uploader(actor)
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
    trusted = require_process_uploader(actor)
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
    require_process_administrator(actor)
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.is_active != is_active:
        definition.is_active = is_active
        definition.save(update_fields=["is_active", "updated_at"])
        record_event(actor=actor, action="process_definition.activated" if is_active else "process_definition.deactivated",
                     obj=definition, details={"key": definition.key, "version": definition.version})
    return definition


# ---------------------------------------------------------------------------------------------
# Projection: engine ready tasks -> WorkTask rows


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


def sync_tasks(*, process: ProcessInstance, case: Case, return_comment: str = "") -> tuple[list[WorkTask], list[WorkTask]]:
    """Make the open WorkTask rows equal the engine's ready user tasks: rows no longer ready are
    cancelled (a parallel sibling of a returned task), newly ready ones are created."""
    ready = engine.ready_user_tasks(process.state)
    ready_ids = {r.engine_task_id for r in ready}
    open_rows = lock_open_tasks(process)
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


def process_start(*, actor, case: Case) -> ProcessInstance:
    """Start the case's back-office process (after acceptance) and create its first tasks. The
    caller holds the case lock."""
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
    created, _ = sync_tasks(process=process, case=case)
    record_event(actor=actor, action="process.started", obj=process,
                 details={"case": case.number, "definition": definition.key, "version": definition.version,
                          "tasks": [t.task_key for t in created]})
    return process


def process_cancel(*, case: Case, reason: str, actor=None) -> int:
    """The case ended mid-process (withdrawn, terminated, decided outside the process): cancel the
    engine's open work and the open task rows. The caller holds the case lock. Returns how many task
    rows were cancelled."""
    process = lock_process(case)
    if process is None:
        return 0
    reason = (reason or "").strip() or "办件已结束办理"
    open_rows = lock_open_tasks(process)
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
