"""API tokens: created for an account (shown once), revoked, and resolved on each request."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from yiwang.accounts.access import can_manage_tokens_of
from yiwang.accounts.constants import ErrorCode
from yiwang.accounts.models import ApiToken, User
from yiwang.core.audit import record_event
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import FieldError, PermissionDenied, ValidationFailed

API_TOKEN_PREFIX = "yw_"  # noqa: S105 (marks our tokens in logs and secret scanners)
# Writing last_used_at on every request would turn every API read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so an unsalted hash is as good as a slow one here.
    return sm3_hex(token.encode("utf-8"))


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (record, token). The token is not stored: show it once."""
    if not can_manage_tokens_of(actor, user_id=user.pk):
        raise PermissionDenied("无权为该账户创建接口令牌。", code="permission_denied")
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(FieldError("name", ErrorCode.REQUIRED, "请填写令牌名称（用途），例如“12345 热线对接”。"))
    elif len(name) > 100:
        errors.append(FieldError("name", "too_long", "令牌名称最多 100 个字。"))
    if not user.is_active:
        errors.append(FieldError("user", ErrorCode.ACCOUNT_INACTIVE, f"账户“{user.username}”已停用，不能创建令牌。"))
    if errors:
        raise ValidationFailed(errors)
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, token_hash=api_token_hash(token), prefix=token[:10])
    record_event(actor=actor, action="accounts.api_token_created", obj=record,
                 details={"user_id": user.pk, "name": name, "prefix": record.prefix})
    return record, token


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if not can_manage_tokens_of(actor, user_id=token.user_id):
        raise PermissionDenied("无权吊销该接口令牌。", code="permission_denied")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=actor, action="accounts.api_token_revoked", obj=token,
                     details={"user_id": token.user_id, "name": token.name, "prefix": token.prefix})
    return token


def api_token_use(*, token: str, now: datetime | None = None) -> User | None:
    """The active user a presented token acts for, or None (unknown, revoked, inactive owner)."""
    if not token or not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    record = ApiToken.objects.select_related("user").filter(token_hash=api_token_hash(token)).first()
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return None
    now = now or timezone.now()
    if record.last_used_at is None or now - record.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
