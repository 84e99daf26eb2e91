"""What a bundle (一件事, the bundles app above) needs of its member cases, beyond ordinary
intake and acceptance: close a member that can no longer be decided because a member it depends
on was refused, and hand over a member's result when the bundle's joint pickup code was checked.
"""

from __future__ import annotations

from django.db import transaction

from yiwang.cases import actions
from yiwang.cases.access import holds_case_role
from yiwang.cases.constants import CaseAction, CaseStatus
from yiwang.cases.handover import deliver_application
from yiwang.cases.locks import lock_application, lock_case
from yiwang.cases.models import Case
from yiwang.cases.services.decisions import _terminate
from yiwang.cases.services.delivery import _delivered
from yiwang.cases.transitions import case_transition
from yiwang.core.errors import Conflict, NotFound
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role


@transaction.atomic
def case_close_unneeded(*, case: Case, reason: str) -> Case:
    """Close a case the system ends (actor None): the bundle member it needs was refused or
    withdrawn. Before acceptance it is withdrawn with the applicant's bundle, after it terminated."""
    lock_case(case)
    if case.status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED):
        case.closed_reason = reason
        case_transition(case=case, action=CaseAction.WITHDRAW, actor=None, note=reason, extra_fields=("closed_reason",))
        actions.case_withdrawn(case=case, actor=None)
        return case
    return _terminate(case=case, actor=None, reason=reason)


@transaction.atomic
def case_hand_over(*, actor, case: Case, note: str) -> list[Case]:
    """Deliver a concluded case whose pickup code the caller (a bundle) has already checked."""
    if not (has_role(actor, {Role.WINDOW_CLERK}, case.outlet or case.agency) or holds_case_role(
            actor=actor, case=case, roles=(Role.WINDOW_CLERK, Role.DEPT_REVIEWER))):
        raise NotFound("未找到该办件。", code="case_not_found")
    application = case.application
    cases = lock_application(application, refresh=case)
    if case.status != CaseStatus.CONCLUDED:
        raise Conflict("该办件尚未办结。", code="invalid_transition")
    return _delivered(deliver_application(application=application, cases=cases, actor=actor, note=note), actor)
