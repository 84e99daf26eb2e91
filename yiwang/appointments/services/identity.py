"""Identifying a person at a kiosk without a login: ID number + a one-time SMS code sent to the
phone registered with that ID number.

The answer to a code request is the same whether or not the number is registered, so the public
kiosk pages cannot be used to find out who has an account. Codes are 6 digits, valid
IDENTITY_CODE_MINUTES, stored as SM3 hashes, compared in constant time, dead after
IDENTITY_CODE_ATTEMPTS wrong tries; requests and failures are limited per ID number and per client.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yiwang.accounts.selectors import user_by_id_number
from yiwang.appointments.constants import IDENTITY_CODE_LENGTH, ErrorCode, rules
from yiwang.appointments.models import Hall, IdentityCode
from yiwang.core import throttle
from yiwang.core.audit import record_event
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import FieldError, TooManyAttempts, ValidationFailed
from yiwang.core.identifiers import id_number_errors, normalise_id_number
from yiwang.notifications.services import notify

REQUESTS_PER_NUMBER = 5  # codes an hour for one ID number
REQUESTS_PER_CLIENT = 30  # codes an hour from one client address
FAILURES_PER_NUMBER = 10  # wrong codes an hour for one ID number
WINDOW = 3600


def _hash(code: str, hall: Hall, applicant_id: int) -> str:
    return sm3_hex(f"{hall.pk}:{applicant_id}:{code}".encode())


def _checked_number(id_number: str) -> str:
    number = normalise_id_number(str(id_number or "")[:40])
    errors = id_number_errors(number, field="id_number") if number else [
        FieldError("id_number", ErrorCode.FIELD_REQUIRED, "请输入 18 位居民身份证号码。")]
    if errors:
        raise ValidationFailed(errors)
    return number


@transaction.atomic
def identity_code_request(*, hall: Hall, id_number: str, client: str | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    number = _checked_number(id_number)
    for scope, key, limit in (("kiosk_code_number", number, REQUESTS_PER_NUMBER),
                              ("kiosk_code_client", client or "-", REQUESTS_PER_CLIENT)):
        if throttle.record_failure(scope, key, window_seconds=WINDOW) > limit:
            raise TooManyAttempts("获取验证码过于频繁，请一小时后再试，或到咨询台由工作人员帮助。", code="too_many_attempts",
                                  field="id_number")
    applicant = user_by_id_number(number)
    if applicant is None or not applicant.is_active or applicant.is_staff_member or not applicant.phone:
        return  # same answer as success: the kiosk never tells who is registered
    code = "".join(secrets.choice("0123456789") for _ in range(IDENTITY_CODE_LENGTH))
    IdentityCode.objects.filter(applicant=applicant, organisation_id=hall.organisation_id, used_at__isnull=True).update(
        used_at=now)  # one live code per person and hall
    IdentityCode.objects.create(organisation_id=hall.organisation_id, applicant=applicant, code_hash=_hash(code, hall, applicant.pk),
                                expires_at=now + timedelta(minutes=rules().IDENTITY_CODE_MINUTES))
    record_event(actor=None, action="appointments.identity_code_sent", obj=applicant, details={"hall": hall.code})
    notify(recipient=applicant, topic="appointments.identity_code", title="自助终端验证码",
           body=f"您正在{hall.organisation.name}自助终端办理业务，验证码 {code}，{rules().IDENTITY_CODE_MINUTES} 分钟内有效。"
                f"如非本人操作，请忽略。")


def identity_code_verify(*, hall: Hall, id_number: str, code: str, client: str | None, now: datetime | None = None):
    """The person whose ID number and SMS code these are, or ValidationFailed naming `code`."""
    now = now or timezone.now()
    number = _checked_number(id_number)
    if throttle.failures("kiosk_verify_number", number) >= FAILURES_PER_NUMBER:
        raise TooManyAttempts("验证码输错次数过多，请一小时后再试。", code="too_many_attempts", field="code")
    code = "".join(ch for ch in str(code or "")[:20] if not ch.isspace())
    applicant = user_by_id_number(number)
    with transaction.atomic():
        row = None
        if applicant is not None:
            row = (IdentityCode.objects.select_for_update().filter(
                applicant=applicant, organisation_id=hall.organisation_id, used_at__isnull=True, expires_at__gt=now,
                attempts__lt=rules().IDENTITY_CODE_ATTEMPTS).order_by("-created_at").first())
        if row is not None and code.isdigit() and hmac.compare_digest(row.code_hash, _hash(code, hall, applicant.pk)):
            row.used_at = now
            row.save(update_fields=["used_at", "updated_at"])
            record_event(actor=applicant, action="appointments.identity_verified", obj=applicant, details={"hall": hall.code})
            return applicant
        if row is not None:
            IdentityCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    throttle.record_failure("kiosk_verify_number", number, window_seconds=WINDOW)
    throttle.record_failure("kiosk_verify_client", client or "-", window_seconds=WINDOW)
    raise ValidationFailed([FieldError("code", ErrorCode.IDENTITY_CODE_INVALID,
                                       "验证码不正确或已过期，请核对短信中的 6 位验证码，或重新获取。")])
