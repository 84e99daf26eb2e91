"""The 评价 panel on the case pages (the `cases.case_page_panels` hook): the applicant sees the
rating form or their rating and its answer; the window sees whether the case is rated and may
print the rating slip; the department sees only whether it is rated. Staff never see the level
on the case page: ratings are read through the rectification pages by those who handle them."""

from __future__ import annotations

from django.urls import reverse

from yiwang.ratings import selectors


def case_page_panel(*, case, actor, audience: str):
    """(template, context) for the case page, or None; the template reads its data from `panel`."""
    answer = _panel(case=case, actor=actor, audience=audience)
    return None if answer is None else (answer[0], {"panel": answer[1]})


def _panel(*, case, actor, audience: str):
    if audience not in ("applicant", "window", "department"):
        return None
    rating = selectors.rating_of(case)
    open_stages = selectors.rateable_stages(case) if rating is None else []
    if rating is None and not open_stages:
        return None
    if audience == "applicant":
        from yiwang.ratings.pages.citizen import rating_form_context

        context = {"case": case, "rating": rating, "rectification": getattr(rating, "rectification", None) if rating else None}
        if rating is None:
            context.update(rating_form_context(action=reverse("ratings:rate_case", args=[case.pk])))
            context["next"] = reverse("cases:case_detail", args=[case.pk])
        return "ratings/_case_panel_applicant.html", context
    from yiwang.ratings.access import may_print_slip

    return "ratings/_case_panel_staff.html", {
        "case": case, "rated": rating is not None,
        "slip_url": reverse("ratings:slip", args=[case.pk])
        if audience == "window" and rating is None and may_print_slip(actor=actor, case=case) else "",
    }
