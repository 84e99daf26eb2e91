"""Reads over licences and profiles: the wallet, histories, no-submission offers, the waiver
figure, the published keys, and the profile attributes the policies app matches on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from yiwang.licences.constants import (
    CURRENT_STATUSES,
    HolderKind,
    KeyStatus,
    LicenceStatus,
    SubjectKind,
    VerificationChannel,
)
from yiwang.licences.models import IssuerKey, Licence, LicenceType, Profile, ProfileAccess, ResultMapping, Verification
from yiwang.licences.subjects import legal_representative_of, subject_index, subject_of_user
from yiwang.licences.validity import is_within

PUBLISHED_KEYS_FORMAT = "yiwang-licence-keys/1"


# --- Types ---------------------------------------------------------------------------------------


def licence_type_for_code(code: str) -> LicenceType | None:
    """By GB/T 36904 type code or by the catalog's platform code (LIC-…); active types only."""
    code = (code or "").strip().upper()
    if not code:
        return None
    found = LicenceType.objects.filter(is_active=True, catalog_code=code).first()
    return found or LicenceType.objects.filter(is_active=True, code=code).first()


def licence_type_for_version(version) -> LicenceType | None:
    """The type a published catalog version's result is: the guide's own licence code, else the
    licences app's mapping by base catalog code, else None (the result is not a licence)."""
    found = licence_type_for_code(getattr(version, "result_licence_type_code", "") or "")
    if found is not None:
        return found
    basic_code = getattr(getattr(getattr(version, "implementation", None), "base_item", None), "basic_code", "")
    if not basic_code:
        return None
    mapping = ResultMapping.objects.select_related("licence_type").filter(basic_code=basic_code,
                                                                          licence_type__is_active=True).first()
    return mapping.licence_type if mapping else None


def licence_types() -> list[LicenceType]:
    return list(LicenceType.objects.filter(is_active=True).select_related("issuing_agency").order_by("name"))


# --- Holder --------------------------------------------------------------------------------------


def effective_status(licence: Licence, *, on: dt.date | None = None) -> str:
    """The status as of `on`: a valid licence past its last day counts as expired even before the
    nightly task records it."""
    on = on or timezone.localdate()
    if licence.status == LicenceStatus.VALID and licence.valid_until and licence.valid_until < on:
        return LicenceStatus.EXPIRED
    return licence.status


def wallet_licences(actor) -> list[Licence]:
    """我的证照: the actor's licences, current ones first, each newest version only once replaced."""
    from yiwang.licences.access import licences_of_holder

    licences = list(licences_of_holder(actor).select_related("licence_type").order_by("-issued_on", "-id"))
    today = timezone.localdate()
    for licence in licences:
        licence.effective_status = effective_status(licence, on=today)
    return sorted(licences, key=lambda lic: (lic.effective_status != LicenceStatus.VALID,
                                             lic.effective_status == LicenceStatus.SUPERSEDED, lic.name))


def status_history(licence: Licence) -> list:
    return list(licence.status_changes.all())


def verifications_of(licence: Licence, *, limit: int = 50) -> list[Verification]:
    """Who checked this licence (the holder's view): newest first."""
    return list(licence.verifications.select_related("verifier").order_by("-occurred_at", "-id")[:limit])


def masked_ip(ip: str | None) -> str:
    if not ip:
        return ""
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + ":*"
    parts = ip.split(".")
    return ".".join(parts[:2] + ["*", "*"]) if len(parts) == 4 else ""


def verifier_description(v: Verification) -> str:
    """Who checked, in words the holder understands, without exposing more than needed."""
    who = v.verifier_label or (v.verifier.display_name if v.verifier else "")
    where = masked_ip(v.client_ip)
    if who:
        return f"{who}" + (f"（来自 {where}）" if where else "")
    return f"未登录的查验者（来自 {where}）" if where else "未登录的查验者"


# --- No-submission (免提交) ----------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialOffer:
    """What the e-licence library can do for one material requirement of one applicant."""

    licence_id: int
    identifier: str
    licence_name: str
    satisfies: bool
    reason: str  # "" | expired | revoked | cancelled | withdrawn | superseded | not_yet_valid
    message: str

    def as_dict(self) -> dict:
        return {"source": "licence", "licence_id": self.licence_id, "identifier": self.identifier,
                "licence_name": self.licence_name, "satisfies": self.satisfies, "reason": self.reason,
                "message": self.message}


def _holder_index_for(applicant, licence_type: LicenceType) -> str | None:
    subject = subject_of_user(applicant)
    if subject is None:
        return None
    if licence_type.holder_kind == HolderKind.PERSON and subject.kind == SubjectKind.ENTERPRISE:
        # An enterprise asked for a person's document: its legal representative's (法定代表人身份证).
        subject = legal_representative_of(applicant)
        if subject is None:
            return None
    return subject_index(subject.identifier)


# A material that is another person's document — the one who collects for the applicant, acts for
# them, is entrusted by them or is their guardian — names a licence type the applicant may hold
# too (居民身份证), but the applicant's own is not it: never waived from the applicant's holdings.
THIRD_PARTY_MARKERS = ("代领人", "受托人", "代理人", "经办人", "监护人")


def names_another_person(material_name: str) -> bool:
    return any(marker in (material_name or "") for marker in THIRD_PARTY_MARKERS)


def material_offer(*, applicant, requirement, on_date: dt.date | None = None) -> MaterialOffer | None:
    """The licence that satisfies a material requirement naming a licence type, if the applicant
    holds one: valid on `on_date` → satisfies (免提交); expired or revoked → does not, and says why.
    None when the requirement names no known type, is someone else's document
    (`names_another_person`), or the applicant holds none of it."""
    licence_type = licence_type_for_code(getattr(requirement, "licence_type_code", "") or "")
    if licence_type is None or names_another_person(getattr(requirement, "name", "")):
        return None
    index = _holder_index_for(applicant, licence_type)
    if index is None:
        return None
    on_date = on_date or timezone.localdate()
    candidates = list(Licence.objects.filter(licence_type=licence_type, holder_id_index=index)
                      .exclude(status=LicenceStatus.SUPERSEDED).order_by("-issued_on", "-id")[:10])
    if not candidates:
        return None
    current = [lic for lic in candidates if lic.status in CURRENT_STATUSES
               and is_within(valid_from=lic.valid_from, valid_until=lic.valid_until, on=on_date)]
    if current:
        lic = current[0]
        return MaterialOffer(lic.pk, lic.identifier, lic.name, True, "",
                             f"已从电子证照库调取「{lic.name}」（电子证照标识 {lic.identifier}），无需提交。")
    lic = candidates[0]
    status = effective_status(lic, on=on_date)
    if status == LicenceStatus.VALID and lic.valid_from > on_date:
        reason, why = "not_yet_valid", f"自 {lic.valid_from.isoformat()} 起才生效"
    elif status == LicenceStatus.EXPIRED:
        until = lic.valid_until.isoformat() if lic.valid_until else ""
        reason, why = "expired", f"有效期已于 {until} 届满"
    else:
        reason, why = status, f"{LicenceStatus(status).label.removeprefix('已')}"
        why = f"已被发证机关{why}" if status in (LicenceStatus.REVOKED, LicenceStatus.CANCELLED, LicenceStatus.WITHDRAWN) else why
    return MaterialOffer(lic.pk, lic.identifier, lic.name, False, reason,
                         f"您的「{lic.name}」{why}，不能免于提交。请先办理延续（换证），或按要求提交有效的证件。")


def material_offers(*, applicant, requirements, on_date: dt.date | None = None) -> dict:
    """`material_offer` for several requirements at once (a bundle's merged materials, each with a
    `key` and a `licence_type_code`): {key: MaterialOffer} for those the applicant holds a licence
    of — the very matching of a single application, once per requirement."""
    offers = {}
    for requirement in requirements:
        if not getattr(requirement, "licence_type_code", ""):
            continue
        offer = material_offer(applicant=applicant, requirement=requirement, on_date=on_date)
        if offer is not None:
            offers[requirement.key] = offer
    return offers


def licence_type_names(requirements) -> dict:
    """{key: licence type name} for the requirements (with a `key` and a `licence_type_code`) that
    name a licence type of the library (active): the ones a held licence can waive."""
    names = {}
    for requirement in requirements:
        licence_type = licence_type_for_code(getattr(requirement, "licence_type_code", "") or "")
        if licence_type is not None and not names_another_person(getattr(requirement, "name", "")):
            names[requirement.key] = licence_type.name
    return names


def waivable_materials(version) -> list[tuple]:
    """(material, licence type) for each material of a version that a held licence can satisfy."""
    codes = {m.licence_type_code for m in version.materials.all() if m.licence_type_code}
    types = {t.catalog_code: t for t in LicenceType.objects.filter(is_active=True, catalog_code__in=codes)}
    types.update({t.code: t for t in LicenceType.objects.filter(is_active=True, code__in=codes)})
    return [(m, types[m.licence_type_code]) for m in version.materials.all() if m.licence_type_code in types]


@dataclass
class AgencyWaiverFigure:
    agency_id: int
    agency_name: str
    required: int
    from_licences: int
    items: int

    @property
    def share(self) -> float:
        return self.from_licences / self.required if self.required else 0.0


def waiver_figures(*, agency_path_prefixes: list[str] | None = None) -> tuple[list[AgencyWaiverFigure], AgencyWaiverFigure]:
    """Share of the required materials (必要) of every guide in force that the e-licence library
    can supply instead of the applicant (免提交), per agency and in total."""
    from yiwang.catalog.constants import MaterialNecessity
    from yiwang.catalog.selectors import published_material_requirements

    known = set(LicenceType.objects.filter(is_active=True).values_list("catalog_code", flat=True)) | set(
        LicenceType.objects.filter(is_active=True).values_list("code", flat=True))
    known.discard(None)
    per_agency: dict[int, AgencyWaiverFigure] = {}
    items: dict[int, set] = defaultdict(set)
    for row in published_material_requirements():
        path = row["version__implementation__agency__path"]
        if agency_path_prefixes is not None and not any(path.startswith(p) for p in agency_path_prefixes):
            continue
        if row["necessity"] != MaterialNecessity.REQUIRED:
            continue
        agency_id = row["version__implementation__agency_id"]
        figure = per_agency.setdefault(agency_id, AgencyWaiverFigure(agency_id, row["version__implementation__agency__name"],
                                                                      0, 0, 0))
        figure.required += 1
        figure.from_licences += row["licence_type_code"] in known
        items[agency_id].add(row["version_id"])
    for agency_id, figure in per_agency.items():
        figure.items = len(items[agency_id])
    figures = sorted(per_agency.values(), key=lambda f: (-f.share, f.agency_name))
    total = AgencyWaiverFigure(0, "合计", sum(f.required for f in figures), sum(f.from_licences for f in figures),
                               sum(f.items for f in figures))
    return figures, total


# --- Published keys ------------------------------------------------------------------------------


def published_keys() -> dict:
    """The document an offline verifier downloads (offline_verifier.verify_qr reads it)."""
    keys = [{"key_id": k.key_id, "issuer_name": k.agency.name, "issuer_code": k.agency.uscc, "public_key": k.public_key,
             "status": k.status, "created_at": k.created_at.isoformat(timespec="seconds"),
             "retired_at": k.retired_at.isoformat(timespec="seconds") if k.retired_at else None}
            for k in IssuerKey.objects.select_related("agency").order_by("agency__name", "-created_at")]
    types = [{"type_code": t.code, "name": t.name, "defining_authority": t.defining_authority,
              "code_is_platform": t.code_is_platform} for t in LicenceType.objects.order_by("code")]
    return {"format": PUBLISHED_KEYS_FORMAT,
            "algorithm": "SM2（GB/T 32918）签名，SM3 杂凑，用户标识 1234567812345678；公钥为非压缩格式 04||x||y 的十六进制",
            "keys": keys, "licence_types": types, "active": sum(k["status"] == KeyStatus.ACTIVE for k in keys)}


# --- Staff ---------------------------------------------------------------------------------------


def staff_licence_search(actor, *, q: str = "", status: str = "", limit: int = 50) -> list[Licence]:
    """Licences in the officer's scope, by identifier, holder ID number / USCC (blind index) or
    holder name."""
    from yiwang.licences.access import licences_for_staff
    from yiwang.licences.subjects import subject_kind_of

    qs = licences_for_staff(actor).select_related("licence_type").order_by("-issued_on", "-id")
    text = (q or "").strip()[:100]
    if text:
        if text.startswith("1.2.156.3005.2."):
            qs = qs.filter(identifier=text.upper())
        elif subject_kind_of(text):
            qs = qs.filter(holder_id_index=subject_index(text))
        else:
            qs = qs.filter(holder_name__contains=text)
    if status and status in LicenceStatus.values:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def verification_counts(*, since: dt.datetime) -> dict[str, int]:
    counts = defaultdict(int)
    for channel in Verification.objects.filter(occurred_at__gte=since).values_list("channel", flat=True):
        counts[channel] += 1
    return {VerificationChannel(c).label: n for c, n in counts.items()}


# --- Profiles ------------------------------------------------------------------------------------

PERSON_ATTRIBUTES = ("birth_date", "residence_division", "disability_grade", "employment_status", "household_kind",
                     "household_size")
ENTERPRISE_ATTRIBUTES = ("industry_code", "enterprise_size", "district", "credit_grade", "founded_on", "employees")


def _attributes(row: dict) -> dict:
    names = PERSON_ATTRIBUTES if row["kind"] == SubjectKind.PERSON else ENTERPRISE_ATTRIBUTES
    return {"profile_id": row["id"], "kind": row["kind"], "user_id": row["user_id"], "name": row["name"],
            **{n: row[n] for n in names}}


_VALUES = ("id", "kind", "user_id", "name", *PERSON_ATTRIBUTES, *ENTERPRISE_ATTRIBUTES)


def profile_attributes(subject_id: str) -> dict | None:
    """The attributes of one subject (by resident ID number or USCC) for policy matching: profile
    id, kind, account id, name and the kind's attributes; None if the platform has no profile."""
    row = Profile.objects.filter(subject_id_index=subject_index(subject_id or "")).values(*_VALUES).first()
    return _attributes(row) if row else None


def profile_attributes_by_id(profile_id: int) -> dict | None:
    """The same, by profile id (how the policies app addresses subjects)."""
    row = Profile.objects.filter(pk=profile_id).values(*_VALUES).first()
    return _attributes(row) if row else None


def profile_attributes_of_user(user) -> dict | None:
    subject = subject_of_user(user)
    return profile_attributes(subject.identifier) if subject else None


def iter_profile_attributes(*, kind: str | None = None, chunk_size: int = 2000) -> Iterator[dict]:
    """Every subject's attributes, streamed in id order with keyset pagination (constant memory,
    no decryption: the identifiers stay encrypted; policies address subjects by profile/user id)."""
    last = 0
    qs = Profile.objects.all() if kind is None else Profile.objects.filter(kind=kind)
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values(*_VALUES)[:chunk_size])
        if not rows:
            return
        for row in rows:
            yield _attributes(row)
        last = rows[-1]["id"]


def licences_of_profile(profile: Profile) -> list[Licence]:
    licences = list(Licence.objects.filter(holder_id_index=profile.subject_id_index).select_related("licence_type")
                    .order_by("-issued_on", "-id"))
    today = timezone.localdate()
    for licence in licences:
        licence.effective_status = effective_status(licence, on=today)
    return licences


def cases_of_profile(profile: Profile, *, limit: int = 50) -> list:
    """The subject's cases (through the cases app's selectors), when the subject has an account."""
    if profile.user_id is None:
        return []
    from yiwang.cases.selectors import cases_of_applicant

    return list(cases_of_applicant(profile.user)[:limit])


def profile_accesses(profile: Profile, *, limit: int = 50) -> list[ProfileAccess]:
    return list(profile.accesses.all()[:limit])


def profile_attribute_rows(profile: Profile) -> list[dict]:
    """(label, shown value, source) per attribute, for pages and exports."""
    names = PERSON_ATTRIBUTES if profile.kind == SubjectKind.PERSON else ENTERPRISE_ATTRIBUTES
    rows = []
    for name in names:
        field = Profile._meta.get_field(name)
        value = getattr(profile, name)
        shown = dict(field.choices).get(value, value) if field.choices else value
        rows.append({"name": name, "label": str(field.verbose_name), "value": value,
                     "shown": "" if shown in (None, "") else str(shown), "source": profile.source_of(name)})
    return rows
