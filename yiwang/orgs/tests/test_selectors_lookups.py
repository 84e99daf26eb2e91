"""The organisation lookups other apps read through (cases: refusal agencies, the hall where an
agency's items are accepted, the colleagues a task may be reassigned to)."""

import pytest

from yiwang.orgs.constants import DivisionLevel, OrganisationKind, Role
from yiwang.orgs.selectors import nearest_of_kind, organisation_by_id, organisations_of_kind, role_holders_over
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory, RoleGrantFactory

pytestmark = pytest.mark.django_db


def test_lookups_by_id_kind_and_nearest_service_center():
    city = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    district = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=city)
    hall = OrganisationFactory(name="西安市政务服务中心", kind=OrganisationKind.SERVICE_CENTER, division=city)
    agency = OrganisationFactory(name="西安市市场监督管理局", division=city)
    district_agency = OrganisationFactory(name="雁塔区市场监督管理局", division=district)
    assert organisation_by_id(agency.pk) == agency
    assert organisation_by_id("x") is None and organisation_by_id(2**70) is None and organisation_by_id(None) is None
    assert list(organisations_of_kind(OrganisationKind.SERVICE_CENTER)) == [hall]
    assert agency not in organisations_of_kind(agency.kind, excluding=agency.pk)
    # No hall in the district: the city's hall accepts its items.
    assert nearest_of_kind(district_agency.pk, OrganisationKind.SERVICE_CENTER) == (hall.pk, hall.path)


def test_role_holders_over_an_organisation_are_those_granted_at_it_or_above():
    city = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    gov = OrganisationFactory(name="西安市人民政府", kind=OrganisationKind.GOVERNMENT, division=city)
    agency = OrganisationFactory(name="西安市市场监督管理局", division=city, parent=gov)
    unit = OrganisationFactory(name="食品经营许可科", division=city, parent=agency)
    above = RoleGrantFactory(organisation=gov, role=Role.DEPT_REVIEWER).user
    here = RoleGrantFactory(organisation=unit, role=Role.DEPT_REVIEWER).user
    other_role = RoleGrantFactory(organisation=agency, role=Role.DEPT_APPROVER).user
    holders = role_holders_over(agency, Role.DEPT_REVIEWER)
    assert above in holders and here not in holders and other_role not in holders
