"""Code sets and limits of the service map. Values are stable: they are stored and exchanged."""

from django.db import models


class OutletKind(models.TextChoices):
    """政务服务场所 (seed 001 §9: centre above the district, 便民服务中心 in streets, 便民服务站 in
    communities; 驿站 at banks, post offices, towers and parks; seed 000: 24-hour self-service)."""

    CITY_CENTER = "city_center", "市政务服务中心"  # the city hall
    DISTRICT_CENTER = "district_center", "区县（开发区）政务服务中心"
    BRANCH_CENTER = "branch_center", "政务服务分中心"  # a special-purpose hall run as part of a centre (§9)
    STREET_CENTER = "street_center", "街道（镇）便民服务中心"
    COMMUNITY_STATION = "community_station", "社区（村）便民服务站"
    SERVICE_POST = "service_post", "政务服务驿站"  # 秦务员驿站, 楼小二: staffed, in parks, towers, banks, post offices
    SELF_SERVICE_AREA = "self_service_area", "24小时自助服务区"
    KIOSK = "kiosk", "自助服务终端"  # a single terminal in a bank, mall or market
    LOCKER = "locker", "24小时自助信包箱"  # drop-off and pick-up of materials and results


# Kinds with staff at a counter; the self-service kinds have none.
STAFFED_KINDS = frozenset({
    OutletKind.CITY_CENTER, OutletKind.DISTRICT_CENTER, OutletKind.BRANCH_CENTER, OutletKind.STREET_CENTER,
    OutletKind.COMMUNITY_STATION, OutletKind.SERVICE_POST,
})
# Kinds that are halls other outlets may belong to (a 24-hour area, a kiosk or a locker of a hall).
HALL_KINDS = frozenset({
    OutletKind.CITY_CENTER, OutletKind.DISTRICT_CENTER, OutletKind.BRANCH_CENTER, OutletKind.STREET_CENTER,
    OutletKind.COMMUNITY_STATION,
})
# The order lists show kinds in when distances are equal or absent (halls first).
KIND_ORDER = {kind: i for i, kind in enumerate(OutletKind.values)}


class OutletHost(models.TextChoices):
    """Where a post, terminal or locker stands (seed 002 §6, seed 003 §3: 园区、楼宇、商圈、银行、邮政)."""

    HALL = "hall", "政务大厅内"
    PARK = "park", "产业园区"
    OFFICE_TOWER = "office_tower", "商务楼宇"
    BANK = "bank", "银行网点"
    POST_OFFICE = "post_office", "邮政网点"
    MALL = "mall", "商场超市"
    MARKET = "market", "市场"
    RESIDENTIAL = "residential", "住宅小区"
    OTHER = "other", "其他场所"


class AcceptanceMode(models.TextChoices):
    """How an outlet takes an item (seed 001 §23, seed 002 §2: 委托受理、授权办理、帮办代办)."""

    STATIONED = "stationed", "进驻办理"  # the agency's own item at the hall it is stationed in (§10)
    DELEGATED = "delegated", "委托受理"  # accepted or decided here on the agency's delegation or authorisation
    CITY_WIDE = "city_wide", "全市通办"  # accepted here, handled by the owning agency (§18)
    ASSISTED = "assisted", "帮办代办"  # staff help the applicant file, or act for them (§11, §25)
    SELF_SERVICE = "self_service", "自助办理"  # at a terminal, without staff (seed 000)
    LOCKER = "locker", "自助交件取件"  # derived, never stored: a locker serves its hall's deliverable items


STORED_MODES = [m for m in AcceptanceMode if m != AcceptanceMode.LOCKER]


class WindowKind(models.TextChoices):
    """Windows of a hall (seed 001 §11; seed 002 §3 the 一件事 window)."""

    CONSULTATION = "consultation", "综合咨询窗口"
    GENERAL = "general", "综合受理窗口"  # 无差别综合窗口
    DEPARTMENT = "department", "分领域综合窗口"  # 公安、不动产、社保、医保、税务 …
    BUNDLE = "bundle", "“一件事一次办”窗口"
    ASSISTED = "assisted", "帮办代办窗口"
    CITY_WIDE = "city_wide", "“全市通办”窗口"
    CROSS_REGION = "cross_region", "“跨地区通办”窗口"
    POLICY = "policy", "政策咨询导办窗口"
    GREEN_CHANNEL = "green_channel", "“绿色通道”窗口"  # key projects; priority for soldiers, medical staff
    UNRESOLVED = "unresolved", "“办不成事”反映窗口"
    DELIVERY = "delivery", "综合出件窗口"


class Facility(models.TextChoices):
    """Accessibility and convenience facilities (seed 001 §25: 老年人、残疾人、孕妇 …)."""

    STEP_FREE = "step_free", "无障碍通道（坡道或电梯）"
    ACCESSIBLE_TOILET = "accessible_toilet", "无障碍卫生间"
    ACCESSIBLE_PARKING = "accessible_parking", "无障碍停车位"
    WHEELCHAIR = "wheelchair", "轮椅借用"
    PRIORITY_SEATS = "priority_seats", "老弱病残孕优先座椅"
    READING_GLASSES = "reading_glasses", "老花镜、放大镜"
    SIGN_LANGUAGE = "sign_language", "手语服务"
    HEARING_LOOP = "hearing_loop", "助听设备"
    BRAILLE = "braille", "盲文或语音引导"
    MOTHER_BABY = "mother_baby", "母婴室"
    VOLUNTEERS = "volunteers", "志愿者引导"
    COPYING = "copying", "免费复印"
    PARKING = "parking", "停车场"


# Weekday slots of the weekly schedule: Monday 0 … Sunday 6 (date.weekday()), then the statutory
# holidays, which replace the weekday's hours (法定节假日除外 means closed unless hours are set here).
HOLIDAY_SLOT = 7
DAY_SLOTS = range(8)
SLOT_LABELS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日", "法定节假日"]
MAX_PERIODS_PER_DAY = 4
MINUTES_PER_DAY = 1440

# Seed 004 (全城通港): the platform offers every locker within 5 km of where the applicant is.
LOCKER_RADIUS_M = 5000
# Bounds of the nearest search (the API refuses values outside with a 400).
MAX_RESULTS = 50
DEFAULT_RESULTS = 10
MIN_RADIUS_KM = 0.1
MAX_RADIUS_KM = 200.0
MAX_PAGE_SIZE = 100

# The service circle (15分钟政务服务圈, seed 000 §(二); 雁塔区 10分钟, seed 002): minutes of walking
# to an outlet that handles community-level items, per district (GB/T 2260), and the default.
# The walking model: straight-line distance times a detour factor (streets are not straight),
# walked at a constant speed. 4.5 km/h is a comfortable pace that older residents also keep
# (75 m a minute); 1.3 is a common ratio of street-network to straight-line distance in grid-like
# Chinese cities. Both can be changed in settings (SERVICEMAP_WALKING_SPEED_KMH,
# SERVICEMAP_DETOUR_FACTOR, SERVICEMAP_CIRCLE_MINUTES).
DEFAULT_WALKING_SPEED_KMH = 4.5
DEFAULT_DETOUR_FACTOR = 1.3
DEFAULT_CIRCLE_MINUTES = {"default": 15, "610113": 10}

# Text limits (every string input has one).
NAME_MAX = 200
ADDRESS_MAX = 255
PHONE_MAX = 40
DIRECTIONS_MAX = 1000
NOTES_MAX = 1000
REASON_MAX = 200
WINDOW_NOTE_MAX = 100
QUERY_MAX = 100
MAX_WINDOWS_OF_A_KIND = 99


class CoordinateSystem(models.TextChoices):
    """How a point was given: phones' GPS and the outlines are WGS84; Chinese map apps show GCJ-02."""

    WGS84 = "wgs84", "WGS84（卫星定位原始坐标）"
    GCJ02 = "gcj02", "GCJ-02（国内地图应用显示的坐标）"


class ErrorCode(models.TextChoices):
    OUTLET_NOT_FOUND = "outlet_not_found", "未找到该服务网点"
    INVALID_LOCATION = "invalid_location", "位置无效"
    INVALID_HOURS = "invalid_hours", "开放时间无效"
    ITEM_NOT_FOUND = "item_not_found", "未找到该事项"
    NOT_HALL_MANAGER = "not_hall_manager", "不是该网点的大厅管理人员"
    LOCKER_TAKEN = "locker_taken", "该信包箱已登记为网点"
