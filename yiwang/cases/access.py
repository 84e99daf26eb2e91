"""The only ways a view or API handler obtains a case. Missing and forbidden look alike (not found).

Data scope: staff see a case when one of their roles is granted at an organisation whose subtree
contains the case's agency (department roles, supervisors) or the outlet where it was filed
(window clerks: the general window accepts for every department, 前台综合受理).
"""

from __future__ import annotations

import hmac
import re
import unicodedata

from django.db.models import Q, QuerySet

from yiwang.cases.models import Case
from yiwang.core import throttle
from yiwang.core.errors import NotFound, TooManyAttempts
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


# The verification code has 6 digits: a million guesses. Failures are limited per case number (so
# one case cannot be guessed) and per client address (so numbers cannot be scanned); a locked
# number stays locked for the window even for the right code, or the lock would reveal nothing.
PROGRESS_WINDOW_SECONDS = 3600
_CASE_NUMBER = re.compile(r"[0-9A-Za-z-]{1,40}")
PROGRESS_FAILURES_PER_NUMBER = 10
PROGRESS_FAILURES_PER_CLIENT = 50


def normalise_lookup(value: str) -> str:
    """A case number or verification code as people type it: copied from an SMS or a paper notice
    it may come in groups with spaces, a Chinese input method types full-width digits (２０２６…),
    and pasted text can carry control characters. All mean the same number, so all are folded away
    (NFKC, no whitespace, printable characters only; PostgreSQL would refuse a NUL)."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace())


def access_case_by_number(*, number: str, verification_code: str, client: str | None = None) -> Case:
    """The public progress page: case number + verification code, nothing else. `client` is the
    caller's address, for the limit on failed guesses."""
    number, code = normalise_lookup(number), normalise_lookup(verification_code)
    if (throttle.failures("progress-number", number) >= PROGRESS_FAILURES_PER_NUMBER
            or (client and throttle.failures("progress-client", client) >= PROGRESS_FAILURES_PER_CLIENT)):
        raise TooManyAttempts("查询验证码错误次数过多，已暂停查询，请 1 小时后再试；"
                              "申请人也可登录后在“我的办件”中查看进度。")
    # Anything that cannot be a case number (overlong, other characters) is not looked up.
    case = (Case.objects.select_related("implementation", "version", "agency").filter(number=number).first()
            if _CASE_NUMBER.fullmatch(number) else None)
    # compare_digest: the time taken does not tell how many leading digits were right.
    if case is None or not code or not hmac.compare_digest(case.verification_code.encode(), code.encode()):
        throttle.record_failure("progress-number", number, window_seconds=PROGRESS_WINDOW_SECONDS)
        if client:
            throttle.record_failure("progress-client", client, window_seconds=PROGRESS_WINDOW_SECONDS)
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
