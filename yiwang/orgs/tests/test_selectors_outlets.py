"""The reads the service map makes of the organisation tree."""

import pytest

from yiwang.orgs import selectors
from yiwang.orgs.constants import DivisionLevel, OrganisationKind
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory, build_tree

pytestmark = pytest.mark.django_db


def test_district_code_walks_up_from_a_community():
    t = build_tree()
    street = DivisionFactory(code="610113J01", name="小寨路街道", level=DivisionLevel.STREET, parent=t.divisions.yanta)
    community = DivisionFactory(code="610113J01C01", name="小寨东路社区", level=DivisionLevel.COMMUNITY, parent=street)
    station = OrganisationFactory(name="小寨东路社区便民服务站", kind=OrganisationKind.COMMUNITY_STATION,
                                  division=community, parent=t.yanta)
    assert selectors.district_code_of(station) == "610113"
    assert selectors.district_code_of(t.beilin_center) == "610103"
    assert selectors.district_code_of(t.city_center) is None  # the city level lies in no district


def test_organisations_with_kinds_and_by_short_names():
    t = build_tree()
    centres = list(selectors.organisations_with_kinds([OrganisationKind.SERVICE_CENTER]))
    assert centres == sorted([t.city_center, t.yanta_center, t.beilin_center], key=lambda o: o.path)
    found = selectors.organisations_by_short_name(["雁塔区政务服务中心", "没有这个机构"])
    assert found == {"雁塔区政务服务中心": t.yanta_center}
    assert [d.code for d in selectors.divisions_by_level(DivisionLevel.DISTRICT)] == ["610103", "610113"]
