"""Rating indicators per district, agency, window (outlet), item and staff member — one aggregate
query per table, never a loop over ratings.

Definitions (docs/ratings.md says the same; `DEFINITIONS` is what the pages print). Every figure
counts only ratings in statistics (an upheld appeal removes a rating) given in the period:

- 评价数 (ratings): the number of ratings.
- 满意率 (satisfaction rate): ratings 非常满意, 满意 or 基本满意 ÷ ratings.
- 差评率 (bad rate): ratings 不满意 or 非常不满意 ÷ ratings.
- 整改率 (rectification rate): bad ratings whose result has been reported to the rater ÷ bad ratings.
- 按期整改率 (on-time rectification rate): results reported on or before their due date ÷ bad
  ratings that are due (result reported, or past the due date without one) — a rectification still
  within its time counts for neither part.
- 回访率 (follow-up rate): reported results whose rater was reached by the follow-up call ÷ reported
  results (calls nobody answered do not count as a follow-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yiwang.ratings import policy
from yiwang.ratings.constants import BAD_LEVELS, SATISFIED_LEVELS
from yiwang.ratings.models import Rating

DEFINITIONS = [
    ("ratings", "评价数", "统计期内计入统计的评价条数（申诉成立的评价不计入）。"),
    ("satisfaction_rate", "满意率", "“非常满意”“满意”“基本满意”的评价数 ÷ 评价数。"),
    ("bad_rate", "差评率", "“不满意”“非常不满意”的评价数 ÷ 评价数。"),
    ("rectification_rate", "整改率", "已向评价人反馈处理结果的差评数 ÷ 差评数。"),
    ("on_time_rate", "按期整改率", "在整改期限内反馈结果的差评数 ÷ 已到期的差评数（已反馈的，或已过期限仍未反馈的）。"),
    ("follow_up_rate", "回访率", "回访时联系上评价人的差评数 ÷ 已反馈结果的差评数。"),
]

# dimension -> (group key, name expression, label)
DIMENSIONS = {
    "district": ("division_id", "division__name", "区划"),
    "agency": ("agency_id", "agency__name", "部门"),
    "outlet": ("outlet_id", "outlet__name", "窗口（网点）"),
    "item": ("implementation_id", "item_name", "事项"),
    "staff": ("staff_id", "staff__real_name", "工作人员"),
}
PUBLIC_DIMENSIONS = ("agency", "district")  # staff and windows are compared inside the administration only


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class IndicatorRow:
    key: int | None
    name: str
    ratings: int
    satisfied: int
    bad: int
    reported: int
    due: int
    on_time: int
    followed_up: int

    @property
    def satisfaction_rate(self) -> float | None:
        return _ratio(self.satisfied, self.ratings)

    @property
    def bad_rate(self) -> float | None:
        return _ratio(self.bad, self.ratings)

    @property
    def rectification_rate(self) -> float | None:
        return _ratio(self.reported, self.bad)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.on_time, self.due)

    @property
    def follow_up_rate(self) -> float | None:
        return _ratio(self.followed_up, self.reported)


@dataclass(frozen=True)
class Period:
    since: date
    until: date

    @classmethod
    def last_year(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - timedelta(days=364), today)


def _counts(today: date) -> dict:
    bad = Q(level__in=BAD_LEVELS)
    reported = bad & Q(rectification__result_on__isnull=False)
    return {
        "ratings": Count("id"),
        "satisfied": Count("id", filter=Q(level__in=SATISFIED_LEVELS)),
        "bad": Count("id", filter=bad),
        "reported": Count("id", filter=reported),
        "due": Count("id", filter=reported | (bad & Q(rectification__due_on__lt=today))),
        "on_time": Count("id", filter=reported & Q(rectification__result_on__lte=F("rectification__due_on"))),
        "followed_up": Count("id", filter=reported & Q(rectification__follow_up_reached=True)),
    }


def _base(period: Period, scope: Q | None) -> QuerySet[Rating]:
    qs = Rating.objects.filter(counts_in_statistics=True, rated_on__gte=period.since, rated_on__lte=period.until)
    return qs.filter(scope) if scope is not None else qs


def indicators(*, dimension: str, period: Period, scope: Q | None = None, min_sample: int | None = None,
               today: date | None = None) -> list[IndicatorRow]:
    """One row per district / agency / outlet / item / staff member, most rated first; groups below
    `min_sample` ratings are left out (HAVING in the same query)."""
    key, name, _ = DIMENSIONS[dimension]
    today = today or timezone.localdate()
    qs = _base(period, scope).exclude(**{f"{key}__isnull": True})
    rows = qs.values(key).annotate(name=Max(name), **_counts(today)).order_by("-ratings", key)
    if min_sample:
        rows = rows.filter(ratings__gte=min_sample)
    return [IndicatorRow(key=r[key], name=r["name"] or "—", ratings=r["ratings"], satisfied=r["satisfied"], bad=r["bad"],
                         reported=r["reported"], due=r["due"], on_time=r["on_time"], followed_up=r["followed_up"])
            for r in rows]


def indicator_totals(*, period: Period, scope: Q | None = None, today: date | None = None) -> IndicatorRow:
    r = _base(period, scope).aggregate(**_counts(today or timezone.localdate()))
    return IndicatorRow(key=None, name="合计", **{k: r[k] or 0 for k in
                                                 ("ratings", "satisfied", "bad", "reported", "due", "on_time", "followed_up")})


def groups_below_sample(*, dimension: str, period: Period, min_sample: int) -> int:
    """How many groups have ratings but too few to publish."""
    key = DIMENSIONS[dimension][0]
    return (_base(period, None).exclude(**{f"{key}__isnull": True}).values(key).annotate(n=Count("id"))
            .filter(n__lt=min_sample).count())


def public_indicators(*, dimension: str, period: Period, today: date | None = None) -> list[IndicatorRow]:
    """What the public page shows: agencies or districts with at least the minimum sample."""
    if dimension not in PUBLIC_DIMENSIONS:
        raise ValueError(dimension)
    return indicators(dimension=dimension, period=period, min_sample=policy.min_public_sample(), today=today)


def monthly_trend(*, period: Period, scope: Q | None = None, today: date | None = None) -> list[tuple[date, IndicatorRow]]:
    """Per calendar month: the same counts (for the staff trend chart)."""
    rows = (_base(period, scope).annotate(month=TruncMonth("rated_on")).values("month")
            .annotate(**_counts(today or timezone.localdate())).order_by("month"))
    return [(r["month"], IndicatorRow(key=None, name=f"{r['month']:%Y-%m}", **{
        k: r[k] for k in ("ratings", "satisfied", "bad", "reported", "due", "on_time", "followed_up")})) for r in rows]
