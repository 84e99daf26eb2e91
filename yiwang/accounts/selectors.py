"""Reads over accounts: finding a person by an identifier (through blind indexes only) and showing
identifiers masked to everyone but their owner."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE, IdentifierKind, LoginOutcome
from yiwang.accounts.models import LoginAttempt, User
from yiwang.accounts.phones import normalise_phone
from yiwang.core.crypto import blind_index, mask_id_number, mask_phone
from yiwang.core.identifiers import normalise_id_number, normalise_uscc
from yiwang.orgs.selectors import role_grants_for


def resolve_identifier(identifier: str) -> tuple[User | None, str]:
    """The account a login identifier names and which kind of identifier it was.

    Tried in order: username, resident ID number (blind index), USCC, mobile number (blind index).
    Usernames may not look like an ID, USCC or phone number (services reject them), so the order
    never lets one person's username shadow another person's number.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None, IdentifierKind.UNKNOWN
    user = User.objects.filter(username=identifier).first()
    if user:
        return user, IdentifierKind.USERNAME
    compact = identifier.replace(" ", "")
    if len(compact) == 18:
        user = User.objects.filter(
            id_number_index=blind_index(normalise_id_number(compact), purpose=ID_NUMBER_PURPOSE)).first()
        if user:
            return user, IdentifierKind.ID_NUMBER
        user = user_by_uscc(compact)
        if user:
            return user, IdentifierKind.USCC
    phone = normalise_phone(identifier)
    if phone.isdigit() and len(phone) == 11:
        user = User.objects.filter(phone_index=blind_index(phone, purpose=PHONE_PURPOSE)).first()
        if user:
            return user, IdentifierKind.PHONE
    return None, IdentifierKind.UNKNOWN


def user_by_identifier(identifier: str) -> User | None:
    """Find the account a login identifier names: username, ID number, phone or USCC."""
    return resolve_identifier(identifier)[0]


def user_by_uscc(uscc: str) -> User | None:
    code = normalise_uscc(uscc)
    return User.objects.filter(uscc=code).first() if code else None


def user_by_id_number(id_number: str) -> User | None:
    number = normalise_id_number(id_number)
    if not number:
        return None
    return User.objects.filter(id_number_index=blind_index(number, purpose=ID_NUMBER_PURPOSE)).first()


def user_by_phone(phone: str) -> User | None:
    number = normalise_phone(phone)
    if not number:
        return None
    return User.objects.filter(phone_index=blind_index(number, purpose=PHONE_PURPOSE)).first()


def users_represented_by(id_number: str):
    """Enterprise accounts whose legal representative holds this ID number (一企一档)."""
    number = normalise_id_number(id_number)
    return User.objects.filter(legal_rep_id_number_index=blind_index(number, purpose=ID_NUMBER_PURPOSE)) \
        if number else User.objects.none()


# --- Showing identifiers ----------------------------------------------------------------------

_MASKS = {
    "id_number": mask_id_number,
    "legal_rep_id_number": mask_id_number,
    "phone": mask_phone,
}


def is_owner(subject: Any, viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and subject is not None
                and getattr(subject, "pk", None) is not None and subject.pk == viewer.pk)


def identifier_for_viewer(*, subject: Any, viewer: Any, field: str) -> str:
    """`subject`'s identifier in full when `viewer` is its owner, masked (6101**********123X,
    139****5678) for anyone else — staff included. Templates use the `identity` filters."""
    if field not in _MASKS:
        raise ValueError(f"not a personal identifier field: {field}")
    value = (getattr(subject, field, "") or "") if subject is not None else ""
    return value if is_owner(subject, viewer) else _MASKS[field](value)


def profile_for(*, subject: User, viewer: Any) -> dict[str, Any]:
    """The account as `viewer` may see it (the API's `/me` and the profile page)."""
    owner = is_owner(subject, viewer)
    return {
        "id": subject.pk,
        "username": subject.username,
        "kind": subject.kind,
        "kind_label": subject.get_kind_display(),
        "display_name": subject.display_name,
        "real_name": subject.real_name,
        "id_number": identifier_for_viewer(subject=subject, viewer=viewer, field="id_number"),
        "phone": identifier_for_viewer(subject=subject, viewer=viewer, field="phone"),
        "email": subject.email if owner else "",
        "org_name": subject.org_name,
        "uscc": subject.uscc,
        "legal_rep_name": subject.legal_rep_name,
        "legal_rep_id_number": identifier_for_viewer(subject=subject, viewer=viewer, field="legal_rep_id_number"),
        "identifiers_masked": not owner,
        "date_joined": subject.date_joined,
        "roles": [
            {"role": g.role, "role_label": g.get_role_display(), "organisation_id": g.organisation_id,
             "organisation_name": g.organisation.name}
            for g in role_grants_for(subject)
        ],
    }


def recent_logins_for(user: User, *, limit: int = 10) -> list[LoginAttempt]:
    """The owner's own login history (time, outcome, IP), newest first."""
    return list(LoginAttempt.objects.filter(user=user).exclude(outcome=LoginOutcome.UNLOCKED)[:limit])


def landing_url_for(user) -> str:
    """Where a person lands after signing in: staff on their workbench, everyone else on 我的资料."""
    return reverse("orgs:workbench") if user.is_staff_member else reverse("accounts:profile")
