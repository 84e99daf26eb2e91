"""Applying: drafts, uploads, submission (idempotent), withdrawal of a draft.

The submit path is the intake hot path (benchmarks/intake.py): everything about a published
version that a submission needs (form fields, material requirements) is immutable once published,
so it is cached per version id in process memory instead of being queried on every request.
"""

from __future__ import annotations

import json
import secrets
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.cases.access import stored_files_usable_by
from yiwang.cases.constants import (
    SELF_SERVICE_CHANNELS,
    ApplicationStatus,
    CaseHook,
    CaseStatus,
    Channel,
    DeliveryMethod,
    DropOffChoice,
    ErrorCode,
    MaterialSatisfaction,
)
from yiwang.cases.deadlines import acceptance_due_on
from yiwang.cases.locks import lock_application
from yiwang.cases.models import Application, ApplicationMaterial, Case, Delivery, Locker, StoredFile
from yiwang.cases.services.lockers import drop_off_after_submit
from yiwang.cases.services.submission_write import BatchExtras, SubmissionRows, persist_batch, persist_submission
from yiwang.cases.transitions import applicant_notifications, initial_status_change
from yiwang.catalog import selectors as catalog_selectors
from yiwang.catalog.application_form import field_options, validate_form_data
from yiwang.catalog.constants import MaterialNecessity, MaterialSource
from yiwang.catalog.selectors import VersionFacts, version_facts
from yiwang.core import hooks
from yiwang.core.audit import record_event
from yiwang.core.crypto import sm3_hex, sm3_hex_chunks
from yiwang.core.errors import (
    MAX_DB_ID,
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from yiwang.core.file_safety import pdf_problem, zip_problem
from yiwang.notifications.services import save_notifications
from yiwang.orgs.constants import OrganisationKind
from yiwang.orgs.selectors import nearest_of_kind

MAX_UPLOAD_BYTES = getattr(settings, "YIWANG_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Materials that may be missing at submission: the window decides (容缺 / 信息免交 / optional).
_NOT_REQUIRED_AT_SUBMISSION = {MaterialNecessity.OPTIONAL, MaterialNecessity.DEFERRABLE, MaterialNecessity.EXEMPT}


# ---------------------------------------------------------------------------------------------
# Which version a filing is pinned to

# implementation id -> (version id, monotonic time read). A publication reaches intake within this
# many seconds in every process; a filing in that window pins the version that was current when
# the window opened — legally the same moment (a guide takes effect on its publication day).
CURRENT_VERSION_TTL_SECONDS = 2.0
_current_versions: dict[int, tuple[int, float]] = {}


def current_published_version_id(implementation_id) -> int:
    """The id of the version an application filed now is pinned to: the current published one.
    Everything else about that version comes from the per-process cache (published versions never
    change); which version is current is re-read at most every CURRENT_VERSION_TTL_SECONDS."""
    impl_id = as_db_id(implementation_id)
    cached = _current_versions.get(impl_id) if impl_id else None
    now = time.monotonic()
    if cached and now - cached[1] < CURRENT_VERSION_TTL_SECONDS:
        return cached[0]
    version_id = impl_id and catalog_selectors.current_published_version_id(impl_id)
    if not version_id:
        raise NotFound("该事项不存在或尚未发布，暂不能申请。", code=ErrorCode.NOT_PUBLISHED, field="implementation")
    if len(_current_versions) > 10_000:
        _current_versions.clear()
    catalog_selectors.forget_element_classification()
    _current_versions[impl_id] = (version_id, now)
    return version_id


def published_version_for(implementation_id):
    """The catalog version an application filed now is pinned to (catalog.ImplementationVersion)."""
    return catalog_selectors.version_by_id(current_published_version_id(implementation_id))


# ---------------------------------------------------------------------------------------------
# Uploads

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes, fileobj) -> str | None:
    """The type by content, not by name: PDF, JPEG, PNG, or OFD (a ZIP whose root has OFD.xml)."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as archive:
                if "OFD.xml" in archive.namelist():
                    return "application/ofd"
        except zipfile.BadZipFile:
            return None
    return None


def content_problem(content_type: str, fileobj) -> str | None:
    """Why a file of an accepted type is still refused: a PDF with active content or HTML around
    it, an OFD archive that would explode when unpacked (yiwang.core.file_safety)."""
    if content_type == "application/pdf":
        return pdf_problem(fileobj)
    if content_type == "application/ofd":
        return zip_problem(fileobj)
    return None


@transaction.atomic
def stored_file_create(*, actor, owner, upload: UploadedFile, field: str = "file") -> StoredFile:
    """Store one uploaded material file for `owner` (the applicant, also when a clerk uploads)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            f"文件「{upload.name}」大小为 {upload.size / 1048576:.1f} MB，超过 {MAX_UPLOAD_BYTES // 1048576} MB 上限，请压缩后重新上传。",
            code=ErrorCode.FILE_TOO_LARGE, field=field)
    if upload.size == 0:
        raise DomainError(f"文件「{upload.name}」是空文件，请重新选择。", code=ErrorCode.FILE_TYPE, field=field)
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff_content_type(head, upload)
    if content_type is None:
        raise DomainError(
            f"文件「{upload.name}」的内容不是 PDF、JPEG、PNG 或 OFD 格式（按文件内容判断，与扩展名无关），请转换后上传。",
            code=ErrorCode.FILE_TYPE, field=field)
    problem = content_problem(content_type, upload)
    if problem:
        raise DomainError(f"文件「{upload.name}」{problem}", code=ErrorCode.FILE_UNSAFE, field=field)
    upload.seek(0)
    stored = StoredFile(owner=owner, uploaded_by=actor if getattr(actor, "pk", None) else None,
                        original_name=upload.name[:255], content_type=content_type, size=upload.size,
                        sm3=sm3_hex_chunks(upload.chunks()))
    upload.seek(0)
    stored.file.save(f"{secrets.token_hex(16)}", upload, save=False)
    stored.save()
    record_event(actor=actor, action="material.uploaded", obj=stored,
                 details={"owner": owner.pk, "sm3": stored.sm3, "type": content_type, "size": stored.size})
    return stored


# ---------------------------------------------------------------------------------------------
# Form data and materials

def validate_form(facts: VersionFacts, form_data: dict) -> tuple[dict, list[FieldError]]:
    return validate_form_data(list(facts.form_fields), form_data or {})


def prefill_from_profile(*, version, applicant) -> dict:
    """Initial form values from the applicant's profile (data elements with a profile source)."""
    facts = version_facts(version.pk)
    values = {}
    for field in facts.form_fields:
        source = field.data_element.profile_source
        if source.startswith("user."):
            value = getattr(applicant, source.removeprefix("user."), "")
            if value:
                values[field.data_element.key] = value
    return values


# The form field that asks how the result is handed over; the delivery arrangement (`delivery`)
# answers it, so the applicant is asked once (the wizard's delivery step, the API's `delivery`).
DELIVERY_FIELD = "delivery.method"
# Words that identify a form option for each delivery method (item forms word them differently:
# 窗口领取 / 免费邮寄 / 电子证照 …); the first option containing a word wins.
_DELIVERY_OPTION_WORDS = {
    DeliveryMethod.WINDOW: ("窗口", "现场", "自取"),
    DeliveryMethod.MAIL: ("邮寄", "快递", "寄递"),
    DeliveryMethod.LOCKER: ("信包箱", "自取", "窗口"),
    DeliveryMethod.ELECTRONIC: ("电子", "网上"),
}


def with_delivery_choice(facts: VersionFacts, form_data: dict, delivery: dict | None) -> dict:
    """The form data with its delivery field (if the form has one) set from the delivery
    arrangement, so the case never says two different things about how the result is handed over."""
    field = next((f for f in facts.form_fields if f.data_element.key == DELIVERY_FIELD), None)
    if field is None:
        return form_data
    method = (delivery or {}).get("method") or DeliveryMethod.WINDOW
    options = field_options(field)
    for word in _DELIVERY_OPTION_WORDS.get(method, ()):
        for option in options:
            if word in str(option.get("label", "")) or word in str(option.get("value", "")):
                return {**(form_data or {}), DELIVERY_FIELD: option["value"]}
    return form_data


def licence_offer(*, applicant, requirement, on_date: date | None = None) -> dict | None:
    """What the e-licence library (a higher app, through `cases.material_sources`) offers for a
    requirement naming a licence type: a satisfying offer if any handler has one, else the first
    refusal (expired, revoked … with the reason for the applicant), else None."""
    if not getattr(requirement, "licence_type_code", "") or not getattr(applicant, "pk", None):
        return None
    offers = [o for o in hooks.call(CaseHook.MATERIAL_SOURCES, applicant=applicant, requirement=requirement,
                                    on_date=on_date) if o]
    return next((o for o in offers if o.get("satisfies")), offers[0] if offers else None)


def resolve_materials(*, facts: VersionFacts, applicant, materials: dict, channel: str,
                       errors: list[FieldError], actor=None, owned: dict | None = None) -> list[ApplicationMaterial]:
    """Turn {requirement_id: {"file": id} | {"reuse": id} | {"paper": true}} into rows; missing
    required materials become field errors (all at once). A requirement left without a file is met
    by the online form when it is the form itself (在线填报), or by a valid e-licence the applicant
    holds (免提交; the identifier is kept on the row); an expired or revoked one is named in the error.

    `actor` is who files (None: the applicant themselves). Staff acting for an applicant may use
    only the files of that applicant within their scope (access.stored_files_usable_by); a paper
    original counts only when a staff member at a window (or the post room) received it.
    `owned` is that usable-files lookup done already (a batch asks once for all its applications)."""
    rows = []
    given = {as_db_id(k): v for k, v in (materials or {}).items() if as_db_id(k)}
    if owned is None:
        owned = usable_files(actor=actor, applicant=applicant, materials=[given])
    staff_receives_paper = accepts_paper(channel) and getattr(actor, "is_staff_member", False)
    for requirement in facts.materials:
        spec = given.pop(requirement.pk, None)
        field = f"materials.{requirement.pk}"
        row = ApplicationMaterial(requirement=requirement)
        if isinstance(spec, dict) and (spec.get("file") or spec.get("reuse")):
            file_id = spec.get("file") or spec.get("reuse")
            stored = owned.get(as_db_id(file_id))
            if stored is None:
                errors.append(FieldError(field, "file_not_found", f"「{requirement.name}」引用的文件不存在或不属于申请人，请重新上传。"))
                continue
            row.stored_file = stored
            row.satisfaction = MaterialSatisfaction.REUSE if spec.get("reuse") else MaterialSatisfaction.UPLOAD
        elif isinstance(spec, dict) and spec.get("paper"):
            if not staff_receives_paper:
                errors.append(FieldError(field, ErrorCode.PAPER_NOT_ALLOWED,
                                         f"「{requirement.name}」的纸质原件只能由窗口工作人员当面收取后登记；网上办理请上传电子文件。"))
                continue
            row.satisfaction = MaterialSatisfaction.PAPER
        elif requirement.source_channel == MaterialSource.ONLINE_FORM:
            row.satisfaction = MaterialSatisfaction.FORM
        elif (offer := licence_offer(applicant=applicant, requirement=requirement)) and offer.get("satisfies"):
            row.satisfaction = MaterialSatisfaction.LICENCE
            row.licence_reference = str(offer.get("identifier") or "")[:120]
        elif requirement.necessity in _NOT_REQUIRED_AT_SUBMISSION:
            row.satisfaction = MaterialSatisfaction.MISSING
        elif offer:
            errors.append(FieldError(field, "licence_not_valid", f"「{requirement.name}」：{offer.get('message', '')}"))
            continue
        else:
            errors.append(FieldError(field, "material_missing", f"请提供「{requirement.name}」（必要材料）。"))
            continue
        rows.append(row)
    for unknown in given:
        errors.append(FieldError(f"materials.{unknown}", "material_unknown", "该材料不属于本事项的申请材料清单，请刷新页面后重试。"))
    return rows


def _file_ids(materials: dict) -> set[int]:
    ids = {as_db_id(spec.get("file") or spec.get("reuse")) for spec in materials.values() if isinstance(spec, dict)}
    ids.discard(None)
    return ids


def usable_files(*, actor, applicant, materials: list[dict]) -> dict[int, StoredFile]:
    """The stored files named in `materials` (one or more {requirement: spec} maps) that `actor`
    may attach for `applicant`, by id — one query however many applications name them."""
    file_ids = set().union(*(_file_ids(m or {}) for m in materials)) if materials else set()
    if not file_ids:
        return {}
    usable = stored_files_usable_by(actor=actor, applicant=applicant)
    return {f.pk: f for f in StoredFile.objects.filter(usable, pk__in=file_ids).distinct().only("pk", "owner_id")}


def resolve_given_materials(*, version_id: int, applicant, materials: dict, channel: str,
                            errors: list[FieldError], actor=None) -> list[ApplicationMaterial]:
    """Rows for just the requirements named in `materials` (a correction, a deferred supplement):
    each of them must now actually be provided, also the ones that were optional at submission."""
    facts = version_facts(version_id)
    named = {as_db_id(k) for k in materials or {}}
    subset = replace(facts, materials=tuple(m for m in facts.materials if m.pk in named))
    rows = resolve_materials(facts=subset, applicant=applicant, materials=materials, channel=channel, errors=errors,
                             actor=actor)
    for row in rows:
        if row.satisfaction == MaterialSatisfaction.MISSING:
            errors.append(FieldError(f"materials.{row.requirement_id}", "material_missing",
                                     f"请上传「{row.requirement.name}」，或到窗口提交纸质原件。"))
    return [row for row in rows if row.satisfaction != MaterialSatisfaction.MISSING]


def channel_allowed(*, actor, applicant, channel: str) -> None:
    """Where a filing came in is a fact staff record, not a claim: an applicant acting themselves
    files on a self-service channel (web, mobile); the window, post and hotline channels are
    asserted by the staff member who took the application there."""
    acting_for_someone = getattr(actor, "pk", None) is not None and actor.pk != applicant.pk
    if channel in SELF_SERVICE_CHANNELS:
        return
    if not (acting_for_someone and getattr(actor, "is_staff_member", False)):
        raise PermissionDenied(f"申请人本人只能通过网站或移动端提交申请；「{Channel(channel).label}」渠道由受理的工作人员登记。",
                               code=ErrorCode.CHANNEL_NOT_ALLOWED, field="channel")


def accepts_paper(channel: str) -> bool:
    """Paper originals count as provided when handed in at a window or sent by post."""
    return channel in (Channel.WINDOW, Channel.POST)


def as_db_id(value) -> int | None:
    """A database id from untrusted input, or None (also for values the column could not hold)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= MAX_DB_ID else None


def _delivery_row(spec: dict | None, applicant, errors: list[FieldError]) -> Delivery:
    spec = spec or {}
    method = spec.get("method") or DeliveryMethod.WINDOW
    if method not in DeliveryMethod.values:
        errors.append(FieldError("delivery.method", "invalid_choice", "送达方式应为 window、mail、locker 或 electronic。"))
        method = DeliveryMethod.WINDOW
    delivery = Delivery(method=method, recipient_name=spec.get("recipient_name") or applicant.display_name,
                        recipient_phone=spec.get("recipient_phone") or applicant.phone or "",
                        address=spec.get("address") or "")
    if method == DeliveryMethod.MAIL and not delivery.address.strip():
        errors.append(FieldError("delivery.address", "required", "选择邮寄送达时请填写收件地址。"))
    if method == DeliveryMethod.LOCKER:
        locker_id = as_db_id(spec.get("locker"))
        if locker_id is None or not Locker.objects.filter(pk=locker_id).exists():
            errors.append(FieldError("delivery.locker", "required", "选择信包箱自取时请选择一个可用的信包箱。"))
        else:
            delivery.locker_id = locker_id
    return delivery


# ---------------------------------------------------------------------------------------------
# Outlets

@lru_cache(maxsize=512)
def agency_hall(agency_id: int) -> tuple[int, str] | None:
    """The service center where an agency's items are accepted by default (the hall at the same
    division, else the nearest ancestor's)."""
    return nearest_of_kind(agency_id, OrganisationKind.SERVICE_CENTER)


def clear_process_caches() -> None:
    """Forget the per-process caches (tests: their databases reuse ids after a rollback)."""
    version_facts.cache_clear()
    agency_hall.cache_clear()
    _current_versions.clear()


def agency_hall_id(agency_id: int) -> int | None:
    hall = agency_hall(agency_id)
    return hall[0] if hall else None


def _outlet_for(*, facts: VersionFacts, outlet) -> tuple[int | None, str]:
    if outlet is None:
        return agency_hall(facts.agency_id) or (None, "")
    if not facts.city_wide and outlet.pk != agency_hall_id(facts.agency_id) and not outlet.path.startswith(facts.agency_path):
        raise DomainError("该事项不属于全市通办事项，请到实施部门所在的政务服务中心办理。",
                          code=ErrorCode.NOT_CITY_WIDE, field="outlet")
    return outlet.pk, outlet.path


# ---------------------------------------------------------------------------------------------
# Checks without writing (the wizard tells people at each step what submission would refuse)

def material_problems(*, version, applicant, materials: dict,
                      channel: str = Channel.WEB) -> list[FieldError]:
    errors: list[FieldError] = []
    resolve_materials(facts=version_facts(version.pk), applicant=applicant, materials=materials or {},
                       channel=channel, errors=errors)
    return errors


def outlet_accepts(*, version_id: int, outlet) -> bool:
    """Whether a window at `outlet` may file this item: the rule submission applies (_outlet_for),
    asked before the clerk types the whole form rather than after."""
    try:
        _outlet_for(facts=version_facts(version_id), outlet=outlet)
    except DomainError:
        return False
    return True


def delivery_problems(*, applicant, delivery: dict | None) -> list[FieldError]:
    errors: list[FieldError] = []
    _delivery_row(delivery, applicant, errors)
    return errors


# ---------------------------------------------------------------------------------------------
# Drafts

@transaction.atomic
def application_save_draft(*, actor, applicant, implementation_id: int, form_data: dict | None = None,
                           materials: dict | None = None, delivery: dict | None = None,
                           application: Application | None = None, channel: str = Channel.WEB,
                           drop_off: dict | None = None) -> Application:
    """Save what the applicant has typed so far; nothing is validated but the owner and the item.
    `drop_off` is how the paper materials will come: {"method": "window" | "locker", "locker": id,
    "area": where she said she is} — a locker drop-off is requested when the draft is submitted."""
    version = published_version_for(implementation_id)
    if application is None:
        application = Application(applicant=applicant, channel=channel, implementation_id=implementation_id,
                                  version=version, filed_by=actor if actor != applicant else None)
    elif application.status != ApplicationStatus.DRAFT or application.applicant_id != applicant.pk:
        raise NotFound("草稿不存在或已提交。", code="draft_not_found")
    application.form_data = {**application.form_data, **(form_data or {})}
    application.version = version
    stash = dict(application.form_data.get("_draft", {}))
    if materials is not None:
        stash["materials"] = materials
    if delivery is not None:
        stash["delivery"] = delivery
    if drop_off is not None:
        stash["drop_off"] = drop_off
    if stash:
        application.form_data["_draft"] = stash
    application.save()
    record_event(actor=actor, action="application.draft_saved", obj=application)
    return application


@transaction.atomic
def application_discard_draft(*, actor, application: Application) -> Application:
    if application.status != ApplicationStatus.DRAFT:
        raise Conflict("只有草稿可以删除；已提交的申请请在办件中撤回。", code="not_a_draft")
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    record_event(actor=actor, action="application.draft_discarded", obj=application)
    return application


# ---------------------------------------------------------------------------------------------
# Submission

def application_submit(*, actor, applicant, implementation_id: int, form_data: dict, materials: dict | None = None,
                       channel: str = Channel.WEB, outlet=None, delivery: dict | None = None,
                       idempotency_key: str | None = None, draft: Application | None = None,
                       today: date | None = None) -> Application:
    """File an application: validate, create the case, record receipt (the §32 clock starts).

    Idempotent: the same `idempotency_key` from the same applicant returns the first application
    (the same payload; `application.replayed` is then True) or a conflict (a different payload),
    also when retries race: the unique constraint decides the winner and the loser reads it.
    All or nothing: one transaction. `application.submitted_cases` lists the cases created.
    """
    if channel not in Channel.values:
        raise ValidationFailed([FieldError("channel", "invalid_choice", "渠道取值无效。")])
    channel_allowed(actor=actor, applicant=applicant, channel=channel)
    digest = _payload_digest(implementation_id, form_data, materials, channel, delivery) if idempotency_key else ""
    # No lookup before the insert: the first submission (nearly every one) pays nothing for
    # idempotency; a retry hits the unique constraint, rolls back, and reads the winner.
    for attempt in range(3):
        try:
            application = _submit(actor=actor, applicant=applicant, implementation_id=implementation_id,
                                  form_data=form_data, materials=materials, channel=channel, outlet=outlet,
                                  delivery=delivery, idempotency_key=idempotency_key, digest=digest, draft=draft,
                                  today=today)
            application.replayed = False
            return application
        except IntegrityError:
            if idempotency_key:
                existing = _replay(applicant, idempotency_key, digest)
                if existing:
                    existing.replayed = True
                    return existing
            if attempt == 2:  # a case-number collision three times in a row is not chance
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def application_submit_draft(*, actor, draft: Application, idempotency_key: str) -> Application:
    """Submit a saved draft (the wizard's last step). Two clicks on 提交 arrive as two requests:
    the draft is locked and read again, so the second waits for the first and then finds it
    submitted — and gets the application filed under the same key (`replayed` True)."""
    lock_application(draft)
    draft.refresh_from_db()
    if draft.status != ApplicationStatus.DRAFT:
        done = Application.objects.filter(applicant=draft.applicant_id, idempotency_key=idempotency_key).first()
        if done is None:
            raise NotFound("草稿不存在或已提交。已提交的申请请在“我的办件”中查看。", code="draft_not_found")
        done.replayed = True
        return done
    stash = dict((draft.form_data or {}).get("_draft") or {})
    form_data = {k: v for k, v in (draft.form_data or {}).items() if k != "_draft"}
    locker_id = drop_off_locker_of(stash.get("drop_off"))
    application = application_submit(actor=actor, applicant=draft.applicant, implementation_id=draft.implementation_id,
                                     form_data=form_data, materials=stash.get("materials") or {},
                                     delivery=stash.get("delivery") or None, channel=draft.channel,
                                     idempotency_key=idempotency_key, draft=draft)
    if locker_id and not application.replayed:
        # The open code is the locker machinery's (services/lockers.py), issued once the
        # application is committed: a failed or rolled-back submission reserves no compartment.
        application_id = application.pk
        # robust: whatever goes wrong there is logged; the submission itself has succeeded.
        transaction.on_commit(lambda: drop_off_after_submit(actor=actor, application_id=application_id,
                                                            locker_id=locker_id), robust=True)
    return application


def drop_off_locker_of(spec: dict | None) -> int | None:
    """The locker of a draft's paper drop-off choice (None for "at the window"); a choice of a
    locker that does not exist is refused before anything is written."""
    spec = spec or {}
    if spec.get("method") != DropOffChoice.LOCKER:
        return None
    locker_id = as_db_id(spec.get("locker"))
    if locker_id is None or not Locker.objects.filter(pk=locker_id).exists():
        raise ValidationFailed([FieldError("drop_off.locker", "required",
                                           "选择投递到24小时自助信包箱时，请选择一个可用的信包箱。")])
    return locker_id


def application_submit_at_window(*, actor, applicant, implementation_id: int, form_data: dict, materials: dict,
                                 outlet, delivery: dict | None, idempotency_key: str) -> Application:
    """A window clerk files for the applicant (channel window). The page carries one key per
    rendering; the same page sent twice re-uploads its files, so the second payload differs from
    the first: under the same key it is the same filing (`repeated_page` True), not a conflict."""
    try:
        return application_submit(actor=actor, applicant=applicant, implementation_id=implementation_id,
                                  form_data=form_data, materials=materials, channel=Channel.WINDOW, outlet=outlet,
                                  delivery=delivery, idempotency_key=idempotency_key)
    except Conflict as exc:
        existing = Application.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if exc.code != ErrorCode.IDEMPOTENCY_CONFLICT or existing is None:
            raise
        existing.replayed = existing.repeated_page = True
        return existing


def _payload_digest(*parts) -> str:
    return sm3_hex(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))


def _replay(applicant, key: str, digest: str) -> Application | None:
    existing = Application.objects.filter(applicant=applicant, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_digest != digest:
        raise Conflict("该 Idempotency-Key 已用于另一份不同内容的申请，请为新申请使用新的键值。",
                       code=ErrorCode.IDEMPOTENCY_CONFLICT, field="Idempotency-Key")
    return existing


def _submit(*, actor, applicant, implementation_id, form_data, materials, channel, outlet, delivery,
            idempotency_key, digest, draft, today) -> Application:
    errors: list[FieldError] = []
    rows = _prepare(actor=actor, applicant=applicant, implementation_id=implementation_id, form_data=form_data,
                    materials=materials, channel=channel, outlet=outlet, delivery=delivery, today=today, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    if draft is not None and (draft.status != ApplicationStatus.DRAFT or draft.applicant_id != applicant.pk):
        raise NotFound("草稿不存在或已提交。", code="draft_not_found")
    rows.application.idempotency_key = idempotency_key
    rows.application.request_digest = digest
    if draft is None:
        persist_submission(rows)
    else:
        _persist_draft_submission(draft, rows)
    application = rows.application
    application.submitted_cases = [rows.case]
    return application


def _prepare(*, actor, applicant, implementation_id, form_data, materials, channel, outlet, delivery, today,
             errors: list[FieldError], owned: dict | None = None, notify: bool = True) -> SubmissionRows | None:
    """Every check of a submission and the rows it writes (unsaved): the form against the pinned
    version, the materials, the delivery, the outlet, the case with its receipt day and §32
    acceptance deadline. Field errors are added to `errors` (then None is returned); the outlet
    rule raises. `notify` False leaves out the applicant's notice of this case (a batch sends one
    notice for all its cases)."""
    version_id = current_published_version_id(implementation_id)
    facts = version_facts(version_id)
    before = len(errors)
    cleaned, form_errors = validate_form(facts, with_delivery_choice(facts, form_data, delivery))
    errors += form_errors
    material_rows = resolve_materials(facts=facts, applicant=applicant, materials=materials or {}, channel=channel,
                                      errors=errors, actor=actor, owned=owned)
    delivery_row = _delivery_row(delivery, applicant, errors)
    if len(errors) > before:
        return None
    outlet_id, outlet_path = _outlet_for(facts=facts, outlet=outlet)

    now = timezone.now()
    today = today or timezone.localdate(now)
    application = Application(applicant=applicant, implementation_id=facts.implementation_id)
    application.version_id = version_id
    application.channel = channel
    application.outlet_id = outlet_id
    application.filed_by = actor if getattr(actor, "pk", None) and actor.pk != applicant.pk else None
    application.form_data = cleaned
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.idempotency_key = None  # the filing's key, if any, is set by the caller
    application.request_digest = ""
    if delivery_row.method == DeliveryMethod.WINDOW:
        delivery_row.pickup_outlet_id = outlet_id  # results are handed over where the case was filed
    case = Case(
        number=f"{today:%Y%m%d}{secrets.randbelow(10**10):010d}",
        verification_code=f"{secrets.randbelow(10**6):06d}",
        applicant=applicant, implementation_id=facts.implementation_id, version_id=version_id,
        agency_id=facts.agency_id, agency_path=facts.agency_path, outlet_id=outlet_id, outlet_path=outlet_path,
        channel=channel, status=CaseStatus.SUBMITTED, applicant_name=applicant.display_name,
        applicant_id_number=applicant.id_number or "", applicant_phone=applicant.phone or "",
        received_on=today,
        acceptance_due_on=acceptance_due_on(today),
    )
    return SubmissionRows(
        application=application, materials=material_rows, delivery=delivery_row, case=case,
        status_change=initial_status_change(case=case, actor=actor, channel=channel),
        notifications=applicant_notifications(case=case, status=CaseStatus.SUBMITTED) if notify else [], actor=actor,
        audit_details={"channel": channel, "version": version_id},
    )


# ---------------------------------------------------------------------------------------------
# Several applications filed as one (a bundle's members: the bundles app above)

@dataclass(frozen=True)
class BatchItem:
    """One application of a batch: the item, its form data and materials as application_submit
    takes them, and the items of the batch (by index) whose cases this one's case depends on
    (`Case.depends_on`: its clock waits for them, services/clock.py)."""

    implementation_id: int
    form_data: dict
    materials: dict
    depends_on: tuple[int, ...] = ()


class BatchRejected(ValidationFailed):
    """Field errors of a batch, also by item (`by_item`: index → errors), so the caller can say
    which of its applications each error belongs to."""

    def __init__(self, by_item: dict[int, list[FieldError]]):
        self.by_item = by_item
        super().__init__([e for errors in by_item.values() for e in errors])


def applications_submit_batch(*, actor, applicant, items: list[BatchItem], channel: str = Channel.WEB, outlet=None,
                              delivery: dict | None = None, today: date | None = None, notifications: list | None = None,
                              events: list[tuple[str, object, dict]] | None = None) -> list[Application]:
    """File several applications of one applicant at once, all or none, in the caller's transaction
    (required: a failure rolls it back). Each item passes exactly the checks of application_submit
    and gets the same rows — application, materials, delivery, case (number, receipt day, §32
    acceptance deadline, encrypted fields), first status row, `application.submitted` audit event —
    written together with the cases' dependencies in one statement (submission_write.persist_batch).
    The applicant is not told of each case: `notifications` (built rows) are the caller's one
    notice for the filing, `events` its own audit events ((action, saved object, details)), both
    written in the same statement. Idempotency is the caller's (the filing it belongs to is keyed).
    Errors: BatchRejected with every field error of every item, by item."""
    if channel not in Channel.values:
        raise ValidationFailed([FieldError("channel", "invalid_choice", "渠道取值无效。")])
    channel_allowed(actor=actor, applicant=applicant, channel=channel)
    owned = usable_files(actor=actor, applicant=applicant, materials=[item.materials for item in items])
    by_item: dict[int, list[FieldError]] = {}
    batch: list[SubmissionRows] = []
    for index, item in enumerate(items):
        errors: list[FieldError] = []
        rows = _prepare(actor=actor, applicant=applicant, implementation_id=item.implementation_id,
                        form_data=item.form_data, materials=item.materials, channel=channel, outlet=outlet,
                        delivery=delivery, today=today, errors=errors, owned=owned, notify=False)
        if errors:
            by_item[index] = errors
        elif rows is not None:
            batch.append(rows)
    if by_item:
        raise BatchRejected(by_item)
    dependencies = [(index, dep) for index, item in enumerate(items) for dep in item.depends_on]
    if any(not 0 <= dep < len(items) or dep == index for index, dep in dependencies):
        raise ValueError("a batch item depends on an item outside the batch")
    persist_batch(batch, BatchExtras(notifications=list(notifications or []), events=list(events or []),
                                     dependencies=dependencies))
    for rows in batch:
        rows.application.submitted_cases = [rows.case]
    return [rows.application for rows in batch]


@transaction.atomic
def _persist_draft_submission(draft: Application, rows: SubmissionRows) -> None:
    """A draft already has its application row: update it, then write the rest like a new one."""
    fresh = rows.application
    for name in ("version_id", "channel", "outlet_id", "filed_by_id", "form_data", "status", "submitted_at",
                 "idempotency_key", "request_digest"):
        setattr(draft, name, getattr(fresh, name))
    draft.save()
    rows.application = draft
    for material in rows.materials:
        material.application = draft
    rows.delivery.application = draft
    rows.case.application = draft
    ApplicationMaterial.objects.bulk_create(rows.materials)
    rows.delivery.save(force_insert=True)
    rows.case.save(force_insert=True)
    rows.status_change.case = rows.case
    rows.status_change.save(force_insert=True)
    record_event(actor=rows.actor, action="application.submitted", obj=draft,
                 details={"case": rows.case.number, **rows.audit_details})
    for n in rows.notifications:
        n.object_id = str(rows.case.pk)
    save_notifications(rows.notifications)
