"""The case clock: due dates in working days (行政许可法 §82), special procedures that pause it
(§45), extensions (§42), and recomputation when a provisional year becomes official.

due_on = the (limit + extensions + paused working days)-th working day after the acceptance day.
Fractional promised limits (0.5 个工作日) round up: the clock is day-granular.
"""

from __future__ import annotations

import math
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yiwang.cases.constants import CLOSED_STATUSES, CaseAction, CaseStatus, DocumentKind, ErrorCode, SpecialProcedure
from yiwang.cases.locks import lock_case
from yiwang.cases.models import Case, ClockPause, Extension
from yiwang.cases.services.transitions import case_transition
from yiwang.catalog.constants import LimitUnit
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, FieldError, ValidationFailed
from yiwang.workdays.time_limits import due_date, working_days_between

DEFAULT_EXTENSION_DAYS = getattr(settings, "YIWANG_DEFAULT_EXTENSION_DAYS", 10)  # §42
# Joint or centralised handling may extend by 15 (§42 second paragraph): cases with co-agencies.
JOINT_EXTENSION_DAYS = getattr(settings, "YIWANG_JOINT_EXTENSION_DAYS", 15)


def limit_of(version) -> tuple[int, str]:
    """(days, unit for the calendar) of a version's promised limit."""
    if version.promised_limit_unit == LimitUnit.IMMEDIATE:
        return 0, "working"
    days = math.ceil(version.promised_limit or 0)
    return days, "natural" if version.promised_limit_unit == LimitUnit.NATURAL_DAY else "working"


def compute_due(case: Case) -> tuple[date, bool]:
    """The due date from the case's own clock fields; (date, provisional)."""
    unit = "natural" if case.limit_unit == "natural" else "working"
    base = due_date(case.accepted_on, case.limit_days + case.extension_days, unit)
    if not case.paused_days:
        return base.due_date, base.provisional
    # Paused time never counts: the deadline moves by the working days the clock stood still.
    shifted = due_date(base.due_date, case.paused_days, "working")
    return shifted.due_date, base.provisional or shifted.provisional


def start_clock(case: Case, *, accepted_on: date) -> None:
    case.accepted_on = accepted_on
    case.limit_days, case.limit_unit = limit_of(case.version)
    case.due_on, case.due_provisional = compute_due(case)


@transaction.atomic
def case_pause(*, actor, case: Case, procedure: str, reason: str, expected_days: int,
               today: date | None = None) -> ClockPause:
    """Start a special procedure (§45): the clock stops; the applicant is told in writing how long."""
    from yiwang.cases.access import DEPARTMENT_ROLES, require_case_role
    from yiwang.cases.documents import document_issue

    require_case_role(actor=actor, case=case, roles=DEPARTMENT_ROLES)
    errors = []
    if not procedure:
        errors.append(FieldError("procedure", "required", "请选择特别程序类型（听证、现场核查、检验检测、鉴定、专家评审等）。"))
    elif procedure not in SpecialProcedure.values:
        errors.append(FieldError("procedure", "invalid_choice", "特别程序类型无效（听证、现场核查、检验检测、鉴定、专家评审等）。"))
    if not (reason or "").strip():
        errors.append(FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写启动特别程序的理由（将书面告知申请人）。"))
    if not isinstance(expected_days, int) or not 1 <= expected_days <= 365:
        errors.append(FieldError("expected_days", "out_of_range", "请填写特别程序预计所需天数（1–365）。"))
    if errors:
        raise ValidationFailed(errors)
    lock_case(case)
    today = today or timezone.localdate()
    pause = ClockPause.objects.create(case=case, procedure=procedure, reason=reason.strip(), expected_days=expected_days,
                                      started_on=today, started_by=actor)
    case.paused_since = today
    case_transition(case=case, action=CaseAction.PAUSE, actor=actor, note=reason.strip(),
                    details={"procedure": procedure, "expected_days": expected_days}, extra_fields=("paused_since",))
    document_issue(case=case, kind=DocumentKind.SPECIAL_PROCEDURE_NOTICE, actor=actor, context={"pause": pause})
    return pause


@transaction.atomic
def case_resume(*, actor, case: Case, today: date | None = None) -> Case:
    """End the special procedure; the due date moves by the working days it took."""
    from yiwang.cases.access import DEPARTMENT_ROLES, require_case_role

    require_case_role(actor=actor, case=case, roles=DEPARTMENT_ROLES)
    lock_case(case)
    if case.status != CaseStatus.SUSPENDED:
        raise Conflict("该办件不在特别程序中，无需恢复计时。", code="invalid_transition")
    today = today or timezone.localdate()
    pause = case.pauses.filter(ended_on__isnull=True).order_by("-started_on").first()
    paused = max(0, working_days_between(pause.started_on, today)) if pause else 0
    if pause:
        pause.ended_on, pause.paused_working_days = today, paused
        pause.save(update_fields=["ended_on", "paused_working_days", "updated_at"])
    previous = case.due_on
    case.paused_days += paused
    case.paused_since = None
    case.due_on, case.due_provisional = compute_due(case)
    case_transition(case=case, action=CaseAction.RESUME, actor=actor,
                    details={"paused_working_days": paused, "previous_due_on": str(previous), "due_on": str(case.due_on)},
                    extra_fields=("paused_days", "paused_since", "due_on", "due_provisional"))
    return case


@transaction.atomic
def case_extend(*, actor, case: Case, reason: str, days: int | None = None, today: date | None = None) -> Extension:
    """§42: extend once by 10 working days (15 for joint handling) with the approver's approval;
    the reason is told to the applicant in writing."""
    from yiwang.cases.access import require_case_role
    from yiwang.cases.documents import document_issue
    from yiwang.orgs.constants import Role

    require_case_role(actor=actor, case=case, roles=[Role.DEPT_APPROVER])
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
    document_issue(case=case, kind=DocumentKind.EXTENSION_NOTICE, actor=actor, context={"extension": extension})
    from yiwang.cases.services.transitions import notify_applicant

    notify_applicant(case=case, status=case.status, reason=f"办理期限延长至 {case.due_on}：{reason.strip()}")
    return extension


def recompute_provisional_due_dates(year: int) -> int:
    """Called when an administrator enters `year`: every provisional due date is recomputed."""
    changed = 0
    ids = list(Case.objects.filter(due_provisional=True).exclude(status__in=CLOSED_STATUSES)
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("version").get(pk=pk)
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
