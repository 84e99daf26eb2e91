"""published_items: the facts of the guides in force that the service map builds on."""

import pytest

from yiwang.catalog import selectors
from yiwang.catalog.tests.factories import PublishedVersionFactory, ServicePlaceFactory, VersionFactory
from yiwang.orgs.constants import OrganisationKind
from yiwang.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_only_current_published_versions_with_their_places():
    hall = OrganisationFactory(name="某政务服务中心", kind=OrganisationKind.SERVICE_CENTER)
    shop = PublishedVersionFactory(name="个体工商户设立登记", service_objects=["1"], city_wide=True,
                                   supports_express_delivery=False)
    ServicePlaceFactory(version=shop, outlet=hall)
    ServicePlaceFactory(version=shop, outlet=None)  # a place that is not one of our outlets
    firm = PublishedVersionFactory(name="企业登记", service_objects=["2"], high_frequency=True)
    VersionFactory(name="草稿事项")  # not published: absent
    items = {i.name: i for i in selectors.published_items()}
    assert set(items) == {"个体工商户设立登记", "企业登记"}
    assert items["个体工商户设立登记"].id == shop.implementation_id
    assert items["个体工商户设立登记"].place_outlet_ids == (hall.pk,)
    assert (items["个体工商户设立登记"].for_persons, items["个体工商户设立登记"].city_wide) == (True, True)
    assert items["个体工商户设立登记"].supports_express_delivery is False
    assert (items["企业登记"].for_persons, items["企业登记"].for_enterprises) == (False, True)
    assert [i.name for i in selectors.published_items(ids=[firm.implementation_id])] == ["企业登记"]
