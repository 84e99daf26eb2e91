"""Demo data of the service map (`manage.py load_demo`, after load_xian and the demo accounts).

Outlets for every district of the organisation seed: the city hall, the district halls, the street
centres and community stations, four development-zone halls, service posts (秦务员驿站 at banks and
post offices, 楼小二 in office towers and parks), 24-hour self-service areas, kiosks and lockers
(seed 000: three at the city hall, the six urban district halls; seed 004: the five 港务区 lockers
and post-office lockers in housing estates serving 全城通港). The lockers are registered in cases
(the delivery machinery's own rows) and appear here as outlets.

Everything is demo data and marked so internally (`is_demo`, `location_source`, the population
points' `source`): the locations are placed by a seeded generator inside the approximate district
outlines near each district's seat, the hours and items follow the rules of the seeds, and the
population grid spreads each district's approximate resident count around its seat. Idempotent:
outlets are found by operator and name, lockers by code, a district's population only when absent.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yiwang.catalog.selectors import published_items
from yiwang.orgs.constants import OrganisationKind, Role
from yiwang.orgs.selectors import district_code_of, organisations_by_short_name, organisations_with_kinds
from yiwang.servicemap import services
from yiwang.servicemap.constants import AcceptanceMode, Facility, OutletHost, OutletKind, WindowKind
from yiwang.servicemap.districts import DISTRICTS, URBAN_DISTRICTS, points_in_ring
from yiwang.servicemap.models import Outlet, PopulationPoint
from yiwang.servicemap.opening_hours import Period

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 — public on purpose (docs/servicemap.md)
DEMO_SOURCE = "演示位置：按区县驻地在区界（近似演示几何）内随机生成"
POPULATION_SOURCE = ("演示数据：各区县常住人口取第七次人口普查的近似整数，按距区县驻地的距离衰减分布在"
                     "区界（近似演示几何）内的格网上，不是真实人口分布")
# Approximate resident population (10,000s) per district, for the demo grid only.
POPULATION_10K = {"610102": 60, "610103": 76, "610104": 101, "610111": 76, "610112": 98, "610113": 145,
                  "610114": 28, "610115": 66, "610116": 130, "610117": 35, "610118": 56, "610122": 51, "610124": 56}

H = 60
WEEKDAYS = range(5)


def _p(a: float, b: float, extended: bool = False) -> Period:
    return Period(int(a * H), int(b * H), extended)


ALL_DAY = {slot: [Period(0, 1440)] for slot in range(8)}
HALL_WEEK = [_p(9, 12), _p(13, 17)]


def _hall_hours(*, saturday: bool, lunch: bool) -> dict[int, list[Period]]:
    week = [_p(9, 12), _p(12, 13, True), _p(13, 17)] if lunch else HALL_WEEK
    slots = {d: list(week) for d in WEEKDAYS}
    if saturday:
        slots[5] = [_p(9, 17, True)]  # 周末不打烊 (seed 001 §26)
    return slots


STREET_HOURS = {d: list(HALL_WEEK) for d in WEEKDAYS}
COMMUNITY_HOURS = {d: [_p(9, 12), _p(14, 17)] for d in WEEKDAYS}
BANK_HOURS = {d: [_p(9, 17)] for d in range(7)}
TOWER_HOURS = {d: [_p(9, 12), _p(12, 13, True), _p(13, 18)] for d in WEEKDAYS}
MALL_HOURS = {d: [_p(10, 22)] for d in range(8)}

HALL_FACILITIES = [Facility.STEP_FREE, Facility.ACCESSIBLE_TOILET, Facility.ACCESSIBLE_PARKING, Facility.WHEELCHAIR,
                   Facility.PRIORITY_SEATS, Facility.READING_GLASSES, Facility.MOTHER_BABY, Facility.VOLUNTEERS,
                   Facility.COPYING, Facility.PARKING]
CITY_FACILITIES = [*HALL_FACILITIES, Facility.SIGN_LANGUAGE, Facility.HEARING_LOOP, Facility.BRAILLE]
STREET_FACILITIES = [Facility.STEP_FREE, Facility.WHEELCHAIR, Facility.PRIORITY_SEATS, Facility.READING_GLASSES,
                     Facility.COPYING]
COMMUNITY_FACILITIES = [Facility.PRIORITY_SEATS, Facility.READING_GLASSES]

CITY_WINDOWS = {WindowKind.CONSULTATION: (2, ""), WindowKind.GENERAL: (24, "无差别综合受理"),
                WindowKind.DEPARTMENT: (30, "公安、不动产、社保、医保、税务、公积金"), WindowKind.BUNDLE: (4, "一件事一次办专区"),
                WindowKind.ASSISTED: (2, ""), WindowKind.CITY_WIDE: (2, ""), WindowKind.CROSS_REGION: (2, ""),
                WindowKind.POLICY: (1, ""), WindowKind.GREEN_CHANNEL: (1, "重点项目代办"),
                WindowKind.UNRESOLVED: (1, ""), WindowKind.DELIVERY: (4, "")}
DISTRICT_WINDOWS = {WindowKind.CONSULTATION: (1, ""), WindowKind.GENERAL: (8, ""), WindowKind.DEPARTMENT: (6, ""),
                    WindowKind.BUNDLE: (1, ""), WindowKind.ASSISTED: (1, ""), WindowKind.CITY_WIDE: (1, ""),
                    WindowKind.CROSS_REGION: (1, ""), WindowKind.POLICY: (1, ""), WindowKind.GREEN_CHANNEL: (1, ""),
                    WindowKind.UNRESOLVED: (1, ""), WindowKind.DELIVERY: (1, "")}
STREET_WINDOWS = {WindowKind.GENERAL: (3, "全科窗口"), WindowKind.ASSISTED: (1, ""), WindowKind.CITY_WIDE: (1, ""),
                  WindowKind.UNRESOLVED: (1, "")}
COMMUNITY_WINDOWS = {WindowKind.GENERAL: (1, "全科窗口"), WindowKind.ASSISTED: (1, "")}

# Development-zone halls (no hall organisation in the seed: the zone's committee runs them).
ZONE_HALLS = [
    ("国际港务区管委会", "西安国际港务区政务服务中心", 34.3720, 109.0780, "西安国际港务区港务大道"),
    ("高新区管委会", "西安高新区政务服务中心", 34.2050, 108.8850, "西安市高新区锦业路"),
    ("经开区管委会", "西安经开区政务服务中心", 34.3420, 108.9310, "西安市经开区凤城八路"),
    ("曲江新区管委会", "西安曲江新区政务服务中心", 34.2050, 108.9900, "西安市曲江新区雁翔路"),
]
# Seed 004: the 港务区's own lockers; seed 000: three at the city hall.
PORT_LOCKERS = [("GW-01", "政务服务中心大厅", 0.0, 0.0), ("GW-02", "华南城", -0.012, 0.020),
                ("GW-03", "中西部陆港金融小镇", 0.010, 0.012), ("GW-04", "保税大厦", 0.006, -0.008),
                ("GW-05", "新丝路电商产业园", -0.006, 0.026)]
CITY_LOCKERS = [("XA-SZX-01", "市政务服务中心一楼东门"), ("XA-SZX-02", "市政务服务中心一楼西门"),
                ("XA-SZX-03", "市政务服务中心北广场")]
# 全城通港 post-office lockers in housing estates of five districts (seed 004), six each.
ESTATE_DISTRICTS = ["610113", "610104", "610102", "610112", "610116"]
ESTATE_NAMES = ["锦苑", "华庭", "嘉园", "雅居", "新村", "花园"]

STAFF = [("hall_manager", "赵敏", Role.HALL_MANAGER, "市行政审批局"),
         ("hall_yanta", "孙悦", Role.HALL_MANAGER, "雁塔区人民政府")]


class Loader:
    def __init__(self, stdout):
        self.stdout = stdout
        self.rng = random.Random(20260415)
        self.items = published_items()
        self.by_id = {i.id: i for i in self.items}
        self.created = 0

    # --- placement ---

    def place(self, code: str, near: tuple[float, float], *, min_km: float, max_km: float, seed: str) -> tuple[float, float]:
        """A point inside district `code`, between min_km and max_km from `near` (lng, lat)."""
        rng = random.Random(seed)
        ring = DISTRICTS[code].ring
        lng0, lat0 = near
        for _ in range(400):
            r = rng.uniform(min_km, max_km)
            a = rng.uniform(0, 2 * math.pi)
            lat = lat0 + r * math.sin(a) / 111.32
            lng = lng0 + r * math.cos(a) / (111.32 * math.cos(math.radians(lat0)))
            if points_in_ring(_array([lng]), _array([lat]), ring)[0]:
                return round(lat, 6), round(lng, 6)
        return round(near[1], 6), round(near[0], 6)

    # --- writing ---

    def outlet(self, *, name, kind, operator, lat, lng, address, hours, items=None, windows=None, facilities=(),
               **extra) -> Outlet:
        existing = Outlet.objects.filter(operator=operator, name=name).first()
        if existing is not None:
            return existing
        outlet = services.outlet_create(actor=None, name=name, kind=kind, operator=operator, lat=lat, lng=lng,
                                        address=address, facilities=facilities, is_demo=True,
                                        location_source=DEMO_SOURCE, **extra)
        services.outlet_set_schedule(actor=None, outlet=outlet, slots=hours)
        if items:
            services.outlet_set_items_bulk(actor=None, outlet=outlet, items=items)
        if windows:
            services.outlet_set_windows(actor=None, outlet=outlet, windows=windows)
        self.created += 1
        return outlet

    # --- item choices (seed 001 §18, §23; seed 002 §2) ---

    def city_wide(self, *, persons_only: bool = False) -> dict[int, str]:
        return {i.id: AcceptanceMode.CITY_WIDE for i in self.items if i.city_wide and (i.for_persons or not persons_only)}

    def stationed_at(self, org_id: int) -> dict[int, str]:
        return {i.id: AcceptanceMode.STATIONED for i in self.items if org_id in i.place_outlet_ids}

    def street_items(self, org_id: int) -> dict[int, str]:
        items = {i.id: AcceptanceMode.ASSISTED for i in self.items if i.for_persons and i.high_frequency}
        items.update(self.city_wide(persons_only=True))
        items.update({i.id: AcceptanceMode.DELEGATED for i in self.items if org_id in i.place_outlet_ids})
        return items

    def community_items(self) -> dict[int, str]:
        words = ("社会保障卡", "医疗", "养老", "参保", "居住证", "户口", "退休")
        items = {i.id: AcceptanceMode.ASSISTED for i in self.items if i.for_persons and i.city_wide}
        items.update({i.id: AcceptanceMode.CITY_WIDE for i in self.items
                      if i.for_persons and i.city_wide and any(w in i.name for w in words)})
        return items

    def self_service_items(self, limit: int = 8) -> dict[int, str]:
        chosen = [i for i in self.items if i.for_persons and i.supports_online_handling and (i.high_frequency or i.city_wide)]
        return {i.id: AcceptanceMode.SELF_SERVICE for i in chosen[:limit]}

    def assisted(self, *, persons: bool, limit: int) -> dict[int, str]:
        chosen = [i for i in self.items if (i.for_persons if persons else i.for_enterprises) and (i.city_wide or i.high_frequency)]
        return {i.id: AcceptanceMode.ASSISTED for i in chosen[:limit]}

    # --- the load ---

    def run(self) -> None:
        orgs = organisations_by_short_name(["市政务服务中心", "市行政审批局", *[z[0] for z in ZONE_HALLS]])
        if "市政务服务中心" not in orgs:
            self.stdout.write("servicemap: 未找到市政务服务中心（load_xian 未运行？），跳过。")
            return
        city = self.city_hall(orgs["市政务服务中心"])
        halls = {"city": city}
        for org in organisations_with_kinds([OrganisationKind.SERVICE_CENTER]):
            code = district_code_of(org)
            if code in DISTRICTS:
                halls[code] = self.district_hall(org, code)
        zone_halls = {short: self.zone_hall(orgs[short], name, lat, lng, address)
                      for short, name, lat, lng, address in ZONE_HALLS if short in orgs}
        streets = self.street_centres()
        self.self_service(halls, zone_halls)
        self.posts(streets, zone_halls)
        self.lockers(halls, zone_halls)
        self.population()
        self.staff()
        self.stdout.write(f"servicemap: 新建网点 {self.created} 个，共 {Outlet.objects.count()} 个。")

    def city_hall(self, org) -> Outlet:
        items = self.city_wide()
        items.update(self.stationed_at(org.pk))
        return self.outlet(
            name=org.name, kind=OutletKind.CITY_CENTER, operator=org, organisation=org, lat=34.3378, lng=108.9402,
            address=org.address or "西安市未央区凤城八路109号", phone=org.phone, hours=_hall_hours(saturday=True, lunch=True),
            items=items, windows=CITY_WINDOWS, facilities=CITY_FACILITIES,
            directions="乘地铁2号线至行政中心站，从出口向东步行约5分钟；大厅入口设无障碍坡道。",
            notes="市级政务服务事项集中办理；周六延时服务，工作日午间不间断。")

    def district_hall(self, org, code) -> Outlet:
        district = DISTRICTS[code]
        lat, lng = self.place(code, district.seat, min_km=0.0, max_km=0.4, seed=f"hall-{code}")
        items = self.city_wide()
        items.update({i.id: AcceptanceMode.STATIONED for i in self.items
                      if i.agency_id in self.district_agencies(code)})
        items.update(self.stationed_at(org.pk))
        urban = code in URBAN_DISTRICTS
        return self.outlet(
            name=org.name, kind=OutletKind.DISTRICT_CENTER, operator=org, organisation=org, lat=lat, lng=lng,
            address=org.address or f"西安市{district.name}", phone=org.phone,
            hours=_hall_hours(saturday=urban, lunch=False), items=items, windows=DISTRICT_WINDOWS,
            facilities=HALL_FACILITIES, directions=f"位于{district.name}政府附近，公交可达；大厅一楼设综合咨询台。")

    def district_agencies(self, code: str) -> set[int]:
        if not hasattr(self, "_district_agencies"):
            self._district_agencies: dict[str, set[int]] = {}
            for org in organisations_with_kinds([OrganisationKind.DEPARTMENT]):
                c = district_code_of(org)
                if c:
                    self._district_agencies.setdefault(c, set()).add(org.pk)
        return self._district_agencies.get(code, set())

    def zone_hall(self, committee, name, lat, lng, address) -> Outlet:
        items = self.city_wide()
        items.update(self.assisted(persons=False, limit=30))
        return self.outlet(name=name, kind=OutletKind.DISTRICT_CENTER, operator=committee, lat=lat, lng=lng,
                           address=address, phone=committee.phone, hours=_hall_hours(saturday=True, lunch=True),
                           items=items, windows=DISTRICT_WINDOWS, facilities=HALL_FACILITIES,
                           notes="开发区政务服务中心：全市通办事项受理，企业事项帮办代办。")

    def street_centres(self) -> dict[str, list[Outlet]]:
        streets: dict[str, list[Outlet]] = {}
        community_items = self.community_items()
        for org in organisations_with_kinds([OrganisationKind.STREET_CENTER, OrganisationKind.COMMUNITY_STATION]):
            code = district_code_of(org)
            if code not in DISTRICTS:
                continue
            urban = code in URBAN_DISTRICTS
            seat = DISTRICTS[code].seat
            if org.kind == OrganisationKind.STREET_CENTER:
                lat, lng = self.place(code, seat, min_km=0.8 if urban else 2, max_km=3.5 if urban else 14,
                                      seed=f"street-{org.uscc}")
                outlet = self.outlet(
                    name=org.name, kind=OutletKind.STREET_CENTER, operator=org, organisation=org, lat=lat, lng=lng,
                    address=org.address, phone=org.phone, hours=STREET_HOURS, items=self.street_items(org.pk),
                    windows=STREET_WINDOWS, facilities=STREET_FACILITIES)
                streets.setdefault(code, []).append(outlet)
            else:
                parent = Outlet.objects.filter(organisation_id=org.parent_id).first()
                anchor = (parent.lng, parent.lat) if parent else seat
                lat, lng = self.place(code, anchor, min_km=0.3, max_km=1.5 if urban else 4, seed=f"station-{org.uscc}")
                hours = dict(COMMUNITY_HOURS)
                if code == "610113":  # 10分钟服务圈: Saturday mornings too (seed 002)
                    hours[5] = [_p(9, 12, True)]
                self.outlet(name=org.name, kind=OutletKind.COMMUNITY_STATION, operator=org, organisation=org, lat=lat,
                            lng=lng, address=org.address, phone=org.phone, hours=hours, items=community_items,
                            windows=COMMUNITY_WINDOWS, facilities=COMMUNITY_FACILITIES)
        return streets

    def self_service(self, halls: dict, zone_halls: dict) -> None:
        items = self.self_service_items()
        for hall in [*halls.values(), *zone_halls.values()]:
            self.outlet(name=f"{hall.name}24小时自助服务区", kind=OutletKind.SELF_SERVICE_AREA, operator=hall.operator,
                        hall=hall, host=OutletHost.HALL, lat=round(hall.lat + 0.0004, 6), lng=round(hall.lng + 0.0003, 6),
                        address=f"{hall.address}（大厅东侧自助区）", hours=ALL_DAY, items=items,
                        facilities=[Facility.STEP_FREE], notes="自助终端办理、证明自助打印，7×24小时开放。")
        for code, hall in halls.items():
            if code == "city":
                continue
            count = 3 if code in URBAN_DISTRICTS else 1
            for n in range(count):
                host, label, hours = [(OutletHost.BANK, "银行网点", ALL_DAY), (OutletHost.MALL, "商场", MALL_HOURS),
                                      (OutletHost.MARKET, "农贸市场", BANK_HOURS)][n % 3]
                lat, lng = self.place(code, (hall.lng, hall.lat), min_km=0.6, max_km=4 if code in URBAN_DISTRICTS else 10,
                                      seed=f"kiosk-{code}-{n}")
                self.outlet(name=f"{DISTRICTS[code].name}{label}自助服务终端{n + 1}号", kind=OutletKind.KIOSK,
                            operator=hall.operator, hall=hall, host=host, lat=lat, lng=lng,
                            address=f"西安市{DISTRICTS[code].name}{label}内", hours=hours, items=items)

    def posts(self, streets: dict, zone_halls: dict) -> None:
        persons = self.assisted(persons=True, limit=15)
        firms = self.assisted(persons=False, limit=40)
        for code, centres in streets.items():
            for centre in centres:
                street = centre.name.replace("便民服务中心", "").replace(DISTRICTS[code].name, "")
                kinds = [(OutletHost.POST_OFFICE, f"{street}邮政网点“秦务员”政务服务驿站", BANK_HOURS, persons),
                         (OutletHost.BANK, f"{street}银行网点“秦务员”政务服务驿站", BANK_HOURS, persons)]
                if code in URBAN_DISTRICTS:
                    kinds.append((OutletHost.OFFICE_TOWER, f"{street}商务楼宇政务服务驿站", TOWER_HOURS, firms))
                for m, (host, name, hours, items) in enumerate(kinds[: 3 if code in URBAN_DISTRICTS else 1]):
                    lat, lng = self.place(code, (centre.lng, centre.lat), min_km=0.3, max_km=2.0,
                                          seed=f"post-{centre.pk}-{m}")
                    self.outlet(name=name, kind=OutletKind.SERVICE_POST, operator=centre.operator, host=host, lat=lat,
                                lng=lng, address=f"西安市{DISTRICTS[code].name}{street}", hours=hours, items=items,
                                windows={WindowKind.ASSISTED: (1, "")}, facilities=[Facility.PRIORITY_SEATS],
                                notes="工作人员帮办代办，可现场指导网上申报。")
        port = zone_halls.get("国际港务区管委会")
        if port is not None:  # seed 004: 楼小二 in office towers and the park
            for n, (place, d_lat, d_lng) in enumerate([("保税大厦", 0.006, -0.008), ("中西部陆港金融小镇", 0.010, 0.012),
                                                      ("华南城", -0.012, 0.020)]):
                self.outlet(name=f"港务区“楼小二”服务点（{place}）", kind=OutletKind.SERVICE_POST, operator=port.operator,
                            host=OutletHost.OFFICE_TOWER if n < 2 else OutletHost.PARK,
                            lat=round(port.lat + d_lat + 0.0003, 6), lng=round(port.lng + d_lng + 0.0003, 6),
                            address=f"西安国际港务区{place}", hours=TOWER_HOURS, items=firms,
                            windows={WindowKind.ASSISTED: (1, "楼小二")}, facilities=[Facility.PRIORITY_SEATS],
                            notes="“楼小二”配备工作人员1名，为楼宇内企业帮办代办工商、公积金、规划、建设、环保等部门事项。")

    def lockers(self, halls: dict, zone_halls: dict) -> None:
        from yiwang.cases.services.locker_registry import locker_register

        city = halls["city"]
        rows = [(code, where, city, 0.0003 * (n + 1), -0.0002 * n) for n, (code, where) in enumerate(CITY_LOCKERS)]
        for code in URBAN_DISTRICTS:
            if code in halls:
                rows.append((f"XA-{code}-01", f"{halls[code].name}门口", halls[code], 0.0002, 0.0002))
        port = zone_halls.get("国际港务区管委会")
        if port is not None:
            rows += [(code, where, port, d_lat, d_lng) for code, where, d_lat, d_lng in PORT_LOCKERS]
        for code, where, hall, d_lat, d_lng in rows:
            locker = locker_register(actor=None, outlet=hall.operator, code=code, location=where)
            self.outlet(name=f"{where}24小时自助信包箱", kind=OutletKind.LOCKER, operator=hall.operator, hall=hall,
                        locker=locker, host=OutletHost.HALL if hall is not port else OutletHost.PARK,
                        lat=round(hall.lat + d_lat, 6), lng=round(hall.lng + d_lng, 6), address=f"{hall.address}（{where}）",
                        hours=ALL_DAY)
        if port is None:
            return
        for code in ESTATE_DISTRICTS:
            for n, estate in enumerate(ESTATE_NAMES):
                lat, lng = self.place(code, DISTRICTS[code].seat, min_km=0.5, max_km=5, seed=f"estate-{code}-{n}")
                name = f"{DISTRICTS[code].name}{estate}小区"
                locker = locker_register(actor=None, outlet=port.operator, code=f"QCTG-{code}-{n + 1:02d}",
                                         location=f"{name}邮政速递易箱柜")
                self.outlet(name=f"{name}信包箱（全城通港）", kind=OutletKind.LOCKER, operator=port.operator, hall=port,
                            locker=locker, host=OutletHost.RESIDENTIAL, lat=lat, lng=lng,
                            address=f"西安市{DISTRICTS[code].name}{estate}小区内", hours=ALL_DAY,
                            notes="全城通港：港务区事项可在此自助交件、取件，365天7×24小时。")

    def population(self) -> None:
        present = set(PopulationPoint.objects.values_list("district_code", flat=True).distinct())
        for code, district in DISTRICTS.items():
            if code in present:
                continue
            step = 0.005 if code in URBAN_DISTRICTS else 0.01
            west, south, east, north = district.bbox
            lngs, lats = [], []
            y = south + step / 2
            while y < north:
                x = west + step / 2
                while x < east:
                    lngs.append(x)
                    lats.append(y)
                    x += step
                y += step
            inside = points_in_ring(_array(lngs), _array(lats), district.ring)
            cells = [(lats[i], lngs[i]) for i in range(len(lats)) if inside[i]]
            sigma = 3.0 if code in URBAN_DISTRICTS else 6.0
            weights = []
            for lat, lng in cells:
                d = math.hypot((lng - district.seat[0]) * 92.0, (lat - district.seat[1]) * 111.32)
                weights.append(math.exp(-d / sigma) + 0.03)
            total = POPULATION_10K[code] * 10_000
            scale = total / sum(weights)
            points = [(round(lat, 6), round(lng, 6), int(round(w * scale))) for (lat, lng), w in zip(cells, weights, strict=True)]
            services.population_replace(actor=None, district_code=code, points=points, is_demo=True,
                                        source=POPULATION_SOURCE)

    def staff(self) -> None:
        from yiwang.accounts.selectors import user_by_identifier
        from yiwang.accounts.services import staff_account_create
        from yiwang.orgs.services import role_grant

        orgs = organisations_by_short_name([s[3] for s in STAFF])
        for username, real_name, role, short in STAFF:
            if short not in orgs:
                continue
            user = user_by_identifier(username)
            if user is None:
                user = staff_account_create(actor=None, username=username, real_name=real_name, password=DEMO_PASSWORD)
            role_grant(actor=None, user=user, organisation=orgs[short], role=role)
        self.stdout.write("servicemap: 演示账户 hall_manager（大厅管理人员 @ 市行政审批局）、hall_yanta（大厅管理人员 @ "
                          f"雁塔区人民政府），密码 {DEMO_PASSWORD}")

    def exceptions(self) -> None:
        """One dated exception to show on the map: a station closed for works next week."""
        station = Outlet.objects.filter(kind=OutletKind.COMMUNITY_STATION, district_code="610113").order_by("name").first()
        if station is None or station.exceptions.exists():
            return
        day = timezone.localdate() + timedelta(days=(2 - timezone.localdate().weekday()) % 7 + 7)
        services.outlet_set_exception(actor=None, outlet=station, day=day, periods=[], reason="设备检修，暂停服务一天")


# Lockers in use after `make demo` (issue 15 §4), for 王秀英 (`citizen`): paper materials she
# dropped off at the city hall's east-door locker, waiting for the courier (`courier`), and a
# result waiting for her in the west-door locker.
LOCKER_DEMO_ITEM = ("市市场监管局", "预包装食品经营备案")
DROP_OFF_LOCKER, PICKUP_LOCKER = "XA-SZX-01", "XA-SZX-02"
_DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
             b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
             b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n")


def locker_journeys(stdout) -> None:
    """One drop-off deposited and waiting to be collected, one result waiting in a locker; made
    through the cases services (the cabinet's own account deposits with the open code). Skipped
    when the accounts or the item are missing; idempotent (by the lockers' rows)."""
    import re
    import secrets

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.accounts.services import staff_account_create
    from yiwang.cases.selectors import locker_uses_of, lockers, version_form_fields, version_requirements
    from yiwang.cases.services import (
        application_submit,
        case_accept,
        case_decide,
        drop_off_deposit,
        drop_off_request,
        prefill_from_profile,
        stored_file_create,
    )
    from yiwang.catalog.selectors import published_versions
    from yiwang.notifications.selectors import inbox_of
    from yiwang.orgs.services import role_grant

    users = {u.username: u for u in get_user_model().objects.filter(username__in=("citizen", "clerk", "approver"))}
    boxes = {lk.code: lk for lk in lockers() if lk.code in (DROP_OFF_LOCKER, PICKUP_LOCKER)}
    version = (published_versions().filter(implementation__agency__short_name=LOCKER_DEMO_ITEM[0],
                                           name=LOCKER_DEMO_ITEM[1]).first())
    if len(users) != 3 or len(boxes) != 2 or version is None:
        stdout.write("servicemap: 信包箱演示办件跳过（缺少演示账户、信包箱或事项）。")
        return
    citizen = users["citizen"]

    def submit(delivery):
        upload = stored_file_create(actor=citizen, owner=citizen, upload=SimpleUploadedFile("材料.pdf", _DEMO_PDF))
        materials = {str(r.pk): {"file": upload.pk} for r in version_requirements(version) if r.necessity == "required"}
        values = prefill_from_profile(version=version, applicant=citizen)
        for field in version_form_fields(version):
            element = field.data_element
            if field.required and element.key not in values:
                if element.data_type in ("choice", "multi_choice") and element.options:
                    first = element.options[0]["value"]
                    values[element.key] = [first] if element.data_type == "multi_choice" else first
                else:
                    values[element.key] = "西安市未央区凤城八路 109 号" if "address" in element.key else "演示"
        return application_submit(actor=citizen, applicant=citizen, implementation_id=version.implementation_id,
                                  form_data=values, materials=materials, delivery=delivery)

    made = []
    uses = locker_uses_of(citizen)
    box = boxes[DROP_OFF_LOCKER]
    if ("drop_off", box.code) not in uses:
        with transaction.atomic():
            application = submit({"method": "window"})
            drop_off_request(actor=citizen, application=application, locker_id=box.pk)
            body = inbox_of(citizen).filter(topic="locker.drop_off_code", object_id=str(application.pk)).first().body
            device = user_by_identifier("locker-xa-szx-01")
            if device is None:  # the cabinet's own account (no one logs in with it)
                device = staff_account_create(actor=None, username="locker-xa-szx-01", real_name="市政务服务中心东门信包箱",
                                              password=secrets.token_urlsafe(24))
            role_grant(actor=None, user=device, organisation=box.outlet, role=Role.WINDOW_CLERK)
            drop_off_deposit(actor=device, locker=box, open_code=re.search(r"开箱码 (\d{6})", body).group(1))
        made.append(f"投入 {box} 待取件")
    pickup = boxes[PICKUP_LOCKER]
    if ("result", pickup.code) not in uses:
        with transaction.atomic():
            case = submit({"method": "locker", "locker": pickup.pk}).cases.get()
            case_accept(actor=users["clerk"], case=case)
            case_decide(actor=users["approver"], case=case, decision="approved", reasons="材料齐全，符合条件。")
        made.append(f"结果存入 {pickup} 待领取")
    if made:
        stdout.write("servicemap: 信包箱演示办件（citizen）：" + "；".join(made))


def _array(values):
    import numpy as np

    return np.array(values, dtype=np.float64)


def load(*, stdout) -> None:
    loader = Loader(stdout)
    with transaction.atomic():
        loader.run()
        loader.exceptions()
    locker_journeys(stdout)
