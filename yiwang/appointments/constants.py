"""Code sets, rules and stable error codes of appointments, queues and assisted service.

The rules that differ between places (no-show limits, check-in window, the wait limit) have the
defaults below and can be changed in settings: `YIWANG_APPOINTMENTS = {"NO_SHOW_THRESHOLD": 2, ...}`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings
from django.db import models


class WindowGroupKind(models.TextChoices):
    GENERAL = "general", "综合窗口"  # 无差别综合受理 (seed 001 §11): any item the hall accepts
    SECTOR = "sector", "分领域综合窗口"  # 公安、不动产、社保… items listed on the group
    ASSISTED = "assisted", "帮办代办窗口"  # 老弱病残孕 and other special groups (seed 001 §11, §25)
    GREEN_CHANNEL = "green_channel", "绿色通道"  # key construction projects (seed 001 §11, §27)
    HOME_VISIT = "home_visit", "上门服务"  # staff go to the applicant (seed 001 §25); slots, no tickets


# Groups whose slots the public books. 帮办代办, 绿色通道 and 上门服务 are reached through an
# assisted-service request or the key-project coordinator, not the booking page.
BOOKABLE_GROUP_KINDS = (WindowGroupKind.GENERAL, WindowGroupKind.SECTOR)


class SlotKind(models.TextChoices):
    REGULAR = "regular", "工作日"  # within the hall's ordinary hours on a working day
    EXTENDED = "extended", "延时服务"  # 延时办 at lunchtime or in the evening (seed 001 §26)
    WEEKEND = "weekend", "周末不打烊"  # a Saturday or Sunday that is not a statutory holiday (seed 001 §26)


class DayType(models.TextChoices):
    WORKING = "working", "工作日"  # the working-day calendar says work (make-up Saturdays included)
    WEEKEND = "weekend", "周末"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday", "法定节假日"  # inside a statutory holiday period: no slots


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约"  # a place in the slot is held
    CHECKED_IN = "checked_in", "已签到"  # arrived; holds a priority queue ticket
    SERVED = "served", "已办理"  # seen at the window (linked to the case when one was filed)
    CANCELLED = "cancelled", "已取消"  # by the applicant, in time
    CANCELLED_BY_HALL = "cancelled_by_hall", "大厅取消"  # the hall closed the slot; not held against anyone
    NO_SHOW = "no_show", "爽约"  # not checked in by the end of the check-in window


ACTIVE_BOOKING_STATUSES = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


class BookingAction(models.TextChoices):
    CHANGE = "change", "改约"
    CANCEL = "cancel", "取消预约"
    CHECK_IN = "check_in", "签到"
    SERVE = "serve", "办理"
    NO_SHOW = "no_show", "记为爽约"
    HALL_CANCEL = "hall_cancel", "大厅取消"


class Channel(models.TextChoices):
    WEB = "web", "网站"
    API = "api", "接口（移动端）"
    KIOSK = "kiosk", "自助终端"
    WINDOW = "window", "窗口工作人员"
    PHONE = "phone", "电话预约"  # taken by staff on the phone (seed 001 §25 电话预约)


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"  # shown on the board, the person walks to the window
    SERVING = "serving", "办理中"  # the clerk started (接件): the wait ends here (seed 002)
    FINISHED = "finished", "已办结"
    NO_SHOW = "no_show", "过号"  # called, did not come
    CANCELLED = "cancelled", "已取消"  # withdrawn before being called


OPEN_TICKET_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class TicketAction(models.TextChoices):
    CALL = "call", "叫号"
    RECALL = "recall", "重呼"
    SKIP = "skip", "过号"
    START = "start", "开始办理"
    FINISH = "finish", "办结"
    CANCEL = "cancel", "取消"


class PriorityReason(models.TextChoices):
    """绿色通道 and 优先办 (seed 001 §25: 老年人、残疾人、孕妇; 军人、消防救援人员、医护人员; §11, §27:
    key projects). Claimed at the kiosk, shown to the clerk, who checks the certificate."""

    ELDERLY = "elderly", "老年人（60周岁以上）"  # 老年人权益保障法 §2: 60 and over
    DISABLED = "disabled", "残疾人"
    PREGNANT = "pregnant", "孕妇"
    SOLDIER = "soldier", "军人"
    FIREFIGHTER = "firefighter", "消防救援人员"
    MEDICAL = "medical", "医护人员"
    KEY_PROJECT = "key_project", "重点项目"


class QueueTier(models.IntegerChoices):
    """Who is called first (queue_order.order_key)."""

    GREEN_CHANNEL = 0, "绿色通道"
    APPOINTMENT = 1, "预约及久候"  # checked-in bookings from their booked time; tickets waiting long
    ORDINARY = 2, "普通"


class AssistanceKind(models.TextChoices):
    ACCOMPANY = "accompany", "陪同办"  # staff guide the applicant through the visit
    ACT_FOR = "act_for", "代理办"  # staff file and collect for the applicant (代办)
    PRIORITY = "priority", "优先办"
    HOME_VISIT = "home_visit", "上门服务"  # seed 001 §25: 行动不便 or on-site inspection items
    KEY_PROJECT = "key_project", "重点项目代办"  # seed 001 §27, seed 003 §10
    BUILDING_CONCIERGE = "building_concierge", "楼小二（楼宇帮办）"  # seed 004: concierge in office towers


class AssistanceGround(models.TextChoices):
    ELDERLY = "elderly", "老年人"
    DISABLED = "disabled", "残疾人"
    ILLNESS = "illness", "患病或行动不便"
    PREGNANT = "pregnant", "孕妇"
    KEY_PROJECT = "key_project", "重点建设项目"
    ENTERPRISE = "enterprise", "企业（楼宇、园区）"
    OTHER = "other", "其他困难"


class AssistanceStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ASSIGNED = "assigned", "已指派"
    IN_PROGRESS = "in_progress", "办理中"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已撤回"  # by the applicant
    DECLINED = "declined", "无法提供"  # with the reason and where else to turn


OPEN_ASSISTANCE_STATUSES = (AssistanceStatus.SUBMITTED, AssistanceStatus.ASSIGNED, AssistanceStatus.IN_PROGRESS)


class AssistanceAction(models.TextChoices):
    SUBMIT = "submit", "提交申请"  # the creation of the request (no transition)
    ASSIGN = "assign", "指派"
    START = "start", "开始办理"
    NOTE = "note", "记录进展"
    COMPLETE = "complete", "完成"
    CANCEL = "cancel", "撤回"
    DECLINE = "decline", "无法提供"
    RATE = "rate", "评价"


class ProjectLevel(models.TextChoices):
    PROVINCIAL = "provincial", "省级重点项目"
    CITY = "city", "市级重点项目"
    DISTRICT = "district", "区县（开发区）重点项目"


class ProjectStage(models.TextChoices):
    """The 全链条 service of seed 001 §27 / seed 003 §10: 审前辅导, 审中协调, 审后跟踪."""

    PRE_REVIEW = "pre_review", "审前辅导"
    IN_REVIEW = "in_review", "审中协调"
    POST_REVIEW = "post_review", "审后跟踪"
    CLOSED = "closed", "服务完成"  # construction started, every approval delivered


class ProjectAction(models.TextChoices):
    ADVANCE = "advance", "进入下一阶段"
    CLOSE = "close", "结束代办服务"
    REOPEN = "reopen", "重新开启"


class FollowUpKind(models.TextChoices):
    PRE_REVIEW = "pre_review", "审前辅导"  # materials checked before filing, findings told once
    COORDINATION = "coordination", "审中协调"  # with the departments while cases run
    FOLLOW_UP = "follow_up", "审后跟踪"
    SITE_VISIT = "site_visit", "上门服务"
    CALL = "call", "电话联系"


class ErrorCode:
    """Stable codes (never renamed once published); the field each one names is in the message."""

    SLOT_FULL = "slot_full"
    SLOT_CLOSED = "slot_closed"
    SLOT_PAST = "slot_past"
    SLOT_NOT_FOUND = "slot_not_found"
    ITEM_NOT_OFFERED = "item_not_offered"
    ITEM_NOT_ON_WEEKEND = "item_not_on_weekend"
    ITEM_NO_APPOINTMENT = "item_no_appointment"
    DUPLICATE_BOOKING = "duplicate_booking"
    TOO_MANY_BOOKINGS = "too_many_bookings"
    BOOKING_BARRED = "booking_barred"
    TOO_LATE_TO_CHANGE = "too_late_to_change"
    TOO_MANY_CHANGES = "too_many_changes"
    CHECK_IN_TOO_EARLY = "check_in_too_early"
    CHECK_IN_TOO_LATE = "check_in_too_late"
    CHECK_IN_WRONG_HALL = "check_in_wrong_hall"
    BOOKING_CODE_UNKNOWN = "booking_code_unknown"
    HALL_NOT_FOUND = "hall_not_found"
    HALL_EXISTS = "hall_exists"
    NOT_A_HALL = "not_a_hall"
    WINDOW_BUSY = "window_busy"
    QUEUE_EMPTY = "queue_empty"
    GROUP_HAS_NO_QUEUE = "group_has_no_queue"
    IDENTITY_CODE_INVALID = "identity_code_invalid"
    IDENTITY_REQUIRED = "identity_required"
    CAPACITY_BELOW_BOOKED = "capacity_below_booked"
    PERIODS_INVALID = "periods_invalid"
    NOT_ASSISTANT = "not_assistant"
    ALREADY_RATED = "already_rated"
    FIELD_REQUIRED = "required"
    FIELD_TOO_LONG = "too_long"
    FIELD_CONTROL_CHARACTERS = "control_characters"
    FIELD_INVALID = "invalid"


@dataclass(frozen=True)
class Rules:
    """Local practice, configurable (STANDARDS: 'make it configurable with the default given here')."""

    NO_SHOW_THRESHOLD: int = 3  # no-shows …
    NO_SHOW_WINDOW_DAYS: int = 90  # … within this many days …
    NO_SHOW_BAR_DAYS: int = 30  # … bar booking for this many days after the last of them
    MAX_ACTIVE_BOOKINGS: int = 3  # upcoming bookings one person may hold at once
    MAX_CHANGES: int = 2  # a booking may be moved this many times
    BOOK_AHEAD_MINUTES: int = 30  # a slot can be booked until this long before it starts
    CHANGE_CUTOFF_MINUTES: int = 60  # change or cancel until this long before the slot
    CHECK_IN_EARLY_MINUTES: int = 60  # check-in opens this long before the slot …
    CHECK_IN_LATE_MINUTES: int = 15  # … and closes this long after its start: later = no-show
    REMINDER_HOUR: int = 9  # the day-before reminder goes out from this hour (local time)
    WAIT_LIMIT_MINUTES: int = 60  # seed 002 (八): 从抽号到接件不得超过1小时
    PROMOTE_AFTER_MINUTES: int = 40  # an ordinary ticket waiting this long joins the appointment tier
    ELDERLY_AGE: int = 60  # 老年人权益保障法 §2
    IDENTITY_CODE_MINUTES: int = 5  # an SMS code at the kiosk is valid this long …
    IDENTITY_CODE_ATTEMPTS: int = 5  # … for this many wrong tries
    KIOSK_SESSION_MINUTES: int = 10  # an identified person at the kiosk is forgotten after this
    HORIZON_DAYS: int = 14  # slots are generated and bookable this many days ahead


def rules() -> Rules:
    overrides = getattr(settings, "YIWANG_APPOINTMENTS", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: int(v) for k, v in overrides.items() if k in known})


# Input limits shared by services, forms and API schemas.
MAX_TEXT = 1000
MAX_NOTE = 500
MAX_NAME = 100
MAX_PLACE = 200
MAX_PHONE = 20
MAX_ADDRESS = 300
MAX_REASON = 300
BOOKING_CODE_LENGTH = 8
IDENTITY_CODE_LENGTH = 6
TICKET_PREFIXES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
