"""What a bundle saves, computed from the catalog, never typed in. Pure: no database.

Seed 000 reports Xi'an's bundles as 减材料30.6%、减跑动75.1%、压缩办理时限50%; these are the same
figures for each of our bundles, from the members' published guides:

- materials: before = the materials an applicant hands in (必要 and 容缺后补) summed over separate
  applications of every member; after = the same count over the merged list (merge_materials.py).
  Optional ones (非必要) are listed but not counted, on both sides.
- visits (跑动): before = the members' 到办事现场次数 summed; after = the largest of them, because
  the bundle is accepted at one window (综合受理, seed 003 §1) where one trip serves every member
  that needs one; a member that needs two still needs two.
- time: before = the members' promised limits summed (applied for one after another); after = the
  critical path over the dependency graph — members that wait for nothing run in parallel.
  Limits are working days (行政许可法 §82); 即办 counts 0; a limit in natural days counts as
  ceil(n × 5 / 7) working days (a week has five), so units never mix.
- departments: the distinct implementing agencies.
- reductions: (before − after) / before in percent, one decimal; none when before is 0.
City-wide totals add the before and after figures of every bundle and compute the reductions of
the sums (not an average of percentages), as seed 000 does for the city.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yiwang.bundles.graph import critical_path


def working_days(limit: Decimal | int | float | None, unit: str) -> Decimal:
    """A promised limit in working days (see the module docstring)."""
    if unit == "immediate" or limit is None:
        return Decimal(0)
    value = Decimal(str(limit))
    if unit == "natural_day":
        return Decimal(math.ceil(value * 5 / 7))
    return value


def reduction(before: Decimal | int, after: Decimal | int) -> Decimal | None:
    before, after = Decimal(before), Decimal(after)
    if before <= 0:
        return None
    return ((before - after) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MemberLoad:
    member: int
    agency_id: int
    days: Decimal
    visits: int


@dataclass(frozen=True)
class Figures:
    members: int
    departments: int
    materials_before: int
    materials_after: int
    visits_before: int
    visits_after: int
    days_before: Decimal
    days_after: Decimal
    fields_before: int = 0
    fields_after: int = 0
    critical_members: tuple[int, ...] = ()

    @property
    def materials_reduction(self) -> Decimal | None:
        return reduction(self.materials_before, self.materials_after)

    @property
    def visits_reduction(self) -> Decimal | None:
        return reduction(self.visits_before, self.visits_after)

    @property
    def time_reduction(self) -> Decimal | None:
        return reduction(self.days_before, self.days_after)

    @property
    def fields_reduction(self) -> Decimal | None:
        return reduction(self.fields_before, self.fields_after)


def bundle_figures(loads: Iterable[MemberLoad], waits_for: Mapping[int, frozenset[int]], *, materials_before: int, materials_after: int,
                   fields_before: int = 0, fields_after: int = 0) -> Figures:
    loads = list(loads)
    days_after, path = critical_path({load.member: load.days for load in loads}, waits_for)
    return Figures(
        members=len(loads), departments=len({load.agency_id for load in loads}),
        materials_before=materials_before, materials_after=materials_after,
        visits_before=sum(load.visits for load in loads), visits_after=max((load.visits for load in loads), default=0),
        days_before=sum((load.days for load in loads), Decimal(0)), days_after=days_after,
        fields_before=fields_before, fields_after=fields_after, critical_members=tuple(path),
    )


def city_totals(all_figures: Iterable[Figures], *, departments: int) -> Figures:
    """The sums over bundles; `departments` is the number of distinct agencies across them."""
    rows = list(all_figures)
    return Figures(
        members=sum(f.members for f in rows), departments=departments,
        materials_before=sum(f.materials_before for f in rows), materials_after=sum(f.materials_after for f in rows),
        visits_before=sum(f.visits_before for f in rows), visits_after=sum(f.visits_after for f in rows),
        days_before=sum((f.days_before for f in rows), Decimal(0)), days_after=sum((f.days_after for f in rows), Decimal(0)),
        fields_before=sum(f.fields_before for f in rows), fields_after=sum(f.fields_after for f in rows),
    )
