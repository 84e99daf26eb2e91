"""The only ways a view or API handler obtains a case. Missing and forbidden look alike (not found).

Data scope: staff see a case when one of their roles is granted at an organisation whose subtree
contains the case's agency (department roles, supervisors) or the outlet where it was filed
(window clerks: the general window accepts for every department, 前台综合受理).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yiwang.cases.models import Case
from yiwang.core.errors import NotFound
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, scope_filter

DEPARTMENT_ROLES = (Role.DEPT_REVIEWER, Role.DEPT_APPROVER)
WINDOW_ROLES = (Role.WINDOW_CLERK,)
SUPERVISION_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
ACCEPTANCE_ROLES = (Role.WINDOW_CLERK, Role.DEPT_REVIEWER)


def staff_case_filter(actor, roles=None) -> Q:
    """Cases within the actor's scope for the given roles (all staff roles by default)."""
    roles = set(roles or (*DEPARTMENT_ROLES, *WINDOW_ROLES, *SUPERVISION_ROLES))
    q = Q(pk__in=[])
    agency_roles = roles & {*DEPARTMENT_ROLES, *SUPERVISION_ROLES, Role.WINDOW_CLERK}
    if agency_roles:
        q |= scope_filter(actor, agency_roles, path_field="agency_path")
    if Role.WINDOW_CLERK in roles:
        q |= scope_filter(actor, [Role.WINDOW_CLERK], path_field="outlet_path")
    return q


def cases_for_staff(actor, roles=None) -> QuerySet[Case]:
    return Case.objects.filter(staff_case_filter(actor, roles))


def _not_found() -> NotFound:
    return NotFound("未找到该办件。", code="case_not_found")


def access_case_by_id(*, actor, case_id: int | str, roles=None, for_update: bool = False) -> Case:
    """The applicant's own case, or a case within the staff actor's scope (for `roles`)."""
    if not getattr(actor, "is_authenticated", False):
        raise _not_found()
    qs = Case.objects.select_related("version", "implementation", "agency", "outlet", "application")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise _not_found() from None
    if actor.is_staff_member:
        case = qs.filter(staff_case_filter(actor, roles), pk=case_id).first()
    else:
        case = qs.filter(applicant=actor, pk=case_id).first() if roles is None else None
    if case is None:
        raise _not_found()
    return case


def access_case_by_number(*, number: str, verification_code: str) -> Case:
    """The public progress page: case number + verification code, nothing else."""
    case = Case.objects.select_related("implementation", "version", "agency").filter(number=number.strip()).first()
    if case is None or not verification_code or case.verification_code != verification_code.strip():
        raise NotFound("办件编号或查询验证码不正确，请核对后重试。", code="case_not_found")
    return case


def require_case_role(*, actor, case: Case, roles) -> None:
    """The actor holds one of `roles` over the case's agency, or (window clerks) its outlet."""
    roles = set(roles)
    if has_role(actor, roles - {Role.WINDOW_CLERK}, case.agency):
        return
    if Role.WINDOW_CLERK in roles and (has_role(actor, Role.WINDOW_CLERK, case.agency)
                                       or (case.outlet_id and has_role(actor, Role.WINDOW_CLERK, case.outlet))):
        return
    raise _not_found()
