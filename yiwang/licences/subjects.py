"""Who a licence or a profile is about: the subject's identifier, its blind index, and the data
scope of divisions (which staff may see a profile)."""

from __future__ import annotations

from dataclasses import dataclass

from yiwang.core.crypto import blind_index
from yiwang.core.identifiers import id_number_errors, normalise_id_number, normalise_uscc, uscc_errors
from yiwang.licences.constants import HolderKind, SubjectKind
from yiwang.licences.models import SUBJECT_INDEX_PURPOSE


def normalise_subject_id(value: str) -> str:
    return normalise_id_number(value)  # same folding for both kinds: spaces out, upper case


def subject_index(value: str) -> str:
    """HMAC-SM3 blind index of a resident ID number or USCC (one purpose for both: they never
    collide, an ID number has a date where a USCC has letters and a division)."""
    return blind_index(normalise_subject_id(value), purpose=SUBJECT_INDEX_PURPOSE)


def subject_kind_of(value: str) -> str | None:
    """person for a valid resident ID number, enterprise for a valid USCC, None otherwise."""
    text = normalise_subject_id(value)
    if not id_number_errors(text):
        return SubjectKind.PERSON
    if not uscc_errors(normalise_uscc(text)):
        return SubjectKind.ENTERPRISE
    return None


@dataclass(frozen=True)
class Subject:
    kind: str  # SubjectKind (= HolderKind values)
    identifier: str
    name: str


def subject_of_user(user) -> Subject | None:
    """The citizen (resident ID) or the enterprise (USCC) an account stands for; None for staff or
    an account without an identifier."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "is_staff_member", False):
        return None
    if getattr(user, "uscc", ""):
        return Subject(SubjectKind.ENTERPRISE, normalise_uscc(user.uscc), user.org_name or user.display_name)
    if getattr(user, "id_number", ""):
        return Subject(SubjectKind.PERSON, normalise_id_number(user.id_number), user.real_name or user.display_name)
    return None


def legal_representative_of(user) -> Subject | None:
    """An enterprise account's legal representative as a person (a 法定代表人身份证 material)."""
    if getattr(user, "legal_rep_id_number", ""):
        return Subject(SubjectKind.PERSON, normalise_id_number(user.legal_rep_id_number), user.legal_rep_name)
    return None


def holder_kind_for(kind: str) -> str:
    return HolderKind.ENTERPRISE if kind == SubjectKind.ENTERPRISE else HolderKind.PERSON


def division_scope_prefix(code: str) -> str:
    """The prefix of the division codes an organisation's division contains. GB/T 2260 codes are
    hierarchical by digits: 610000 (province) contains 61…, 610100 (city) contains 6101…, 610113
    (district) contains 610113… — platform codes of zones and streets extend their parent's code
    (610100Z01, 610113J01), so they fall under it too."""
    code = (code or "").strip()
    if len(code) == 6 and code.isdigit():
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def division_within(code: str, scope_code: str) -> bool:
    prefix = division_scope_prefix(scope_code)
    return bool(prefix) and (code or "").startswith(prefix)
