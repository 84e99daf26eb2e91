"""A small world for appointment tests: the city hall and the 雁塔区 hall with window groups,
windows and schedules on the real working-day calendar, staff with the three roles, citizens and
published items (one 周末可办, one city-wide for the general window)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from yiwang.accounts.tests.factories import StaffFactory, UserFactory, make_id_number
from yiwang.appointments import services
from yiwang.appointments.constants import WindowGroupKind
from yiwang.catalog.tests.factories import PublishedVersionFactory
from yiwang.orgs.constants import DivisionLevel, OrganisationKind, Role
from yiwang.orgs.models import RoleGrant
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory

TZ = ZoneInfo("Asia/Shanghai")
# Monday 16 Nov 2026 is an ordinary working day; Saturday 21 Nov an ordinary weekend day;
# 1 Jan 2027 is unknown to the package calendar but New Year's Day is a fixed provisional holiday.
MONDAY = dt.date(2026, 11, 16)
SATURDAY = dt.date(2026, 11, 21)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.city_div = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    w.yanta_div = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=w.city_div)
    w.gov = OrganisationFactory(name="西安市人民政府", kind=OrganisationKind.GOVERNMENT, division=w.city_div)
    w.hall_org = OrganisationFactory(name="西安市政务服务中心", short_name="市政务服务中心", kind=OrganisationKind.SERVICE_CENTER,
                                     division=w.city_div, parent=w.gov, address="西安市未央区凤城八路109号")
    w.agency = OrganisationFactory(name="西安市市场监督管理局", division=w.city_div, parent=w.gov)
    w.yanta_gov = OrganisationFactory(name="雁塔区人民政府", kind=OrganisationKind.GOVERNMENT, division=w.yanta_div)
    w.yanta_org = OrganisationFactory(name="雁塔区政务服务中心", kind=OrganisationKind.SERVICE_CENTER, division=w.yanta_div,
                                      parent=w.yanta_gov)

    def staff(org, *roles, name=None):
        user = StaffFactory(**({"username": name} if name else {}))
        for role in roles:
            RoleGrant.objects.create(user=user, organisation=org, role=role)
        return user

    w.staff = staff
    w.manager = staff(w.hall_org, Role.HALL_MANAGER, name="hall_manager")
    w.clerk = staff(w.hall_org, Role.WINDOW_CLERK, name="clerk")
    w.clerk2 = staff(w.hall_org, Role.WINDOW_CLERK, name="clerk2")
    w.yanta_clerk = staff(w.yanta_org, Role.WINDOW_CLERK, name="yanta_clerk")
    w.yanta_manager = staff(w.yanta_gov, Role.HALL_MANAGER, name="yanta_manager")
    w.assistant = staff(w.hall_org, Role.SERVICE_ASSISTANT, name="assistant")
    w.yanta_assistant = staff(w.yanta_gov, Role.SERVICE_ASSISTANT, name="yanta_assistant")
    w.citizen = UserFactory(real_name="王秀英", id_number=make_id_number(242, birth="19580315", area="610113"))
    w.other = UserFactory()
    w.young = UserFactory(id_number=make_id_number(17, birth="19950101"))

    w.item = PublishedVersionFactory(implementation__agency=w.agency, name="食品经营许可（新办）").implementation
    w.weekend_item = PublishedVersionFactory(implementation__agency=w.agency, name="个体工商户登记",
                                             weekend_service=True).implementation
    w.city_wide_item = PublishedVersionFactory(implementation__agency=w.agency, name="社会保障卡申领",
                                               city_wide=True).implementation
    w.no_appointment_item = PublishedVersionFactory(implementation__agency=w.agency, name="不动产查询",
                                                    supports_appointment=False).implementation

    w.hall = services.hall_open(actor=None, organisation=w.hall_org, code="city")
    w.yanta = services.hall_open(actor=None, organisation=w.yanta_org, code="yanta")
    w.general = services.window_group_create(actor=None, hall=w.hall, name="综合窗口", kind=WindowGroupKind.GENERAL,
                                             ticket_prefix="A")
    w.sector = services.window_group_create(actor=None, hall=w.hall, name="市场监管", kind=WindowGroupKind.SECTOR,
                                            ticket_prefix="B",
                                            implementation_ids=[w.item.pk, w.weekend_item.pk, w.no_appointment_item.pk])
    w.home = services.window_group_create(actor=None, hall=w.hall, name="上门服务", kind=WindowGroupKind.HOME_VISIT,
                                          ticket_prefix="H")
    w.window1 = services.window_create(actor=None, hall=w.hall, name="1号窗口", group_ids=[w.general.pk, w.sector.pk])
    w.window2 = services.window_create(actor=None, hall=w.hall, name="2号窗口", group_ids=[w.sector.pk])
    w.schedule = services.schedule_create(
        actor=None, hall=w.hall, window_group=w.sector, name="市场监管号源", capacity=2, slot_minutes=30,
        workday_periods="09:00-12:00, 13:00-17:00", extended_periods="17:00-18:00", weekend_periods="09:00-12:00",
        weekend_days=[5], valid_from=MONDAY, today=MONDAY)
    w.general_schedule = services.schedule_create(
        actor=None, hall=w.hall, window_group=w.general, name="综合窗口号源", capacity=5, slot_minutes=60,
        workday_periods="09:00-12:00", valid_from=MONDAY, today=MONDAY)
    w.home_schedule = services.schedule_create(
        actor=None, hall=w.hall, window_group=w.home, name="上门服务", capacity=1, slot_minutes=180,
        workday_periods="09:00-12:00, 14:00-17:00", valid_from=MONDAY, today=MONDAY)
    return w


@pytest.fixture
def slot_at(world):
    """The slot of a schedule starting at a local time."""
    from yiwang.appointments.models import Slot

    def find(day, hh, mm=0, schedule=None):
        return Slot.objects.get(schedule=schedule or world.schedule, starts_at=at(day, hh, mm))

    return find


@pytest.fixture
def live(world):
    """Slots from today on (the world's schedules start in the past), and API clients."""
    from django.utils import timezone

    from yiwang.appointments.constants import SlotKind
    from yiwang.appointments.models import Slot

    today = timezone.localdate()
    for schedule in (world.schedule, world.general_schedule, world.home_schedule):
        services.slots_generate(schedule=schedule, start=today, days=15)
    world.future = list(Slot.objects.filter(schedule=world.schedule, kind=SlotKind.REGULAR,
                                            starts_at__gte=timezone.now() + dt.timedelta(days=1)).order_by("starts_at")[:6])

    def client_for(user):
        from django.test import Client

        from yiwang.accounts.services import api_token_create

        token = api_token_create(actor=None, user=user, name="test")[1]
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    world.api = client_for(world.citizen)
    world.other_api = client_for(world.other)
    world.clerk_api = client_for(world.clerk)
    return world
