"""Account self-service: a signed-in person changes their own password (issue 8 §5).

The current password is required (a session left open on a shared computer must not be enough to
take the account over); the new one passes the same validators as at registration.
"""

from __future__ import annotations

from django.db import transaction

from yiwang.accounts.services.field_rules import password_errors
from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed


@transaction.atomic
def password_change(*, actor, current: str, new: str, confirm: str):
    errors: list[FieldError] = []
    if not current:
        errors.append(FieldError("current_password", "required", "请输入当前密码。"))
    elif not actor.check_password(current):
        errors.append(FieldError("current_password", "password_wrong", "当前密码不正确。"))
    errors += password_errors(new, user=actor, field="new_password")
    if new and confirm != new:
        errors.append(FieldError("confirm_password", "password_mismatch", "两次输入的新密码不一致。"))
    if new and current and new == current:
        errors.append(FieldError("new_password", "password_unchanged", "新密码不能与当前密码相同。"))
    if errors:
        raise ValidationFailed(errors)
    actor.set_password(new)
    actor.save(update_fields=["password"])
    record_event(actor=actor, action="accounts.password_changed", obj=actor)
    return actor
