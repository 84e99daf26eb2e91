"""Outlets (政务服务网点) of every kind with their place, hours, windows and items; the population
points the service-circle coverage is computed over.

Locations are WGS84 degrees (GCJ-02 input is converted on the way in: coordinates.py). Opening
hours are a weekly schedule (Monday … Sunday and a "statutory holiday" slot) plus dated
exceptions; minutes since midnight, so a period may end at 24:00 (1440).
"""

from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.servicemap.constants import (
    ADDRESS_MAX,
    DIRECTIONS_MAX,
    NAME_MAX,
    NOTES_MAX,
    PHONE_MAX,
    REASON_MAX,
    WINDOW_NOTE_MAX,
    AcceptanceMode,
    OutletHost,
    OutletKind,
    WindowKind,
)


class Outlet(BaseModel):
    """A place where people get government services: a hall, a station, a post, a 24-hour area, a
    terminal or a locker."""

    name = models.CharField("名称", max_length=NAME_MAX)
    kind = models.CharField("类型", max_length=30, choices=OutletKind.choices)
    host = models.CharField("设置场所", max_length=20, choices=OutletHost.choices, blank=True)
    # The organisation this outlet *is* (a service centre, street centre or community station is an
    # organisation of the tree); empty for posts, terminals and lockers.
    organisation = models.OneToOneField("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="service_outlet", verbose_name="对应机构")
    # Who runs it: the data scope of hall managers (a role there covers the subtree).
    operator = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="operated_outlets",
                                 verbose_name="运营单位")
    hall = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="attached",
                             verbose_name="所属大厅", help_text="24小时自助区、自助终端、信包箱所属的大厅")
    locker = models.OneToOneField("cases.Locker", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="service_outlet", verbose_name="信包箱")
    district_code = models.CharField("所在区县代码", max_length=12, blank=True, db_index=True)
    lat = models.FloatField("纬度（WGS84）")
    lng = models.FloatField("经度（WGS84）")
    address = models.CharField("地址", max_length=ADDRESS_MAX)
    phone = models.CharField("咨询电话", max_length=PHONE_MAX, blank=True)
    directions = models.TextField("到达方式", max_length=DIRECTIONS_MAX, blank=True)
    notes = models.TextField("服务说明", max_length=NOTES_MAX, blank=True)
    facilities = models.JSONField("便民设施", default=list, blank=True, help_text="Facility 代码列表")
    is_active = models.BooleanField("对外开放", default=True)
    is_demo = models.BooleanField("演示数据", default=False)
    # Internal only, never shown to the public: where the location came from (e.g. demo placement).
    location_source = models.CharField("位置来源（内部）", max_length=200, blank=True)

    class Meta:
        ordering = ["district_code", "kind", "name"]
        verbose_name = verbose_name_plural = "服务网点"
        indexes = [models.Index(fields=["is_active", "kind"], name="outlet_active_kind_idx")]

    def __str__(self) -> str:
        return self.name


class OutletWindow(BaseModel):
    """Windows of one kind at an outlet (seed 001 §11)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="windows")
    kind = models.CharField("窗口类型", max_length=30, choices=WindowKind.choices)
    count = models.PositiveSmallIntegerField("窗口数", default=1)
    note = models.CharField("说明", max_length=WINDOW_NOTE_MAX, blank=True)

    class Meta:
        ordering = ["outlet", "kind"]
        verbose_name = verbose_name_plural = "窗口设置"
        constraints = [models.UniqueConstraint(fields=["outlet", "kind"], name="outlet_window_unique_kind")]


class OutletItem(BaseModel):
    """An item an outlet accepts, and how (delegation, city-wide handling, assisted service …)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="items")
    implementation = models.ForeignKey("catalog.ItemImplementation", on_delete=models.CASCADE, related_name="+",
                                       verbose_name="事项")
    mode = models.CharField("办理方式", max_length=20, choices=AcceptanceMode.choices)
    note = models.CharField("说明", max_length=REASON_MAX, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "可办事项"
        constraints = [models.UniqueConstraint(fields=["outlet", "implementation"], name="outlet_item_unique")]
        indexes = [models.Index(fields=["implementation"], name="outlet_item_impl_idx")]


class OpeningPeriod(BaseModel):
    """One opening period of a day slot: 0–6 Monday … Sunday, 7 statutory holidays."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="periods")
    slot = models.PositiveSmallIntegerField("日期类别")
    opens_minute = models.PositiveSmallIntegerField("开始（分钟）")
    closes_minute = models.PositiveSmallIntegerField("结束（分钟）")
    is_extended = models.BooleanField("延时服务", default=False)

    class Meta:
        ordering = ["outlet", "slot", "opens_minute"]
        verbose_name = verbose_name_plural = "开放时间"
        constraints = [
            models.CheckConstraint(condition=models.Q(slot__lte=7), name="opening_period_slot_range"),
            models.CheckConstraint(condition=models.Q(opens_minute__lt=models.F("closes_minute"),
                                                      closes_minute__lte=1440),
                                   name="opening_period_order"),
        ]


class OpeningException(BaseModel):
    """Hours that replace the schedule on one date (closed for works, open on a special day).
    A row without times means closed all day."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField("日期")
    opens_minute = models.PositiveSmallIntegerField("开始（分钟）", null=True, blank=True)
    closes_minute = models.PositiveSmallIntegerField("结束（分钟）", null=True, blank=True)
    reason = models.CharField("原因", max_length=REASON_MAX)

    class Meta:
        ordering = ["outlet", "day", "opens_minute"]
        verbose_name = verbose_name_plural = "特殊日期开放时间"
        indexes = [models.Index(fields=["outlet", "day"], name="opening_exception_day_idx")]


class PopulationPoint(models.Model):
    """Residents counted at one point (a grid cell's centre), for the service-circle coverage."""

    district_code = models.CharField("区县代码", max_length=12, db_index=True)
    lat = models.FloatField("纬度（WGS84）")
    lng = models.FloatField("经度（WGS84）")
    population = models.PositiveIntegerField("常住人口")
    is_demo = models.BooleanField("演示数据", default=False)
    # Internal only: where the figures came from.
    source = models.CharField("来源（内部）", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人口格网点"


class ServiceMapRevision(models.Model):
    """One row (pk=1) whose number grows with every outlet or population write, in the writing
    transaction; each process compares it (at most once a second) with the number its in-memory
    index was built from, so the index follows changes made by any process."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "网点数据版本"
