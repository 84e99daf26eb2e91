"""Monitoring (电子监察): the periodic sweep that keeps the law's clocks honest. It sits above the
services it runs (deemed acceptance, deferral lapses, warnings) and is called by the Celery beat
task and `manage.py run_monitoring`; nothing below calls it.

`run_monitoring(today=...)` does, for one day: §32 deemed acceptance, deferred-material lapses,
yellow/red colours on running cases, and warnings (acceptance late, delivery late, commitment
verification due). It can be run for any past date to catch up after an outage and is idempotent:
warnings are unique per (case, kind), transitions only apply from the state they expect, colours
are set to what the date implies. Running a day twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from yiwang.cases.constants import CaseStatus, WarningColour, WarningKind
from yiwang.cases.deadlines import yellow_days, yellow_until
from yiwang.cases.models import Case, CaseWarning, Commitment, Deferral
from yiwang.cases.services.acceptance import case_deem_accept
from yiwang.cases.services.decisions import case_deferral_lapse
from yiwang.cases.services.warnings import raise_warning

RUNNING = (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW)  # a suspended case's clock is stopped


@dataclass
class MonitoringReport:
    day: date
    deemed_accepted: list[str] = field(default_factory=list)
    deferrals_lapsed: list[str] = field(default_factory=list)
    colours_changed: int = 0
    warnings_raised: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.deemed_accepted or self.deferrals_lapsed or self.colours_changed or self.warnings_raised)


def run_monitoring(*, today: date) -> MonitoringReport:
    report = MonitoringReport(day=today)

    # 1. §32 deemed acceptance: receipt + 5 working days passed without any decision.
    for case in Case.objects.filter(status=CaseStatus.SUBMITTED, acceptance_due_on__lt=today).select_related("version"):
        if case_deem_accept(case=case, today=today):
            report.deemed_accepted.append(case.number)

    # 2. Deferred materials not supplied by the deadline: the case ends as the notice said.
    for deferral in Deferral.objects.filter(completed_at__isnull=True, lapsed_at__isnull=True, deadline__lt=today):
        if case_deferral_lapse(case=deferral.case, today=today):
            report.deferrals_lapsed.append(deferral.case.number)

    # 3. Colours of running clocks (deadlines.warning_colour_on, applied as three updates):
    # red past the due date, yellow within N working days of it, none otherwise.
    yellow_from = yellow_until(today)
    # A case waiting for the cases it depends on (a bundle member) has no due date yet: not running.
    running = Case.objects.filter(status__in=RUNNING, due_on__isnull=False, waiting_since__isnull=True)
    with transaction.atomic():
        report.colours_changed += running.filter(due_on__lt=today).exclude(warning=WarningColour.RED).update(
            warning=WarningColour.RED)
        report.colours_changed += running.filter(due_on__gte=today, due_on__lte=yellow_from).exclude(
            warning=WarningColour.YELLOW).update(warning=WarningColour.YELLOW)
        report.colours_changed += running.filter(due_on__gt=yellow_from).exclude(warning=WarningColour.NONE).update(
            warning=WarningColour.NONE)
        # Finished or paused cases carry no colour.
        report.colours_changed += Case.objects.exclude(status__in=RUNNING).exclude(warning=WarningColour.NONE).update(
            warning=WarningColour.NONE)

    for case in running.filter(due_on__lt=today):
        raise_warning(case=case, kind=WarningKind.OVERDUE, today=today, report=report,
                      message=f"已超过办结期限 {case.due_on}。")
    for case in running.filter(due_on__gte=today, due_on__lte=yellow_from):
        raise_warning(case=case, kind=WarningKind.DUE_SOON, today=today, report=report,
                      message=f"距办结期限 {case.due_on} 不足 {yellow_days()} 个工作日。")

    # 4. §44: decided but not delivered within 10 working days.
    late = Case.objects.filter(status__in=(CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.CONCLUDED),
                               delivery_due_on__lt=today)
    for case in late:
        raise_warning(case=case, kind=WarningKind.DELIVERY_LATE, today=today, report=report,
                      message=f"决定后应于 {case.delivery_due_on} 前送达，尚未送达。")

    # 5. Commitments whose verification is due and not done.
    for commitment in Commitment.objects.filter(verified_on__isnull=True, verification_due_on__lt=today).select_related("case"):
        raise_warning(case=commitment.case, kind=WarningKind.COMMITMENT_VERIFICATION_DUE, today=today, report=report,
                      message=f"告知承诺应于 {commitment.verification_due_on} 前完成核查。")

    # Warnings of cases that have ended are resolved (kept as history).
    CaseWarning.objects.filter(resolved_on__isnull=True, case__status__in=(
        CaseStatus.DELIVERED, CaseStatus.WITHDRAWN, CaseStatus.TERMINATED, CaseStatus.REVOKED, CaseStatus.REFUSED,
    )).update(resolved_on=today)
    return report
