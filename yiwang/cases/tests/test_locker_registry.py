"""locker_register: idempotent by code, validated, administrators of the outlet only."""

import pytest

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases import selectors
from yiwang.cases.services.locker_registry import locker_register
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.orgs.tests.factories import OrganisationFactory, RoleGrantFactory

pytestmark = pytest.mark.django_db


def test_register_once_then_found_by_code():
    hall = OrganisationFactory(name="某政务服务中心")
    first = locker_register(actor=None, outlet=hall, code="XA-0100", location="大厅东门")
    again = locker_register(actor=None, outlet=hall, code="XA-0100", location="别处")
    assert again.pk == first.pk and again.location == "大厅东门"
    assert AuditEvent.objects.filter(action="locker.registered").count() == 1
    assert selectors.locker_by_id(first.pk) == first
    assert selectors.locker_by_id("x") is None and selectors.locker_by_id(2**70) is None


def test_every_problem_at_once_and_scope():
    hall = OrganisationFactory(name="某政务服务中心")
    with pytest.raises(ValidationFailed) as failed:
        locker_register(actor=None, outlet=hall, code="A\x00", location="")
    assert {e.field for e in failed.value.errors} == {"code", "location"}
    outsider = StaffFactory()
    RoleGrantFactory(user=outsider, role="administrator")  # at another organisation
    with pytest.raises(PermissionDenied):
        locker_register(actor=outsider, outlet=hall, code="XA-0101", location="大厅东门")
