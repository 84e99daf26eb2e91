"""Officers' work on back-office tasks: claim, reassign, return, complete. Each write locks the
case (its application first), then the process instance, then the task row — the order of
yiwang.cases.locks — once, so two officers acting on one case never deadlock and never advance the
engine twice; when the process ends, the decision is recorded in the same transaction without
locking anything again (services/decisions.record_decision).

Who may: yiwang.cases.access (require_task_role, require_task_reassigner). Which tasks are ready:
yiwang.cases.back_office (the projection) over yiwang.cases.process_engine.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from yiwang.cases import process_engine as engine
from yiwang.cases.access import may_reassign_to, require_approver_role, require_task_reassigner, require_task_role
from yiwang.cases.back_office import sync_tasks
from yiwang.cases.constants import OPEN_TASK_STATUSES, CaseStatus, Decision, ErrorCode, TaskStatus
from yiwang.cases.locks import lock_case, lock_process, lock_task
from yiwang.cases.models import Case, ProcessInstance, WorkTask
from yiwang.cases.selectors import RETURNED, open_decision_task
from yiwang.cases.services.decisions import case_decide, record_decision
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, InvalidTransition, PermissionDenied, ValidationFailed
from yiwang.orgs.constants import Role

# The decision task's outcome → the case decision (行政许可法 §38: 准予 / 不予准予).
DECISION_OUTCOMES = {"approve": Decision.APPROVED, "deny": Decision.DENIED}
# Keys the platform puts into the process data; an officer's submitted data may not overwrite them
# (co_agencies decides which departments get a task).
RESERVED_DATA_KEYS = frozenset({"case_number", engine.CO_AGENCIES, "co_agency", "co_opinion", "co_opinions",
                                "outcome", "comment"})

ASSIGNEE_NOT_ELIGIBLE = "assignee_not_eligible"
OUTCOME_INVALID = "outcome_invalid"
_OUTCOME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _lock_task(task: WorkTask) -> tuple[Case, ProcessInstance, WorkTask]:
    """Case (after its application), then process, then task: the one lock order."""
    case = lock_case(task.case)
    process = lock_process(case)
    if process is None:
        raise Conflict("该办件还没有启动后台流程。", code="process_not_started")
    lock_task(task)
    task.case = case
    return case, process, task


def _require_open(task: WorkTask) -> None:
    if task.status not in OPEN_TASK_STATUSES:
        raise InvalidTransition(f"该任务{TaskStatus(task.status).label}，不能再办理。", detail={"status": task.status})


def _require_under_review(case: Case) -> None:
    """Suspension (§45 special procedure) keeps the tasks but nothing may advance until resumed."""
    if case.status == CaseStatus.SUSPENDED:
        raise InvalidTransition("办件处于特别程序中（暂停计时），请先结束特别程序、恢复审查后再办理。",
                                detail={"status": case.status})
    if case.status != CaseStatus.UNDER_REVIEW:
        raise InvalidTransition(f"办件当前状态为「{CaseStatus(case.status).label}」，不能办理审查任务。",
                                detail={"status": case.status})


def _name(user) -> str:
    return getattr(user, "display_name", "") or getattr(user, "username", "") or "他人"


def _require_holder(actor, task: WorkTask) -> None:
    """READY: anyone with the role; CLAIMED: only its assignee."""
    require_task_role(actor, task)
    if task.status == TaskStatus.CLAIMED and task.assignee_id != actor.pk:
        raise PermissionDenied(f"该任务已由{_name(task.assignee)}签收办理。", code=ErrorCode.TASK_NOT_YOURS)


@transaction.atomic
def task_claim(*, actor, task: WorkTask) -> WorkTask:
    """签收: the task leaves the team queue for the actor's own."""
    _, _, task = _lock_task(task)
    require_task_role(actor, task)
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
    require_task_reassigner(actor, task)
    _require_open(task)
    if to_user is None:
        raise DomainError("请选择改派给哪位同事。", code="required", field="to_user")
    if not may_reassign_to(to_user, task):
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
    created, cancelled = sync_tasks(process=process, case=case, return_comment=comment)
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
    becomes the case decision (decisions.record_decision, under the locks taken here)."""
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
    created, cancelled = sync_tasks(process=process, case=case)
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
    # The decision is the approver's (§38), whichever role the process gave its decide task.
    require_approver_role(actor=decision_task.completed_by, case=case)
    record_decision(actor=decision_task.completed_by, case=case, decision=DECISION_OUTCOMES[decision_task.outcome],
                    reasons=decision_task.comment, legal_basis=str(decision_task.data.get("legal_basis", "")))


def decision_submit(*, actor, case: Case, decision: str, reasons: str, legal_basis: str = "") -> Case:
    """A decision from outside the worklist (the API): it completes the case's open decide task
    when there is one (the process then decides); otherwise it is recorded directly."""
    task = open_decision_task(case)
    if task is None:
        return case_decide(actor=actor, case=case, decision=decision, reasons=reasons, legal_basis=legal_basis)
    task_complete(actor=actor, task=task, outcome="approve" if decision == Decision.APPROVED else "deny",
                  comment=reasons, data={"legal_basis": legal_basis})
    return case
