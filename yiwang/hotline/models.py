"""Tables of the 12345 hotline: the dispatch catalogue (派单目录) with routing rules and versioned
service levels, tickets with their clocks, timeline, replies, measures and callbacks, escalation
rules, Open311 tokens, and enterprise visits (大走访). Other apps' tables are referred to by string."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.core.fields import EncryptedTextField
from yiwang.hotline.constants import (
    AppealCategory,
    AppealMode,
    CallbackResolved,
    CallbackSource,
    Channel,
    Closure,
    EmergencyLine,
    HandlerRole,
    LimitUnit,
    MeasureKind,
    MeasureStatus,
    Milestone,
    TicketStatus,
    TicketType,
    Urgency,
    VisitTargetKind,
)
from yiwang.ratings.constants import SatisfactionLevel

MAX_DESCRIPTION = 4000  # Open311 GeoReport v2: description ≤ 4,000 characters
MAX_TITLE = 100
MAX_TEXT = 2000
MAX_ADDRESS = 255


class Classification(BaseModel):
    """Three-level appeal classification (一级/二级/三级分类) of the dispatch catalogue."""

    code = models.CharField("分类编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=[(1, "一级"), (2, "二级"), (3, "三级")])
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "诉求分类"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def top(self) -> Classification:
        node = self
        while node.parent_id:
            node = node.parent
        return node


class CatalogueItem(BaseModel):
    """An entry of the dispatch catalogue: a kind of matter, who handles it, and its service code
    (the Open311 service_code)."""

    service_code = models.CharField("服务编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.CharField("说明", max_length=500, blank=True)
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="items")
    allowed_types = models.JSONField("可受理的诉求类型", default=list, help_text="TicketType 的值")
    keywords = models.CharField("关键词", max_length=500, blank=True, help_text="以逗号分隔，用于自动派单与检索")
    primary_unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="默认主办单位")
    co_units = models.ManyToManyField("orgs.Organisation", blank=True, related_name="+", verbose_name="默认协办单位")
    # 国办发〔2020〕53号: a functional department's matter must not be pushed down to the street.
    functional = models.BooleanField("职能部门事项（不得派至街道）", default=False)
    attributes = models.JSONField("Open311 附加属性", default=list, blank=True,
                                  help_text="[{code, datatype, required, description, values:[{key,name}]}]")
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["service_code"]
        verbose_name = verbose_name_plural = "派单目录事项"

    def __str__(self) -> str:
        return f"{self.service_code} {self.name}"


class RoutingRule(BaseModel):
    """Category × district/street (× keywords) → the handling units. The most specific matching rule
    wins; its confidence decides whether dispatch is automatic (services.routing)."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="rules")
    district = models.ForeignKey("orgs.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("orgs.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    keywords = models.CharField("关键词", max_length=300, blank=True)
    primary_unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    co_units = models.ManyToManyField("orgs.Organisation", blank=True, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单规则"


class ServiceLevel(BaseModel):
    """Time limits of an item at an urgency, versioned: a ticket keeps the version it was
    dispatched under (fields copied onto the ticket), so indicators do not move when limits change."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="service_levels")
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    version = models.PositiveIntegerField(default=1)
    effective_from = models.DateField()
    sign_limit_hours = models.PositiveIntegerField("签收时限（小时）")
    handling_limit_days = models.PositiveIntegerField("办理时限（天，0 为当日）")
    handling_limit_unit = models.CharField(max_length=10, choices=LimitUnit.choices, default=LimitUnit.WORKING)
    callback_limit_days = models.PositiveIntegerField("回访时限（工作日）")
    max_extension_days = models.PositiveIntegerField("最长延期（工作日）")
    return_window_days = models.PositiveIntegerField("退单时限（工作日）")

    class Meta:
        ordering = ["item", "urgency", "-version"]
        verbose_name = verbose_name_plural = "服务时限"
        constraints = [models.UniqueConstraint(fields=["item", "urgency", "version"], name="hotline_sla_version")]


class ReplyTemplate(BaseModel):
    """A reply template of a catalogue item (答复模板); the knowledge base itself is the guidance app's."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="templates")
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=MAX_TEXT)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["item", "title"]
        verbose_name = verbose_name_plural = "答复模板"


class EscalationRule(BaseModel):
    """When a clock is `days_over` (working days) past its limit, take a measure."""

    milestone = models.CharField(max_length=10, choices=Milestone.choices)
    days_over = models.PositiveIntegerField("超期工作日")
    kind = models.CharField(max_length=12, choices=MeasureKind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["milestone", "days_over"]
        verbose_name = verbose_name_plural = "督办规则"
        constraints = [models.UniqueConstraint(fields=["milestone", "days_over", "kind"], name="hotline_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}超期 {self.days_over} 个工作日 → {self.get_kind_display()}"


class Ticket(BaseModel):
    """A hotline ticket (工单). The caller's identity is encrypted; `caller_phone_index` finds a
    caller's earlier tickets. `unit_path` is the primary unit's materialised path, so a unit's
    worklist is one prefix match."""

    number = models.CharField("工单编号", max_length=24, unique=True)
    lookup_code = models.CharField(max_length=8)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    ticket_type = models.CharField("诉求类型", max_length=12, choices=TicketType.choices)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.RECEIVED,
                              db_index=True)
    title = models.CharField("标题", max_length=MAX_TITLE)
    description = models.TextField("诉求内容", max_length=MAX_DESCRIPTION)
    item = models.ForeignKey(CatalogueItem, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    classification = models.ForeignKey(Classification, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="tickets")
    district = models.ForeignKey("orgs.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("orgs.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=MAX_ADDRESS, blank=True)
    lat = models.FloatField(null=True, blank=True)  # WGS84
    lng = models.FloatField(null=True, blank=True)
    caller_name = EncryptedTextField(blank=True, default="")
    caller_phone = EncryptedTextField(blank=True, default="")
    caller_phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    caller_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="hotline_tickets")
    confidential = models.BooleanField("保密（来电人仅话务员、督办人员可见）", default=False)
    anonymous = models.BooleanField("对外匿名", default=True)
    external_account = models.CharField(max_length=100, blank=True)  # Open311 account_id / device_id
    media_url = models.URLField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    primary_unit = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    auto_dispatched = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=0)  # raised by a priority measure

    # The service level in force when dispatched (frozen).
    service_level = models.ForeignKey(ServiceLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handling_limit_days = models.PositiveIntegerField(null=True, blank=True)
    handling_limit_unit = models.CharField(max_length=10, choices=LimitUnit.choices, blank=True)
    max_extension_days = models.PositiveIntegerField(default=0)
    return_window_days = models.PositiveIntegerField(default=2)
    callback_limit_days = models.PositiveIntegerField(default=2)

    # Clocks.
    received_at = models.DateTimeField(db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sign_due_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    return_due_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    paused_on = models.DateField(null=True, blank=True)
    paused_remaining = models.IntegerField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    extension_days = models.PositiveIntegerField(default=0)
    replied_at = models.DateTimeField(null=True, blank=True)
    callback_due_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure = models.CharField(max_length=12, choices=Closure.choices, blank=True)
    public_reply = models.TextField(max_length=MAX_TEXT, blank=True)  # Open311 status_notes
    public_reply_at = models.DateTimeField(null=True, blank=True)
    # Overdue flags frozen at each milestone (None: milestone not reached yet).
    sign_overdue = models.BooleanField(null=True, blank=True)
    reply_overdue = models.BooleanField(null=True, blank=True)
    reply_overdue_days = models.IntegerField(null=True, blank=True)
    callback_overdue = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = verbose_name_plural = "12345 工单"
        indexes = [
            models.Index(fields=["status", "due_on"], name="hotline_ticket_due_idx"),
            models.Index(fields=["item", "status", "received_at"], name="hotline_ticket_item_idx"),
            models.Index(fields=["lat", "lng"], name="hotline_ticket_geo_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TicketHandler(BaseModel):
    """A unit on a ticket: the primary unit and the co-handlers (主办 + 协办), each with its opinion."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="handlers")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    role = models.CharField(max_length=10, choices=HandlerRole.choices)
    active = models.BooleanField(default=True)
    opinion = models.TextField(max_length=MAX_TEXT, blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "role", "id"]


class TicketEvent(models.Model):
    """One line of the ticket's timeline: a transition or a note; `public` lines show to the caller."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True, choices=TicketStatus.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=TicketStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    unit_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(max_length=MAX_TEXT, blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["occurred_at", "id"]


class TicketMeasure(BaseModel):
    """催办, 督办, 通报, 延期申请, 提级: each with its own due date, answered or decided later."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=12, choices=MeasureKind.choices)
    status = models.CharField(max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.OPEN)
    reason = models.TextField(max_length=MAX_TEXT)
    days = models.PositiveIntegerField(default=0)  # extension asked for
    due_on = models.DateField(null=True, blank=True)  # answer by
    rule = models.ForeignKey(EscalationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=MAX_TEXT, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The periodic escalation is idempotent: one measure per ticket and rule.
            models.UniqueConstraint(fields=["ticket", "rule"], condition=models.Q(rule__isnull=False),
                                    name="hotline_measure_once_per_rule"),
        ]


class TicketCallback(BaseModel):
    """A callback (回访) or the caller's own online rating: reached? resolved? satisfied?"""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callbacks")
    source = models.CharField(max_length=10, choices=CallbackSource.choices)
    reached = models.BooleanField()
    resolved = models.CharField(max_length=12, choices=CallbackResolved.choices, blank=True)
    satisfaction = models.CharField(max_length=24, choices=SatisfactionLevel.choices, blank=True)
    note = models.TextField(max_length=MAX_TEXT, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]


class EmergencyReferral(BaseModel):
    """A call referred to an emergency line (110/119/120/122) instead of becoming a ticket."""

    line = models.CharField(max_length=3, choices=EmergencyLine.choices)
    summary = models.CharField(max_length=MAX_TITLE * 2)
    keywords = models.CharField(max_length=200, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")


class Open311Token(models.Model):
    """GeoReport v2 `token` for a request posted while the services are declared "batch"."""

    token = models.CharField(max_length=40, unique=True)
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="open311_token")
    created_at = models.DateTimeField()


class VisitTarget(BaseModel):
    """A key project or enterprise assigned to a leader and a department (包抓)."""

    kind = models.CharField(max_length=12, choices=VisitTargetKind.choices)
    name = models.CharField(max_length=200)
    uscc = models.CharField(max_length=18, blank=True)
    district = models.ForeignKey("orgs.Division", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=MAX_ADDRESS, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_targets")
    department = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="visit_liaison_of")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = verbose_name_plural = "包抓项目企业"

    def __str__(self) -> str:
        return self.name


class VisitCheckIn(BaseModel):
    """A visit on the spot: where (WGS84) and when (seed 004 走访轨迹)."""

    target = models.ForeignKey(VisitTarget, on_delete=models.CASCADE, related_name="checkins")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField()
    lat = models.FloatField()
    lng = models.FloatField()
    distance_m = models.FloatField(null=True, blank=True)  # from the target's registered location
    note = models.TextField(max_length=MAX_TEXT, blank=True)

    class Meta:
        ordering = ["-visited_at"]


class EnterpriseAppeal(BaseModel):
    """An enterprise's appeal (诉求), carried by a ticket (channel enterprise)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="appeal")
    target = models.ForeignKey(VisitTarget, on_delete=models.PROTECT, related_name="appeals")
    category = models.CharField(max_length=24, choices=AppealCategory.choices)
    difficulty = models.PositiveSmallIntegerField("难度星级", default=1)
    mode = models.CharField(max_length=12, choices=AppealMode.choices)
    submitted_by_liaison = models.BooleanField(default=False)
    stars = models.PositiveSmallIntegerField("结果评价（星）", null=True, blank=True)
    rating_note = models.TextField(max_length=MAX_TEXT, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
