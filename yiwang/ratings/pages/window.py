"""The window: a printable slip whose QR code opens the applicant's own rating screen (on the
applicant's phone, or on the hall tablet) — the clerk hands it over and does not rate."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from yiwang.cases.access import access_case_by_id
from yiwang.orgs.constants import Role
from yiwang.ratings import selectors, tokens
from yiwang.ratings.constants import RatingChannel
from yiwang.ratings.pages.common import staff_required
from yiwang.ratings.pages.qr import qr_svg


@staff_required(Role.WINDOW_CLERK)
@require_GET
def slip(request, case_id: int):
    case = access_case_by_id(actor=request.user, case_id=case_id, roles=[Role.WINDOW_CLERK])
    if not selectors.rateable_stages(case):
        return render(request, "ratings/message.html", {
            "title": "无需打印评价单", "tone": "info",
            "message": "该办件已评价，或尚未送达（送达后才能评价）。"}, status=409)
    token = tokens.issue(case_id=case.pk, rater_id=case.applicant_id, channel=RatingChannel.QR)
    url = request.build_absolute_uri(reverse("ratings:rate_by_token", args=[token]))
    return render(request, "ratings/slip.html", {"case": case, "qr": qr_svg(url)})
