"""Issuing licences: numbering (GB/T 36904), signing (SM2), the PDF, new versions on renewal and
change, and issuing from a decided case."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yiwang.core.audit import actor_fields, record_event
from yiwang.core.crypto import blind_index, mask_id_number, mask_name, sm3_hex
from yiwang.core.errors import DomainError, FieldError, ValidationFailed
from yiwang.core.identifiers import id_number_birth_date, id_number_errors, normalise_uscc, uscc_errors
from yiwang.licences import documents, offline_verifier, signing
from yiwang.licences.constants import (
    ErrorCode,
    HolderKind,
    LicenceAction,
    LicenceSource,
    LicenceStatus,
    NumberRule,
)
from yiwang.licences.identifiers import build_identifier
from yiwang.licences.lifecycle import next_status
from yiwang.licences.models import Licence, LicenceStatusChange, LicenceType, SerialCounter
from yiwang.licences.services.keys import issuer_key_for, private_key_of
from yiwang.licences.subjects import normalise_subject_id, subject_index
from yiwang.licences.validity import valid_until as compute_valid_until

NUMBER_PURPOSE = "licence-number"
MAX_TEXT = 500
KEEP = object()  # "compute the end of validity from the type's rule"


def public_base_url() -> str:
    return getattr(settings, "YIWANG_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _has_control(text: str) -> bool:
    return any(not ch.isprintable() for ch in text.replace("\n", ""))


@dataclass(frozen=True)
class Holder:
    kind: str  # HolderKind
    name: str
    identifier: str


def holder_errors(holder: Holder, *, prefix: str = "holder") -> list[FieldError]:
    errors = []
    name = (holder.name or "").strip()
    if not name:
        errors.append(FieldError(f"{prefix}_name", "required", "请填写持证主体名称（姓名或单位名称）。"))
    elif len(name) > 200 or _has_control(name):
        errors.append(FieldError(f"{prefix}_name", ErrorCode.FIELD_INVALID, "持证主体名称不超过 200 个字符，且不能含控制字符。"))
    identifier = normalise_subject_id(holder.identifier)
    if holder.kind == HolderKind.PERSON:
        errors += id_number_errors(identifier, field=f"{prefix}_id")
    else:
        errors += uscc_errors(normalise_uscc(identifier), field=f"{prefix}_id")
    return errors


def clean_attributes(licence_type: LicenceType, attributes: dict | None, *, prefix: str = "attributes") -> tuple[dict, list[FieldError]]:
    """The type's extra fields as strings; unknown keys and overlong values are errors."""
    allowed = {f["key"]: f["label"] for f in licence_type.template_fields}
    cleaned, errors = {}, []
    for key, value in (attributes or {}).items():
        if key not in allowed:
            errors.append(FieldError(f"{prefix}.{key}", ErrorCode.FIELD_INVALID, f"「{licence_type.name}」没有信息项「{key}」。"))
            continue
        text = "" if value is None else str(value).strip()
        if len(text) > MAX_TEXT or _has_control(text):
            errors.append(FieldError(f"{prefix}.{key}", ErrorCode.FIELD_TOO_LONG,
                                     f"「{allowed[key]}」不超过 {MAX_TEXT} 个字符，且不能含控制字符。"))
            continue
        if text:
            cleaned[key] = text
    return cleaned, errors


def _next_serial(*, licence_type: LicenceType, issuer, year: int) -> str:
    counter, _ = SerialCounter.objects.get_or_create(licence_type=licence_type, issuer=issuer, year=year)
    counter = SerialCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}{counter.last:07d}"


def _licence_number(*, licence_type: LicenceType, holder: Holder, issuer, serial: str) -> str:
    if licence_type.number_rule == NumberRule.HOLDER_ID:
        return normalise_subject_id(holder.identifier)
    division = getattr(getattr(issuer, "division", None), "code", "") or ""
    return f"{licence_type.number_prefix}{division[:6]}{serial}"


def metadata_of(licence: Licence) -> dict:
    """What the licence signature covers (STANDARDS §6 metadata + the type's fields), as stored."""
    return {
        "identifier": licence.identifier, "name": licence.name, "type_code": licence.licence_type.code,
        "number": licence.number, "holder_name": licence.holder_name, "holder_id": licence.holder_id,
        "holder_id_type": licence.holder_kind, "issuer_name": licence.issuer_name, "issuer_code": licence.issuer_code,
        "issued_on": licence.issued_on.isoformat(), "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else "",
        "division_code": licence.division_code, "version": licence.version, "attributes": licence.attributes,
    }


def qr_fields_of(licence: Licence, *, key_id: str, show_expires: str = "") -> dict:
    return {"identifier": licence.identifier, "key_id": key_id, "holder": licence.masked_holder_name,
            "holder_id": mask_id_number(licence.holder_id), "valid_from": licence.valid_from.isoformat(),
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else "", "show_expires": show_expires}


def qr_text_for(licence: Licence, *, key, signature: bytes, show_expires: str = "") -> str:
    return offline_verifier.qr_text(base_url=public_base_url(), signature=signature,
                                    **qr_fields_of(licence, key_id=key.key_id, show_expires=show_expires))


def _sign_and_render(licence: Licence, key) -> None:
    """QR signature → PDF with the QR → SM3 of the PDF → licence signature over metadata + digest."""
    private_key = private_key_of(key)
    qr_sig = signing.sign(private_key, offline_verifier.qr_message(**qr_fields_of(licence, key_id=key.key_id)))
    labels = [(f["label"], licence.attributes.get(f["key"], "")) for f in licence.licence_type.template_fields
              if licence.attributes.get(f["key"])]
    metadata = metadata_of(licence)
    content = documents.licence_pdf(metadata=metadata, labels=labels, qr_text=qr_text_for(licence, key=key, signature=qr_sig),
                                    key_id=key.key_id, verify_url=f"{public_base_url()}/verify/")
    licence.pdf_sm3 = sm3_hex(content)
    licence.signature = signing.sign(private_key, signing.metadata_message(metadata, pdf_sm3=licence.pdf_sm3)).hex()
    licence.qr_signature = qr_sig.hex()
    licence.signed_key = key
    licence.signed_at = timezone.now()
    licence.pdf.save(f"{licence.issued_on:%Y}/{secrets.token_hex(16)}.pdf", ContentFile(content), save=False)


def _status_row(*, licence: Licence, old: str, action: str, actor, reason: str) -> None:
    actor_id, label = actor_fields(actor)
    LicenceStatusChange.objects.create(licence=licence, from_status=old, to_status=licence.status, action=action,
                                       reason=reason, actor_id=actor_id, actor_label=label, occurred_at=timezone.now())


def _notify_holder(licence: Licence, *, title: str, body: str) -> None:
    """Tell the holder's account, if there is one (in the same transaction: notifications' outbox)."""
    from yiwang.accounts.selectors import user_by_id_number, user_by_uscc
    from yiwang.notifications.services import build_notifications, save_notifications

    user = (user_by_uscc(licence.holder_id) if licence.holder_kind == HolderKind.ENTERPRISE
            else user_by_id_number(licence.holder_id))
    if user is None or not user.is_active:
        return
    save_notifications(build_notifications(recipient=user, topic="licence", title=title, body=body,
                                           link=f"/licences/wallet/{licence.pk}/", obj=licence))


@transaction.atomic
def licence_issue(*, actor, licence_type: LicenceType, holder: Holder, issuer, issued_on: dt.date,
                  valid_from: dt.date | None = None, valid_until=KEEP, attributes: dict | None = None,
                  number: str = "", division_code: str = "", source: str = LicenceSource.CASE, source_case=None,
                  previous: Licence | None = None, notify: bool = True) -> Licence:
    """Number, sign, render and store one licence (a first version, or the next version of
    `previous`, whose serial it keeps). Raises ValidationFailed listing every bad input."""
    errors = holder_errors(holder)
    cleaned, attr_errors = clean_attributes(licence_type, attributes)
    errors += attr_errors
    if len(number or "") > 60 or _has_control(number or ""):
        errors.append(FieldError("number", ErrorCode.FIELD_TOO_LONG, "证照编号不超过 60 个字符。"))
    if len(division_code or "") > 20 or not (division_code or "").isalnum() and division_code:
        errors.append(FieldError("division_code", ErrorCode.FIELD_INVALID, "行政区划代码应为不超过 20 位的数字或字母。"))
    if not (issuer.uscc or "").strip():
        errors.append(FieldError("issuer", ErrorCode.NO_ISSUER_CODE, f"发证机关「{issuer.name}」没有统一社会信用代码。"))
    valid_from = valid_from or issued_on
    if valid_until is KEEP:
        birth = None
        if holder.kind == HolderKind.PERSON and not id_number_errors(holder.identifier):
            birth = id_number_birth_date(holder.identifier)
        valid_until = compute_valid_until(rule=licence_type.validity_rule, months=licence_type.validity_months,
                                          valid_from=valid_from, birth_date=birth)
    if valid_until is not None and valid_until < valid_from:
        errors.append(FieldError("valid_until", ErrorCode.FIELD_INVALID, "有效期截止日期不能早于起始日期。"))
    if errors:
        raise ValidationFailed(errors)
    holder_id = normalise_subject_id(holder.identifier)
    if holder.kind == HolderKind.ENTERPRISE:
        holder_id = normalise_uscc(holder_id)
    if previous is not None:
        serial, version = previous.serial, previous.version + 1
    else:
        serial, version = _next_serial(licence_type=licence_type, issuer=issuer, year=issued_on.year), 1
    number = (number or "").strip() or (previous.number if previous is not None else
                                        _licence_number(licence_type=licence_type, holder=holder, issuer=issuer, serial=serial))
    identifier = build_identifier(type_code=licence_type.code, issuer_code=issuer.uscc, serial=serial, version=version)
    licence = Licence(
        identifier=identifier, licence_type=licence_type, serial=serial, version=version, previous=previous,
        name=licence_type.name, number=number, number_index=blind_index(number, purpose=NUMBER_PURPOSE),
        holder_kind=holder.kind, holder_name=holder.name.strip(), holder_id=holder_id, holder_id_index=subject_index(holder_id),
        issuer=issuer, issuer_name=issuer.name, issuer_code=issuer.uscc.upper(), issued_on=issued_on,
        valid_from=valid_from, valid_until=valid_until, division_code=division_code or "",
        attributes_json=json.dumps(cleaned, ensure_ascii=False, sort_keys=True) if cleaned else "",
        status=LicenceStatus.VALID, source=source, source_case=source_case,
    )
    _sign_and_render(licence, issuer_key_for(issuer, actor=actor))
    licence.save()
    _status_row(licence=licence, old="", action="issue", actor=actor,
                reason=f"换发自第 {previous.version:03d} 版" if previous else "")
    record_event(actor=actor, action="licence.issued", obj=licence,
                 details={"identifier": identifier, "type": licence_type.code, "source": source,
                          "case": getattr(source_case, "pk", None), "previous": getattr(previous, "pk", None),
                          "key": licence.signed_key.key_id, "pdf_sm3": licence.pdf_sm3})
    if notify:
        _notify_holder(licence, title="电子证照已签发",
                       body=f"您的电子证照「{licence.name}」已签发（{licence.issuer_name}），可在“我的证照”中查看和亮证。")
    return licence


def transition(*, licence: Licence, action: str, actor, reason: str, notify: bool = True) -> Licence:
    """The one way a licence's status changes (the caller has locked it)."""
    old = licence.status
    licence.status = next_status(old, action)
    licence.status_reason = reason
    licence.save(update_fields=["status", "status_reason", "updated_at"])
    _status_row(licence=licence, old=old, action=action, actor=actor, reason=reason)
    record_event(actor=actor, action=f"licence.{action}", obj=licence,
                 details={"from": old, "to": licence.status, "reason": reason, "identifier": licence.identifier})
    if notify and action != LicenceAction.SUPERSEDE:
        _notify_holder(licence, title=f"电子证照{LicenceStatus(licence.status).label}",
                       body=f"您的电子证照「{licence.name}」{LicenceStatus(licence.status).label}。原因：{reason}")
    return licence


def _lock(licence: Licence) -> Licence:
    return Licence.objects.select_for_update().select_related("licence_type", "issuer__division").get(pk=licence.pk)


@transaction.atomic
def licence_new_version(*, actor, licence: Licence, reason: str, valid_from: dt.date | None = None,
                        valid_until=KEEP, attributes: dict | None = None, holder_name: str = "",
                        issued_on: dt.date | None = None, source: str = LicenceSource.RENEWAL, source_case=None) -> Licence:
    """Renewal (延续, §50: a new period) or change (变更, §49: new content, same period when
    `valid_until` is the old one): version + 1 of the same serial; the old version is superseded."""
    old = _lock(licence)
    if not (reason or "").strip():
        raise ValidationFailed([FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写换发原因（延续或变更的事项）。")])
    next_status(old.status, LicenceAction.SUPERSEDE)  # refuses revoked, cancelled … before any work
    issued_on = issued_on or timezone.localdate()
    merged = {**old.attributes, **(attributes or {})}
    new = licence_issue(
        actor=actor, licence_type=old.licence_type, issuer=old.issuer, issued_on=issued_on,
        holder=Holder(old.holder_kind, holder_name or old.holder_name, old.holder_id), valid_from=valid_from,
        valid_until=valid_until, attributes=merged, number=old.number, division_code=old.division_code,
        source=source, source_case=source_case, previous=old, notify=False)
    transition(licence=old, action=LicenceAction.SUPERSEDE, actor=actor,
               reason=f"{reason.strip()}；新版本 {new.identifier}", notify=False)
    _notify_holder(new, title="电子证照已换发", body=f"您的电子证照「{new.name}」已换发第 {new.version:03d} 版：{reason.strip()}")
    return new


# --- From a decided case ----------------------------------------------------------------------

RENEWING_KINDS = {"change", "renewal", "reissue"}


def _holder_for_case(case, licence_type: LicenceType) -> Holder:
    """The applicant, or the person the form names when the type says so (a child's birth
    certificate names the child, not the parent who applied)."""
    from yiwang.licences.subjects import subject_of_user

    form = case.application.form_data or {}
    keys = (licence_type.template or {}).get("holder") or {}
    name, ident = str(form.get(keys.get("name", ""), "") or "").strip(), str(form.get(keys.get("id", ""), "") or "").strip()
    if name and ident and not id_number_errors(ident):
        return Holder(HolderKind.PERSON, name, ident)
    subject = subject_of_user(case.applicant)
    if subject is None:
        raise DomainError("申请人没有实名身份证号或统一社会信用代码，不能签发电子证照。", code=ErrorCode.FIELD_INVALID)
    return Holder(HolderKind.ENTERPRISE if subject.kind == "enterprise" else HolderKind.PERSON, subject.name,
                  subject.identifier)


def _attributes_for_case(case, licence_type: LicenceType, holder: Holder) -> dict:
    form = case.application.form_data or {}
    values = {}
    for field in licence_type.template_fields:
        value = form.get(field["key"])
        if value not in (None, "", []):
            values[field["key"]] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)[:MAX_TEXT]
    keys = {f["key"] for f in licence_type.template_fields}
    applicant = case.applicant
    if "enterprise.legal_rep_name" in keys and not values.get("enterprise.legal_rep_name") and applicant.legal_rep_name:
        values["enterprise.legal_rep_name"] = applicant.legal_rep_name
    if "applicant.birth_date" in keys and not values.get("applicant.birth_date") and holder.kind == HolderKind.PERSON:
        values["applicant.birth_date"] = id_number_birth_date(holder.identifier).isoformat()
    return values


def licence_issue_for_case(*, case, actor, licence_type: LicenceType, today: dt.date | None = None) -> Licence:
    """Issue the licence an approved case decides (or the next version, for a change, renewal or
    reissue of a licence the holder has). Idempotent per case."""
    existing = Licence.objects.filter(source_case=case).first()
    if existing is not None:
        return existing
    holder = _holder_for_case(case, licence_type)
    issued_on = case.decided_on or today or timezone.localdate()
    attributes = _attributes_for_case(case, licence_type, holder)
    kind = getattr(case.implementation, "handling_item_kind", "new")
    if kind in RENEWING_KINDS:
        current = (Licence.objects.filter(licence_type=licence_type, holder_id_index=subject_index(holder.identifier),
                                          status__in=[LicenceStatus.VALID, LicenceStatus.EXPIRED])
                   .order_by("-issued_on", "-id").first())
        if current is not None:
            change = kind == "change"
            return licence_new_version(
                actor=actor, licence=current, reason=f"{case.version.name}（办件 {case.number}）",
                valid_from=current.valid_from if change else issued_on,
                valid_until=current.valid_until if change else KEEP, attributes=attributes,
                holder_name=holder.name, issued_on=issued_on, source=LicenceSource.CASE, source_case=case)
    # A new enterprise's founding date is the day its business licence is first issued.
    if any(f["key"] == "enterprise.founded_on" for f in licence_type.template_fields):
        attributes.setdefault("enterprise.founded_on", issued_on.isoformat())
    division = getattr(getattr(case.agency, "division", None), "code", "") or ""
    return licence_issue(actor=actor, licence_type=licence_type, holder=holder, issuer=case.agency, issued_on=issued_on,
                         attributes=attributes, division_code=division, source=LicenceSource.CASE, source_case=case)


def masked_holder(licence: Licence) -> str:
    return licence.holder_name if licence.holder_kind == HolderKind.ENTERPRISE else mask_name(licence.holder_name)
