"""Rating through a signed link, without logging in: the SMS invitation, the QR code on the window's
slip, and the hall tablet (which opens the code the applicant's phone shows, or the slip's QR).

The link says who rates. A session in the same browser never does: a clerk's session (the hall
tablet left logged in, a clerk opening the link) is refused, and so is another person's account.
"""

from __future__ import annotations

import re

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yiwang.core.errors import DomainError
from yiwang.ratings import selectors, services
from yiwang.ratings.constants import BAD_LEVELS, RatingStage
from yiwang.ratings.pages.citizen import rating_form_context
from yiwang.ratings.pages.common import PageErrors, domain_error_page, rating_input
from yiwang.ratings.tokens import MAX_TOKEN_LENGTH

_TOKEN = re.compile(rf"[A-Za-z0-9_:.\-]{{1,{MAX_TOKEN_LENGTH}}}")


def _rate(request, token: str, *, tablet: bool):
    try:
        rater, case, channel = services.link_target(token=token, session_user=request.user, tablet=tablet)
    except DomainError as exc:
        return domain_error_page(request, exc)
    url_name = "ratings:tablet_rate" if tablet else "ratings:rate_by_token"
    done = selectors.rating_of(case)
    errors, values = PageErrors(), {}
    if request.method == "POST" and done is None:
        values = rating_input(request)
        try:
            done = services.rating_give_by_link(token=token, session_user=request.user, tablet=tablet,
                                                stage=RatingStage.OVERALL, **values)
        except DomainError as exc:
            errors.take(exc)
        else:
            return render(request, "ratings/thanks.html", {"rating": done, "tablet": tablet,
                                                           "bad": done.level in BAD_LEVELS})
    return render(request, "ratings/rate_by_link.html", {
        "case": case, "rater_name": _masked(rater), "done": done, "tablet": tablet,
        "open": bool(selectors.rateable_stages(case)),
        **rating_form_context(values=values, errors=errors, action=reverse(url_name, args=[token])),
    }, status=400 if errors else 200)


def _masked(rater) -> str:
    from yiwang.core.crypto import mask_name

    return rater.org_name or mask_name(rater.real_name or "")


@require_http_methods(["GET", "POST"])
def rate_by_token(request, token: str):
    return _rate(request, token, tablet=False)


@require_http_methods(["GET", "POST"])
def tablet_rate(request, token: str):
    return _rate(request, token, tablet=True)


@require_http_methods(["GET", "POST"])
def tablet(request):
    """The hall tablet's start screen: scan the code on the applicant's phone or slip (a scanner
    types it into the field), or paste the link."""
    error = ""
    if request.method == "POST":
        text = (request.POST.get("code", "") or "").strip()[:600]
        candidate = text.rstrip("/").rsplit("/", 1)[-1] if "/" in text else text
        if _TOKEN.fullmatch(candidate or ""):
            return redirect("ratings:tablet_rate", candidate)
        error = "未能识别评价码。请将手机上的评价二维码或评价单上的二维码对准扫码器，或粘贴完整的评价链接。"
    return render(request, "ratings/tablet.html", {"error": error}, status=400 if error else 200)
