"""一人一档 / 一企一档: profiles keyed by resident ID / USCC, filled from the account and the
licences the subject holds, edited by staff in scope, and every staff look recorded."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.core import hooks
from yiwang.core.audit import actor_fields, record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.core.identifiers import id_number_birth_date, id_number_errors
from yiwang.licences.constants import (
    AttributeSource,
    CreditGrade,
    DisabilityGrade,
    EmploymentStatus,
    EnterpriseSize,
    ErrorCode,
    HouseholdKind,
    LicenceStatus,
    SubjectKind,
)
from yiwang.licences.models import Licence, Profile, ProfileAccess
from yiwang.licences.subjects import Subject, normalise_subject_id, subject_index, subject_of_user

PERSON_FIELDS = ("birth_date", "residence_division", "disability_grade", "employment_status", "household_kind",
                 "household_size")
ENTERPRISE_FIELDS = ("industry_code", "enterprise_size", "district", "credit_grade", "founded_on", "employees")
FIELDS_OF = {SubjectKind.PERSON: PERSON_FIELDS, SubjectKind.ENTERPRISE: ENTERPRISE_FIELDS}
LABELS = {name: str(Profile._meta.get_field(name).verbose_name) for name in PERSON_FIELDS + ENTERPRISE_FIELDS}

_DIVISION = re.compile(r"^[0-9A-Z]{6,12}$")
_INDUSTRY = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")  # GB/T 4754-2017: 门类 A–T, then 大/中/小类
_CHOICES = {"disability_grade": DisabilityGrade, "employment_status": EmploymentStatus, "household_kind": HouseholdKind,
            "enterprise_size": EnterpriseSize, "credit_grade": CreditGrade}
_GRADE_WORDS = {"一级": "1", "二级": "2", "三级": "3", "四级": "4", "1": "1", "2": "2", "3": "3", "4": "4"}
_HOUSEHOLD_WORDS = {"家庭户": HouseholdKind.FAMILY, "集体户": HouseholdKind.COLLECTIVE}


def _source(source: str, ref: str = "") -> dict:
    return {"source": source, "ref": ref, "at": timezone.localdate().isoformat()}


def _changed(profile: Profile, changed: list[str]) -> None:
    # Higher apps (policies: re-match this subject) act in this transaction.
    hooks.call("licences.profile_changed", profile_id=profile.pk, kind=profile.kind, changed=sorted(set(changed)))


def profile_ensure(*, subject: Subject, user=None) -> Profile:
    """The subject's profile, created on first need (not an audited write of anyone's: it holds
    nothing until filled, and filling is recorded)."""
    index = subject_index(subject.identifier)
    profile = Profile.objects.filter(subject_id_index=index).first()
    if profile is None:
        try:
            with transaction.atomic():
                profile = Profile.objects.create(kind=subject.kind, subject_id=normalise_subject_id(subject.identifier),
                                                 subject_id_index=index, name=subject.name[:200], user=user)
        except IntegrityError:
            profile = Profile.objects.get(subject_id_index=index)
    if user is not None and profile.user_id is None:
        profile.user = user
        profile.save(update_fields=["user", "updated_at"])
    return profile


def _set(profile: Profile, name: str, value, source: dict, changed: list[str]) -> None:
    current_source = (profile.attribute_sources or {}).get(name, {}).get("source")
    if current_source == AttributeSource.STAFF or value in (None, ""):
        return  # what staff entered is kept; nothing known is not an answer
    if getattr(profile, name) != value:
        setattr(profile, name, value)
        changed.append(name)
    stored = (profile.attribute_sources or {}).get(name) or {}
    if (stored.get("source"), stored.get("ref")) != (source["source"], source["ref"]):
        profile.attribute_sources = {**(profile.attribute_sources or {}), name: source}
        if name not in changed:
            changed.append(name)


def _current_licences(profile: Profile) -> dict[str, Licence]:
    """The subject's valid licences by catalog code of their type (the newest of each)."""
    found: dict[str, Licence] = {}
    for licence in (Licence.objects.filter(holder_id_index=profile.subject_id_index, status=LicenceStatus.VALID)
                    .select_related("licence_type").order_by("issued_on", "id")):
        found[licence.licence_type.catalog_code or licence.licence_type.code] = licence
    return found


def _first_issued(licence: Licence) -> dt.date:
    first = licence
    while first.previous_id:
        first = Licence.objects.get(pk=first.previous_id)
    return first.issued_on


@transaction.atomic
def profile_sync(*, profile: Profile) -> list[str]:
    """Fill attributes from what the platform already knows; staff entries win. Returns the
    attributes that changed."""
    changed: list[str] = []
    held = _current_licences(profile)
    if profile.kind == SubjectKind.PERSON:
        if not id_number_errors(profile.subject_id):
            _set(profile, "birth_date", id_number_birth_date(profile.subject_id), _source(AttributeSource.ACCOUNT), changed)
        hukou = held.get("LIC-HUKOU")
        if hukou:
            ref = _source(AttributeSource.LICENCE, hukou.identifier)
            _set(profile, "residence_division", hukou.division_code, ref, changed)
            attrs = hukou.attributes
            _set(profile, "household_kind", _HOUSEHOLD_WORDS.get(attrs.get("household.kind", ""), ""), ref, changed)
            size = str(attrs.get("household.size", "")).strip()
            _set(profile, "household_size", int(size) if size.isdigit() and 0 < int(size) < 100 else None, ref, changed)
        disability = held.get("LIC-DISABILITY-CERT")
        if disability:
            grade = _GRADE_WORDS.get(str(disability.attributes.get("disability.level", "")).strip(), "")
            _set(profile, "disability_grade", grade, _source(AttributeSource.LICENCE, disability.identifier), changed)
    else:
        business = held.get("LIC-BUSINESS-LICENCE")
        if business:
            ref = _source(AttributeSource.LICENCE, business.identifier)
            attrs = business.attributes
            founded = attrs.get("enterprise.founded_on", "")
            try:
                founded_on = dt.date.fromisoformat(founded) if founded else _first_issued(business)
            except ValueError:
                founded_on = _first_issued(business)
            _set(profile, "founded_on", founded_on, ref, changed)
            _set(profile, "district", business.division_code, ref, changed)
            code = str(attrs.get("enterprise.industry_code", "")).strip().upper()
            _set(profile, "industry_code", code if _INDUSTRY.match(code) else "", ref, changed)
    if changed:
        profile.save(update_fields=[*dict.fromkeys(changed), "attribute_sources", "updated_at"])
        record_event(actor="licences", action="profile.filled", obj=profile, details={"attributes": sorted(set(changed))})
        _changed(profile, changed)
    return changed


def profile_for_user(user) -> Profile | None:
    """The profile of the subject the account stands for, kept filled."""
    subject = subject_of_user(user)
    if subject is None:
        return None
    profile = profile_ensure(subject=subject, user=user)
    profile_sync(profile=profile)
    return profile


def _parse(name: str, raw, *, today: dt.date) -> tuple[object, str]:
    """(value, error message)."""
    text = "" if raw is None else str(raw).strip()
    if any(not ch.isprintable() for ch in text):
        return None, "不能含控制字符。"
    if name in _CHOICES:
        choices = _CHOICES[name]
        if text not in choices.values:
            return None, "取值应为：" + "、".join(f"{c.value or '（空）'} {c.label}" for c in choices) + "。"
        return text, ""
    if name in ("birth_date", "founded_on"):
        if not text:
            return None, ""
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, "日期格式应为 YYYY-MM-DD。"
        if day > today or day.year < 1880:
            return None, "日期不能在今天之后，也不能早于 1880 年。"
        return day, ""
    if name in ("residence_division", "district"):
        text = text.upper()
        if text and not _DIVISION.match(text):
            return None, "应为 6–12 位行政区划代码（如 610113，街道如 610113J01）。"
        return text, ""
    if name == "industry_code":
        text = text.upper()
        if text and not _INDUSTRY.match(text):
            return None, "应为 GB/T 4754-2017 行业代码：门类字母（A–T）加 2–4 位数字，如 H6210（正餐服务）。"
        return text, ""
    if name in ("household_size", "employees"):
        if not text:
            return None, ""
        if not text.isdigit():
            return None, "应为整数。"
        value = int(text)
        limit = 99 if name == "household_size" else 10_000_000
        if not (1 if name == "household_size" else 0) <= value <= limit:
            return None, f"应在 {'1' if name == 'household_size' else '0'} 到 {limit} 之间。"
        return value, ""
    return None, "未知的档案项。"


@transaction.atomic
def profile_update(*, actor, profile: Profile, changes: dict) -> Profile:
    """Staff with edit scope set attributes; what they set is kept over later automatic fills."""
    from yiwang.licences.access import require_profile_edit

    require_profile_edit(actor=actor, profile=profile)
    allowed = FIELDS_OF[SubjectKind(profile.kind)]
    errors, values = [], {}
    today = timezone.localdate()
    for name, raw in (changes or {}).items():
        if name not in allowed:
            errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"{'个人' if profile.kind == 'person' else '企业'}档案没有「{name}」这一项。"))
            continue
        value, problem = _parse(name, raw, today=today)
        if problem:
            errors.append(FieldError(name, ErrorCode.FIELD_INVALID, f"{LABELS[name]}：{problem}"))
        else:
            values[name] = value if value is not None else ("" if name not in ("birth_date", "founded_on", "household_size",
                                                                                  "employees") else None)
    if errors:
        raise ValidationFailed(errors)
    _, label = actor_fields(actor)
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    sources = dict(profile.attribute_sources or {})
    for name in changed:
        setattr(profile, name, values[name])
        sources[name] = _source(AttributeSource.STAFF, label)
    if changed:
        profile.attribute_sources = sources
        profile.save(update_fields=[*changed, "attribute_sources", "updated_at"])
        record_event(actor=actor, action="profile.updated", obj=profile, details={"attributes": changed})
        _changed(profile, changed)
    return profile


def profile_record_access(*, actor, profile: Profile, purpose: str = "view") -> ProfileAccess:
    """A staff member looked at a profile: an audit event and a row the subject sees."""
    from yiwang.orgs.selectors import role_grants_for

    _, label = actor_fields(actor)
    grants = role_grants_for(actor)
    organisation = grants[0].organisation.name if grants else ""
    with transaction.atomic():
        access = ProfileAccess.objects.create(profile=profile, viewer=actor, viewer_label=getattr(actor, "display_name", label)[:150],
                                              organisation_name=organisation[:200], purpose=purpose, occurred_at=timezone.now())
        record_event(actor=actor, action=f"profile.{purpose}", obj=profile, details={"access": access.pk})
    return access
