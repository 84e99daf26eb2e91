"""The demo as `make demo` loads it: outlets for every district of the organisation seed inside
the outlines, the cases lockers as outlets, the population grid, the demo staff; a second run
creates nothing."""

import io

import pytest
from django.core.management import call_command

from yiwang.cases.selectors import lockers
from yiwang.orgs.constants import OrganisationKind
from yiwang.orgs.selectors import organisations_with_kinds
from yiwang.servicemap import demo, selectors
from yiwang.servicemap.constants import OutletKind
from yiwang.servicemap.districts import DISTRICTS
from yiwang.servicemap.models import Outlet, PopulationPoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar_index_rebuilt_after():
    """The demo's locker journeys compute due dates, building the working-day calendar index
    inside this test's transaction; it is checked against the database again afterwards."""
    yield
    from yiwang.workdays.time_limits import invalidate_calendar_index

    invalidate_calendar_index()


def test_demo_load(settings):
    out = io.StringIO()
    call_command("load_xian", stdout=out)
    call_command("load_demo_accounts", stdout=out)
    demo.load(stdout=out)
    outlets = list(Outlet.objects.all())
    assert all(o.is_demo and o.location_source for o in outlets)
    # Every service centre, street centre and community station of the seed is an outlet.
    halls = organisations_with_kinds([OrganisationKind.SERVICE_CENTER, OrganisationKind.STREET_CENTER,
                                      OrganisationKind.COMMUNITY_STATION])
    assert {o.pk for o in halls} <= {o.organisation_id for o in outlets}
    # Each lies inside the outline of the district it is filed under.
    for o in outlets:
        assert DISTRICTS[o.district_code].contains(o.lng, o.lat), o.name
    # Every kind is there; the lockers are the cases lockers, three at the city hall (seed 000).
    kinds = {o.kind for o in outlets}
    assert kinds == set(OutletKind.values) - {OutletKind.BRANCH_CENTER}
    assert {lk.pk for lk in lockers()} == {o.locker_id for o in outlets if o.kind == OutletKind.LOCKER}
    assert Outlet.objects.filter(kind=OutletKind.LOCKER, hall__organisation__short_name="市政务服务中心").count() == 3
    # A population grid in every district, marked as demo data.
    assert set(PopulationPoint.objects.values_list("district_code", flat=True).distinct()) == set(DISTRICTS)
    assert not PopulationPoint.objects.filter(is_demo=False).exists()
    report = selectors.coverage_report()
    assert 0 < report.share < 1
    for d in report.districts:  # each district's residents as configured, give or take the rounding per point
        assert d.population == pytest.approx(demo.POPULATION_10K[d.code] * 10_000, rel=1e-3)
    yanta = next(d for d in report.districts if d.code == "610113")
    assert yanta.minutes == 10
    # A citizen near the 雁塔区 hall finds where to apply for a residence permit.
    item = selectors.items_offered("居住证")[0]
    result = selectors.outlets_nearest(lat=34.212, lng=108.95, item_id=item.id, limit=5)
    assert len(result.results) == 5 and result.results[0].distance_m < 2000
    # The demo staff exist with their scopes; and loading again creates nothing.
    from yiwang.accounts.selectors import user_by_identifier

    assert user_by_identifier("hall_yanta").role_grants.get().organisation.short_name == "雁塔区人民政府"
    # Lockers in use: 王秀英's materials deposited, waiting for the courier; her result in a locker.
    from yiwang.cases.constants import DropOffStatus
    from yiwang.cases.models import Delivery, LockerDropOff
    from yiwang.cases.selectors import courier_round

    citizen, courier = user_by_identifier("citizen"), user_by_identifier("courier")
    drop_off = LockerDropOff.objects.get(application__applicant=citizen)
    assert drop_off.status == DropOffStatus.DEPOSITED and drop_off.locker.code == demo.DROP_OFF_LOCKER
    assert [stop.locker.code for stop in courier_round(courier)] == [demo.DROP_OFF_LOCKER]
    waiting = Delivery.objects.get(application__applicant=citizen, locker__code=demo.PICKUP_LOCKER)
    assert waiting.method == "locker" and waiting.locker_compartment and waiting.pickup_code_hash
    assert waiting.completed_at is None
    count = Outlet.objects.count()
    demo.load(stdout=out)
    assert Outlet.objects.count() == count
    assert "新建网点 0 个" in out.getvalue()
    assert LockerDropOff.objects.count() == 1 and Delivery.objects.filter(locker__isnull=False).count() == 1
