"""Rating indicators per district, agency, window (outlet), item and staff member — aggregate
queries (three per table, whatever the number of ratings), never a loop over ratings.

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
from django.utils import timezone

from yiwang.ratings import policy
from yiwang.ratings.constants import BAD_LEVELS, SATISFIED_LEVELS
from yiwang.ratings.models import Rating, Rectification

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


def _rating_counts() -> dict:
    """What the rating rows alone tell (no join)."""
    return {
        "ratings": Count("id"),
        "satisfied": Count("id", filter=Q(level__in=SATISFIED_LEVELS)),
        "bad": Count("id", filter=Q(level__in=BAD_LEVELS)),
    }


def _loop_counts(today: date) -> dict:
    """What the rectifications of the bad ratings tell (every bad rating has one)."""
    reported = Q(result_on__isnull=False)
    return {
        "reported": Count("id", filter=reported),
        "due": Count("id", filter=reported | Q(due_on__lt=today)),
        "on_time": Count("id", filter=reported & Q(result_on__lte=F("due_on"))),
        "followed_up": Count("id", filter=reported & Q(follow_up_reached=True)),
    }


LOOP_FIELDS = ("reported", "due", "on_time", "followed_up")


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition written from a related model (`rating__…`)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children]
    return out


def _base(period: Period, scope: Q | None) -> QuerySet[Rating]:
    qs = Rating.objects.filter(counts_in_statistics=True, rated_on__gte=period.since, rated_on__lte=period.until)
    return qs.filter(scope) if scope is not None else qs


def _loops(period: Period, scope: Q | None) -> QuerySet[Rectification]:
    """The rectifications of the counted bad ratings in the period, read from their own table (every
    bad rating has one, opened on the day it was given): the join to ratings concerns only these."""
    qs = Rectification.objects.filter(opened_on__gte=period.since, opened_on__lte=period.until,
                                      rating__counts_in_statistics=True)
    return qs.filter(_prefixed(scope, "rating__")) if scope is not None else qs


def _names(dimension: str, keys: list) -> dict:
    """Display names of the groups, in one small query (the aggregate itself joins nothing)."""
    field = DIMENSIONS[dimension][0].removesuffix("_id")
    model = Rating._meta.get_field(field).related_model
    if dimension == "staff":
        return {pk: org or real or username for pk, org, real, username in
                model.objects.filter(pk__in=keys).values_list("pk", "org_name", "real_name", "username")}
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


def _grouped(dimension: str, period: Period, scope: Q | None, today: date, min_sample: int | None,
             keep_unset: bool) -> list[IndicatorRow]:
    key = DIMENSIONS[dimension][0]
    names = {"name": Max("item_name")} if dimension == "item" else {}
    counts = _base(period, scope)
    if not keep_unset:
        counts = counts.exclude(**{f"{key}__isnull": True})
    counts = counts.values(key).annotate(**names, **_rating_counts()).order_by("-ratings", key)
    if min_sample:
        counts = counts.filter(ratings__gte=min_sample)
    counts = list(counts)
    if not counts:
        return []
    loops = {r[f"rating__{key}"]: r for r in _loops(period, scope).values(f"rating__{key}").annotate(**_loop_counts(today))
             .order_by()}
    if dimension != "item":
        found = _names(dimension, [r[key] for r in counts if r[key] is not None])
        for r in counts:
            r["name"] = found.get(r[key])
    empty = dict.fromkeys(LOOP_FIELDS, 0)
    return [IndicatorRow(key=r[key], name=r["name"] or "—", ratings=r["ratings"], satisfied=r["satisfied"], bad=r["bad"],
                         **{f: loops.get(r[key], empty)[f] for f in LOOP_FIELDS}) for r in counts]


def indicators(*, dimension: str, period: Period, scope: Q | None = None, min_sample: int | None = None,
               today: date | None = None) -> list[IndicatorRow]:
    """One row per district / agency / outlet / item / staff member, most rated first; groups below
    `min_sample` ratings are left out (HAVING). Three queries whatever the number of ratings: the
    rating counts per group, the loop's counts per group (over the bad ratings' rectifications only),
    and the groups' names."""
    return _grouped(dimension, period, scope, today or timezone.localdate(), min_sample, keep_unset=False)


def indicator_table(*, dimension: str, period: Period, scope: Q | None = None,
                    today: date | None = None) -> tuple[list[IndicatorRow], IndicatorRow]:
    """The groups and their total from the same queries (for the staff page): ratings without a
    value for the dimension (no outlet, no staff member) count in the total only."""
    rows = _grouped(dimension, period, scope, today or timezone.localdate(), None, keep_unset=True)
    fields = ("ratings", "satisfied", "bad", *LOOP_FIELDS)
    total = IndicatorRow(key=None, name="合计", **{f: sum(getattr(r, f) for r in rows) for f in fields})
    return [r for r in rows if r.key is not None], total


def indicator_totals(*, period: Period, scope: Q | None = None, today: date | None = None) -> IndicatorRow:
    r = _base(period, scope).aggregate(**_rating_counts())
    loop = _loops(period, scope).aggregate(**_loop_counts(today or timezone.localdate()))
    return IndicatorRow(key=None, name="合计", ratings=r["ratings"] or 0, satisfied=r["satisfied"] or 0, bad=r["bad"] or 0,
                        **{f: loop[f] or 0 for f in LOOP_FIELDS})


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


def monthly_trend(*, period: Period, scope: Q | None = None) -> list[tuple[date, IndicatorRow]]:
    """Ratings per calendar month (for the staff trend chart): counted per day in the database (at
    most a few hundred rows), added up per month here — no per-row date function in the query."""
    months: dict[date, list[int]] = {}
    for r in _base(period, scope).values("rated_on").annotate(**_rating_counts()).order_by("rated_on"):
        acc = months.setdefault(r["rated_on"].replace(day=1), [0, 0, 0])
        acc[0], acc[1], acc[2] = acc[0] + r["ratings"], acc[1] + r["satisfied"], acc[2] + r["bad"]
    return [(m, IndicatorRow(key=None, name=f"{m:%Y-%m}", ratings=n, satisfied=good, bad=bad, reported=0, due=0,
                             on_time=0, followed_up=0)) for m, (n, good, bad) in months.items()]
