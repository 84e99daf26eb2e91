"""Registering a 24-hour locker (智能信包箱) of an outlet: the row the delivery machinery and the
service map both use. Idempotent by code, so demo loaders and installers can run it again."""

from __future__ import annotations

from django.db import transaction

from yiwang.cases.models import Locker
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.orgs.access import require_administrator

_CODE_MAX = Locker._meta.get_field("code").max_length
_LOCATION_MAX = Locker._meta.get_field("location").max_length


def _has_control(value: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


@transaction.atomic
def locker_register(*, actor, outlet, code: str, location: str) -> Locker:
    """The locker `code` at `outlet` (an organisation); created when missing, else returned as it
    is (a locker's code is printed on the cabinet and never changes)."""
    require_administrator(actor, outlet, doing="登记信包箱")
    code, location = (code or "").strip(), (location or "").strip()
    errors = []
    if not code:
        errors.append(FieldError("code", "required", "请填写信包箱编号（印在箱体上的编号）。"))
    elif len(code) > _CODE_MAX or _has_control(code):
        errors.append(FieldError("code", "code_format", f"信包箱编号最多 {_CODE_MAX} 个字符，且不能含控制字符。"))
    if not location:
        errors.append(FieldError("location", "required", "请填写信包箱的位置，例如“市政务服务中心东门”。"))
    elif len(location) > _LOCATION_MAX or _has_control(location):
        errors.append(FieldError("location", "location_format",
                                 f"位置最多 {_LOCATION_MAX} 个字，且不能含控制字符。"))
    if errors:
        raise ValidationFailed(errors)
    locker = Locker.objects.filter(code=code).first()
    if locker is not None:
        return locker
    locker = Locker.objects.create(outlet=outlet, code=code, location=location)
    record_event(actor=actor, action="locker.registered", obj=locker,
                 details={"code": code, "outlet_id": outlet.pk, "location": location})
    return locker
