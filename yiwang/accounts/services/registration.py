"""Self-registration of citizens (real name + resident ID + mobile) and enterprises (USCC + name
+ legal representative + mobile). Identifiers are stored SM4-encrypted with an HMAC-SM3 blind
index (User.save) and never written in plaintext to logs or audit events."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from yiwang.accounts.constants import ErrorCode, UserKind
from yiwang.accounts.models import User
from yiwang.accounts.phones import normalise_phone
from yiwang.accounts.services.field_rules import (
    duplicate_id_number,
    duplicate_phone,
    duplicate_uscc,
    id_number_field_errors,
    org_name_errors,
    password_errors,
    person_name_errors,
    phone_field_errors,
    uscc_field_errors,
    username_errors,
)
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.core.identifiers import normalise_id_number, normalise_uscc


def new_username(prefix: str) -> str:
    # Self-registered people log in with their ID, USCC or phone; the username is an opaque handle
    # that can safely appear in audit trails and admin lists.
    while True:
        candidate = f"{prefix}{secrets.token_hex(4)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def save_new_user(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two registrations of the same number raced past the checks; the unique constraints held.
        errors = []
        if user.id_number and duplicate_id_number(user.id_number, None):
            errors.append(FieldError("id_number", ErrorCode.DUPLICATE, "该身份证号已注册过账户，请直接登录。"))
        if user.phone and duplicate_phone(user.phone, None):
            errors.append(FieldError("phone", ErrorCode.DUPLICATE, "该手机号已被其他账户使用，请换一个手机号。"))
        if user.uscc and duplicate_uscc(user.uscc, None):
            errors.append(FieldError("uscc", ErrorCode.DUPLICATE, "该统一社会信用代码已注册企业账户，请直接登录。"))
        raise ValidationFailed(errors or [FieldError("username", ErrorCode.DUPLICATE, "账户已存在，请直接登录。")]) from exc
    return user



def _citizen_candidate(*, real_name: str, id_number: str, phone: str, email: str = "") -> User:
    return User(kind=UserKind.CITIZEN, real_name=(real_name or "").strip(), id_number=normalise_id_number(id_number),
                phone=normalise_phone(phone), email=(email or "").strip())


def citizen_registration_errors(*, real_name: str, id_number: str, phone: str, password: str,
                                username: str | None = None) -> list[FieldError]:
    """Every problem with a citizen registration, without registering (pages check first)."""
    candidate = _citizen_candidate(real_name=real_name, id_number=id_number, phone=phone)
    return [
        *person_name_errors(real_name, field="real_name", label="姓名"),
        *id_number_field_errors(id_number, field="id_number", exclude_pk=None, unique=True),
        *phone_field_errors(phone, exclude_pk=None),
        *(username_errors(username) if username is not None else []),
        *password_errors(password, user=candidate),
    ]


@transaction.atomic
def citizen_register(*, real_name: str, id_number: str, phone: str, password: str, email: str = "",
                     username: str | None = None) -> User:
    """Register a person with real name + resident ID + mobile number + password."""
    errors = citizen_registration_errors(real_name=real_name, id_number=id_number, phone=phone, password=password,
                                         username=username)
    if errors:
        raise ValidationFailed(errors)
    candidate = _citizen_candidate(real_name=real_name, id_number=id_number, phone=phone, email=email)
    candidate.username = username or new_username("p")
    user = save_new_user(candidate, password)
    record_event(actor=user, action="accounts.citizen_registered", obj=user, details={"kind": user.kind})
    return user


def _enterprise_candidate(*, org_name: str, uscc: str, legal_rep_name: str, legal_rep_id_number: str, phone: str,
                          email: str = "") -> User:
    return User(
        kind=UserKind.ENTERPRISE, org_name=(org_name or "").strip(), uscc=normalise_uscc(uscc),
        legal_rep_name=(legal_rep_name or "").strip(), legal_rep_id_number=normalise_id_number(legal_rep_id_number),
        phone=normalise_phone(phone), email=(email or "").strip(),
    )


def enterprise_registration_errors(*, org_name: str, uscc: str, legal_rep_name: str, legal_rep_id_number: str,
                                   phone: str, password: str, username: str | None = None) -> list[FieldError]:
    """Every problem with an enterprise registration, without registering."""
    candidate = _enterprise_candidate(org_name=org_name, uscc=uscc, legal_rep_name=legal_rep_name,
                                      legal_rep_id_number=legal_rep_id_number, phone=phone)
    return [
        *org_name_errors(org_name),
        *uscc_field_errors(uscc, exclude_pk=None),
        *person_name_errors(legal_rep_name, field="legal_rep_name", label="法定代表人姓名"),
        *id_number_field_errors(legal_rep_id_number, field="legal_rep_id_number", exclude_pk=None, unique=False),
        *phone_field_errors(phone, exclude_pk=None),
        *(username_errors(username) if username is not None else []),
        *password_errors(password, user=candidate),
    ]


@transaction.atomic
def enterprise_register(*, org_name: str, uscc: str, legal_rep_name: str, legal_rep_id_number: str, phone: str,
                        password: str, email: str = "", username: str | None = None) -> User:
    """Register an enterprise with USCC + name + legal representative (name, ID) + mobile + password."""
    errors = enterprise_registration_errors(org_name=org_name, uscc=uscc, legal_rep_name=legal_rep_name,
                                            legal_rep_id_number=legal_rep_id_number, phone=phone, password=password,
                                            username=username)
    if errors:
        raise ValidationFailed(errors)
    candidate = _enterprise_candidate(org_name=org_name, uscc=uscc, legal_rep_name=legal_rep_name,
                                      legal_rep_id_number=legal_rep_id_number, phone=phone, email=email)
    candidate.username = username or new_username("e")
    user = save_new_user(candidate, password)
    record_event(actor=user, action="accounts.enterprise_registered", obj=user, details={"kind": user.kind,
                                                                                       "uscc": user.uscc})
    return user

