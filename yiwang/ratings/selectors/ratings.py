"""Reads over ratings, rectifications and appeals (lists, clocks, histories, what is rateable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from yiwang.ratings.access import (
    LEADER_ROLES,
    SUPERVISOR_ROLES,
    UNIT_ROLES,
    appeals_to_decide,
    rectifications_in_scope,
)
from yiwang.ratings.constants import (
    CLOCK_RUNNING,
    RESULT_REPORTED,
    RatingStage,
    RectificationAction,
    RectificationStatus,
)
from yiwang.ratings.lifecycle import stage_open
from yiwang.ratings.models import Rating, RatingAppeal, Rectification
from yiwang.workdays.time_limits import working_days_between

# ---------------------------------------------------------------------------------------------
# What may be rated


def stages_offered(case) -> tuple[str, ...]:
    """The stages a case is rated on. A single case is rated once, as a whole (一事一评); a member
    case of a bundle (一件事) is rated per stage — acceptance, review, delivery, overall — each
    member apart (issue 13 §1, STANDARDS §4), one rating per stage."""
    from yiwang.bundles.selectors import is_bundle_member_case

    if is_bundle_member_case(case.pk):
        return (RatingStage.ACCEPTANCE, RatingStage.REVIEW, RatingStage.DELIVERY, RatingStage.OVERALL)
    return (RatingStage.OVERALL,)


def rating_of(case, stage: str = RatingStage.OVERALL) -> Rating | None:
    return Rating.objects.filter(case_id=case.pk, stage=stage).select_related("rectification").first()


def rateable_stages(case) -> list[str]:
    """Stages of this case that are open and not rated yet."""
    from yiwang.cases.constants import CaseStatus

    rated = set(Rating.objects.filter(case_id=case.pk).values_list("stage", flat=True))
    return [s for s in stages_offered(case) if s not in rated and stage_open(
        s, accepted=case.accepted_on is not None, decided=case.decided_on is not None,
        delivered=case.status == CaseStatus.DELIVERED)]


def cases_awaiting_rating(applicant) -> QuerySet:
    """The applicant's delivered cases not rated yet (overall), newest first."""
    from yiwang.cases.constants import CaseStatus
    from yiwang.cases.selectors import cases_of_applicant

    rated = Rating.objects.filter(case_id=OuterRef("pk"), stage=RatingStage.OVERALL)
    return cases_of_applicant(applicant, status=CaseStatus.DELIVERED).exclude(Exists(rated)).order_by("-delivered_on", "-id")


def ratings_of_rater(rater) -> QuerySet[Rating]:
    return Rating.objects.filter(rater=rater).select_related("agency", "rectification", "rectification__unit")


# ---------------------------------------------------------------------------------------------
# The loop's clock and history


@dataclass(frozen=True)
class LoopClock:
    due_on: date
    provisional: bool
    remaining: int | None  # working days; None once the result is reported
    overdue: bool
    colour: str  # "" | "yellow" | "red" (the monitoring colours)
    result_on: date | None
    on_time: bool | None

    @property
    def label(self) -> str:
        if self.result_on is not None:
            return "按期反馈" if self.on_time else "超期反馈"
        if self.remaining is None:
            return ""
        if self.remaining < 0:
            return f"已超期 {-self.remaining} 个工作日"
        if self.remaining == 0:
            return "今天到期"
        return f"剩余 {self.remaining} 个工作日"


# The yellow warning this many working days before the rectification is due.
YELLOW_DAYS = 3


def rectification_clock(rectification: Rectification, *, today: date | None = None) -> LoopClock:
    today = today or timezone.localdate()
    remaining = None
    if rectification.status in CLOCK_RUNNING:
        remaining = working_days_between(today, rectification.due_on)
    colour = ""
    if remaining is not None:
        colour = "red" if remaining < 0 else ("yellow" if remaining <= YELLOW_DAYS else "")
    on_time = rectification.result_on <= rectification.due_on if rectification.result_on else None
    return LoopClock(due_on=rectification.due_on, provisional=rectification.due_provisional, remaining=remaining,
                     overdue=bool(remaining is not None and remaining < 0), colour=colour,
                     result_on=rectification.result_on, on_time=on_time)


@dataclass(frozen=True)
class LoopEntry:
    at: object
    title: str
    actor: str
    note: str


def rectification_history(rectification: Rectification) -> list[LoopEntry]:
    """The loop's steps in order, named as people read them (staff names: staff pages only)."""
    entries = []
    for e in rectification.events.select_related("actor").order_by("occurred_at", "id"):
        title = RectificationAction(e.action).label if e.action in RectificationAction.values else "差评生成整改"
        entries.append(LoopEntry(e.occurred_at, title, e.actor.display_name if e.actor else "系统", e.note))
    return entries


# ---------------------------------------------------------------------------------------------
# Worklists


def worklist(actor, *, status: str = "", overdue_only: bool = False) -> QuerySet[Rectification]:
    """The unit's rectifications (rating officers) and results awaiting approval (leaders), soonest due first."""
    qs = (rectifications_in_scope(actor, roles=(*UNIT_ROLES, *LEADER_ROLES))
          .select_related("rating", "rating__agency", "unit").order_by("due_on", "id"))
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status__in=(RectificationStatus.CLOSED, RectificationStatus.EXCLUDED))
    if overdue_only:
        qs = qs.filter(overdue_on__isnull=False, status__in=CLOCK_RUNNING)
    return qs


def overdue_rectifications(actor) -> QuerySet[Rectification]:
    """What the periodic sweep flagged as late and is still not reported (supervisors' warnings)."""
    return (rectifications_in_scope(actor, roles=(*SUPERVISOR_ROLES, *LEADER_ROLES))
            .filter(overdue_on__isnull=False, status__in=CLOCK_RUNNING)
            .select_related("rating", "unit").order_by("due_on", "id"))


def pending_appeals(actor) -> QuerySet[RatingAppeal]:
    return appeals_to_decide(actor).select_related("rating", "unit", "filed_by").order_by("filed_on", "id")


def unit_appeals(actor) -> QuerySet[RatingAppeal]:
    """Appeals filed by the actor's units (to follow their outcome)."""
    from yiwang.orgs.selectors import scope_filter

    return (RatingAppeal.objects.filter(scope_filter(actor, UNIT_ROLES, path_field="unit_path"))
            .select_related("rating", "unit").order_by("-filed_on", "-id"))


def appeal_of(rating: Rating) -> RatingAppeal | None:
    return RatingAppeal.objects.filter(rating=rating).first()


# ---------------------------------------------------------------------------------------------
# Published results


def published_fixes(*, limit: int = 10) -> list[Rectification]:
    """Recent results of bad ratings, for the public page (STANDARDS §4: results and fixes are
    published) — the unit, the item, the reasons and the unit's own account; never the rater or
    the rater's words."""
    return list(Rectification.objects.filter(status__in=RESULT_REPORTED, rating__counts_in_statistics=True)
                .exclude(result_text="").select_related("rating", "unit").order_by("-result_on", "-id")[:limit])


