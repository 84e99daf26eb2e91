"""Demo data of appointments, queues and assisted service (manage.py load_demo; idempotent).

- Halls: 西安市政务服务中心 (/kiosk/city/), 雁塔区政务服务中心 (/kiosk/yanta/), 小寨路街道便民服务中心
  (/kiosk/xiaozhailu/) and, for the 楼小二 concierge of seed 004, a service centre of 国际港务区
  (/kiosk/gangwu/, created as demo organisation when the seed has none).
- Window groups, windows and schedules (working days, 延时服务, 周末不打烊), slots for the coming days.
- Queue history of the last working days, simulated through the real services (numbers taken at
  random times, called by the clerks' windows in the queue order), so the wait figures show; a
  few numbers waiting today.
- The demo citizen's bookings (upcoming, served, one no-show), assisted-service requests (home
  visit, accompanied visit with a rating, 楼小二, one registered by phone) and a key project.
- Staff accounts (password Demo-2026-xian), listed in docs/appointments.md.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from yiwang.accounts import services as account_services
from yiwang.accounts.selectors import user_by_identifier
from yiwang.appointments import services
from yiwang.appointments.constants import AssistanceKind, PriorityReason, WindowGroupKind
from yiwang.appointments.models import (
    AssistanceRequest,
    Booking,
    Hall,
    KeyProject,
    QueueTicket,
    Slot,
    SlotSchedule,
    Window,
    WindowGroup,
)
from yiwang.catalog.selectors import published_versions
from yiwang.orgs import services as org_services
from yiwang.orgs.constants import ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.selectors import organisation_by_name
from yiwang.workdays.time_limits import is_working_day

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 — public on purpose (README, docs/appointments.md)
HISTORY_WORKING_DAYS = 7

# username, name, role, organisation (short name)
STAFF = [
    ("hall_manager", "赵敏", Role.HALL_MANAGER, "市政务服务中心"),
    ("hall_manager_yanta", "钱进", Role.HALL_MANAGER, "雁塔区人民政府"),
    ("clerk", "李娜", Role.WINDOW_CLERK, "市政务服务中心"),
    ("clerk_yanta", "陈静", Role.WINDOW_CLERK, "雁塔区政务服务中心"),
    ("clerk_xiaozhai", "孙丽", Role.WINDOW_CLERK, "小寨路街道便民服务中心"),
    ("assistant", "周强", Role.SERVICE_ASSISTANT, "市政务服务中心"),
    ("assistant_yanta", "吴芳", Role.SERVICE_ASSISTANT, "雁塔区人民政府"),
    ("louxiaoer", "郑楠", Role.SERVICE_ASSISTANT, "国际港务区政务服务中心"),
]

CITY_SECTORS = {
    "公安（印章、车驾管、出入境）": ("B", ["企业印章刻制", "机动车注册登记", "申办往来港澳通行证", "申办往来港澳签注"]),
    "社保医保": ("C", ["社会保障卡申领", "城乡居民基本医疗保险参保登记", "城乡居民基本养老保险待遇申领"]),
}


def _item_ids(names) -> dict[str, int]:
    return dict(published_versions().filter(name__in=list(names)).values_list("name", "implementation_id"))


def _staff(username, real_name, role, organisation, stdout):
    user = user_by_identifier(username)
    if user is None:
        user = account_services.staff_account_create(actor=None, username=username, real_name=real_name,
                                                     password=DEMO_PASSWORD)
    org_services.role_grant(actor=None, user=user, organisation=organisation, role=role)
    return user


def _gangwu_centre():
    found = organisation_by_name("国际港务区政务服务中心")
    if found is not None:
        return found
    parent = organisation_by_name("国际港务区管委会")
    if parent is None:
        return None
    return org_services.organisation_create(
        actor=None, name="西安国际港务区政务服务中心", short_name="国际港务区政务服务中心",
        kind=OrganisationKind.SERVICE_CENTER, level=ExerciseLevel.COUNTY, division=parent.division, parent=parent,
        address="西安国际港务区港务西路（政务服务中心）", is_demo=True)


def _group(hall, name, kind, prefix, item_names=()):
    group = WindowGroup.objects.filter(organisation_id=hall.organisation_id, name=name).first()
    if group is None:
        ids = list(_item_ids(item_names).values())
        if kind == WindowGroupKind.SECTOR and not ids:
            return None
        group = services.window_group_create(actor=None, hall=hall, name=name, kind=kind, ticket_prefix=prefix,
                                             implementation_ids=ids)
    return group


def _window(hall, name, groups):
    groups = [g for g in groups if g is not None]
    if groups and not Window.objects.filter(organisation_id=hall.organisation_id, name=name).exists():
        services.window_create(actor=None, hall=hall, name=name, group_ids=[g.pk for g in groups])


def _schedule(hall, group, name, valid_from, **periods):
    if group is None or group.schedules.filter(name=name).exists():
        return
    services.schedule_create(actor=None, hall=hall, window_group=group, name=name, valid_from=valid_from, **periods)


def _hall(organisation, code, notice=""):
    hall = Hall.objects.filter(organisation=organisation).first()
    return hall or services.hall_open(actor=None, organisation=organisation, code=code, notice=notice)


def _working_days_back(today: date, n: int) -> list[date]:
    days, d = [], today - timedelta(days=1)
    while len(days) < n:
        if is_working_day(d):
            days.append(d)
        d -= timedelta(days=1)
    return sorted(days)


def _setup_halls(today: date, start: date) -> dict:
    out = {}
    city_org, yanta_org = organisation_by_name("市政务服务中心"), organisation_by_name("雁塔区政务服务中心")
    street_org, gangwu_org = organisation_by_name("小寨路街道便民服务中心"), _gangwu_centre()
    if city_org:
        hall = out["city"] = _hall(city_org, "city", "周六上午“周末不打烊”；工作日中午和傍晚延时服务。")
        general = _group(hall, "综合窗口", WindowGroupKind.GENERAL, "A")
        sectors = [_group(hall, name, WindowGroupKind.SECTOR, prefix, items) for name, (prefix, items) in CITY_SECTORS.items()]
        assisted = _group(hall, "帮办代办", WindowGroupKind.ASSISTED, "D")
        green = _group(hall, "重点项目绿色通道", WindowGroupKind.GREEN_CHANNEL, "K")
        home = _group(hall, "上门服务", WindowGroupKind.HOME_VISIT, "H")
        for i in range(1, 5):
            _window(hall, f"{i}号窗口", [general])
        _window(hall, "5号窗口", [sectors[0]])
        _window(hall, "6号窗口", [sectors[1], general])
        _window(hall, "7号窗口", [assisted, green])
        _schedule(hall, general, "综合窗口号源", start, capacity=6, workday_periods="09:00-12:00, 13:00-17:00",
                  extended_periods="12:00-13:00, 17:00-18:30", weekend_periods="09:00-12:00", weekend_days=[5])
        for sector in sectors:
            _schedule(hall, sector, f"{sector.name if sector else ''}号源", start, capacity=3,
                      workday_periods="09:00-12:00, 13:00-17:00", weekend_periods="09:00-12:00", weekend_days=[5, 6])
        _schedule(hall, home, "上门服务", start, capacity=2, slot_minutes=180, workday_periods="09:00-12:00, 14:00-17:00")
    if yanta_org:
        hall = out["yanta"] = _hall(yanta_org, "yanta", "周六、周日上午开放（周末不打烊）。")
        general = _group(hall, "综合窗口", WindowGroupKind.GENERAL, "A")
        assisted = _group(hall, "帮办代办", WindowGroupKind.ASSISTED, "D")
        home = _group(hall, "上门服务", WindowGroupKind.HOME_VISIT, "H")
        for i in range(1, 4):
            _window(hall, f"{i}号窗口", [general])
        _window(hall, "4号窗口", [assisted, general])
        _schedule(hall, general, "综合窗口号源", start, capacity=4, workday_periods="09:00-12:00, 13:30-17:30",
                  extended_periods="17:30-18:30", weekend_periods="09:00-12:00", weekend_days=[5, 6])
        _schedule(hall, home, "上门服务", start, capacity=2, slot_minutes=180, workday_periods="09:00-12:00, 14:30-17:30")
    if street_org:
        hall = out["xiaozhailu"] = _hall(street_org, "xiaozhailu")
        general = _group(hall, "全科窗口", WindowGroupKind.GENERAL, "A")
        home = _group(hall, "上门服务", WindowGroupKind.HOME_VISIT, "H")
        _window(hall, "1号窗口", [general])
        _window(hall, "2号窗口", [general])
        _schedule(hall, general, "全科窗口号源", start, capacity=2, workday_periods="09:00-12:00, 14:00-17:00")
        _schedule(hall, home, "社区上门服务", start, capacity=1, slot_minutes=180, workday_periods="09:00-12:00, 14:00-17:00")
    if gangwu_org:
        hall = out["gangwu"] = _hall(gangwu_org, "gangwu", "楼小二：在园区和写字楼为企业帮办代办。")
        concierge = _group(hall, "楼小二帮办代办", WindowGroupKind.ASSISTED, "L")
        _window(hall, "1号窗口", [concierge])
    return out


def _aware(d: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hh, mm)))


def _simulate_day(hall: Hall, day: date, clerk, *, arrivals: int, rush: bool, rng: random.Random) -> int:
    """A working day of one hall: numbers taken at random minutes, each free window calls the next
    (the services' queue order), starts a minute later and finishes after 6–16 minutes. Windows
    only try to call when one of their groups has someone waiting (counted here), so quiet
    minutes cost nothing."""
    windows = list(Window.objects.filter(organisation_id=hall.organisation_id, is_active=True).prefetch_related("groups"))
    groups = list(WindowGroup.objects.filter(organisation_id=hall.organisation_id, windows__isnull=False).distinct())
    if not windows or not groups:
        return 0
    window_groups = {w.pk: {g.pk for g in w.groups.all()} for w in windows}
    # A rush morning: half the people come before 11:00 while only half the windows are staffed.
    minutes = sorted(rng.randint(0, 120 if rush and rng.random() < 0.5 else 450) for _ in range(arrivals))
    reasons = [PriorityReason.ELDERLY] * 8 + [PriorityReason.DISABLED, PriorityReason.SOLDIER, PriorityReason.PREGNANT,
                                              PriorityReason.MEDICAL] + [""] * 88
    waiting: dict[int, int] = {g.pk: 0 for g in groups}
    serving: dict[int, tuple[QueueTicket, datetime]] = {}
    start = _aware(day, 9)
    taken = 0
    for minute in range(0, 9 * 60):
        now = start + timedelta(minutes=minute)
        while minutes and minutes[0] <= minute:
            minutes.pop(0)
            group = rng.choice(groups)
            services.ticket_take(actor=None, group=group, priority_reason=rng.choice(reasons), now=now)
            waiting[group.pk] += 1
            taken += 1
        staffed = windows[: max(1, len(windows) // 2)] if rush and minute < 90 else windows
        for window in staffed:
            if window.pk in serving and now >= serving[window.pk][1]:
                services.ticket_finish(actor=clerk, ticket=serving.pop(window.pk)[0], now=now)
            if window.pk in serving or minute >= 8 * 60 + 30 or not any(waiting[g] for g in window_groups[window.pk]):
                continue
            ticket = services.ticket_call_next(actor=clerk, window=window, now=now)
            waiting[ticket.window_group_id] -= 1
            if rng.random() < 0.04:  # called, did not come
                services.ticket_skip(actor=clerk, ticket=ticket, now=now + timedelta(minutes=2))
                continue
            ticket = services.ticket_start(actor=clerk, ticket=ticket, now=now + timedelta(minutes=1))
            serving[window.pk] = (ticket, now + timedelta(minutes=1 + rng.randint(6, 16)))
    for ticket, until in serving.values():
        services.ticket_finish(actor=clerk, ticket=ticket, now=until)
    return taken


def _queue_history(halls: dict, clerks: dict, today: date, stdout) -> None:
    plan = {"city": (45, True), "yanta": (24, False), "xiaozhailu": (9, False)}
    for code, (arrivals, rush) in plan.items():
        hall = halls.get(code)
        if hall is None:
            continue
        for i, day in enumerate(_working_days_back(today, HISTORY_WORKING_DAYS)):
            if QueueTicket.objects.filter(organisation_id=hall.organisation_id, service_date=day).exists():
                continue
            rng = random.Random(f"{code}:{day.isoformat()}")
            with transaction.atomic():
                n = _simulate_day(hall, day, clerks[code], arrivals=arrivals + rng.randint(-4, 6),
                                  rush=rush and i % 3 == 0, rng=rng)
            stdout.write(f"  排队记录 {hall.organisation.name} {day}: {n} 个号")
        # A few numbers waiting now, so the calling page and the map have a queue.
        now = timezone.now()
        if not QueueTicket.objects.filter(organisation_id=hall.organisation_id, service_date=timezone.localdate(now)).exists():
            group = WindowGroup.objects.filter(organisation_id=hall.organisation_id, windows__isnull=False).first()
            for k, reason in enumerate(["", PriorityReason.ELDERLY, "", ""][: 4 if code != "xiaozhailu" else 2]):
                services.ticket_take(actor=None, group=group, priority_reason=reason, now=now - timedelta(minutes=25 - 5 * k))


def _first_slot(hall, item_id: int, on: date, hour: int) -> Slot | None:
    from yiwang.appointments.selectors import groups_offering

    groups = [g.pk for g in groups_offering(hall.organisation_id, item_id)]
    return (Slot.objects.filter(organisation_id=hall.organisation_id, window_group_id__in=groups, service_date=on,
                                starts_at__gte=_aware(on, hour), implementation__isnull=True)
            .order_by("starts_at").first())


def _next_working_day(d: date, n: int = 1) -> date:
    while n:
        d += timedelta(days=1)
        n -= is_working_day(d)
    return d


def _citizen_bookings(halls: dict, citizen, clerks: dict, today: date, stdout) -> None:
    if citizen is None or Booking.objects.filter(applicant=citizen).exists():
        return
    items = _item_ids(["老年人优待证办理", "社会保障卡申领", "失业保险金申领"])
    yanta, city = halls.get("yanta"), halls.get("city")
    plans = []
    if yanta and "老年人优待证办理" in items:
        plans.append((yanta, items["老年人优待证办理"], _next_working_day(today), 10, "upcoming"))
        past = _working_days_back(today, 3)[0]
        plans.append((yanta, items["老年人优待证办理"], past, 9, "served"))
    if city and "社会保障卡申领" in items:
        plans.append((city, items["社会保障卡申领"], _next_working_day(today, 3), 14, "upcoming"))
        plans.append((city, items["社会保障卡申领"], _working_days_back(today, 6)[0], 15, "no_show"))
    for hall, item_id, day, hour, outcome in plans:
        clerk = clerks.get(hall.code)
        if day < today:  # past days need their slots (schedules generate from today on)
            for schedule in SlotSchedule.objects.filter(organisation_id=hall.organisation_id, is_active=True):
                services.slots_generate(schedule=schedule, start=day, days=1)
        slot = _first_slot(hall, item_id, day, hour)
        if slot is None:
            continue
        booked_at = min(timezone.now(), slot.starts_at - timedelta(days=2))
        booking = services.booking_create(actor=citizen, slot_id=slot.pk, implementation_id=item_id, now=booked_at)
        if outcome == "served":  # checked in at the kiosk, called, served at the window
            ticket = services.booking_check_in(actor=None, booking=booking, organisation_id=hall.organisation_id,
                                               now=slot.starts_at - timedelta(minutes=10))
            window = Window.objects.filter(organisation_id=hall.organisation_id, groups=slot.window_group).first()
            if ticket is not None and window is not None and clerk is not None:
                ticket = services.ticket_call_next(actor=clerk, window=window, now=slot.starts_at)
                ticket = services.ticket_start(actor=clerk, ticket=ticket, now=slot.starts_at + timedelta(minutes=1))
                services.ticket_finish(actor=clerk, ticket=ticket, now=slot.starts_at + timedelta(minutes=12))
        elif outcome == "no_show":
            services.bookings_mark_no_shows(now=slot.starts_at + timedelta(minutes=20))
        stdout.write(f"  预约 {citizen.real_name} {hall.organisation.name} {timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M} {outcome}")


def _assistance(halls: dict, people: dict, staff: dict, today: date, stdout) -> None:
    if AssistanceRequest.objects.exists():
        return
    citizen, enterprise = people.get("citizen"), people.get("enterprise")
    yanta, city, street, gangwu = (halls.get(k) for k in ("yanta", "city", "xiaozhailu", "gangwu"))
    items = _item_ids(["老年人优待证办理", "社会保障卡申领", "企业变更登记", "残疾人证新办"])
    if citizen and yanta:
        slot = Slot.objects.filter(organisation_id=yanta.organisation_id, window_group__kind=WindowGroupKind.HOME_VISIT,
                                   starts_at__gte=timezone.now() + timedelta(days=1)).order_by("starts_at").first()
        if slot:
            r = services.assistance_request_create(
                actor=citizen, organisation=yanta.organisation, kind=AssistanceKind.HOME_VISIT, ground="elderly",
                description="膝盖手术后行动不便，想办理老年人优待证，请工作人员上门采集信息。", address="雁塔区小寨东路 12 号院 3 号楼 2 单元 501 室",
                implementation_id=items.get("老年人优待证办理"), slot_id=slot.pk)
            services.assistance_assign(actor=staff["assistant_yanta"], request=r, assignee=staff["assistant_yanta"])
            services.assistance_note(actor=staff["assistant_yanta"], request=r, note="已电话联系王阿姨，确认上门时间和需准备的证件照片。")
    if citizen and city:
        r = services.assistance_request_create(
            actor=citizen, organisation=city.organisation, kind=AssistanceKind.ACCOMPANY, ground="elderly",
            description="第一次来市民中心办社保卡，希望有人陪同指导。", implementation_id=items.get("社会保障卡申领"))
        services.assistance_assign(actor=staff["assistant"], request=r, assignee=staff["assistant"])
        services.assistance_start(actor=staff["assistant"], request=r)
        services.assistance_complete(actor=staff["assistant"], request=r, outcome="已陪同在 6 号窗口办理社保卡申领，当场受理。")
        services.assistance_rate(actor=citizen, request=r, level="very_satisfied", comment="工作人员很耐心。")
    if enterprise and gangwu:
        services.assistance_request_create(
            actor=enterprise, organisation=gangwu.organisation, kind=AssistanceKind.BUILDING_CONCIERGE, ground="enterprise",
            description="公司注册地址变更，想请楼小二帮忙准备材料并代为提交。", place="陆港金融小镇 3 号楼",
            implementation_id=items.get("企业变更登记"))
    if street and staff.get("assistant_yanta"):
        services.assistance_request_create(
            actor=staff["assistant_yanta"], organisation=street.organisation, kind=AssistanceKind.ACT_FOR, ground="disabled",
            description="电话来访：肢体残疾，委托社区代为申请残疾人证。", contact_name="刘先生（电话登记）",
            contact_phone="13909110077", implementation_id=items.get("残疾人证新办"))
    stdout.write("  帮办代办申请 4 件")


def _key_project(halls: dict, staff: dict, today: date, stdout) -> None:
    city = halls.get("city")
    if city is None or KeyProject.objects.exists():
        return
    items = _item_ids(["企业设立登记（有限责任公司）", "企业印章刻制", "公众聚集场所投入使用、营业前消防安全检查"])
    project = services.key_project_create(
        actor=staff["assistant"], organisation=city.organisation, name="西安某智能制造产业园一期项目", level="city",
        project_code="2026-610100-00-01-000001", enterprise_name="西安某智能制造有限公司（筹）", contact_name="韩工",
        contact_phone="13909110088", coordinator=staff["assistant"], implementation_ids=list(items.values()),
        description="市级重点项目，计划年内开工；需办理企业设立、印章刻制及投入使用前消防安全检查。",
        next_follow_up_on=_next_working_day(today, 2), today=today)
    services.key_project_follow_up(actor=staff["assistant"], project=project, kind="pre_review",
                                   note="审前辅导：一次性告知企业设立所需材料，核对章程与股东信息。", next_step="企业提交设立登记申请",
                                   today=today)
    services.key_project_transition(actor=staff["assistant"], project=project, action="advance", note="设立登记已提交")
    stdout.write(f"  重点项目：{project.name}（代办专员 {project.coordinator.display_name}）")


def load(*, stdout) -> None:
    today = timezone.localdate()
    start = today - timedelta(days=21)
    halls = _setup_halls(today, start)
    staff = {}
    for username, name, role, org_name in STAFF:
        organisation = organisation_by_name(org_name)
        if organisation is not None:
            staff[username] = _staff(username, name, role, organisation, stdout)
    # Slots for the past weeks too, so the demo citizen's history has slots to sit in.
    clerks = {"city": staff.get("clerk"), "yanta": staff.get("clerk_yanta"), "xiaozhailu": staff.get("clerk_xiaozhai")}
    _queue_history(halls, {k: v for k, v in clerks.items() if v}, today, stdout)
    people = {"citizen": user_by_identifier("citizen"), "enterprise": user_by_identifier("enterprise")}
    _citizen_bookings(halls, people["citizen"], clerks, today, stdout)
    if all(k in staff for k in ("assistant", "assistant_yanta")):
        _assistance(halls, people, staff, today, stdout)
        _key_project(halls, staff, today, stdout)
    stdout.write(f"  预约取号大厅：{'、'.join(h.organisation.name for h in halls.values())}")
