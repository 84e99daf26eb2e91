"""The applicant's pages: rate a case, see one's ratings and the answer to a bad one, rate the fix,
show a code to the hall tablet."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from yiwang.core.errors import DomainError
from yiwang.ratings import selectors, services, tokens
from yiwang.ratings.access import access_case_to_rate, access_own_rating
from yiwang.ratings.constants import (
    BAD_LEVELS,
    RESULT_REPORTED,
    STARS,
    AppealStatus,
    BadReason,
    RatingStage,
    SatisfactionLevel,
)
from yiwang.ratings.pages.common import PageErrors, citizen_required, page_channel, rating_input
from yiwang.ratings.pages.qr import qr_svg


def rating_form_context(*, values: dict | None = None, errors: PageErrors | None = None, action: str = "") -> dict:
    """What the rating form (ratings/_rating_form.html) shows: the five levels with their stars,
    the standard reasons, and whatever was typed when the page comes back with errors."""
    values = values or {}
    return {
        "action": action, "errors": errors or PageErrors(),
        "levels": [{"value": v, "label": label, "stars": "★" * STARS[v] + "☆" * (5 - STARS[v]), "checked": values.get("level") == v}
                   for v, label in SatisfactionLevel.choices],
        "reasons": [{"value": v, "label": label, "checked": v in (values.get("reasons") or [])}
                    for v, label in BadReason.choices],
        "comment": values.get("comment", ""),
    }


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/cases/mine/") and "//" not in target else default


@citizen_required
@require_http_methods(["GET", "POST"])
def rate_case(request, case_id: int):
    case = access_case_to_rate(actor=request.user, case_id=case_id)
    existing = selectors.rating_of(case)
    if existing is not None:
        return redirect("ratings:rating_detail", existing.pk)
    errors, values = PageErrors(), {}
    if request.method == "POST":
        values = rating_input(request)
        try:
            rating = services.rating_give(actor=request.user, case=case, stage=RatingStage.OVERALL,
                                          channel=page_channel(request), **values)
        except DomainError as exc:
            errors.take(exc)
        else:
            messages.success(request, "感谢您的评价。" + ("我们会在规定时限内核实处理，并把结果告诉您。"
                                                  if rating.level in BAD_LEVELS else ""))
            return redirect(_safe_next(request, reverse("ratings:rating_detail", args=[rating.pk])))
    return render(request, "ratings/rate_case.html", {
        "case": case, "open": bool(selectors.rateable_stages(case)),
        **rating_form_context(values=values, errors=errors, action=reverse("ratings:rate_case", args=[case.pk])),
    }, status=400 if errors else 200)


@citizen_required
@require_GET
def my_ratings(request):
    return render(request, "ratings/my_ratings.html", {
        "ratings": list(selectors.ratings_of_rater(request.user)[:100]),
        "awaiting": list(selectors.cases_awaiting_rating(request.user)[:50]),
    })


@citizen_required
@require_http_methods(["GET", "POST"])
def rating_detail(request, rating_id: int):
    rating = access_own_rating(actor=request.user, rating_id=rating_id)
    rectification = getattr(rating, "rectification", None)
    errors, values = PageErrors(), {}
    if request.method == "POST":
        values = {"level": request.POST.get("level", ""), "comment": request.POST.get("comment", "")}
        try:
            services.fix_rate(actor=request.user, rating=rating, **values)
        except DomainError as exc:
            errors.take(exc)
        else:
            messages.success(request, "感谢您对处理结果的评价。")
            return redirect("ratings:rating_detail", rating.pk)
    appeal = selectors.appeal_of(rating)
    can_rate_fix = rectification is not None and rectification.status in RESULT_REPORTED and not rectification.fix_level
    return render(request, "ratings/rating_detail.html", {
        "rating": rating, "rectification": rectification,
        "reason_labels": [BadReason(r).label for r in rating.reasons if r in BadReason.values],
        "clock": selectors.rectification_clock(rectification) if rectification else None,
        "excluded": appeal is not None and appeal.status == AppealStatus.UPHELD, "appeal": appeal,
        "can_rate_fix": can_rate_fix,
        **(rating_form_context(values=values, errors=errors, action=reverse("ratings:rating_detail", args=[rating.pk]))
           if can_rate_fix else {"errors": errors}),
    }, status=400 if errors else 200)


@citizen_required
@require_GET
def tablet_code(request, case_id: int):
    """The applicant's own phone shows a code the hall tablet scans: the tablet then opens this
    applicant's rating screen (never a clerk's session)."""
    case = access_case_to_rate(actor=request.user, case_id=case_id)
    if not selectors.rateable_stages(case):
        return redirect("ratings:rate_case", case.pk)
    token = tokens.issue_for_tablet(case_id=case.pk, rater_id=request.user.pk)
    url = request.build_absolute_uri(reverse("ratings:tablet_rate", args=[token]))
    return render(request, "ratings/tablet_code.html", {"case": case, "qr": qr_svg(url), "url": url})
