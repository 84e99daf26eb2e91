import pytest

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.orgs.tests.factories import RoleGrantFactory
from yiwang.workdays.time_limits import invalidate_calendar_index


@pytest.fixture(autouse=True)
def _fresh_calendar_index():
    # Transactional tests flush and restore tables behind the index's back (no revision bump
    # that a real write would make), so every test starts by checking the revision again.
    invalidate_calendar_index()
    yield
    invalidate_calendar_index()


@pytest.fixture
def administrator(db):
    user = StaffFactory()
    RoleGrantFactory(user=user, role="administrator")
    return user


@pytest.fixture
def clerk(db):
    user = StaffFactory()
    RoleGrantFactory(user=user, role="window_clerk")
    return user
