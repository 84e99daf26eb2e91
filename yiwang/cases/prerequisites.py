"""Cases that wait for other cases: a bundle's member that needs another member's result (the
food-business licence needs the business licence). `Case.depends_on` lists the cases it waits
for (the bundles app sets them at filing).

Such a case is accepted with the others (综合受理), but it cannot be handled before what it needs
exists, so its own time limit (§42) does not run meanwhile: it is accepted with its clock held —
no due date, no back-office process, not overdue in monitoring (deadlines.start_clock, waiting) —
and when the last case it waits for has concluded with approval its limit counts from the next
day, its process starts and it is under review (`release_dependants`, called by
actions.case_concluded). What happens when a waited-for case is refused or denied is the
bundle's business (it closes the member: services.case_close_unneeded).

A building block below actions: it locks only the dependants (yiwang.cases.locks).
"""

from __future__ import annotations

from yiwang.cases import back_office
from yiwang.cases.constants import CaseAction, CaseStatus, Decision
from yiwang.cases.deadlines import release_clock
from yiwang.cases.locks import lock_case
from yiwang.cases.models import Case
from yiwang.cases.transitions import case_transition

CONCLUDED = (CaseStatus.CONCLUDED, CaseStatus.DELIVERED)


def _done(case: Case) -> bool:
    return case.status in CONCLUDED and case.decision == Decision.APPROVED


def prerequisites_pending(case: Case) -> bool:
    """Whether a case it depends on has not yet concluded with approval (then its clock waits)."""
    return any(not _done(p) for p in case.depends_on.only("status", "decision"))


def release_dependants(*, case: Case) -> list[Case]:
    """After `case` concluded: each case waiting for it whose prerequisites have now all concluded
    with approval starts its clock (from the day after the last of them concluded), its
    back-office process, and review; the applicant is told its due date. Returns those cases."""
    if case.decision != Decision.APPROVED:
        return []
    started = []
    for dependant in case.dependants.filter(waiting_since__isnull=False, status=CaseStatus.ACCEPTED).order_by("id"):
        lock_case(dependant)
        if dependant.waiting_since is None or dependant.status != CaseStatus.ACCEPTED:
            continue
        prerequisites = list(dependant.depends_on.select_related("version").order_by("id"))
        if not all(_done(p) for p in prerequisites):
            continue
        last = max(p.concluded_on or dependant.accepted_on for p in prerequisites)
        release_clock(dependant, counts_from=last)
        names = "、".join(f"「{p.version.name}」" for p in prerequisites)
        back_office.process_start(actor=None, case=dependant)
        case_transition(case=dependant, action=CaseAction.START_REVIEW, actor=None,
                        note=f"前序事项{names}已于 {last} 办结，本事项办理时限自次日起计算，办结期限 {dependant.due_on}。",
                        details={"clock_from": str(dependant.clock_from), "due_on": str(dependant.due_on),
                                 "waited_for": [p.number for p in prerequisites]},
                        extra_fields=("waiting_since", "clock_from", "due_on", "due_provisional"))
        started.append(dependant)
    return started
