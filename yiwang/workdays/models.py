"""The working-day calendar: official years, their holidays and make-up days, and a revision.

Only the exceptions to the weekday rule are stored (holidays and make-up working days); every
other date is a working day from Monday to Friday. Writes go through yiwang.workdays.services;
reads for due dates go through the in-memory index of yiwang.workdays.time_limits.
"""

from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.workdays.constants import MAX_BASIS_LENGTH, MAX_NAME_LENGTH, DayKind, YearSource


class CalendarYear(BaseModel):
    """A year whose holidays are official (seeded from `chinesecalendar` or entered by an
    administrator). A year without a row is provisional: counted with weekends only."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("来源", max_length=20, choices=YearSource.choices)
    basis = models.CharField("依据", max_length=MAX_BASIS_LENGTH, blank=True,
                             help_text="国务院办公厅关于节假日安排的通知文号，例如“国办发明电〔2026〕7号”")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    correction_count = models.PositiveIntegerField("更正次数", default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "日历年度"

    def __str__(self) -> str:
        return f"{self.year} 年（{self.get_source_display()}）"


class CalendarDay(BaseModel):
    """One holiday or one make-up working day of an official year."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days",
                                      verbose_name="年度")
    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=DayKind.choices)
    name = models.CharField("名称", max_length=MAX_NAME_LENGTH, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class CalendarRevision(models.Model):
    """One row (pk=1) whose number grows with every calendar change. Every process compares it
    with the revision its in-memory index was built from (see time_limits.py for how often)."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历版本"

    def __str__(self) -> str:
        return f"日历版本 {self.number}"
