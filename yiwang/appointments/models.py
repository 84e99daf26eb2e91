"""Tables of appointments, queues and assisted service.

The halls are organisations of the orgs app (service centres, street centres, community stations):
everything here is keyed to `orgs.Organisation` by string, never by importing its model. Write
through yiwang.appointments.services; read through selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from yiwang.appointments.constants import (
    ACTIVE_BOOKING_STATUSES,
    MAX_NAME,
    MAX_NOTE,
    MAX_PLACE,
    MAX_REASON,
    MAX_TEXT,
    AssistanceAction,
    AssistanceGround,
    AssistanceKind,
    AssistanceStatus,
    BookingStatus,
    Channel,
    FollowUpKind,
    PriorityReason,
    ProjectLevel,
    ProjectStage,
    SlotKind,
    TicketStatus,
    WindowGroupKind,
)
from yiwang.core.base_model import BaseModel
from yiwang.core.fields import EncryptedTextField
from yiwang.ratings.constants import SatisfactionLevel

ORGANISATION = "orgs.Organisation"
IMPLEMENTATION = "catalog.ItemImplementation"


class Hall(BaseModel):
    """An organisation that takes bookings and issues queue numbers, with its kiosk address."""

    organisation = models.OneToOneField(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField("终端地址代码", max_length=40, unique=True, help_text="自助终端网址 /kiosk/<代码>/")
    horizon_days = models.PositiveSmallIntegerField("可预约天数", default=14)
    is_active = models.BooleanField("启用", default=True)
    notice = models.CharField("大厅提示", max_length=MAX_REASON, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预约取号大厅"
        ordering = ["organisation__path"]

    def __str__(self) -> str:
        return self.organisation.name if self.organisation_id else self.code


class WindowGroup(BaseModel):
    """Windows that serve the same items (综合窗口, 不动产, 帮办代办, 绿色通道, 上门服务); each draws
    queue numbers with its own prefix."""

    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=MAX_NAME)
    kind = models.CharField("类型", max_length=20, choices=WindowGroupKind.choices, default=WindowGroupKind.SECTOR)
    ticket_prefix = models.CharField("号码前缀", max_length=1)
    items = models.ManyToManyField(IMPLEMENTATION, blank=True, related_name="+", verbose_name="办理事项",
                                   help_text="综合窗口可办本大厅的全部事项，无需列出")
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口分组"
        ordering = ["organisation_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="appt_group_unique_name"),
            models.UniqueConstraint(fields=["organisation", "ticket_prefix"], name="appt_group_unique_prefix"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_tickets(self) -> bool:
        return self.kind != WindowGroupKind.HOME_VISIT


class Window(BaseModel):
    """A counter in the hall ("3号窗口") serving one or more window groups."""

    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=40)
    groups = models.ManyToManyField(WindowGroup, related_name="windows", verbose_name="服务的窗口分组")
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["organisation_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="appt_window_unique_name")]

    def __str__(self) -> str:
        return self.name


class SlotSchedule(BaseModel):
    """Opening periods from which slots are generated on the working-day calendar: working days,
    extended hours (延时办) and weekends (周末不打烊). Periods are stored as [["09:00", "12:00"], …]."""

    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    window_group = models.ForeignKey(WindowGroup, on_delete=models.PROTECT, related_name="schedules")
    implementation = models.ForeignKey(IMPLEMENTATION, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", help_text="留空：本分组全部事项共用号源")
    name = models.CharField("名称", max_length=MAX_NAME)
    slot_minutes = models.PositiveSmallIntegerField("每段分钟数", default=30)
    capacity = models.PositiveSmallIntegerField("每段号源数")
    workday_periods = models.JSONField("工作日时段", default=list, blank=True)
    extended_periods = models.JSONField("延时服务时段", default=list, blank=True)
    weekend_periods = models.JSONField("周末时段", default=list, blank=True)
    weekend_days = models.JSONField("周末开放日", default=list, blank=True, help_text="5 = 周六，6 = 周日")
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "号源排班"
        ordering = ["organisation_id", "window_group_id", "id"]


class Slot(BaseModel):
    """A bookable period with a capacity. `booked` is changed only by a conditional UPDATE (one row
    lock) in services.slots, and the database refuses booked > capacity whatever the code does."""

    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    window_group = models.ForeignKey(WindowGroup, on_delete=models.PROTECT, related_name="slots")
    implementation = models.ForeignKey(IMPLEMENTATION, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(SlotSchedule, on_delete=models.PROTECT, related_name="slots")
    service_date = models.DateField("日期")
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("结束")
    kind = models.CharField("类型", max_length=20, choices=SlotKind.choices, default=SlotKind.REGULAR)
    capacity = models.PositiveSmallIntegerField("号源数")
    booked = models.PositiveSmallIntegerField("已约", default=0)
    is_open = models.BooleanField("开放", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "号源"
        ordering = ["starts_at", "window_group_id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "starts_at"], name="appt_slot_unique_time"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="appt_slot_not_overbooked"),
        ]
        indexes = [models.Index(fields=["organisation", "service_date"], name="appt_slot_hall_day_idx")]

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(BaseModel):
    """One person's appointment in one slot for one item."""

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    implementation = models.ForeignKey(IMPLEMENTATION, on_delete=models.PROTECT, related_name="+")
    item_name = models.CharField("事项", max_length=200)
    status = models.CharField("状态", max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.WEB)
    # The check-in code (kiosk or window): shown to its owner, found by its blind index.
    code = EncryptedTextField("预约码")
    code_index = models.CharField(max_length=64, db_index=True, editable=False)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", help_text="工作人员代为预约时")
    change_count = models.PositiveSmallIntegerField("改约次数", default=0)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    served_at = models.DateTimeField("办理时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=MAX_REASON, blank=True)
    no_show_at = models.DateTimeField("爽约时间", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("提醒时间", null=True, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="办件")

    class Meta:
        verbose_name = verbose_name_plural = "预约"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "slot"], condition=Q(status__in=ACTIVE_BOOKING_STATUSES),
                                    name="appt_booking_one_per_slot"),
            models.UniqueConstraint(fields=["code_index"], condition=Q(status__in=ACTIVE_BOOKING_STATUSES),
                                    name="appt_booking_unique_active_code"),
        ]
        indexes = [
            models.Index(fields=["applicant", "status"], name="appt_booking_applicant_idx"),
            models.Index(fields=["status", "no_show_at"], name="appt_booking_noshow_idx"),
        ]


class TicketCounter(models.Model):
    """The last number drawn per window group and day; locked while a number is drawn."""

    window_group = models.ForeignKey(WindowGroup, on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window_group", "service_date"], name="appt_counter_unique")]


class QueueTicket(BaseModel):
    """A number taken at the hall (取号). Waits are stored in seconds when they end, so the figures
    are plain sums and counts."""

    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    window_group = models.ForeignKey(WindowGroup, on_delete=models.PROTECT, related_name="tickets")
    service_date = models.DateField("日期")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("号码", max_length=8)
    status = models.CharField("状态", max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    priority_reason = models.CharField("绿色通道", max_length=20, choices=PriorityReason.choices, blank=True)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket")
    booked_start = models.DateTimeField("预约时间", null=True, blank=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.KIOSK)
    taken_at = models.DateTimeField("取号时间")
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField("重呼次数", default=0)
    announced_at = models.DateTimeField("最近呼叫", null=True, blank=True, help_text="叫号或重呼：叫号屏按此排序")
    started_at = models.DateTimeField("开始办理", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    wait_to_call_seconds = models.PositiveIntegerField(null=True, blank=True)
    wait_to_service_seconds = models.PositiveIntegerField(null=True, blank=True)
    service_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "排队号"
        ordering = ["service_date", "window_group_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["window_group", "service_date", "sequence"], name="appt_ticket_unique_seq"),
        ]
        indexes = [
            models.Index(fields=["organisation", "service_date", "status"], name="appt_ticket_hall_day_idx"),
            models.Index(fields=["window", "status"], name="appt_ticket_window_idx"),
        ]


class IdentityCode(BaseModel):
    """A one-time SMS code that identifies a person at a kiosk (stored as its SM3 hash)."""

    organisation = models.ForeignKey(ORGANISATION, on_delete=models.CASCADE, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["applicant", "organisation", "expires_at"], name="appt_idcode_idx")]


class KeyProject(BaseModel):
    """A key construction project served with 全链条 代办 by a named coordinator (seed 001 §27)."""

    name = models.CharField("项目名称", max_length=MAX_PLACE)
    project_code = models.CharField("项目代码", max_length=40, blank=True)
    level = models.CharField("级别", max_length=20, choices=ProjectLevel.choices, default=ProjectLevel.CITY)
    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="服务机构")
    enterprise = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="项目单位账号")
    enterprise_name = models.CharField("项目单位", max_length=MAX_PLACE)
    contact_name = models.CharField("联系人", max_length=MAX_NAME)
    contact_phone = EncryptedTextField("联系电话")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="代办专员")
    stage = models.CharField("阶段", max_length=20, choices=ProjectStage.choices, default=ProjectStage.PRE_REVIEW)
    items = models.ManyToManyField(IMPLEMENTATION, blank=True, related_name="+", verbose_name="需办审批事项")
    description = models.TextField("项目概况", max_length=MAX_TEXT, blank=True)
    next_follow_up_on = models.DateField("下次跟进", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点项目"
        ordering = ["stage", "next_follow_up_on", "id"]


class KeyProjectEvent(BaseModel):
    """A follow-up (审前辅导, 审中协调, 审后跟踪, 上门, 电话) or a change of stage."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=FollowUpKind.choices, blank=True)
    from_stage = models.CharField(max_length=20, choices=ProjectStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=ProjectStage.choices, blank=True)
    note = models.TextField("情况", max_length=MAX_TEXT)
    next_step = models.CharField("下一步", max_length=MAX_NOTE, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]


class AssistanceRequest(BaseModel):
    """A request for staff to help or act for the applicant (帮办代办), a home visit, a key project's
    代办 or the 楼小二 concierge of an office tower."""

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+", verbose_name="服务机构")
    kind = models.CharField("服务方式", max_length=20, choices=AssistanceKind.choices)
    ground = models.CharField("原因", max_length=20, choices=AssistanceGround.choices)
    implementation = models.ForeignKey(IMPLEMENTATION, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item_name = models.CharField("事项", max_length=200, blank=True)
    description = models.TextField("需求说明", max_length=MAX_TEXT)
    contact_name = models.CharField("联系人", max_length=MAX_NAME)
    contact_phone = EncryptedTextField("联系电话")
    address = EncryptedTextField("上门地址", blank=True, default="")
    place = models.CharField("楼宇或园区", max_length=MAX_PLACE, blank=True)
    slot = models.ForeignKey(Slot, null=True, blank=True, on_delete=models.PROTECT, related_name="assistance_requests",
                             verbose_name="上门时段")
    key_project = models.ForeignKey(KeyProject, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="requests")
    status = models.CharField("状态", max_length=20, choices=AssistanceStatus.choices, default=AssistanceStatus.SUBMITTED)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="帮办代办人员")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    outcome = models.TextField("办理结果", max_length=MAX_TEXT, blank=True)
    decline_reason = models.CharField("无法提供的原因", max_length=MAX_REASON, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField("评价", max_length=20, choices=SatisfactionLevel.choices, blank=True)
    rating_comment = models.CharField("评价内容", max_length=MAX_NOTE, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮办代办申请"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="appt_assist_org_idx")]


class AssistanceEvent(BaseModel):
    """One row per action on a request (the tracking the applicant and staff see)."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=AssistanceAction.choices)
    from_status = models.CharField(max_length=20, choices=AssistanceStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AssistanceStatus.choices)
    note = models.TextField(max_length=MAX_TEXT, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

