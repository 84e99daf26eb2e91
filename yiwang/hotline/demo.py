"""Demo data of the hotline (`manage.py load_demo`, after load_xian and load_demo_accounts):
street offices and handling units with their `hotline_handler` accounts, the dispatch catalogue
(demo_catalogue.py) with routing rules, service levels (one item with a second version), reply
templates and escalation rules; a year of tickets ending today, driven through the real services
and then dated back, so open and closed tickets sit in the last 90 days counted from the day the
demo is loaded; enterprise-visit leaders, key projects and enterprises, check-ins and appeals.
Idempotent: each part is skipped when it is already there."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yiwang.hotline import services
from yiwang.hotline.constants import (
    AppealCategory,
    AppealMode,
    CallbackResolved,
    Channel,
    Closure,
    MeasureKind,
    TicketStatus,
    TicketType,
    Urgency,
    VisitTargetKind,
)
from yiwang.hotline.demo_catalogue import CATALOGUE, ESCALATION, REPLY_TEMPLATES, SAMPLES
from yiwang.hotline.models import (
    CatalogueItem,
    Classification,
    EnterpriseAppeal,
    EscalationRule,
    ReplyTemplate,
    RoutingRule,
    ServiceLevel,
    Ticket,
    TicketCallback,
    TicketEvent,
    VisitCheckIn,
    VisitTarget,
)
from yiwang.hotline.selectors import PLACES
from yiwang.hotline.service_levels import default_limits
from yiwang.orgs import services as org_services
from yiwang.orgs.constants import DivisionLevel, ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.selectors import division_by_code, divisions_by_level, organisation_by_short_name
from yiwang.ratings.constants import SatisfactionLevel
from yiwang.workdays.time_limits import add_working_days, due_date

PASSWORD = "Demo-2026-xian"  # noqa: S105 - the public demo password (README)
DISTRICT_WEIGHTS = {"610113": 22, "610103": 14, "610104": 12, "610102": 12, "610112": 14, "610111": 8, "610116": 10,
                    "610115": 3, "610117": 3, "610114": 2}
CENTRES = {name: (lat, lng) for name, lat, lng in PLACES}
# Handling days of a normal ticket per top-level class (local practice within STANDARDS §5).
DAYS_BY_CLASS = {"01": 5, "02": 13, "03": 3, "04": 13, "05": 5, "06": 5, "07": 5, "08": 3, "09": 5}
NAMED_ACCOUNTS = {"市城管执法局": ("unit_chengguan", "赵建军"), "市市场监管局": ("unit_market", "钱晓燕"),
                  "雁塔区人民政府": ("unit_yanta", "孙国平"), "雁塔区小寨路街道办事处": ("unit_xiaozhai", "李红梅")}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["秀英", "建国", "丽", "伟", "芳", "军", "娜", "强", "敏", "静", "磊", "洋", "艳", "勇", "杰", "涛", "明", "超", "霞", "平"]


def load(*, stdout) -> None:
    rng = random.Random(2026)
    User = get_user_model()
    agent = User.objects.filter(username="hotline").first()
    root = organisation_by_short_name("西安市人民政府")
    if agent is None or root is None:
        stdout.write("  hotline: skipped (run load_xian and load_demo_accounts first)")
        return
    with transaction.atomic():
        streets = _street_offices(root)
        units = _units(streets)
        handlers = _handler_accounts(units)
        if not CatalogueItem.objects.exists():
            _catalogue(units, streets)
            stdout.write(f"  hotline: catalogue of {CatalogueItem.objects.count()} items, {RoutingRule.objects.count()} rules")
    if not Ticket.objects.filter(channel__in=[c for c in Channel.values if c != Channel.ENTERPRISE]).exists():
        made = _tickets(rng, agent=agent, handlers=handlers, count=360)
        stdout.write(f"  hotline: {made} tickets over the last year (today {timezone.localdate()})")
    if not VisitTarget.objects.exists():
        _visits(rng, agent=agent, handlers=handlers, root=root)
        stdout.write(f"  hotline: {VisitTarget.objects.count()} visit targets, {EnterpriseAppeal.objects.count()} appeals")
    created = services.run_escalation()
    stdout.write(f"  hotline: escalation created {created} reminders/supervision records")


# ----------------------------------------------------------------------------------- units

def _street_offices(root) -> dict[str, object]:
    """`{street division code: street office}` for every street the seed has."""
    offices = {}
    for street in divisions_by_level(DivisionLevel.STREET):
        district = street.parent
        short = f"{district.name}{street.name}办事处"
        org = organisation_by_short_name(short)
        if org is None:
            gov = organisation_by_short_name(f"{district.name}人民政府")
            if gov is None:
                continue
            org = org_services.organisation_create(
                actor=None, name=f"{district.name}{street.name}办事处", short_name=short, kind=OrganisationKind.GOVERNMENT,
                level=ExerciseLevel.TOWNSHIP, division=street, parent=gov, is_demo=True)
        offices[street.code] = org
    return offices


def _units(streets) -> dict[str, object]:
    names = set()
    for _c, _n, level2 in CATALOGUE:
        for _c2, _n2, items in level2:
            for row in items:
                names.add(row[5])
                names.update(row[6])
    names.discard("{district}")
    units = {n: organisation_by_short_name(n) for n in sorted(names)}
    for code in DISTRICT_WEIGHTS:
        division = division_by_code(code)
        if division:
            units[f"{division.name}人民政府"] = organisation_by_short_name(f"{division.name}人民政府")
            units[f"{division.name}市场监管局"] = organisation_by_short_name(f"{division.name}市场监管局")
    for org in streets.values():
        units[org.short_name] = org
    return {k: v for k, v in units.items() if v is not None}


def _handler_accounts(units) -> dict[int, object]:
    from yiwang.accounts.services import staff_account_create

    User = get_user_model()
    by_unit = {}
    for short, org in units.items():
        username, real_name = NAMED_ACCOUNTS.get(short, (f"unit{org.pk}", f"{short[:6]}承办人"))
        user = User.objects.filter(username=username).first() or staff_account_create(
            actor=None, username=username, real_name=real_name, password=PASSWORD)
        org_services.role_grant(actor=None, user=user, organisation=org, role=Role.HOTLINE_HANDLER)
        by_unit[org.pk] = user
    return by_unit


# ----------------------------------------------------------------------------------- catalogue

def _catalogue(units, streets) -> None:
    today = timezone.localdate()
    city_fallback = units["市城管执法局"]
    for c1, n1, level2 in CATALOGUE:
        top = Classification.objects.create(code=c1, name=n1, level=1)
        for c2, n2, items in level2:
            mid = Classification.objects.create(code=c2, name=n2, level=2, parent=top)
            for code, name, desc, types, keywords, primary, co, functional, street_level, attributes in items:
                leaf = Classification.objects.create(code=code, name=name, level=3, parent=mid)
                item = CatalogueItem.objects.create(
                    service_code=f"XA{code}", name=name, description=desc, classification=leaf,
                    allowed_types=[str(t) for t in types], keywords=keywords,
                    primary_unit=city_fallback if primary == "{district}" else units[primary], functional=functional,
                    attributes=attributes)
                item.co_units.set([units[c] for c in co if c in units])
                _rules(item, primary=primary, co=[units[c] for c in co if c in units], units=units, streets=streets,
                       street_level=street_level)
                main_type = [t for t in types if t != TicketType.CONSULTATION][:1] or [TicketType.CONSULTATION]
                for urgency in Urgency.values:
                    limits = default_limits(main_type[0], urgency)
                    days = limits.handling_limit_days if urgency != Urgency.NORMAL else (
                        3 if types == [TicketType.CONSULTATION] else DAYS_BY_CLASS[c1])
                    ServiceLevel.objects.create(
                        item=item, urgency=urgency, version=1, effective_from=today - timedelta(days=800),
                        sign_limit_hours=limits.sign_limit_hours, handling_limit_days=days,
                        handling_limit_unit=limits.handling_limit_unit, callback_limit_days=limits.callback_limit_days,
                        max_extension_days=limits.max_extension_days, return_window_days=limits.return_window_days)
                if code in REPLY_TEMPLATES:
                    title, body = REPLY_TEMPLATES[code]
                    ReplyTemplate.objects.create(item=item, title=title, body=body)
    # A second version: 占道经营 from five to three working days, for tickets dispatched in the last 60 days.
    item = CatalogueItem.objects.get(service_code="XA010101")
    v1 = item.service_levels.get(urgency=Urgency.NORMAL, version=1)
    ServiceLevel.objects.create(item=item, urgency=Urgency.NORMAL, version=2, effective_from=today - timedelta(days=60),
                                sign_limit_hours=v1.sign_limit_hours, handling_limit_days=3,
                                handling_limit_unit=v1.handling_limit_unit, callback_limit_days=v1.callback_limit_days,
                                max_extension_days=v1.max_extension_days, return_window_days=v1.return_window_days)
    for milestone, days, kind in ESCALATION:
        EscalationRule.objects.create(milestone=milestone, days_over=days, kind=kind)


def _rules(item, *, primary, co, units, streets, street_level) -> None:
    def add(unit, district=None, street=None, keywords=""):
        rule = RoutingRule.objects.create(item=item, district=district, street=street, keywords=keywords, primary_unit=unit)
        rule.co_units.set(co)

    if primary == "{district}":
        for code in DISTRICT_WEIGHTS:
            division = division_by_code(code)
            gov = units.get(f"{division.name}人民政府") if division else None
            if gov:
                add(gov, district=division)
        if street_level:
            for street_code, office in streets.items():
                street = division_by_code(street_code)
                add(office, district=street.parent, street=street)
    elif item.service_code == "XA040101":  # food safety: the district's market regulator
        add(units[primary])
        for code in DISTRICT_WEIGHTS:
            division = division_by_code(code)
            regulator = units.get(f"{division.name}市场监管局") if division else None
            if regulator:
                add(regulator, district=division)
    elif item.service_code != "XA080201":  # 企业诉求 has no rule: the agent chooses
        add(units[primary])


# ----------------------------------------------------------------------------------- tickets

def _at(day: date, hour: float) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0))) + timedelta(hours=hour)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _place(rng, district_code: str, *, spot: tuple[float, float] | None = None):
    division = division_by_code(district_code)
    streets = list(divisions_by_level(DivisionLevel.STREET, parent_code=district_code))
    street = rng.choice(streets) if streets else None
    lat, lng = spot or CENTRES.get(division.name, (34.26, 108.94))
    jitter = 0.0006 if spot else 0.022
    return division, street, lat + rng.uniform(-jitter, jitter), lng + rng.uniform(-jitter, jitter)


def _tickets(rng, *, agent, handlers, count: int) -> int:
    User = get_user_model()
    citizen = User.objects.filter(username="citizen").first()
    items = list(CatalogueItem.objects.select_related("classification").order_by("service_code"))
    weights = [6 if i.service_code in ("XA010101", "XA010102", "XA020101", "XA030101", "XA040201", "XA080101") else 2
               for i in items]
    districts = list(DISTRICT_WEIGHTS)
    today = timezone.localdate()
    made = 0
    hot_spot = (34.2235, 108.9470)  # 小寨十字 (WGS84): a cluster of 占道经营 tickets
    for n in range(count):
        age = int(rng.triangular(0, 365, 20)) if n % 5 else rng.randint(0, 89)
        spot = hot_spot if n % 23 == 0 else None
        item = next(i for i in items if i.service_code == "XA010101") if spot else rng.choices(items, weights)[0]
        district, street, lat, lng = _place(rng, "610113" if spot else rng.choices(districts, list(DISTRICT_WEIGHTS.values()))[0],
                                            spot=spot)
        if spot:
            street = division_by_code("610113J01")
        types = item.allowed_types
        ticket_type = rng.choice([t for t in types if t != TicketType.PRAISE] or types) if rng.random() > 0.04 else types[-1]
        place = (street.name if street else district.name).replace("街道", "")
        text = rng.choice(SAMPLES[item.service_code[2:]]).format(place=place)
        channel = rng.choices([Channel.PHONE, Channel.WEB, Channel.MOBILE, Channel.SMS, Channel.LETTER, Channel.OPEN311],
                              [55, 15, 15, 5, 4, 6])[0]
        own = citizen if citizen is not None and n % 40 == 7 else None
        urgency = Urgency.URGENT if rng.random() < 0.05 else Urgency.NORMAL
        _one_ticket(rng, agent=agent, handlers=handlers, item=item, district=district, street=street, lat=lat, lng=lng,
                    ticket_type=ticket_type, text=text, channel=channel, caller_user=own, urgency=urgency,
                    received=_at(today - timedelta(days=age), rng.uniform(8, 21)), today=today)
        made += 1
    _merge_cluster(agent)
    return made


def _one_ticket(rng, *, agent, handlers, item, district, street, lat, lng, ticket_type, text, channel, caller_user,
                urgency, received, today) -> Ticket:
    with transaction.atomic():
        ticket = services.ticket_submit(
            actor=agent, channel=channel, ticket_type=ticket_type, description=text, item=item, district=district,
            street=street, location=services.Location(lat, lng), caller_name="" if caller_user else _name(rng),
            caller_phone="" if caller_user else f"139{rng.randint(10000000, 99999999)}", caller_user=caller_user,
            urgency=urgency, emergency_confirmed=True, anonymous=True, confidential=rng.random() < 0.03,
            answer_text=("您好，" + (REPLY_TEMPLATES.get(item.service_code[2:]) or ("", "已为您解答相关政策与办理渠道。"))[1])
            if ticket_type == TicketType.CONSULTATION and rng.random() < 0.7 else "")
        age = (today - timezone.localdate(received)).days
        if ticket.status == TicketStatus.PENDING_DISPATCH and (age > 2 or rng.random() < 0.6):
            unit = item.primary_unit
            services.ticket_dispatch(actor=agent, ticket=ticket, unit=unit)
        plan = _progress(rng, ticket=ticket, agent=agent, handlers=handlers, age=age)
    _backdate(rng, ticket, received=received, plan=plan, today=today)
    return ticket


def _progress(rng, *, ticket, agent, handlers, age) -> dict:
    """Take the ticket as far as its age makes likely; returns what happened, for dating."""
    plan = {"late_reply": rng.random() < 0.12, "late_sign": rng.random() < 0.1}
    if ticket.status != TicketStatus.DISPATCHED:
        return plan
    unit_user = handlers.get(ticket.primary_unit_id)
    limit = ticket.handling_limit_days or 0
    stage = 9 if age > limit + 20 else rng.choice([1, 2, 3, 4, 5, 6, 7, 9, 9]) if age > 2 else rng.choice([0, 1, 2, 3])
    if rng.random() < 0.02 and age < 30:
        services.ticket_send_back(actor=unit_user, ticket=ticket, reason="该事项不属于本单位职责，请改派。")
        return plan
    if stage >= 1:
        services.ticket_sign(actor=unit_user, ticket=ticket)
    if stage >= 2:
        services.ticket_start(actor=unit_user, ticket=ticket)
    if stage == 3 and rng.random() < 0.3:
        services.ticket_hold(actor=unit_user, ticket=ticket, reason="等待来电人提供具体位置，暂停计时。")
        return plan
    if stage == 3 and rng.random() < 0.4 and ticket.max_extension_days:
        services.ticket_extension_request(actor=unit_user, ticket=ticket, days=min(5, ticket.max_extension_days),
                                          reason="涉及多个部门协调，需要延期办理。")
    if stage >= 4:
        template = ticket.item.templates.first() if ticket.item_id else None
        services.ticket_reply(actor=unit_user, ticket=ticket, text=template.body if template else "经核实已按规定处理，并向来电人作了说明。")
    if stage >= 5:
        if rng.random() < 0.08:
            services.ticket_review_reply(actor=agent, ticket=ticket, approve=False, note="答复未说明处理结果，请补充。")
            services.ticket_reply(actor=unit_user, ticket=ticket, text="已补充处理结果：现场已整改完毕，并将持续巡查。")
        services.ticket_review_reply(actor=agent, ticket=ticket, approve=True)
    if stage >= 6:
        reached = rng.random() < 0.9
        resolved = rng.choices([CallbackResolved.RESOLVED, CallbackResolved.PARTLY, CallbackResolved.UNRESOLVED], [78, 14, 8])[0]
        level = rng.choices(SatisfactionLevel.values, [40, 38, 12, 7, 3])[0]
        closure = {CallbackResolved.RESOLVED: Closure.RESOLVED, CallbackResolved.PARTLY: Closure.PARTLY}.get(resolved, Closure.EXPLAINED)
        services.ticket_callback(actor=agent, ticket=ticket, reached=reached, resolved=resolved if reached else "",
                                 satisfaction=level if reached else "", note="电话回访" if reached else "两次未接通",
                                 close_as=closure, close_text="经回访，诉求已办理完毕。" if reached else "多次回访未接通，按答复办结。")
        if stage == 7 and ticket.status == TicketStatus.CLOSED and rng.random() < 0.3:
            services.ticket_request_reopen(actor=agent, ticket=ticket, reason="来电人来电表示问题反弹，要求重新处理。")
    return plan


def _backdate(rng, ticket: Ticket, *, received: datetime, plan: dict, today: date) -> None:
    """Put the ticket's clock where its story happened (the services ran just now)."""
    t = Ticket.objects.get(pk=ticket.pk)
    t.received_at = t.accepted_at = received
    fields = ["received_at", "accepted_at"]
    day = timezone.localdate(received)
    events = {"submit": received, "accept": received + timedelta(minutes=1), "queue": received + timedelta(minutes=2),
              "dispatch": received + timedelta(minutes=4), "answer": received + timedelta(minutes=6)}
    if t.status == TicketStatus.ANSWERED:
        t.replied_at = t.public_reply_at = t.closed_at = events["answer"]
        fields += ["replied_at", "public_reply_at", "closed_at"]
    if t.dispatched_at:
        t.dispatched_at = events["dispatch"]
        hours = 1 if t.urgency != Urgency.NORMAL else 2
        t.sign_due_at = t.dispatched_at + timedelta(hours=hours)
        due = due_date(day, t.handling_limit_days or 0, t.handling_limit_unit or "working")
        t.due_on = add_working_days(due.due_date, t.extension_days).due_date if t.extension_days else due.due_date
        t.return_due_on = add_working_days(day, t.return_window_days).due_date
        fields += ["dispatched_at", "sign_due_at", "due_on", "return_due_on"]
    if t.signed_at:
        t.signed_at = t.dispatched_at + timedelta(hours=rng.uniform(2.2, 20) if plan["late_sign"] else rng.uniform(0.1, 1.8))
        t.sign_overdue = t.signed_at > t.sign_due_at
        events["sign"] = t.signed_at
        events["start"] = t.signed_at + timedelta(minutes=30)
        events["hold"] = t.signed_at + timedelta(hours=3)
        fields += ["signed_at", "sign_overdue"]
        if t.paused_on:
            t.paused_on = timezone.localdate(events["hold"])
            fields.append("paused_on")
    if t.replied_at and t.status != TicketStatus.ANSWERED:
        limit = max(t.handling_limit_days or 0, 0)
        offset = limit + rng.randint(1, 5) if plan["late_reply"] else rng.randint(0, max(limit, 0))
        reply_day = add_working_days(day, offset).due_date if offset else day
        reply_day = min(reply_day, today)
        t.replied_at = max(_at(reply_day, rng.uniform(9, 17)), events.get("start", received) + timedelta(hours=1))
        t.reply_overdue = timezone.localdate(t.replied_at) > t.due_on
        t.reply_overdue_days = max((timezone.localdate(t.replied_at) - t.due_on).days, 0) if t.reply_overdue else 0
        events["reply"] = t.replied_at
        fields += ["replied_at", "reply_overdue", "reply_overdue_days"]
        if t.public_reply_at:
            t.public_reply_at = t.replied_at + timedelta(hours=2)
            t.callback_due_on = add_working_days(timezone.localdate(t.public_reply_at), t.callback_limit_days).due_date
            events["approve_reply"] = events["rework"] = t.public_reply_at
            fields += ["public_reply_at", "callback_due_on"]
        if t.closed_at:
            t.closed_at = min(t.public_reply_at + timedelta(days=rng.choice([1, 1, 2, 3, 5])), timezone.now())
            t.callback_overdue = timezone.localdate(t.closed_at) > t.callback_due_on
            events["callback"] = events["close"] = t.closed_at
            events["request_reopen"] = t.closed_at + timedelta(days=1)
            fields += ["closed_at", "callback_overdue"]
    # The number carries the day the ticket came in (the services numbered it today).
    number = f"{day:%Y%m%d}{t.number[8:]}"
    if not Ticket.objects.filter(number=number).exclude(pk=t.pk).exists():
        t.number = number
        fields.append("number")
    Ticket.objects.filter(pk=t.pk).update(**{f: getattr(t, f) for f in fields}, updated_at=max(events.values()))
    last = received
    for event in TicketEvent.objects.filter(ticket_id=t.pk).order_by("id"):
        when = max(events.get(event.action, last), last)
        TicketEvent.objects.filter(pk=event.pk).update(occurred_at=when)
        last = when
    TicketCallback.objects.filter(ticket_id=t.pk).update(created_at=events.get("callback", last))
    t.measures.update(created_at=events.get("hold", last))


def _merge_cluster(agent) -> None:
    """The hot spot's open tickets: the later ones merged into the oldest."""
    open_ones = list(Ticket.objects.filter(item__service_code="XA010101", street__code="610113J01",
                                           status__in=[TicketStatus.DISPATCHED, TicketStatus.SIGNED, TicketStatus.IN_PROGRESS])
                     .order_by("received_at"))
    if len(open_ones) >= 3:
        master = open_ones[0]
        for other in open_ones[1:3]:
            services.ticket_merge(actor=agent, ticket=other, master=master, note="同一路口的占道经营，合并办理")


# ----------------------------------------------------------------------------------- visits

TARGETS = [
    (VisitTargetKind.PROJECT, "秦创原智能制造产业园（一期）", "610113", "市发改委"),
    (VisitTargetKind.PROJECT, "浐灞国际会展配套酒店项目", "610111", "市商务局"),
    (VisitTargetKind.PROJECT, "未央区城市更新片区改造项目", "610112", "市住建局"),
    (VisitTargetKind.PROJECT, "长安区新能源汽车零部件基地", "610116", "市工信局"),
    (VisitTargetKind.PROJECT, "临潼区文旅融合示范项目", "610115", "市文化旅游局"),
    (VisitTargetKind.PROJECT, "高陵区冷链物流园", "610117", "市商务局"),
    (VisitTargetKind.ENTERPRISE, "西安示例餐饮管理有限公司", "610113", "市商务局"),
    (VisitTargetKind.ENTERPRISE, "碑林区软件信息服务企业（示例）", "610103", "市工信局"),
    (VisitTargetKind.ENTERPRISE, "莲湖区老字号食品企业（示例）", "610104", "市市场监管局"),
    (VisitTargetKind.ENTERPRISE, "新城区商贸流通企业（示例）", "610102", "市商务局"),
    (VisitTargetKind.ENTERPRISE, "雁塔区生物医药企业（示例）", "610113", "市科技局"),
    (VisitTargetKind.ENTERPRISE, "阎良区航空零部件企业（示例）", "610114", "市工信局"),
    (VisitTargetKind.ENTERPRISE, "灞桥区纺织服装企业（示例）", "610111", "市工信局"),
    (VisitTargetKind.ENTERPRISE, "长安区电子信息企业（示例）", "610116", "市科技局"),
]
# Shaped like seed 004's figures (咨询 39.26%, 运行成本 5.36%, 水电气暖 4.85%, 信贷 4.77%, 中介 2.81%);
# the other nine categories share the rest.
CATEGORY_WEIGHTS = {AppealCategory.CONSULTATION: 39.26, AppealCategory.OPERATING_COSTS: 5.36,
                    AppealCategory.UTILITIES: 4.85, AppealCategory.CREDIT: 4.77, AppealCategory.INTERMEDIARY: 2.81}
APPEAL_TEXT = {
    AppealCategory.CONSULTATION: "想了解今年的研发费用加计扣除和稳岗补贴政策怎么申报。",
    AppealCategory.OPERATING_COSTS: "原材料和物流成本上涨，希望协调降低用能成本。",
    AppealCategory.UTILITIES: "新厂房用电报装排期太久，影响设备调试。",
    AppealCategory.CREDIT: "企业有订单但缺流动资金，希望对接银行的信用贷款。",
    AppealCategory.INTERMEDIARY: "环评、能评中介服务收费高、周期长。",
}


def _visits(rng, *, agent, handlers, root) -> None:
    from yiwang.accounts.services import staff_account_create

    User = get_user_model()
    leaders = []
    for username, name in (("visit_leader", "韩志刚"), ("visit_leader2", "冯丽华"), ("visit_leader3", "邓永强")):
        user = User.objects.filter(username=username).first() or staff_account_create(
            actor=None, username=username, real_name=name, password=PASSWORD)
        org_services.role_grant(actor=None, user=user, organisation=root, role=Role.VISIT_LEADER)
        leaders.append(user)
    enterprise = User.objects.filter(username="enterprise").first()
    today = timezone.localdate()
    targets = []
    for i, (kind, name, district_code, dept) in enumerate(TARGETS):
        division = division_by_code(district_code)
        department = organisation_by_short_name(dept) or root
        lat, lng = CENTRES.get(division.name, (34.26, 108.94))
        target = services.visit_target_create(
            actor=None, kind=kind, name=name, district=division, leader=leaders[i % len(leaders)], department=department,
            address=f"西安市{division.name}", lat=lat + rng.uniform(-0.02, 0.02), lng=lng + rng.uniform(-0.02, 0.02),
            liaison=enterprise if name.startswith("西安示例餐饮") else None)
        targets.append(target)
        if department.pk not in handlers:
            _handler_accounts({department.short_name or department.name: department})
    handlers = {**handlers, **_handler_map(targets)}
    others = [c for c in AppealCategory.values if c not in CATEGORY_WEIGHTS]
    cats, weights = list(CATEGORY_WEIGHTS) + others, list(CATEGORY_WEIGHTS.values()) + [4.77] * len(others)
    for month in range(12):
        for target in targets:
            if rng.random() < 0.85:
                when = timezone.now() - timedelta(days=30 * month + rng.randint(0, 27), hours=rng.randint(0, 6))
                VisitCheckIn.objects.create(target=target, leader=target.leader, visited_at=when,
                                            lat=target.lat + rng.uniform(-0.001, 0.001), lng=target.lng + rng.uniform(-0.001, 0.001),
                                            distance_m=rng.uniform(10, 150), note="走访了解生产经营情况")
    for n in range(96):
        target = rng.choice(targets)
        category = rng.choices(cats, weights)[0]
        mode = AppealMode.ON_SITE if rng.random() < 0.45 else AppealMode.DISPATCHED
        text = APPEAL_TEXT.get(category, f"企业反映“{AppealCategory(category).label}”方面的困难，请协调解决。")
        age = int(rng.uniform(0, 360))
        with transaction.atomic():
            appeal = services.appeal_submit(actor=target.leader, target=target, category=category, description=text,
                                            difficulty=rng.choice([1, 1, 2, 2, 3, 4, 5]), mode=mode,
                                            by_liaison=target.liaison_id is not None and n % 3 == 0)
            ticket = appeal.ticket
            if ticket.status == TicketStatus.PENDING_DISPATCH:
                services.ticket_dispatch(actor=agent, ticket=ticket, unit=target.department)
            plan = _progress(rng, ticket=ticket, agent=agent, handlers=handlers, age=age) if ticket.status == TicketStatus.DISPATCHED else {
                "late_reply": False, "late_sign": False}
            ticket.refresh_from_db()
            if ticket.status in (TicketStatus.CLOSED, TicketStatus.ANSWERED):
                stars = rng.choices([5, 4, 3], [90, 8, 2])[0]
                EnterpriseAppeal.objects.filter(pk=appeal.pk).update(stars=stars, rated_at=timezone.now())
        received = _at(today - timedelta(days=age), rng.uniform(9, 17))
        _backdate(rng, ticket, received=received, plan=plan, today=today)
        EnterpriseAppeal.objects.filter(pk=appeal.pk).update(created_at=received)


def _handler_map(targets) -> dict:
    from yiwang.orgs.selectors import users_with_role

    out = {}
    for t in targets:
        users = users_with_role(Role.HOTLINE_HANDLER, t.department)
        if users:
            out[t.department.pk] = users[0]
    return out


__all__ = ["load", "MeasureKind"]
