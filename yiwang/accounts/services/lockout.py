"""Password login (username, resident ID, USCC or phone) with lockout, and the login records.

Every attempt is recorded (LoginAttempt + audit event) with the identifier's blind index only,
never the identifier typed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yiwang.accounts.access import can_manage_user
from yiwang.accounts.constants import (
    DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS,
    DEFAULT_LOGIN_LOCKOUT_SECONDS,
    DEFAULT_LOGIN_MAX_FAILURES,
    LOGIN_PURPOSE,
    ErrorCode,
    LoginOutcome,
)
from yiwang.accounts.models import LoginAttempt, User
from yiwang.accounts.selectors import resolve_identifier
from yiwang.accounts.services.field_rules import has_control_characters
from yiwang.core.audit import record_event
from yiwang.core.crypto import blind_index
from yiwang.core.errors import DomainError, FieldError, PermissionDenied, ValidationFailed


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    window: timedelta
    lockout: timedelta


def lockout_policy() -> LockoutPolicy:
    """5 failures within 15 minutes lock for 15 minutes, unless settings say otherwise."""
    return LockoutPolicy(
        max_failures=int(getattr(settings, "YIWANG_LOGIN_MAX_FAILURES", DEFAULT_LOGIN_MAX_FAILURES)),
        window=timedelta(seconds=int(getattr(settings, "YIWANG_LOGIN_FAILURE_WINDOW_SECONDS",
                                             DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS))),
        lockout=timedelta(seconds=int(getattr(settings, "YIWANG_LOGIN_LOCKOUT_SECONDS", DEFAULT_LOGIN_LOCKOUT_SECONDS))),
    )


def login_identifier_index(identifier: str) -> str:
    return blind_index((identifier or "").replace(" ", ""), purpose=LOGIN_PURPOSE)


def _attempts_of(*, user: User | None, identifier_index: str):
    if user is not None:
        return LoginAttempt.objects.filter(user=user)
    return LoginAttempt.objects.filter(user__isnull=True, identifier_index=identifier_index)


@dataclass(frozen=True)
class LockoutState:
    locked_until: datetime | None
    failures: int  # failures counting towards the next lockout


_RESETS = (LoginOutcome.SUCCESS, LoginOutcome.UNLOCKED, LoginOutcome.LOCKED_OUT)


def lockout_state(*, user: User | None = None, identifier_index: str = "", now: datetime | None = None) -> LockoutState:
    """Whether an account (or, for identifiers naming no account, the identifier) is locked.

    Failures count in a sliding window and only since the last reset — a success, an
    administrator's unlock or the start of the previous lockout — so a lockout that has run out
    gives a fresh set of attempts. Two indexed queries, whatever the number of attempts."""
    now = now or timezone.now()
    policy = lockout_policy()
    attempts = _attempts_of(user=user, identifier_index=identifier_index).filter(occurred_at__lte=now)
    last_reset = attempts.filter(outcome__in=_RESETS).order_by("-occurred_at", "-id").first()
    if last_reset and last_reset.outcome == LoginOutcome.LOCKED_OUT and last_reset.occurred_at + policy.lockout > now:
        return LockoutState(locked_until=last_reset.occurred_at + policy.lockout, failures=0)
    since = now - policy.window
    if last_reset and last_reset.occurred_at > since:
        since = last_reset.occurred_at
    failures = attempts.filter(outcome=LoginOutcome.FAILURE, occurred_at__gt=since).count()
    return LockoutState(locked_until=None, failures=failures)


def _valid_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip())) if ip else None
    except ValueError:
        return None


def _locked_error(locked_until: datetime) -> DomainError:
    local = timezone.localtime(locked_until)
    return DomainError(
        f"登录失败次数过多，该账号已被暂时锁定，请于 {local:%Y年%m月%d日 %H:%M} 后再试。"
        "如忘记密码，可在登录页选择“忘记密码”用短信验证码重新设置，或携带身份证件到政务服务中心窗口办理。",
        code=ErrorCode.ACCOUNT_LOCKED, detail={"locked_until": local.isoformat()},
    )


_ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class _Verdict:
    outcome: str
    user: User | None
    locked_until: datetime | None = None
    remaining: int = 0


@transaction.atomic
def _login_verdict(*, identifier: str, password: str, ip: str | None, now: datetime) -> _Verdict:
    user, kind = resolve_identifier(identifier)
    index = login_identifier_index(identifier)
    policy = lockout_policy()
    if user is not None:
        # Serialise concurrent attempts on one account (PostgreSQL; SQLite serialises writers).
        user = User.objects.select_for_update().get(pk=user.pk)
    state = lockout_state(user=user, identifier_index=index, now=now)

    def log(outcome: str) -> None:
        LoginAttempt.objects.create(identifier_index=index, identifier_kind=kind, user=user, ip=ip,
                                    outcome=outcome, occurred_at=now)

    audit = {"identifier_index": index, "identifier_kind": kind, "ip": ip}

    def event(action: str, actor: Any = _ANONYMOUS, **extra: Any) -> None:
        # The person typing is not known to be the account's owner until the password matches.
        record_event(actor=actor, action=action, obj=user, object_type="" if user else "accounts.login",
                     details={**audit, **extra})

    if state.locked_until:
        log(LoginOutcome.BLOCKED)
        return _Verdict(LoginOutcome.BLOCKED, user, locked_until=state.locked_until)
    if state.failures >= policy.max_failures:
        # Concurrent failures overtook the counter without starting a lockout: start it now.
        log(LoginOutcome.LOCKED_OUT)
        event("auth.account_locked", failures=state.failures)
        return _Verdict(LoginOutcome.LOCKED_OUT, user, locked_until=now + policy.lockout)

    if user is None:
        # Hash anyway, so response time does not tell which identifiers have accounts.
        User().set_password(password)
        ok = False
    else:
        ok = user.check_password(password)
    if ok and not user.is_active:
        log(LoginOutcome.INACTIVE)
        event("auth.login_refused_inactive", actor=user)
        return _Verdict(LoginOutcome.INACTIVE, user)
    if ok:
        log(LoginOutcome.SUCCESS)
        event("auth.login_succeeded", actor=user)
        return _Verdict(LoginOutcome.SUCCESS, user)

    failures = state.failures + 1
    if failures >= policy.max_failures:
        log(LoginOutcome.LOCKED_OUT)
        event("auth.account_locked", failures=failures)
        return _Verdict(LoginOutcome.LOCKED_OUT, user, locked_until=now + policy.lockout)
    log(LoginOutcome.FAILURE)
    event("auth.login_failed", failures=failures)
    return _Verdict(LoginOutcome.FAILURE, user, remaining=policy.max_failures - failures)


def login_attempt(*, identifier: str, password: str, ip: str | None = None, now: datetime | None = None) -> User:
    """Check a password login (username, resident ID, USCC or phone) against the lockout policy.

    Returns the user on success. Raises DomainError with code `account_locked` (message names the
    unlock time; `detail.locked_until`), `invalid_credentials` (message says how many tries are
    left), `account_inactive`, or ValidationFailed when a box is empty. Every attempt is recorded
    (LoginAttempt + audit event) with the identifier's blind index only. `now` lets tests and
    batch tools evaluate the policy at a given time.

    Not wrapped in one transaction on purpose: the attempt must stay recorded when the error is
    raised, so the recording happens in an inner transaction that commits first.
    """
    identifier = (identifier or "").strip()
    errors = []
    if not identifier:
        errors.append(FieldError("identifier", ErrorCode.REQUIRED, "请填写身份证号、统一社会信用代码、手机号或用户名。"))
    elif has_control_characters(identifier) or len(identifier) > 150:
        errors.append(FieldError("identifier", "identifier_format", "账号含有不可见字符或过长，请重新输入。"))
    if not password:
        errors.append(FieldError("password", ErrorCode.REQUIRED, "请填写密码。"))
    if errors:
        raise ValidationFailed(errors)
    verdict = _login_verdict(identifier=identifier, password=password, ip=_valid_ip(ip), now=now or timezone.now())
    if verdict.outcome == LoginOutcome.SUCCESS:
        return verdict.user
    if verdict.outcome in (LoginOutcome.BLOCKED, LoginOutcome.LOCKED_OUT):
        raise _locked_error(verdict.locked_until)
    if verdict.outcome == LoginOutcome.INACTIVE:
        raise DomainError("该账户已停用。如有疑问，请联系政务服务中心。", code=ErrorCode.ACCOUNT_INACTIVE)
    minutes = int(lockout_policy().lockout.total_seconds() // 60)
    raise DomainError(
        "账号或密码错误。请核对身份证号（或统一社会信用代码、手机号、用户名）和密码；"
        f"再错 {verdict.remaining} 次，该账号将被锁定 {minutes} 分钟。",
        code=ErrorCode.INVALID_CREDENTIALS, detail={"remaining_attempts": verdict.remaining},
    )


@transaction.atomic
def login_lock_clear(*, actor, user: User, now: datetime | None = None) -> None:
    """An administrator ends a lockout (and resets the failure count) after checking who asks."""
    if not can_manage_user(actor, user):
        raise PermissionDenied("无权解除该账户的登录锁定。", code="permission_denied")
    LoginAttempt.objects.create(identifier_index="", identifier_kind="", user=user, ip=None,
                                outcome=LoginOutcome.UNLOCKED, occurred_at=now or timezone.now())
    record_event(actor=actor, action="auth.lock_cleared", obj=user)


def logout_record(*, actor, ip: str | None) -> None:
    """Record that `actor` signed out (the session itself is ended by the page)."""
    record_event(actor=actor, action="auth.logout", obj=actor, details={"ip": ip})


@transaction.atomic
def login_attempts_prune(*, before: datetime) -> int:
    """Delete login records older than `before` (they only matter to the lockout for minutes and
    to the owner's history for months). Returns how many were deleted."""
    deleted, _ = LoginAttempt.objects.filter(occurred_at__lt=before).delete()
    if deleted:
        record_event(actor="retention", action="auth.login_records_pruned", object_type="accounts.loginattempt",
                     details={"before": before.isoformat(), "deleted": deleted})
    return deleted

