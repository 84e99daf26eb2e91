"""Reads over cases: the applicant's list, staff lists in scope, the timeline and the clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from yiwang.cases.access import staff_case_filter
from yiwang.cases.constants import CLOSED_STATUSES, ApplicationStatus, CaseStatus, MaterialSatisfaction, WarningColour
from yiwang.cases.models import (
    Application,
    Case,
    CaseWarning,
    Commitment,
    CorrectionNotice,
    Deferral,
    Locker,
    Refusal,
    StoredFile,
)
from yiwang.core.errors import FieldError, NotFound, ValidationFailed
from yiwang.workdays.time_limits import working_days_between


def applicant_by_identifier(identifier: str, *, field: str = "identifier"):
    """The citizen (ID number) or enterprise (USCC) a window clerk has checked, for applying on
    their behalf. The same rule for the workbench page and the API: a malformed number is a
    validation error naming `field`; a staff account, an inactive one or none is "not found"."""
    from yiwang.accounts.selectors import user_by_id_number, user_by_uscc
    from yiwang.core.identifiers import id_number_errors, uscc_errors

    text = re.sub(r"\s", "", identifier or "").upper()
    if len(text) != 18:
        raise ValidationFailed([FieldError(field, "invalid", "请输入 18 位居民身份证号码或统一社会信用代码。")])
    if not id_number_errors(text, field=field):
        user = user_by_id_number(text)
    elif not uscc_errors(text, field=field):
        user = user_by_uscc(text)
    else:
        raise ValidationFailed([FieldError(field, "invalid",
                                           "号码校验位或格式不正确，请核对证件上的 18 位号码（身份证最后一位可能是 X）。")])
    if user is None or user.is_staff_member or not user.is_active:
        raise NotFound("未找到该申请人：该号码尚未注册。请协助申请人先注册账号（个人用身份证，企业用统一社会信用代码）。",
                       code="applicant_not_found", field=field)
    return user


def cases_of_applicant(applicant, *, status: str | None = None) -> QuerySet[Case]:
    qs = (Case.objects.filter(applicant=applicant).select_related("version", "agency")
          .order_by("-created_at"))
    return qs.filter(status=status) if status else qs


def cases_for_staff_list(actor, *, status: str | None = None, colour: str | None = None, q: str = "",
                         roles=None) -> QuerySet[Case]:
    qs = (Case.objects.filter(staff_case_filter(actor, roles)).select_related("version", "agency", "outlet")
          .order_by("due_on", "created_at"))
    if status:
        qs = qs.filter(status=status)
    if colour is not None and colour != "all":
        qs = qs.filter(warning=colour)
    if q:
        qs = qs.filter(number__startswith=q.strip()) | qs.filter(applicant_name__contains=q.strip())
    return qs


@dataclass
class Clock:
    due_on: date | None
    provisional: bool
    remaining_working_days: int | None
    colour: str
    paused: bool
    stopped: bool

    @property
    def label(self) -> str:
        if self.stopped:
            return "已结束计时"
        if self.paused:
            return "特别程序中，暂停计时"
        if self.due_on is None:
            return "受理后开始计时"
        if self.remaining_working_days is None:
            return ""
        if self.remaining_working_days < 0:
            return f"已超期 {-self.remaining_working_days} 个工作日"
        if self.remaining_working_days == 0:
            return "今天到期"
        return f"剩余 {self.remaining_working_days} 个工作日"


def case_clock(case: Case, *, today: date | None = None) -> Clock:
    today = today or timezone.localdate()
    stopped = case.status in CLOSED_STATUSES or case.status in (
        CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.CONCLUDED)
    remaining = None
    if case.due_on and not stopped:
        remaining = working_days_between(today, case.due_on)
    colour = case.warning or WarningColour.NONE
    return Clock(due_on=case.due_on, provisional=case.due_provisional, remaining_working_days=remaining,
                 colour=colour, paused=case.status == CaseStatus.SUSPENDED, stopped=stopped)


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    actor: str
    note: str = ""
    document_id: int | None = None


def case_timeline(case: Case, *, for_public: bool = False, staff_names: bool | None = None) -> list[TimelineEntry]:
    """Status changes, documents, extensions and transfers in time order. The public view shows
    status changes only; staff names are shown to staff only (the applicant deals with the agency,
    not with who clicked): `staff_names` defaults to `not for_public`."""
    staff_names = (not for_public) if staff_names is None else staff_names
    entries = []
    for change in case.status_changes.select_related("actor").all():
        label = CaseStatus(change.to_status).label if change.to_status in CaseStatus.values else change.to_status
        # Colleagues know each other by name (the username stays in the audit trail); changes
        # without a person (deemed acceptance, lapses) were made by the system.
        who = (change.actor.display_name if change.actor else "系统") if staff_names else ""
        entries.append(TimelineEntry(change.occurred_at, label, who, change.note))
    if not for_public:
        for doc in case.documents.all():
            entries.append(TimelineEntry(doc.created_at, f"出具文书：{doc.get_kind_display()}", "", doc.number, doc.pk))
        for ext in case.extensions.all():
            entries.append(TimelineEntry(ext.created_at, f"延长期限 {ext.days} 个工作日", "", ext.reason))
        for transfer in case.transfers.all():
            entries.append(TimelineEntry(transfer.sent_at, "纸质材料寄往实施部门", "", transfer.tracking_number))
            if transfer.received_at:
                entries.append(TimelineEntry(transfer.received_at, "实施部门签收纸质材料", "", ""))
    entries.sort(key=lambda e: e.at)
    return entries


def case_closure(case: Case) -> dict | None:
    """Why a terminated or revoked case ended, and any credit record it led to: the applicant must
    not read a revoked approval as a valid result, and is told when a false commitment bars
    commitment and deferred-material acceptance from now on."""
    from yiwang.supervision.models import EXCLUDING_KINDS
    from yiwang.supervision.selectors import credit_records_from_case

    if case.status not in (CaseStatus.TERMINATED, CaseStatus.REVOKED):
        return None
    records = credit_records_from_case(case)
    return {"reason": case.closed_reason, "credit_records": records,
            "bars_acceptance": any(r.kind in EXCLUDING_KINDS for r in records)}


def open_warnings(actor) -> QuerySet[CaseWarning]:
    """Warnings in the supervisor's scope, newest first (电子监察)."""
    from yiwang.cases.access import SUPERVISION_ROLES

    return (CaseWarning.objects.filter(resolved_on__isnull=True)
            .filter(case__in=Case.objects.filter(staff_case_filter(actor, SUPERVISION_ROLES)))
            .select_related("case", "case__agency", "case__version").order_by("-raised_on", "-id"))


def applicant_timeline(case: Case) -> list[TimelineEntry]:
    """What the applicant sees: everything but the staff names."""
    return case_timeline(case, staff_names=False)


def drafts_of(applicant, *, implementation_id: int | None = None) -> QuerySet[Application]:
    """The applicant's saved drafts, newest first."""
    qs = (Application.objects.filter(applicant=applicant, status=ApplicationStatus.DRAFT)
          .select_related("version", "implementation__agency").order_by("-updated_at"))
    return qs.filter(implementation_id=implementation_id) if implementation_id else qs


def draft_of(applicant, application_id: int) -> Application:
    """One of the applicant's own drafts, or not found."""
    draft = drafts_of(applicant).filter(pk=application_id).first()
    if draft is None:
        raise NotFound("草稿不存在或已提交。已提交的申请请在“我的办件”中查看。", code="draft_not_found")
    return draft


def lockers() -> list[Locker]:
    return list(Locker.objects.select_related("outlet").order_by("outlet__path", "code"))


def version_form_fields(version) -> list:
    """A published version's form fields with their data elements, in order (cached per process:
    published versions never change)."""
    from yiwang.cases.services.intake import version_facts

    return list(version_facts(version.pk).form_fields)


def version_requirements(version) -> list:
    """A published version's material requirements, in order (cached like the form fields)."""
    from yiwang.cases.services.intake import version_facts

    return list(version_facts(version.pk).materials)


# ---------------------------------------------------------------------------------------------
# One case's related rows, as the pages show them


def owned_files(owner, ids) -> dict[int, StoredFile]:
    """The files among `ids` that belong to `owner` (others are silently left out)."""
    ids = [i for i in ids if isinstance(i, int)]
    return {f.pk: f for f in StoredFile.objects.filter(owner=owner, pk__in=ids)} if ids else {}


def open_correction_notice(case: Case) -> CorrectionNotice | None:
    """The one-time correction notice the applicant has not answered yet."""
    if case.status != CaseStatus.CORRECTION_REQUESTED:
        return None
    return case.correction_notices.filter(responded_at__isnull=True).order_by("-created_at").first()


def deferral_of(case: Case) -> Deferral | None:
    try:
        return case.deferral
    except Case.deferral.RelatedObjectDoesNotExist:
        return None


def commitment_of(case: Case) -> Commitment | None:
    try:
        return case.commitment
    except Case.commitment.RelatedObjectDoesNotExist:
        return None


def refusal_of(case: Case) -> Refusal | None:
    try:
        return case.refusal
    except Case.refusal.RelatedObjectDoesNotExist:
        return None


def pending_deferral(case: Case) -> Deferral | None:
    """The deferral whose materials are still awaited while the case runs, else None."""
    deferral = deferral_of(case)
    if deferral is None or deferral.completed_at or deferral.lapsed_at:
        return None
    if case.status not in (CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED, CaseStatus.APPROVED):
        return None
    return deferral


def outstanding_deferred_ids(case: Case) -> set[int]:
    """Requirement ids of the deferred (容缺) materials not supplied yet."""
    return set(case.application.materials.filter(satisfaction=MaterialSatisfaction.DEFERRED)
               .values_list("requirement_id", flat=True))


def refusal_agencies(case: Case):
    """The departments a refusal may name as the competent one (§32: not this case's agency)."""
    from yiwang.orgs.constants import OrganisationKind
    from yiwang.orgs.models import Organisation

    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).exclude(pk=case.agency_id).order_by("path")


def locker_by_id(locker_id) -> Locker | None:
    """One locker with its outlet (None for a missing one or a value that is no id)."""
    try:
        pk = int(locker_id)
    except (TypeError, ValueError, OverflowError):
        return None
    return Locker.objects.select_related("outlet").filter(pk=pk).first() if 1 <= pk <= 2**63 - 1 else None
