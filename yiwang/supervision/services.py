"""Writes of supervision: credit records. Other apps record credit through here, never by creating
rows themselves (cases records a false commitment when a 告知承诺 is found untrue)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.supervision.constants import CreditRecordKind
from yiwang.supervision.models import CreditRecord


@transaction.atomic
def credit_record_create(*, actor, subject, kind: str, description: str, effective_from: dt.date,
                         source_case=None, effective_until: dt.date | None = None) -> CreditRecord:
    """Record a credit record against `subject` (a person's or an enterprise's account), with the
    case it arose from when there is one; recorded in the audit trail against that case (or the
    record itself)."""
    errors = []
    if kind not in CreditRecordKind.values:
        errors.append(FieldError("kind", "invalid_choice", "信用记录类型无效。"))
    if not (description or "").strip():
        errors.append(FieldError("description", "required", "请填写信用记录的事实与理由。"))
    if effective_until is not None and effective_until < effective_from:
        errors.append(FieldError("effective_until", "invalid", "失效日期不能早于生效日期。"))
    if errors:
        raise ValidationFailed(errors)
    record = CreditRecord.objects.create(subject=subject, kind=kind, description=description.strip(),
                                         source_case=source_case, recorded_by=actor if getattr(actor, "pk", None) else None,
                                         effective_from=effective_from, effective_until=effective_until)
    record_event(actor=actor, action="credit.recorded", obj=source_case if source_case is not None else record,
                 details={"kind": kind, "subject": subject.pk})
    return record
