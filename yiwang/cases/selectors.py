"""Reads over cases: the applicant's list, staff lists in scope, the timeline and the clock, one
case's related rows as the pages show them, the back-office queues, and what staff may see of an
applicant (masked). Scope comes from yiwang.cases.access; nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from yiwang.accounts.selectors import user_by_id_number, user_by_uscc
from yiwang.cases import process_engine as engine
from yiwang.cases.access import (
    ACCEPTANCE_ROLES,
    courier_scope,
    require_courier_at,
    staff_case_filter,
    stored_files_usable_by,
    supervision_case_filter,
    window_case_filter,
    window_page_case_filter,
)
from yiwang.cases.constants import (
    OPEN_TASK_STATUSES,
    ApplicationStatus,
    CaseHook,
    CaseStatus,
    Decision,
    DropOffStatus,
    MaterialSatisfaction,
    TaskStatus,
    WarningColour,
)
from yiwang.cases.deadlines import clock_tone
from yiwang.cases.forms import display_value
from yiwang.cases.lifecycle import AWAITING_DEFERRED, status_facts
from yiwang.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseDocument,
    CaseWarning,
    Commitment,
    CorrectionNotice,
    Deferral,
    Delivery,
    Locker,
    LockerDropOff,
    MaterialTransfer,
    Refusal,
    StoredFile,
    WorkTask,
)
from yiwang.catalog.application_form import form_schema
from yiwang.catalog.constants import DataType
from yiwang.catalog.selectors import version_facts
from yiwang.core import hooks
from yiwang.core.crypto import mask_id_number, mask_phone
from yiwang.core.errors import FieldError, NotFound, ValidationFailed
from yiwang.core.identifiers import id_number_errors, uscc_errors
from yiwang.orgs.constants import OrganisationKind, Role
from yiwang.orgs.selectors import has_role, organisations_of_kind, role_grants_for, role_holders_over, scope_filter
from yiwang.supervision.constants import EXCLUDING_KINDS
from yiwang.supervision.selectors import credit_records_from_case, excluding_credit_records
from yiwang.workdays.time_limits import working_days_between


def applicant_by_identifier(identifier: str, *, field: str = "identifier"):
    """The citizen (ID number) or enterprise (USCC) a window clerk has checked, for applying on
    their behalf. The same rule for the workbench page and the API: a malformed number is a
    validation error naming `field`; a staff account, an inactive one or none is "not found"."""
    text = re.sub(r"\s", "", identifier or "").upper()
    if len(text) != 18:
        raise ValidationFailed([FieldError(field, "invalid", "请输入 18 位居民身份证号码或统一社会信用代码。")])
    id_problems, uscc_problems = id_number_errors(text, field=field), uscc_errors(text, field=field)
    if not id_problems:
        user = user_by_id_number(text)
    elif not uscc_problems:
        user = user_by_uscc(text)
    else:
        # Name what is wrong for the kind of number it looks like: digits (and a final X) are a
        # resident ID; letters make it a USCC (a wrong check digit says which one it should be).
        looks_like_id = re.fullmatch(r"\d{17}[\dX]", text) and id_problems[0].code != "id_birth_date"
        problem = id_problems[0] if looks_like_id else uscc_problems[0]
        raise ValidationFailed([FieldError(field, "invalid", f"{problem.message}请核对证件上的 18 位号码。")])
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


# The clock of a case accepted with others that waits for a case it depends on (a bundle member):
# not a special procedure of the applicant's making, just not yet its turn.
WAITING_LABEL = "等待前序事项办结"


@dataclass
class Clock:
    due_on: date | None
    provisional: bool
    remaining_working_days: int | None
    colour: str
    paused: bool
    stopped: bool
    tone: str = ""  # the tag colour on a page (deadlines.clock_tone)
    waiting: bool = False  # accepted, waiting for the cases it depends on (prerequisites.py)

    @property
    def label(self) -> str:
        if self.stopped:
            return "已结束计时"
        if self.paused:
            return "特别程序中，暂停计时"
        if self.waiting:
            return WAITING_LABEL
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
    stopped = status_facts(case.status).clock_stopped
    remaining = None
    if case.due_on and not stopped:
        remaining = working_days_between(today, case.due_on)
    colour = case.warning or WarningColour.NONE
    clock = Clock(due_on=case.due_on, provisional=case.due_provisional, remaining_working_days=remaining,
                  colour=colour, paused=case.status == CaseStatus.SUSPENDED, stopped=stopped,
                  waiting=bool(case.waiting_since) and not stopped)
    clock.tone = clock_tone(clock, today)
    return clock


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
        entries += _locker_entries(case, staff_names=staff_names)
    entries.sort(key=lambda e: e.at)
    return entries


def _locker_entries(case: Case, *, staff_names: bool) -> list[TimelineEntry]:
    """The locker both ways: paper materials dropped off (deposit, collection, the hall's receipt)
    and a result that waited too long in a locker and went back to the hall."""
    entries = []
    drop_off = LockerDropOff.objects.select_related("locker", "collected_by", "received_by").filter(
        application_id=case.application_id).exclude(status=DropOffStatus.CANCELLED).first()
    if drop_off is not None:
        where = f"信包箱 {drop_off.locker}（{drop_off.compartment} 号格口）"
        if drop_off.deposited_at:
            entries.append(TimelineEntry(drop_off.deposited_at, "纸质材料已投入信包箱", "", where))
        if drop_off.collected_at:
            who = drop_off.collected_by.display_name if staff_names and drop_off.collected_by else ""
            entries.append(TimelineEntry(drop_off.collected_at, "工作人员已从信包箱取出材料", who, where))
        if drop_off.handed_over_at:
            who = drop_off.handed_over_by.display_name if staff_names and drop_off.handed_over_by else ""
            entries.append(TimelineEntry(drop_off.handed_over_at, "交通员已将材料送达大厅", who,
                                         drop_off.locker.outlet.name))
        if drop_off.received_at:
            who = drop_off.received_by.display_name if staff_names and drop_off.received_by else ""
            entries.append(TimelineEntry(drop_off.received_at, "大厅已签收信包箱材料", who, "材料进入受理"))
    delivery = Delivery.objects.filter(application_id=case.application_id, returned_at__isnull=False).first()
    if delivery is not None:
        entries.append(TimelineEntry(delivery.returned_at, "信包箱逾期未取，结果已退回窗口", "", "凭原取件码到窗口领取"))
    return entries


@dataclass(frozen=True)
class LockerOption:
    """A locker the applicant may choose: its id, a label (with the distance when known) and the
    distance in metres from where she is (None without a position)."""

    id: int
    label: str
    distance_m: float | None = None

    @property
    def within_radius(self) -> bool:
        return self.distance_m is not None and self.distance_m <= LOCKER_NEAR_METRES


# Lockers within this distance are offered first (seed 004: 全城通港 offers lockers within 5 km).
LOCKER_NEAR_METRES = 5000


def locker_options(*, lat=None, lng=None, area=None) -> list[LockerOption]:
    """Lockers the applicant may choose, nearest first (within 5 km before the rest) when the
    service map knows them and a position or an area is given (the `cases.nearby_lockers`
    hook); else every registered locker."""
    for answer in hooks.call(CaseHook.NEARBY_LOCKERS, lat=lat, lng=lng, area=area):
        if answer:
            return [LockerOption(int(row[0]), str(row[1]), row[2] if len(row) > 2 else None) for row in answer]
    return [LockerOption(lk.pk, str(lk)) for lk in lockers()]


def locker_choices(*, lat=None, lng=None, area=None) -> list[tuple[int, str]]:
    """(id, label) of `locker_options`, for a choice field."""
    return [(o.id, o.label) for o in locker_options(lat=lat, lng=lng, area=area)]


def locker_areas(*, address: str = "") -> dict:
    """Where the applicant may say she is when her phone does not share its position (the
    `cases.locker_areas` hook: districts and street centres), with the district named in
    `address` as the default; empty without a handler."""
    for answer in hooks.call(CaseHook.LOCKER_AREAS, address=address or ""):
        if answer:
            return {"groups": list(answer.get("groups") or []), "default": answer.get("default") or ""}
    return {"groups": [], "default": ""}


def locker_uses_of(applicant) -> set[tuple[str, str]]:
    """("drop_off" | "result", locker code) of every locker the applicant's applications have used
    (the demo loader asks, to make its locker journeys once)."""
    uses = {("drop_off", code) for code in LockerDropOff.objects.filter(application__applicant=applicant)
            .values_list("locker__code", flat=True)}
    uses |= {("result", code) for code in Delivery.objects.filter(application__applicant=applicant, locker__isnull=False)
             .values_list("locker__code", flat=True)}
    return uses


def drop_off_of(application_id: int) -> LockerDropOff | None:
    """The application's current locker drop-off (not a cancelled one), with its locker."""
    return (LockerDropOff.objects.select_related("locker", "locker__outlet")
            .filter(application_id=application_id).exclude(status=DropOffStatus.CANCELLED).first())


def drop_off_by_id(drop_off_id) -> LockerDropOff:
    """One drop-off with its locker and application (not found for a missing one or a non-id);
    the services check the actor's role at the locker's outlet."""
    try:
        pk = int(drop_off_id)
    except (TypeError, ValueError):
        pk = 0
    drop_off = LockerDropOff.objects.select_related("locker", "locker__outlet", "application").filter(pk=pk).first()
    if drop_off is None:
        raise NotFound("未找到该信包箱交件。", code="drop_off_not_found")
    return drop_off


def drop_offs_for_staff(actor) -> list[LockerDropOff]:
    """Drop-offs at the lockers of outlets where the actor is a window clerk that staff still have
    to collect or sign for (deposited, collected), oldest first."""
    outlets = [g.organisation for g in role_grants_for(actor, [Role.WINDOW_CLERK])]
    if not outlets:
        return []
    query = Q()
    for org in outlets:
        query |= Q(locker__outlet__path__startswith=org.path)
    return list(LockerDropOff.objects.select_related("locker", "application", "application__applicant",
                                                     "handed_over_by")
                .filter(query, status__in=(DropOffStatus.DEPOSITED, DropOffStatus.COLLECTED, DropOffStatus.HANDED_OVER))
                .order_by("deposited_at", "id")[:200])


@dataclass
class CourierLocker:
    """A locker on the courier's round: drop-offs waiting in it, and those the courier has taken
    out and still has to bring to the hall."""

    locker: Locker
    waiting: list
    carried: list


def _in_scope(organisations) -> Q:
    query = Q(pk__in=[])
    for org in organisations:
        query |= Q(locker__outlet__path__startswith=org.path)
    return query


def courier_round(actor) -> list[CourierLocker]:
    """The lockers of the outlets under the actor's courier grants that hold deposited materials
    or whose collected materials are still on the way to the hall, by hall and locker."""
    scope = courier_scope(actor)
    if not scope:
        return []
    rows = (LockerDropOff.objects.select_related("locker", "locker__outlet", "collected_by")
            .filter(_in_scope(scope), status__in=(DropOffStatus.DEPOSITED, DropOffStatus.COLLECTED))
            .order_by("locker__outlet__path", "locker__code", "deposited_at", "id")[:500])
    by_locker: dict[int, CourierLocker] = {}
    for row in rows:
        entry = by_locker.setdefault(row.locker_id, CourierLocker(row.locker, [], []))
        (entry.waiting if row.status == DropOffStatus.DEPOSITED else entry.carried).append(row)
    return list(by_locker.values())


def courier_locker(actor, locker_id) -> CourierLocker:
    """One locker of the courier's round (403 outside the courier's scope, not found when
    missing), with its drop-offs to collect and to bring to the hall."""
    try:
        pk = int(locker_id)
    except (TypeError, ValueError):
        pk = 0
    locker = Locker.objects.select_related("outlet").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if locker is None:
        raise NotFound("未找到该信包箱。", code="locker_not_found")
    require_courier_at(actor=actor, outlet=locker.outlet)
    rows = list(LockerDropOff.objects.select_related("collected_by")
                .filter(locker=locker, status__in=(DropOffStatus.DEPOSITED, DropOffStatus.COLLECTED))
                .order_by("deposited_at", "id")[:200])
    return CourierLocker(locker, [r for r in rows if r.status == DropOffStatus.DEPOSITED],
                         [r for r in rows if r.status == DropOffStatus.COLLECTED])


def case_closure(case: Case) -> dict | None:
    """Why a terminated or revoked case ended, and any credit record it led to: the applicant must
    not read a revoked approval as a valid result, and is told when a false commitment bars
    commitment and deferred-material acceptance from now on."""
    if not status_facts(case.status).ended_early:
        return None
    records = credit_records_from_case(case)
    return {"reason": case.closed_reason, "credit_records": records,
            "bars_acceptance": any(r.kind in EXCLUDING_KINDS for r in records)}


def open_warnings(actor, *, kind: str = "", colour: str = "") -> QuerySet[CaseWarning]:
    """Warnings in the supervisor's scope, newest first (电子监察); `kind` one WarningKind,
    `colour` "yellow", "red" or "none" (no colour)."""
    qs = (CaseWarning.objects.filter(resolved_on__isnull=True)
          .filter(case__in=Case.objects.filter(supervision_case_filter(actor)))
          .select_related("case", "case__agency", "case__version").order_by("-raised_on", "-id"))
    if kind:
        qs = qs.filter(kind=kind)
    if colour:
        qs = qs.filter(case__warning=WarningColour.NONE if colour == "none" else colour)
    return qs


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


def locker_by_code(code: str) -> Locker:
    locker = Locker.objects.select_related("outlet").filter(code=(code or "")[:30]).first()
    if locker is None:
        raise NotFound("未找到该信包箱。", code="locker_not_found")
    return locker


def document_of(case: Case, document_id) -> CaseDocument:
    """One document of the case, or not found."""
    doc = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if doc is None:
        raise NotFound("未找到该文书。", code="document_not_found")
    return doc


def lockers() -> list[Locker]:
    return list(Locker.objects.select_related("outlet").order_by("outlet__path", "code"))


def version_form_fields(version) -> list:
    """A published version's form fields with their data elements, in order (cached per process:
    published versions never change)."""
    return list(version_facts(version.pk).form_fields)


def version_requirements(version) -> list:
    """A published version's material requirements, in order (cached like the form fields)."""
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
    if case.status not in AWAITING_DEFERRED:
        return None
    return deferral


def outstanding_deferred_ids(case: Case) -> set[int]:
    """Requirement ids of the deferred (容缺) materials not supplied yet."""
    return set(case.application.materials.filter(satisfaction=MaterialSatisfaction.DEFERRED)
               .values_list("requirement_id", flat=True))


def refusal_agencies(case: Case):
    """The departments a refusal may name as the competent one (§32: not this case's agency)."""
    return organisations_of_kind(OrganisationKind.DEPARTMENT, excluding=case.agency_id)


def eligibility(case: Case, *, on: date | None = None) -> dict:
    """Whether this case may be accepted with deferred materials / on commitment, and why not.

    From the catalog lists (the version's flags) and the applicant's credit records: serious
    bad credit or an earlier false promise excludes both (国办发〔2020〕42号; local 容缺 rules).
    """
    on = on or timezone.localdate()
    bad = excluding_credit_records(case.applicant, on=on)
    reasons_bad = "；".join(r.get_kind_display() for r in bad)
    result = {"deferred": True, "commitment": True, "deferred_reason": "", "commitment_reason": ""}
    if not case.version.deferred_material_eligible:
        result.update(deferred=False, deferred_reason="该事项未列入容缺受理清单。")
    elif bad:
        result.update(deferred=False, deferred_reason=f"申请人存在信用记录（{reasons_bad}），不适用容缺受理。")
    if not case.version.commitment_eligible:
        result.update(commitment=False, commitment_reason="该事项未列入告知承诺制清单。")
    elif bad:
        result.update(commitment=False, commitment_reason=f"申请人存在信用记录（{reasons_bad}），不适用告知承诺。")
    return result


def reusable_files_for(applicant, *, actor=None, for_requirement=None) -> list[StoredFile]:
    """Files the applicant submitted before, newest first: reusable instead of uploading again.
    A clerk acting for the applicant (`actor`) sees only those within their scope
    (access.stored_files_usable_by). The same content uploaded several times is listed once (its
    newest upload); each file carries `material_names`, the materials it was filed as, so the list
    says what each one is. With `for_requirement`, files filed as a material of the same name come first."""
    usable = stored_files_usable_by(actor=actor, applicant=applicant)
    files = list(StoredFile.objects.filter(usable).distinct().order_by("-created_at", "-id")[:200])
    names: dict[int, set[str]] = {}
    for file_id, name in (ApplicationMaterial.objects.filter(stored_file__in=[f.pk for f in files])
                          .values_list("stored_file_id", "requirement__name")):
        names.setdefault(file_id, set()).add(name)
    unique: dict[str, StoredFile] = {}
    for stored in files:
        kept = unique.setdefault(stored.sm3 or f"#{stored.pk}", stored)
        kept.material_names = sorted(set(getattr(kept, "material_names", ())) | names.get(stored.pk, set()))
    listed = list(unique.values())
    if for_requirement is not None:
        listed.sort(key=lambda f: for_requirement.name not in f.material_names)  # stable: newest first within
    return listed


def pickup_code_for_owner(case: Case, actor) -> str:
    """The result's open pickup code, for the applicant's own eyes only (never staff, never
    someone filing on their behalf): "" when the actor is not the applicant or nothing waits."""
    if not getattr(actor, "pk", None) or actor.pk != case.applicant_id:
        return ""
    delivery = Delivery.objects.filter(application_id=case.application_id).first()
    if delivery is None or delivery.completed_at or not delivery.pickup_code_hash:
        return ""
    return delivery.pickup_code_sealed or ""


def case_materials(case: Case) -> list[ApplicationMaterial]:
    """The material rows of a case's application, in the catalog's order, with their files."""
    return list(case.application.materials.select_related("requirement", "stored_file")
                .order_by("requirement__order", "requirement_id"))


def filed_materials_by_requirement(case: Case) -> dict[int, ApplicationMaterial]:
    return {m.requirement_id: m for m in case.application.materials.select_related("stored_file")}


def case_documents(case: Case) -> list[CaseDocument]:
    return list(case.documents.order_by("created_at"))


def case_extensions(case: Case) -> list:
    return list(case.extensions.order_by("created_at"))


def case_pauses(case: Case) -> list:
    return list(case.pauses.order_by("started_on"))


def case_transfers(case: Case) -> list[MaterialTransfer]:
    return list(case.transfers.select_related("from_outlet").order_by("sent_at"))


def transfer_of(case: Case, transfer_id) -> MaterialTransfer:
    """One paper-material transfer of the case, or not found."""
    transfer = MaterialTransfer.objects.filter(pk=transfer_id if str(transfer_id).isdigit() else 0, case=case).first()
    if transfer is None:
        raise NotFound("未找到该批流转材料。", code="transfer_not_found")
    return transfer


def deferred_requirements(deferral: Deferral) -> list:
    """Every requirement (catalog material) a deferral allowed to follow."""
    return list(deferral.requirements.all())


def cases_of_application(application: Application) -> list[Case]:
    return list(application.cases.order_by("id"))


def pending_deferred_requirements(case: Case, deferral: Deferral) -> list:
    """The deferred requirements (catalog materials) not supplied yet, in order."""
    pending = outstanding_deferred_ids(case)
    return [r for r in deferral.requirements.order_by("order", "id") if r.pk in pending]


def acceptance_days_left(case: Case, today: date) -> int | None:
    """Working days left of the §32 period, while the case awaits acceptance."""
    if not status_facts(case.status).awaiting_acceptance:
        return None
    return working_days_between(today, case.acceptance_due_on)


def correction_targets(case: Case) -> list[tuple[str, str]]:
    """What a one-time correction notice item may name: the whole, a form entry, a material."""
    options = [("", "整体 / 其他")]
    options += [(f"form/{item['key']}", f"表单：{item['label']}") for item in form_schema(case.version)]
    options += [(f"materials/{r.pk}", f"材料：{r.name}") for r in version_requirements(case.version)]
    return options


def case_page_panels(*, case: Case, actor, audience: str) -> list[tuple[str, dict]]:
    """What higher apps show on a case page (licences, ratings, bundles …): the answers of the
    `cases.case_page_panels` hook, each (template name, context); `audience` is "applicant",
    "window", "department" or "public"."""
    return [panel for panel in hooks.call(CaseHook.CASE_PAGE_PANELS, case=case, actor=actor, audience=audience) if panel]


# ---------------------------------------------------------------------------------------------
# Applications


def submitted_application_id(applicant, application_id) -> int | None:
    """The id, if `application_id` is one of the applicant's submitted applications."""
    return (Application.objects.filter(pk=application_id, applicant=applicant, status=ApplicationStatus.SUBMITTED)
            .values_list("pk", flat=True).first())


def submitted_application(applicant, application_id) -> tuple[Application, list[Case]]:
    """One of the applicant's submitted applications and its cases, or not found."""
    application = (Application.objects.filter(pk=application_id, applicant=applicant,
                                              status=ApplicationStatus.SUBMITTED).select_related("version").first())
    if application is None:
        raise NotFound("未找到该申请。", code="application_not_found")
    return application, list(application.cases.select_related("agency", "version").order_by("id"))


def first_case_of(application: Application) -> Case | None:
    return application.cases.order_by("id").first()


# ---------------------------------------------------------------------------------------------
# The general window


def window_queue(actor, today: date) -> list[dict]:
    """Cases filed at or for this window awaiting the acceptance decision, most urgent first."""
    qs = (Case.objects.filter(window_case_filter(actor), status=CaseStatus.SUBMITTED)
          .select_related("version", "agency", "outlet").order_by("acceptance_due_on", "created_at")[:100])
    return [{"case": c, "days_left": working_days_between(today, c.acceptance_due_on)} for c in qs]


def window_results_to_hand_over(actor) -> list[Case]:
    """Concluded cases of this window: results waiting for the applicant."""
    return list(Case.objects.filter(window_case_filter(actor), status=CaseStatus.CONCLUDED)
                .select_related("version", "agency", "outlet").order_by("due_on", "created_at")[:50])


def window_case_id_by_number(actor, number: str) -> int | None:
    """The case with this number among those the window's case page may show the actor."""
    return Case.objects.filter(window_page_case_filter(actor), number=number).values_list("pk", flat=True).first()


def applicant_by_id(user_id) -> object | None:
    """An active citizen or enterprise account by id (the applicant a clerk checked)."""
    if not user_id:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return None if user is None or user.is_staff_member else user


def staff_member_by_id(user_id):
    """Any account by id (the colleague a task is reassigned to; the service checks the role)."""
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


# ---------------------------------------------------------------------------------------------
# What staff see of the applicant: identifiers masked (accounts.selectors.identifier_for_viewer)


def applicant_identity_for_staff(user) -> dict:
    """Who the clerk is serving: name and masked identifiers only (the full number is never shown)."""
    return {"name": user.display_name, "kind": user.get_kind_display(),
            "id_number": mask_id_number(user.id_number or ""), "uscc": mask_id_number(user.uscc or ""),
            "legal_rep": user.legal_rep_name, "legal_rep_id": mask_id_number(user.legal_rep_id_number or ""),
            "phone": mask_phone(user.phone or "")}


def public_applicant_name(case: Case) -> str:
    """The applicant on the public progress page: the first character only (王**)."""
    return f"{case.applicant_name[:1]}**"


def case_applicant_for_staff(case: Case) -> dict:
    """The applicant's identifiers as filed on the case, masked for staff."""
    return {"id_number": mask_id_number(case.applicant_id_number or ""), "phone": mask_phone(case.applicant_phone or "")}


def case_form_rows(case: Case, *, for_staff: bool) -> list[dict]:
    """The filed form, label and value; for staff, personal identifiers masked like everywhere else
    for non-owners; for the applicant, as filed."""
    masked = {DataType.ID_NUMBER: mask_id_number, DataType.PHONE: mask_phone} if for_staff else {}
    rows = []
    for item in form_schema(case.version):
        value = display_value(item, case.application.form_data.get(item["key"]))
        if item["type"] in masked and value:
            value = masked[item["type"]](value)
        rows.append({"label": item["label"], "value": value})
    return rows


# ---------------------------------------------------------------------------------------------
# The back office: queues and a case's tasks

# Outcome codes of non-decision tasks, as officers read them. A process uploaded by an
# administrator may branch on other codes; those are shown as they are.
OUTCOME_LABELS = {"pass": "通过，提交下一步", "approve": "准予", "deny": "不予准予", "inspect": "需要现场核查",
                  "agree": "同意", "disagree": "不同意"}
RETURNED = "returned"  # the outcome of a task sent back to the previous step (work_tasks.task_return)


def worklist_for(*, actor, status: str | None = None, colour: str | None = None) -> QuerySet[WorkTask]:
    """Open tasks whose role the actor holds, each within that role's organisation subtree; the
    most urgent case first (due date, then age)."""
    errors = []
    if status is not None and status not in OPEN_TASK_STATUSES:
        errors.append(FieldError("status", "invalid_choice", "状态只能是 ready（待办）或 claimed（办理中）。"))
    if colour is not None and colour not in WarningColour.values:
        errors.append(FieldError("colour", "invalid_choice", "预警颜色只能是 yellow（黄牌）、red（红牌）或空（正常）。"))
    if errors:
        raise ValidationFailed(errors)
    q = Q(pk__in=[])
    for role in sorted({g.role for g in role_grants_for(actor)}):
        q |= Q(role=role) & scope_filter(actor, role, path_field="organisation_path")
    qs = WorkTask.objects.filter(q, status__in=[status] if status else OPEN_TASK_STATUSES)
    if colour is not None:
        qs = qs.filter(case__warning=colour)
    return (qs.select_related("case", "case__agency", "organisation", "assignee")
            .order_by(F("case__due_on").asc(nulls_last=True), "created_at", "id"))


def tasks_for_case(*, case: Case) -> QuerySet[WorkTask]:
    """Every task of a case, open and finished, in order (the back-office part of its timeline)."""
    return WorkTask.objects.filter(case=case).select_related("organisation", "assignee", "completed_by").order_by(
        "created_at", "id")


def open_tasks_of(case: Case) -> list[WorkTask]:
    return list(tasks_for_case(case=case).filter(status__in=OPEN_TASK_STATUSES).select_related("process__definition"))


def finished_tasks_of(case: Case) -> list[dict]:
    """The task history of a case: each finished task with its outcome as officers read it."""
    return [{"task": t, "outcome": outcome_label(t)} for t in tasks_for_case(case=case)
            if t.status not in OPEN_TASK_STATUSES]


def open_decision_task(case: Case) -> WorkTask | None:
    """The case's open decide task, if its process has reached one."""
    return WorkTask.objects.filter(case=case, task_key__startswith=engine.DECIDE_PREFIX,
                                   status__in=OPEN_TASK_STATUSES).first()


def task_outcomes(task: WorkTask) -> list[tuple[str, str]]:
    """The outcomes an officer may choose: approve/deny for a decision task; otherwise "pass" plus
    any outcome the process's gateway conditions test for (process_engine.tested_outcomes)."""
    if engine.is_decision_task(task.task_key):
        return [("approve", "准予"), ("deny", "不予准予")]
    found = ["pass"]
    for code in engine.tested_outcomes(task.process.definition.bpmn_xml) if task.process_id else ():
        if code not in found:
            found.append(code)
    return [(code, OUTCOME_LABELS.get(code, code)) for code in found]


def outcome_label(task: WorkTask) -> str:
    """A finished task's outcome as officers read it (the history table), not the process code."""
    if task.status == TaskStatus.CANCELLED:
        return "已取消"
    if task.outcome == RETURNED:
        return "退回"
    return OUTCOME_LABELS.get(task.outcome, task.outcome)


def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def colleagues_for(task: WorkTask) -> list:
    """Staff who hold the task's role at its organisation or above it: whom task_reassign accepts."""
    return role_holders_over(task.organisation, task.role)


def locker_by_id(locker_id) -> Locker | None:
    """One locker with its outlet (None for a missing one or a value that is no id)."""
    try:
        pk = int(locker_id)
    except (TypeError, ValueError, OverflowError):
        return None
    return Locker.objects.select_related("outlet").filter(pk=pk).first() if 1 <= pk <= 2**63 - 1 else None


# --- For bundles (一件事): the lead agency's window and a member's department ------------------

def holds_acceptance_role_at(*, actor, agency) -> bool:
    """Whether `actor` may accept at `agency` (a window clerk or reviewer there, or above)."""
    return bool(getattr(actor, "pk", None)) and has_role(actor, set(ACCEPTANCE_ROLES), agency)


def case_was_denied(case: Case) -> bool:
    return case.decision == Decision.DENIED


def department_staff_of(case: Case) -> list:
    """The people who handle a case in its agency (reviewers and approvers), to be told of a chase."""
    people = {}
    for role in (Role.DEPT_REVIEWER, Role.DEPT_APPROVER):
        for person in role_holders_over(case.agency, role):
            people.setdefault(person.pk, person)
    return list(people.values())


def application_of_applicant(applicant, application_id) -> Application | None:
    """One of the applicant's applications in any status (draft, submitted, withdrawn), or None."""
    return Application.objects.filter(pk=application_id, applicant=applicant).first()


def case_by_id(case_id) -> Case | None:
    """A case by id for a system task acting on it (no actor, so no scope): None if missing."""
    return Case.objects.select_related("version").filter(pk=case_id).first()
def licence_materials_of_cases(case_ids) -> dict[int, list[tuple[str, str]]]:
    """{case id: [(material name, e-licence identifier)]} for the materials the cases' applications
    met from the e-licence library (免提交), one query (a bundle's console lists many cases)."""
    rows = (ApplicationMaterial.objects.filter(application__cases__id__in=list(case_ids))
            .exclude(licence_reference="").values_list("application__cases__id", "requirement__name", "licence_reference")
            .order_by("application__cases__id", "requirement__order", "requirement_id"))
    found: dict[int, list[tuple[str, str]]] = {}
    for case_id, name, identifier in rows:
        found.setdefault(case_id, []).append((name, identifier))
    return found
