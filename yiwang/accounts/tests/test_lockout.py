"""Login lockout: 5 failures within 15 minutes lock for 15 minutes — for accounts and for
identifiers that match none — with only blind indexes and IPs stored. Time passes through `now`."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from yiwang.accounts.constants import LoginOutcome
from yiwang.accounts.models import LoginAttempt
from yiwang.accounts.services import lockout_state, login_attempt, login_identifier_index, login_lock_clear
from yiwang.accounts.tests.factories import PASSWORD, EnterpriseUserFactory, StaffFactory, UserFactory
from yiwang.core.errors import DomainError, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


@pytest.fixture
def t0():
    return timezone.now()


def _fail(identifier, now, times=1, password="wrong-password"):
    errors = []
    for i in range(times):
        with pytest.raises(DomainError) as exc:
            login_attempt(identifier=identifier, password=password, ip=IP, now=now + timedelta(seconds=i))
        errors.append(exc.value)
    return errors


def test_login_by_each_identifier():
    citizen = UserFactory()
    enterprise = EnterpriseUserFactory()
    for identifier in (citizen.username, citizen.id_number, citizen.id_number.lower(), citizen.phone,
                       f"{citizen.phone[:3]} {citizen.phone[3:7]} {citizen.phone[7:]}"):
        assert login_attempt(identifier=identifier, password=PASSWORD, ip=IP) == citizen
    assert login_attempt(identifier=enterprise.uscc, password=PASSWORD) == enterprise
    assert login_attempt(identifier=enterprise.uscc.lower(), password=PASSWORD) == enterprise


def test_failures_say_how_many_tries_are_left(t0):
    user = UserFactory()
    errors = _fail(user.id_number, t0, times=4)
    assert [e.code for e in errors] == ["invalid_credentials"] * 4
    assert [e.detail["remaining_attempts"] for e in errors] == [4, 3, 2, 1]
    assert "再错 1 次，该账号将被锁定 15 分钟" in errors[-1].message


def test_fifth_failure_locks_for_fifteen_minutes_even_with_the_right_password(t0):
    user = UserFactory()
    *_, fifth = _fail(user.id_number, t0, times=5)
    assert fifth.code == "account_locked"
    unlock = timezone.localtime(t0 + timedelta(seconds=4) + timedelta(minutes=15))
    assert f"请于 {unlock:%Y年%m月%d日 %H:%M} 后再试" in fifth.message
    with pytest.raises(DomainError) as exc:
        login_attempt(identifier=user.id_number, password=PASSWORD, ip=IP, now=t0 + timedelta(minutes=14))
    assert exc.value.code == "account_locked"
    # The lock is on the account: another identifier of the same person is locked too.
    with pytest.raises(DomainError) as exc:
        login_attempt(identifier=user.phone, password=PASSWORD, ip=IP, now=t0 + timedelta(minutes=14))
    assert exc.value.code == "account_locked"
    # Time passes: the lock runs out and the right password works again.
    assert login_attempt(identifier=user.id_number, password=PASSWORD, ip=IP,
                         now=t0 + timedelta(minutes=15, seconds=5)) == user


def test_attempts_while_locked_do_not_extend_the_lock(t0):
    user = UserFactory()
    _fail(user.username, t0, times=5)
    _fail(user.username, t0 + timedelta(minutes=10), times=20)
    assert lockout_state(user=user, now=t0 + timedelta(minutes=15, seconds=5)).locked_until is None
    assert LoginAttempt.objects.filter(user=user, outcome=LoginOutcome.BLOCKED).count() == 20


def test_after_a_lock_runs_out_there_is_a_fresh_set_of_attempts(t0):
    user = UserFactory()
    _fail(user.username, t0, times=5)
    errors = _fail(user.username, t0 + timedelta(minutes=16), times=4)
    assert [e.code for e in errors] == ["invalid_credentials"] * 4


def test_success_resets_the_count(t0):
    user = UserFactory()
    _fail(user.username, t0, times=4)
    login_attempt(identifier=user.username, password=PASSWORD, ip=IP, now=t0 + timedelta(seconds=10))
    errors = _fail(user.username, t0 + timedelta(seconds=20), times=4)
    assert [e.code for e in errors] == ["invalid_credentials"] * 4


def test_failures_older_than_the_window_do_not_count(t0):
    user = UserFactory()
    _fail(user.username, t0, times=4)
    errors = _fail(user.username, t0 + timedelta(minutes=15, seconds=30), times=1)
    assert errors[0].code == "invalid_credentials" and errors[0].detail["remaining_attempts"] == 4


def test_window_slides(t0):
    """Failures at 0, 10, 14, 16, 20 and 24 minutes: the last five lie within 15 minutes."""
    user = UserFactory()
    codes = [_fail(user.username, t0 + timedelta(minutes=m))[0].code for m in (0, 10, 14, 16, 20, 24)]
    assert codes == ["invalid_credentials"] * 5 + ["account_locked"]


def test_time_passing_by_editing_the_attempt_rows():
    user = UserFactory()
    _fail(user.username, timezone.now() - timedelta(seconds=10), times=5)
    with pytest.raises(DomainError):
        login_attempt(identifier=user.username, password=PASSWORD)
    LoginAttempt.objects.filter(user=user).update(occurred_at=timezone.now() - timedelta(minutes=16))
    assert login_attempt(identifier=user.username, password=PASSWORD) == user


def test_unknown_identifiers_are_locked_too_and_stored_only_as_blind_index(t0):
    probe = "610113195803150242"
    errors = _fail(probe, t0, times=5)
    assert [e.code for e in errors] == ["invalid_credentials"] * 4 + ["account_locked"]
    rows = LoginAttempt.objects.filter(identifier_index=login_identifier_index(probe))
    assert rows.count() == 5 and {r.ip for r in rows} == {IP} and all(r.user_id is None for r in rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_loginattempt")
        dump = repr(cursor.fetchall())
        cursor.execute("SELECT action, details, actor_label FROM core_auditevent")
        audit = repr(cursor.fetchall())
    assert probe not in dump and probe not in audit
    assert "auth.account_locked" in audit


def test_audit_events_without_plaintext_identifiers(t0):
    user = UserFactory()
    _fail(user.phone, t0, times=5)
    login_attempt(identifier=user.id_number, password=PASSWORD, ip=IP, now=t0 + timedelta(minutes=20))
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 4
    assert "auth.account_locked" in actions and "auth.login_succeeded" in actions
    for event in AuditEvent.objects.all():
        text = f"{event.actor_label} {event.details}"
        assert user.phone not in text and user.id_number not in text
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed.actor_label == "anonymous" and failed.details["identifier_kind"] == "phone"
    assert failed.details["ip"] == IP


def test_inactive_account_with_right_password(t0):
    user = UserFactory(is_active=False)
    with pytest.raises(DomainError) as exc:
        login_attempt(identifier=user.username, password=PASSWORD, now=t0)
    assert exc.value.code == "account_inactive"


def test_empty_boxes_are_field_errors_not_attempts():
    with pytest.raises(ValidationFailed) as exc:
        login_attempt(identifier=" ", password="")
    assert {e.field for e in exc.value.errors} == {"identifier", "password"}
    assert not LoginAttempt.objects.exists()


@override_settings(YIWANG_LOGIN_MAX_FAILURES=2, YIWANG_LOGIN_LOCKOUT_SECONDS=60)
def test_policy_comes_from_settings(t0):
    user = UserFactory()
    errors = _fail(user.username, t0, times=2)
    assert [e.code for e in errors] == ["invalid_credentials", "account_locked"]
    assert login_attempt(identifier=user.username, password=PASSWORD, now=t0 + timedelta(seconds=62)) == user


def test_administrator_can_clear_a_lock(t0, tree):
    from yiwang.orgs.constants import Role
    from yiwang.orgs.services import role_grant

    user = StaffFactory()
    role_grant(actor=None, user=user, organisation=tree.yanta_center, role=Role.WINDOW_CLERK)
    _fail(user.username, t0, times=5)
    outsider = StaffFactory()
    role_grant(actor=None, user=outsider, organisation=tree.beilin, role=Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        login_lock_clear(actor=outsider, user=user, now=t0 + timedelta(minutes=1))
    admin = StaffFactory()
    role_grant(actor=None, user=admin, organisation=tree.yanta, role=Role.ADMINISTRATOR)
    login_lock_clear(actor=admin, user=user, now=t0 + timedelta(minutes=1))
    assert login_attempt(identifier=user.username, password=PASSWORD, now=t0 + timedelta(minutes=2)) == user


def test_backend_applies_the_lockout():
    """The admin login form and authenticate() go through the same service."""
    user = UserFactory()
    for _ in range(5):
        assert authenticate(None, username=user.username, password="wrong-password") is None
    assert authenticate(None, username=user.username, password=PASSWORD) is None  # locked
    assert LoginAttempt.objects.filter(user=user, outcome=LoginOutcome.BLOCKED).count() == 1
    other = UserFactory()
    assert authenticate(None, username=other.phone, password=PASSWORD) == other
