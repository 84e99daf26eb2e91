"""Writes on the case clock: special procedures that pause it (§45), extensions (§42), and
recomputation when a provisional year becomes official. How a due date is computed is
yiwang.cases.deadlines (compute_due): due_on = the (limit + extensions + paused working days)-th
working day after the acceptance day; fractional promised limits (0.5 个工作日) round up.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yiwang.cases import actions
from yiwang.cases.access import require_approver_role, require_department_role
from yiwang.cases.constants import CLOSED_STATUSES, CaseAction, CaseStatus, ErrorCode, SpecialProcedure
from yiwang.cases.deadlines import compute_due
from yiwang.cases.locks import lock_case, lock_case_by_id
from yiwang.cases.models import Case, ClockPause, Extension
from yiwang.cases.transitions import case_transition
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, FieldError, ValidationFailed
from yiwang.workdays.time_limits import working_days_between

DEFAULT_EXTENSION_DAYS = getattr(settings, "YIWANG_DEFAULT_EXTENSION_DAYS", 10)  # §42
# Joint or centralised handling may extend by 15 (§42 second paragraph): cases with co-agencies.
JOINT_EXTENSION_DAYS = getattr(settings, "YIWANG_JOINT_EXTENSION_DAYS", 15)


def procedure_working_days(first_day: date, last_day: date) -> int:
    """Working days from the procedure's first to its last day, both inclusive (§45: none of
    them counts toward the decision limit)."""
    return working_days_between(first_day - timedelta(days=1), last_day)


def _procedure_dates_errors(case: Case, first_day, last_day, today: date) -> list[FieldError]:
    errors = []
    if not isinstance(first_day, date):
        errors.append(FieldError("first_day", "required", "请填写特别程序的第一日（告知书上的日期）。"))
        return errors
    if case.accepted_on and first_day < case.accepted_on:
        errors.append(FieldError("first_day", "before_acceptance", "特别程序的第一日不得早于受理日。"))
    if first_day > today:
        errors.append(FieldError("first_day", "in_future", "特别程序的第一日不得晚于今天；尚未开始的程序请届时登记。"))
    if last_day is not None and (not isinstance(last_day, date) or last_day < first_day):
        errors.append(FieldError("last_day", "before_first_day", "特别程序的最后一日不得早于第一日。"))
    return errors


@transaction.atomic
def case_pause(*, actor, case: Case, procedure: str, reason: str, expected_days: int | None = None,
               first_day: date | None = None, last_day: date | None = None, today: date | None = None) -> ClockPause:
    """Start a special procedure (§45): the clock stops; the applicant is told in writing its
    first day and its last day (or how long it is expected to take, when the last day is not yet known)."""
    require_department_role(actor=actor, case=case)
    today = today or timezone.localdate()
    first_day = today if first_day is None else first_day
    errors = []
    if not procedure:
        errors.append(FieldError("procedure", "required", "请选择特别程序类型（听证、现场核查、检验检测、鉴定、专家评审等）。"))
    elif procedure not in SpecialProcedure.values:
        errors.append(FieldError("procedure", "invalid_choice", "特别程序类型无效（听证、现场核查、检验检测、鉴定、专家评审等）。"))
    if not (reason or "").strip():
        errors.append(FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写启动特别程序的理由（将书面告知申请人）。"))
    date_errors = _procedure_dates_errors(case, first_day, last_day, today)
    errors += date_errors
    if expected_days is None and last_day is not None and not date_errors:
        expected_days = (last_day - first_day).days + 1
    if (expected_days is not None or not last_day) and (not isinstance(expected_days, int) or not 1 <= expected_days <= 365):
        errors.append(FieldError("expected_days", "out_of_range", "请填写特别程序预计所需天数（1–365），或填写最后一日。"))
    if errors:
        raise ValidationFailed(errors)
    lock_case(case)
    pause = ClockPause.objects.create(case=case, procedure=procedure, reason=reason.strip(), expected_days=expected_days,
                                      started_on=first_day, last_day=last_day, started_by=actor)
    case.paused_since = first_day
    case_transition(case=case, action=CaseAction.PAUSE, actor=actor, note=reason.strip(),
                    details={"procedure": procedure, "expected_days": expected_days, "first_day": str(first_day),
                             "last_day": str(last_day) if last_day else None},
                    extra_fields=("paused_since",))
    actions.case_paused(case=case, actor=actor, pause=pause)
    return pause


@transaction.atomic
def case_resume(*, actor, case: Case, last_day: date | None = None, today: date | None = None) -> Case:
    """End the special procedure. The due date moves by the working days from its first to its last
    day, both inclusive: the dates of the notice, not the day somebody clicks "resume"."""
    require_department_role(actor=actor, case=case)
    lock_case(case)
    if case.status != CaseStatus.SUSPENDED:
        raise Conflict("该办件不在特别程序中，无需恢复计时。", code="invalid_transition")
    today = today or timezone.localdate()
    pause = case.pauses.filter(ended_on__isnull=True).order_by("-started_on").first()
    paused = 0
    if pause:
        # Not entered now nor on the notice: the procedure ended on the day its end is recorded.
        last_day = last_day or pause.last_day or today
        errors = []
        if not isinstance(last_day, date) or last_day < pause.started_on:
            errors.append(FieldError("last_day", "before_first_day", "特别程序的最后一日不得早于第一日。"))
        elif last_day > today:
            errors.append(FieldError("last_day", "in_future", "特别程序尚未结束（最后一日晚于今天），不能恢复计时。"))
        if errors:
            raise ValidationFailed(errors)
        paused = procedure_working_days(pause.started_on, last_day)
        pause.ended_on, pause.last_day, pause.paused_working_days = today, last_day, paused
        pause.save(update_fields=["ended_on", "last_day", "paused_working_days", "updated_at"])
    previous = case.due_on
    case.paused_days += paused
    case.paused_since = None
    case.due_on, case.due_provisional = compute_due(case)
    case_transition(case=case, action=CaseAction.RESUME, actor=actor,
                    details={"paused_working_days": paused, "previous_due_on": str(previous), "due_on": str(case.due_on),
                             "first_day": str(pause.started_on) if pause else None,
                             "last_day": str(last_day) if pause else None},
                    extra_fields=("paused_days", "paused_since", "due_on", "due_provisional"))
    return case


@transaction.atomic
def case_extend(*, actor, case: Case, reason: str, days: int | None = None, today: date | None = None) -> Extension:
    """§42: extend once by 10 working days (15 for joint handling) with the approver's approval;
    the reason is told to the applicant in writing."""
    require_approver_role(actor=actor, case=case)
    lock_case(case)
    if case.status not in (CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED):
        raise Conflict("只有审查中的办件可以延长审批期限。", code="invalid_transition")
    cap = JOINT_EXTENSION_DAYS if case.version.co_agencies.exists() else DEFAULT_EXTENSION_DAYS
    days = cap if days is None else days
    errors = []
    if not (reason or "").strip():
        errors.append(FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写延长审批期限的理由（将告知申请人）。"))
    if not isinstance(days, int) or days < 1 or case.extension_days + days > cap:
        errors.append(FieldError("days", "extension_exceeds_limit",
                                 f"延长期限合计不得超过 {cap} 个工作日（已延长 {case.extension_days} 个工作日）。"))
    if errors:
        raise ValidationFailed(errors)
    previous = case.due_on
    case.extension_days += days
    case.due_on, case.due_provisional = compute_due(case)
    case.save(update_fields=["extension_days", "due_on", "due_provisional", "updated_at"])
    extension = Extension.objects.create(case=case, days=days, reason=reason.strip(), approved_by=actor,
                                         previous_due_on=previous, new_due_on=case.due_on)
    record_event(actor=actor, action="case.extended", obj=case,
                 details={"days": days, "reason": reason.strip(), "previous_due_on": str(previous), "due_on": str(case.due_on)})
    actions.case_extended(case=case, actor=actor, extension=extension)
    return extension


def recompute_provisional_due_dates(year: int) -> int:
    """Called when an administrator enters `year`: every provisional due date is recomputed."""
    changed = 0
    ids = list(Case.objects.filter(due_provisional=True).exclude(status__in=CLOSED_STATUSES)
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            case = lock_case_by_id(pk)
            if not case.due_provisional or case.accepted_on is None:
                continue
            previous = case.due_on
            case.due_on, case.due_provisional = compute_due(case)
            case.save(update_fields=["due_on", "due_provisional", "updated_at"])
            record_event(actor="calendar", action="case.due_recomputed", obj=case,
                         details={"year": year, "previous_due_on": str(previous), "due_on": str(case.due_on),
                                  "provisional": case.due_provisional})
            changed += 1
    return changed
