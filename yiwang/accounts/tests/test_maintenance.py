"""Key rotation of the blind index and retention of login records."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from yiwang.accounts.models import LoginAttempt
from yiwang.accounts.selectors import user_by_identifier
from yiwang.accounts.services import login_attempt, login_attempts_prune
from yiwang.accounts.tasks import prune_login_attempts
from yiwang.accounts.tests.factories import EnterpriseUserFactory, UserFactory
from yiwang.core.errors import DomainError

pytestmark = pytest.mark.django_db

NEW_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def test_reindex_after_rotating_the_blind_index_key():
    citizen, enterprise = UserFactory(), EnterpriseUserFactory()
    with override_settings(YIWANG_BLIND_INDEX_KEY=NEW_KEY):
        assert user_by_identifier(citizen.id_number) is None  # old indexes no longer match
        out = io.StringIO()
        call_command("reindex_identifiers", stdout=out)
        assert "已重算 2 个账户" in out.getvalue()
        assert user_by_identifier(citizen.id_number) == citizen
        assert user_by_identifier(citizen.phone) == citizen
        from yiwang.accounts.selectors import users_represented_by

        assert list(users_represented_by(enterprise.legal_rep_id_number)) == [enterprise]


@override_settings(YIWANG_LOGIN_RECORD_RETENTION_DAYS=30)
def test_old_login_records_are_pruned():
    user = UserFactory()
    for _ in range(3):
        with pytest.raises(DomainError):
            login_attempt(identifier=user.username, password="wrong-password")
    LoginAttempt.objects.filter(pk=LoginAttempt.objects.first().pk).update(
        occurred_at=timezone.now() - timedelta(days=31))
    assert prune_login_attempts.delay().get() == 1
    assert LoginAttempt.objects.count() == 2
    assert login_attempts_prune(before=timezone.now() - timedelta(days=31)) == 0
