"""Status changes by people (revoke 撤销, cancel 注销, withdraw 吊销) and by the system (expiry,
a case revoked after a false commitment)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.licences.constants import ErrorCode, LicenceAction, LicenceStatus
from yiwang.licences.lifecycle import STAFF_ACTIONS
from yiwang.licences.models import Licence
from yiwang.licences.services.issuance import _lock, transition

MAX_REASON = 500


@transaction.atomic
def licence_change_status(*, actor, licence: Licence, action: str, reason: str) -> Licence:
    """A licence officer revokes, cancels or withdraws a licence in scope, giving the reason."""
    from yiwang.licences.access import require_licence_staff

    require_licence_staff(actor=actor, licence=licence)
    errors = []
    if action not in STAFF_ACTIONS:
        errors.append(FieldError("action", ErrorCode.FIELD_INVALID, "操作应为 revoke（撤销）、cancel（注销）或 withdraw（吊销）。"))
    text = (reason or "").strip()
    if not text:
        errors.append(FieldError("reason", ErrorCode.REASON_REQUIRED, "请填写理由和依据（例如：依据《行政许可法》第六十九条撤销）。"))
    elif len(text) > MAX_REASON or any(not ch.isprintable() for ch in text.replace("\n", "")):
        errors.append(FieldError("reason", ErrorCode.FIELD_TOO_LONG, f"理由不超过 {MAX_REASON} 个字符，且不能含控制字符。"))
    if errors:
        raise ValidationFailed(errors)
    locked = _lock(licence)
    return transition(licence=locked, action=action, actor=actor, reason=text)


def licences_expire(*, today: dt.date | None = None, batch: int = 500) -> int:
    """Valid licences whose validity ended before `today` become expired (daily; idempotent)."""
    today = today or timezone.localdate()
    done = 0
    while True:
        ids = list(Licence.objects.filter(status=LicenceStatus.VALID, valid_until__lt=today)
                   .values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        for pk in ids:
            with transaction.atomic():
                licence = Licence.objects.select_for_update().get(pk=pk)
                if licence.status == LicenceStatus.VALID and licence.valid_until and licence.valid_until < today:
                    transition(licence=licence, action=LicenceAction.EXPIRE, actor="licences",
                               reason=f"有效期已于 {licence.valid_until.isoformat()} 届满")
                    done += 1


def licences_revoke_for_case(*, case, actor, reason: str) -> list[Licence]:
    """A case whose decision is revoked (a false commitment, 行政许可法 §69) revokes the licences
    it issued. Runs inside the case's transaction (hook `case.revoked`)."""
    revoked = []
    for licence in Licence.objects.select_for_update().filter(source_case=case):
        if licence.status in (LicenceStatus.VALID, LicenceStatus.EXPIRED):
            transition(licence=licence, action=LicenceAction.REVOKE, actor=actor,
                       reason=f"行政许可决定被撤销（办件 {case.number}）：{reason}")
            revoked.append(licence)
    return revoked
