"""The public page (/ratings/): indicators of agencies and districts with enough ratings, what the
indicators mean, and recent results of bad ratings (STANDARDS §4: results and fixes are published)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from yiwang.ratings import policy, selectors
from yiwang.ratings.constants import BadReason


@require_GET
def public(request):
    period = selectors.Period.last_year()
    minimum = policy.min_public_sample()
    totals = selectors.indicator_totals(period=period)
    fixes = [{"r": r, "reasons": [BadReason(x).label for x in r.rating.reasons if x in BadReason.values]}
             for r in selectors.published_fixes(limit=10)]
    return render(request, "ratings/public.html", {
        "period": period, "minimum": minimum,
        "agencies": selectors.public_indicators(dimension="agency", period=period),
        "districts": selectors.public_indicators(dimension="district", period=period),
        "agencies_hidden": selectors.groups_below_sample(dimension="agency", period=period, min_sample=minimum),
        "totals": totals if totals.ratings >= minimum else None,
        "definitions": selectors.DEFINITIONS, "fixes": fixes,
    })
