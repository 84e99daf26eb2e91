"""Who may see and do what with cases and their tasks. The only ways a page or API handler obtains
a case, a task, a document or a file; missing and forbidden look alike (not found).

Data scope: staff see a case when one of their roles is granted at an organisation whose subtree
contains the case's agency (department roles, supervisors) or the outlet where it was filed
(window clerks: the general window accepts for every department, 前台综合受理).

"What may this actor do with this case now" is one function, `case_actions_for`, and for a task
`task_actions_for`: pages, templates and the API read their flags; the services check the same
roles (`require_*`) when the write is made. The role tuples below are written nowhere else.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from yiwang.cases import process_engine as engine
from yiwang.cases.constants import CLOSED_STATUSES, CaseAction, CaseStatus, DeliveryMethod, TaskStatus, TransferStatus
from yiwang.cases.lifecycle import AWAITING_DEFERRED, may
from yiwang.cases.models import ApplicationMaterial, Case, CaseDocument, StoredFile, WorkTask
from yiwang.core import throttle
from yiwang.core.errors import NotFound, PermissionDenied, TooManyAttempts
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import GENERAL_WINDOW_KINDS, city_division_ids, has_role, role_grants_for, scope_filter

DEPARTMENT_ROLES = (Role.DEPT_REVIEWER, Role.DEPT_APPROVER)
WINDOW_ROLES = (Role.WINDOW_CLERK,)
SUPERVISION_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
# §32 acceptance decisions: the general window, or the department's reviewer.
ACCEPTANCE_ROLES = (Role.WINDOW_CLERK, Role.DEPT_REVIEWER)
APPROVER_ROLES = (Role.DEPT_APPROVER,)
# The window's case page (acceptance, hand-over) also serves the department that owns the case.
WINDOW_PAGE_ROLES = (Role.WINDOW_CLERK, Role.DEPT_REVIEWER, Role.DEPT_APPROVER)
HANDOVER_ROLES = WINDOW_PAGE_ROLES
DEFERRED_RECEIPT_ROLES = (Role.WINDOW_CLERK, *DEPARTMENT_ROLES)
WORKLIST_ROLES = (Role.DEPT_REVIEWER, Role.DEPT_APPROVER, Role.ADMINISTRATOR)
STAFF_CASE_ROLES = (*DEPARTMENT_ROLES, *SUPERVISION_ROLES, Role.WINDOW_CLERK)
# An approver or administrator over a task's organisation may hand it to a colleague.
REASSIGN_ROLES = (Role.DEPT_APPROVER, Role.ADMINISTRATOR)
# Who may upload back-office processes; only administrators' uploads are trusted (may carry
# gateway conditions and scripts) and only they may publish a new version of a standard process.
PROCESS_UPLOAD_ROLES = (Role.ADMINISTRATOR, Role.CATALOG_EDITOR)

# The staff pages of the cases app and who opens them.
STAFF_PAGES = {
    "window": (Role.WINDOW_CLERK,),  # the workbench and filing at the window
    "window_case": WINDOW_PAGE_ROLES,
    "worklist": WORKLIST_ROLES,
    "staff_case": STAFF_CASE_ROLES,
    "monitoring": SUPERVISION_ROLES,
}


def _not_found() -> NotFound:
    return NotFound("未找到该办件。", code="case_not_found")


# ---------------------------------------------------------------------------------------------
# Scope


def staff_case_filter(actor, roles=None) -> Q:
    """Cases within the actor's scope for the given roles (all staff roles by default)."""
    roles = set(roles or (*DEPARTMENT_ROLES, *WINDOW_ROLES, *SUPERVISION_ROLES))
    q = Q(pk__in=[])
    agency_roles = roles & {*DEPARTMENT_ROLES, *SUPERVISION_ROLES, Role.WINDOW_CLERK}
    if agency_roles:
        q |= scope_filter(actor, agency_roles, path_field="agency_path")
    if Role.WINDOW_CLERK in roles:
        q |= scope_filter(actor, [Role.WINDOW_CLERK], path_field="outlet_path")
        divisions = city_wide_divisions(actor)
        if divisions:
            q |= Q(version__city_wide=True, agency__division_id__in=divisions, status__in=AWAITING_RECEIPT)
    return q


# 全城通办 opens a case to every general window of the city only while it waits to be received
# (the applicant may walk into any hall with it). Once a window has accepted or refused it, it
# belongs to that window and the agency: the other halls' clerks no longer read it.
AWAITING_RECEIPT = (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED)


def city_wide_divisions(actor) -> list[int]:
    """全城通办: a clerk at any general window of a city receives the city-wide items of every agency
    of that city (its districts, zones and streets included), wherever the case was filed. Returns
    the divisions of the cities where the actor is such a clerk."""
    cached = getattr(actor, "_city_wide_divisions", None)
    if cached is not None:  # a page filters several lists by scope: walk the division tree once a request
        return cached
    ids: set[int] = set()
    for grant in role_grants_for(actor, [Role.WINDOW_CLERK]):
        if grant.organisation.kind in GENERAL_WINDOW_KINDS:
            ids.update(city_division_ids(grant.organisation))
    if getattr(actor, "pk", None):
        actor._city_wide_divisions = sorted(ids)
    return sorted(ids)


def cases_for_staff(actor, roles=None) -> QuerySet[Case]:
    return Case.objects.filter(staff_case_filter(actor, roles))


def window_case_filter(actor) -> Q:
    """Cases the window's pages show the actor (filed at or owned in their scope)."""
    return staff_case_filter(actor, WINDOW_ROLES)


def window_page_case_filter(actor) -> Q:
    return staff_case_filter(actor, WINDOW_PAGE_ROLES)


def supervision_case_filter(actor) -> Q:
    return staff_case_filter(actor, SUPERVISION_ROLES)


def window_outlets_of(actor) -> list:
    """The outlets (orgs.Organisation) where the actor works as a window clerk."""
    return [g.organisation for g in role_grants_for(actor, [Role.WINDOW_CLERK])]


def may_open_staff_page(actor, page: str) -> bool:
    return bool(getattr(actor, "is_staff_member", False)) and has_role(actor, STAFF_PAGES[page])


def staff_page_denial(page: str) -> str:
    labels = "、".join(Role(r).label for r in STAFF_PAGES[page])
    return f"此页面仅向持有「{labels}」角色的工作人员开放。如需使用，请联系管理员授予角色。"


# ---------------------------------------------------------------------------------------------
# Obtaining a case


def access_case_by_id(*, actor, case_id: int | str, roles=None) -> Case:
    """The applicant's own case, or a case within the staff actor's scope (for `roles`)."""
    if not getattr(actor, "is_authenticated", False):
        raise _not_found()
    qs = Case.objects.select_related("version", "implementation", "agency", "outlet", "application")
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


def access_case_for_window(*, actor, case_id: int | str) -> Case:
    """A case as the window's case page may show it (clerks at its outlet, its department)."""
    return access_case_by_id(actor=actor, case_id=case_id, roles=WINDOW_PAGE_ROLES)


def access_staff_case(*, actor, case_id: int | str) -> Case:
    """A case for a staff-only endpoint: an applicant's own case is not found here."""
    if not getattr(actor, "is_staff_member", False):
        raise _not_found()
    return access_case_by_id(actor=actor, case_id=case_id)


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


# Pickup codes (§44, issue 9 §8) have 6 digits, like the verification code: without a limit, 40
# wrong codes and then the right one hand the result over. Failures are counted per application at
# the window (one result cannot be guessed), per locker (the 24-hour cabinet takes codes for all its
# compartments, so it also has a daily cap: 60 compartments × 30 guesses a day stay far below a
# million codes over the days a result waits), per staff account or device, and per client address.
# A locked key stays locked for the window even for the right code, or the lock would tell nothing.
PICKUP_WINDOW_SECONDS = 3600
PICKUP_FAILURES_PER_APPLICATION = 5
PICKUP_FAILURES_PER_ACTOR = 20
PICKUP_FAILURES_PER_CLIENT = 20
LOCKER_FAILURES_PER_HOUR = 10
LOCKER_FAILURES_PER_DAY = 30


def pickup_limits(*, actor, client: str | None, application_id: int | None = None,
                  locker_code: str | None = None) -> list[tuple[str, str, int, int]]:
    """The (scope, key, limit, window seconds) counters one pickup-code check falls under."""
    limits = [("pickup-actor", str(getattr(actor, "pk", actor)), PICKUP_FAILURES_PER_ACTOR, PICKUP_WINDOW_SECONDS)]
    if application_id is not None:
        limits.append(("pickup-application", str(application_id), PICKUP_FAILURES_PER_APPLICATION,
                       PICKUP_WINDOW_SECONDS))
    if locker_code is not None:
        limits += [("pickup-locker", locker_code, LOCKER_FAILURES_PER_HOUR, PICKUP_WINDOW_SECONDS),
                   ("pickup-locker-day", locker_code, LOCKER_FAILURES_PER_DAY, 86400)]
    if client:
        limits.append(("pickup-client", client, PICKUP_FAILURES_PER_CLIENT, PICKUP_WINDOW_SECONDS))
    return limits


def require_pickup_attempts_left(limits: list[tuple[str, str, int, int]]) -> None:
    if any(throttle.failures(scope, key) >= limit for scope, key, limit, _ in limits):
        raise TooManyAttempts("取件码错误次数过多，已暂停核验，请 1 小时后再试；"
                              "如遗失取件码，请到受理窗口核验身份后重新发送。")


def pickup_attempt_failed(limits: list[tuple[str, str, int, int]]) -> int:
    """Count one wrong code under every counter; the highest count afterwards."""
    return max(throttle.record_failure(scope, key, window_seconds=window) for scope, key, _, window in limits)


def access_document_by_id(*, actor, document_id: int | str, case_id: int | str | None = None) -> CaseDocument:
    """A document of a case the actor may see (of `case_id`, when given)."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        document_id = 0
    doc = CaseDocument.objects.filter(pk=document_id).only("pk", "case_id").first()
    if doc is None or (case_id is not None and str(doc.case_id) != str(case_id)):
        raise NotFound("未找到该文书。", code="document_not_found")
    try:
        case = access_case_by_id(actor=actor, case_id=doc.case_id)
    except NotFound:
        raise NotFound("未找到该文书。", code="document_not_found") from None
    doc = CaseDocument.objects.get(pk=document_id, case=case)
    doc.case = case
    return doc


def access_case_file(*, actor, case_id: int | str, file_id: int | str) -> StoredFile:
    """A material file of a case: for the applicant, and for staff whose scope holds the case —
    only if that case uses it."""
    try:
        case = access_case_by_id(actor=actor, case_id=case_id)
    except NotFound:
        raise NotFound("未找到该文件。", code="file_not_found") from None
    row = (ApplicationMaterial.objects.filter(application_id=case.application_id, stored_file_id=file_id)
           .select_related("stored_file").first())
    if row is None:
        raise NotFound("未找到该文件。", code="file_not_found")
    return row.stored_file


def stored_files_usable_by(*, actor, applicant) -> Q:
    """Which of `applicant`'s stored files `actor` may attach to (and see for) a filing.

    The applicant acting themselves: all their own files (reuse instead of uploading again).
    Anybody acting for them (a window clerk): the files that clerk uploaded for them, and files
    already used by a case within the clerk's scope — never the rest of a person's history."""
    own = Q(owner=applicant)
    if actor is None or getattr(actor, "pk", None) == applicant.pk:
        return own
    if not getattr(actor, "is_staff_member", False):
        return Q(pk__in=[])
    in_scope = Case.objects.filter(staff_case_filter(actor)).values("application_id")
    return own & (Q(uploaded_by=actor) | Q(uses__application_id__in=in_scope))


def access_own_file(*, actor, file_id: int | str) -> StoredFile:
    """A file the actor uploaded (or that was uploaded for them at the window)."""
    stored = StoredFile.objects.filter(pk=file_id, owner=actor).first()
    if stored is None:
        raise NotFound("未找到该文件。", code="file_not_found")
    return stored


# ---------------------------------------------------------------------------------------------
# Roles over a case (checked by the services when the write is made)


def holds_case_role(*, actor, case: Case, roles) -> bool:
    """The actor holds one of `roles` over the case's agency, or (window clerks) its outlet."""
    roles = set(roles)
    if has_role(actor, roles - {Role.WINDOW_CLERK}, case.agency):
        return True
    if Role.WINDOW_CLERK not in roles:
        return False
    if has_role(actor, Role.WINDOW_CLERK, case.agency) or bool(case.outlet_id and has_role(actor, Role.WINDOW_CLERK, case.outlet)):
        return True
    return (case.version.city_wide and case.status in AWAITING_RECEIPT
            and case.agency.division_id in city_wide_divisions(actor))


def require_case_role(*, actor, case: Case, roles) -> None:
    if not holds_case_role(actor=actor, case=case, roles=roles):
        raise _not_found()


def require_acceptance_role(*, actor, case: Case) -> None:
    require_case_role(actor=actor, case=case, roles=ACCEPTANCE_ROLES)


def require_department_role(*, actor, case: Case) -> None:
    require_case_role(actor=actor, case=case, roles=DEPARTMENT_ROLES)


def require_approver_role(*, actor, case: Case) -> None:
    require_case_role(actor=actor, case=case, roles=APPROVER_ROLES)


def require_handover_role(*, actor, case: Case) -> None:
    require_case_role(actor=actor, case=case, roles=HANDOVER_ROLES)


def require_window_role(*, actor, case: Case) -> None:
    require_case_role(actor=actor, case=case, roles=WINDOW_ROLES)


def require_deferred_receipt_role(*, actor, case: Case) -> None:
    require_case_role(actor=actor, case=case, roles=DEFERRED_RECEIPT_ROLES)


def require_window_clerk_at(*, actor, outlet) -> None:
    """A clerk at `outlet` (locker devices, paper transfers from the outlet); else not found."""
    if outlet is None or not has_role(actor, Role.WINDOW_CLERK, outlet):
        raise _not_found()


def may_collect_from(*, actor, outlet) -> bool:
    """Who may take drop-offs out of the lockers of `outlet` and carry them to the hall: a
    courier (交通员) or a window clerk whose grant covers it."""
    return outlet is not None and has_role(actor, [Role.COURIER, Role.WINDOW_CLERK], outlet)


def courier_scope(actor) -> list:
    """The organisations under whose subtrees the actor carries drop-offs (courier grants)."""
    return [g.organisation for g in role_grants_for(actor, [Role.COURIER])]


def require_courier(actor) -> None:
    """The courier's round pages: a courier grant somewhere (its subtree is the scope); else 403."""
    if not courier_scope(actor):
        raise PermissionDenied("只有信包箱交通员可以查看信包箱取件任务。", code="not_courier")


def require_courier_at(*, actor, outlet) -> None:
    """A courier whose grant covers the locker's outlet; else 403 (the round page of a locker)."""
    if outlet is None or not has_role(actor, Role.COURIER, outlet):
        raise PermissionDenied("该信包箱不在您负责的取件范围内。", code="locker_out_of_scope")


def require_window_clerk(actor) -> None:
    if not role_grants_for(actor, [Role.WINDOW_CLERK]):
        raise PermissionDenied("只有窗口工作人员可以代为申请。", code="not_window_clerk")


def may_upload_processes(actor) -> bool:
    return has_role(actor, PROCESS_UPLOAD_ROLES)


def may_administer_processes(actor) -> bool:
    return has_role(actor, Role.ADMINISTRATOR)


def require_process_uploader(actor) -> bool:
    """May upload back-office processes; returns whether the upload is trusted (administrators)."""
    if not has_role(actor, PROCESS_UPLOAD_ROLES):
        raise PermissionDenied("只有系统管理员和事项编辑可以上传后台流程。", code="permission_denied")
    return has_role(actor, Role.ADMINISTRATOR)


def require_process_administrator(actor) -> None:
    if not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied("只有系统管理员可以停用或启用后台流程。", code="permission_denied")


# ---------------------------------------------------------------------------------------------
# What may this actor do with this case now


@dataclass(frozen=True)
class CaseActions:
    """Flags for one actor and one case at one moment. The pages show a control only when its flag
    is set; the service the control calls checks the same rule again when it writes."""

    # The applicant
    may_withdraw: bool = False  # until a decision (lifecycle table)
    may_resubmit: bool = False  # answer the open one-time correction notice online
    may_supplement: bool = False  # supply deferred (容缺) materials online
    may_change_delivery: bool = False  # until the result has gone out
    # The general window
    may_accept: bool = False  # normal, deferred or on commitment (§32)
    may_refuse: bool = False
    may_record_correction: bool = False  # a walk-in applicant's correction, at the window
    may_receive_deferred: bool = False  # deferred materials handed in at the window
    handover: str = ""  # how the result is handed over now: "code", "mail", "electronic" or ""
    may_reissue_code: bool = False  # send a lost pickup code again
    may_send_materials: bool = False  # city-wide: paper originals to the owning agency
    may_open_window_page: bool = False  # from the department page
    # The department
    may_pause: bool = False  # a special procedure (§45)
    may_resume: bool = False
    may_extend: bool = False  # §42, approvers
    may_verify_commitment: bool = False
    may_receive_materials: bool = False  # paper originals sent by the accepting outlet
    receivable_transfer_ids: frozenset = frozenset()  # the transfers sent and not yet received


def _deferral_pending(case: Case) -> bool:
    try:
        deferral = case.deferral
    except Case.deferral.RelatedObjectDoesNotExist:
        return False
    return not deferral.completed_at and not deferral.lapsed_at and case.status in AWAITING_DEFERRED


def _commitment_unverified(case: Case) -> bool:
    try:
        return not case.commitment.verified_on
    except Case.commitment.RelatedObjectDoesNotExist:
        return False


def _delivery(case: Case):
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(case.application, "delivery", None)


def case_actions_for(*, actor, case: Case) -> CaseActions:
    """What `actor` may do with `case` now, from its status (lifecycle table), the actor's roles
    over it (agency or outlet subtree) and the rows that belong to it (delivery, deferral …)."""
    status = case.status
    if not getattr(actor, "is_authenticated", False):
        return CaseActions()
    if not actor.is_staff_member:
        if actor.pk != case.applicant_id:
            return CaseActions()
        delivery = _delivery(case)
        return CaseActions(
            may_withdraw=may(status, CaseAction.WITHDRAW),
            may_resubmit=status == CaseStatus.CORRECTION_REQUESTED,
            may_supplement=_deferral_pending(case),
            may_change_delivery=(delivery is not None and not delivery.completed_at and not delivery.dispatched_at
                                 and status not in CLOSED_STATUSES))
    accepts = holds_case_role(actor=actor, case=case, roles=ACCEPTANCE_ROLES)
    window = holds_case_role(actor=actor, case=case, roles=WINDOW_PAGE_ROLES)
    department = holds_case_role(actor=actor, case=case, roles=DEPARTMENT_ROLES)
    approver = holds_case_role(actor=actor, case=case, roles=APPROVER_ROLES)
    handover = ""
    if status == CaseStatus.CONCLUDED and window:
        delivery = _delivery(case)
        if delivery is not None:
            handover = ("mail" if delivery.method == DeliveryMethod.MAIL else
                        "code" if delivery.method in (DeliveryMethod.WINDOW, DeliveryMethod.LOCKER) else "electronic")
    clerk_at_outlet = bool(case.outlet_id) and has_role(actor, Role.WINDOW_CLERK, case.outlet)
    return CaseActions(
        may_accept=accepts and status == CaseStatus.SUBMITTED,
        may_refuse=accepts and status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED),
        may_record_correction=accepts and status == CaseStatus.CORRECTION_REQUESTED,
        may_receive_deferred=window and _deferral_pending(case),
        handover=handover, may_reissue_code=handover == "code",
        may_send_materials=(case.version.city_wide and clerk_at_outlet and bool(case.accepted_on)
                            and status not in CLOSED_STATUSES and not case.transfers.exists()),
        may_open_window_page=window and status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED,
                                                   CaseStatus.CONCLUDED),
        may_pause=department and status == CaseStatus.UNDER_REVIEW,
        may_resume=department and status == CaseStatus.SUSPENDED,
        may_extend=approver and status in (CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED),
        may_verify_commitment=department and _commitment_unverified(case),
        may_receive_materials=department,
        receivable_transfer_ids=frozenset(case.transfers.filter(status=TransferStatus.SENT).values_list("pk", flat=True))
        if department else frozenset())


# ---------------------------------------------------------------------------------------------
# Tasks


def _task_not_found() -> NotFound:
    return NotFound("未找到该待办任务。", code="task_not_found")


def may_see_task(actor, task: WorkTask) -> bool:
    return has_role(actor, {task.role, *REASSIGN_ROLES}, task.organisation)


def may_do_task(actor, task: WorkTask) -> bool:
    """The actor holds the task's role over its organisation."""
    return has_role(actor, task.role, task.organisation)


def may_claim_task(actor, task: WorkTask) -> bool:
    return task.status == TaskStatus.READY and may_do_task(actor, task)


def may_reassign_task(actor, task: WorkTask) -> bool:
    return has_role(actor, REASSIGN_ROLES, task.organisation)


def access_task_by_id(*, actor, task_id: int | str, case: Case | None = None) -> WorkTask:
    """A task the actor may see: one whose role they hold (or an approver/administrator) in scope;
    of `case`, when given."""
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise _task_not_found() from None
    task = WorkTask.objects.select_related("case", "organisation", "assignee").filter(pk=task_id).first()
    if (task is None or not getattr(actor, "is_authenticated", False) or not may_see_task(actor, task)
            or (case is not None and task.case_id != case.pk)):
        raise _task_not_found()
    return task


def require_task_role(actor, task: WorkTask) -> None:
    """The actor holds the task's role over its organisation; missing and invisible look alike."""
    if may_do_task(actor, task):
        return
    if may_see_task(actor, task):
        raise PermissionDenied(f"办理此任务需要「{Role(task.role).label}」角色。", code="permission_denied")
    raise _task_not_found()


def require_task_reassigner(actor, task: WorkTask) -> None:
    if may_reassign_task(actor, task):
        return
    if may_do_task(actor, task):
        raise PermissionDenied("只有审批（决定）人员或系统管理员可以改派任务。", code="permission_denied")
    raise _task_not_found()


def may_reassign_to(user, task: WorkTask) -> bool:
    """Whether `user` holds the task's role over its organisation (whom it may be handed to)."""
    return has_role(user, task.role, task.organisation)


@dataclass(frozen=True)
class TaskActions:
    may_do: bool  # holds the task's role
    holder: bool  # ready for anyone with the role, or claimed by this actor
    may_claim: bool
    may_complete: bool  # the case is under review (a special procedure pauses every task)
    may_return: bool  # 退回上一步: not on the process's first human step
    may_reassign: bool


def task_actions_for(*, actor, task: WorkTask, case: Case) -> TaskActions:
    """What `actor` may do with an open task of `case` now."""
    may_do = may_do_task(actor, task)
    holder = task.status == TaskStatus.READY or task.assignee_id == actor.pk
    may_complete = may_do and holder and case.status == CaseStatus.UNDER_REVIEW
    may_return = (may_complete and task.status in (TaskStatus.READY, TaskStatus.CLAIMED) and task.process_id is not None
                  and engine.has_previous_step(task.process.state, task.engine_task_id))
    return TaskActions(may_do=may_do, holder=holder, may_claim=may_do and task.status == TaskStatus.READY,
                       may_complete=may_complete, may_return=may_return, may_reassign=may_reassign_task(actor, task))
