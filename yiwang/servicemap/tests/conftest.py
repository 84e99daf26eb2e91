"""A small service map for tests: the tree of orgs.tests.factories.build_tree (city hall, 雁塔区 and
碑林区 halls), three published items, outlets made through the services at hand-picked points,
and hall managers with scopes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.catalog.tests.factories import PublishedVersionFactory
from yiwang.orgs.constants import Role
from yiwang.orgs.tests.factories import RoleGrantFactory, build_tree
from yiwang.servicemap import services
from yiwang.servicemap.constants import AcceptanceMode, Facility, OutletHost, OutletKind
from yiwang.servicemap.opening_hours import Period
from yiwang.servicemap.outlet_index import forget_index
from yiwang.servicemap.selectors import forget_day_types

# Points (WGS84) in the urban districts of the built-in outlines.
BELL_TOWER = (34.2610, 108.9423)
CITY_HALL = (34.3378, 108.9402)
YANTA_HALL = (34.2120, 108.9500)
BEILIN_HALL = (34.2450, 108.9500)

WEEKDAY_HOURS = {d: [Period(9 * 60, 12 * 60), Period(13 * 60, 17 * 60)] for d in range(5)}
ALL_DAY = {d: [Period(0, 1440)] for d in range(8)}


@pytest.fixture(autouse=True)
def _fresh_index():
    forget_index()
    forget_day_types()
    yield
    forget_index()
    forget_day_types()


def make_outlet(*, operator, name, kind=OutletKind.STREET_CENTER, at=BELL_TOWER, hours=None, items=None, **extra):
    outlet = services.outlet_create(actor=None, name=name, kind=kind, operator=operator, lat=at[0], lng=at[1],
                                    address=f"西安市{name}", **extra)
    if hours is not None:
        services.outlet_set_schedule(actor=None, outlet=outlet, slots=hours)
    for implementation_id, mode in (items or {}).items():
        services.outlet_set_item(actor=None, outlet=outlet, implementation_id=implementation_id, mode=mode)
    return outlet


@pytest.fixture
def smap(db):
    t = build_tree()
    s = SimpleNamespace(tree=t)
    s.shop = PublishedVersionFactory(name="个体工商户设立登记", service_objects=["1"], city_wide=True,
                                     supports_express_delivery=True, implementation__agency=t.city_market)
    s.firm = PublishedVersionFactory(name="企业变更登记", service_objects=["2"], city_wide=False,
                                     supports_express_delivery=True, implementation__agency=t.yanta_market)
    s.card = PublishedVersionFactory(name="居民身份证换领", service_objects=["1"], city_wide=True,
                                     supports_express_delivery=False, implementation__agency=t.city_market)
    shop, firm, card = s.shop.implementation_id, s.firm.implementation_id, s.card.implementation_id
    s.city_hall = make_outlet(operator=t.city_center, organisation=t.city_center, name="西安市政务服务中心",
                              kind=OutletKind.CITY_CENTER, at=CITY_HALL, hours=WEEKDAY_HOURS,
                              items={shop: AcceptanceMode.STATIONED, card: AcceptanceMode.STATIONED},
                              facilities=[Facility.STEP_FREE, Facility.ACCESSIBLE_TOILET])
    s.yanta_hall = make_outlet(operator=t.yanta_center, organisation=t.yanta_center, name="西安市雁塔区政务服务中心",
                               kind=OutletKind.DISTRICT_CENTER, at=YANTA_HALL, hours=WEEKDAY_HOURS,
                               items={shop: AcceptanceMode.CITY_WIDE, firm: AcceptanceMode.STATIONED,
                                      card: AcceptanceMode.CITY_WIDE})
    s.beilin_hall = make_outlet(operator=t.beilin_center, organisation=t.beilin_center, name="西安市碑林区政务服务中心",
                                kind=OutletKind.DISTRICT_CENTER, at=BEILIN_HALL, hours=WEEKDAY_HOURS,
                                items={shop: AcceptanceMode.CITY_WIDE})
    s.post = make_outlet(operator=t.yanta, name="小寨邮政网点政务服务驿站", kind=OutletKind.SERVICE_POST,
                         host=OutletHost.POST_OFFICE, at=(34.2200, 108.9480), hours=WEEKDAY_HOURS,
                         items={firm: AcceptanceMode.ASSISTED})
    from yiwang.cases.services.locker_registry import locker_register

    s.locker_row = locker_register(actor=None, outlet=t.yanta_center, code="YT-01", location="雁塔区政务服务中心东门")
    s.locker = make_outlet(operator=t.yanta_center, name="雁塔区政务服务中心东门信包箱", kind=OutletKind.LOCKER,
                           hall=s.yanta_hall, locker=s.locker_row, at=(34.2122, 108.9503), hours=ALL_DAY)
    s.manager_yanta = StaffFactory(username="hall_yanta_t")
    RoleGrantFactory(user=s.manager_yanta, organisation=t.yanta, role=Role.HALL_MANAGER)
    s.manager_city = StaffFactory(username="hall_city_t")
    RoleGrantFactory(user=s.manager_city, organisation=t.city_center, role=Role.HALL_MANAGER)
    s.ids = SimpleNamespace(shop=shop, firm=firm, card=card)
    return s
