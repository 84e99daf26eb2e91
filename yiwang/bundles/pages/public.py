"""Public bundle pages: the overview of every bundle with the city-wide figures, and one bundle's
guide with its situational questions and the merged checklist for the answers given.

Anyone may read them. Answers come as GET parameters `q-<question key>=<option value>` so a
checklist is a link one can share; with htmx only the checklist region is replaced.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from yiwang.bundles import selectors
from yiwang.catalog.constants import LifeSubject
from yiwang.core.errors import NotFound

PREFIX = "q-"
SUBJECTS = {"": "全部", LifeSubject.PERSON: "个人", LifeSubject.ENTERPRISE: "法人"}


def _answers(query) -> dict[str, str]:
    answers = {}
    for name, value in list(query.items())[:40]:
        if name.startswith(PREFIX) and value:
            answers[name[len(PREFIX):][:40]] = "".join(ch for ch in value if ch.isprintable())[:40]
    return answers


@require_safe
def overview(request):
    subject = request.GET.get("subject", "")
    if subject not in SUBJECTS:
        subject = ""
    return render(request, "bundles/public/overview.html", {
        "overview": selectors.overview(subject=subject or None), "subject": subject, "subjects": SUBJECTS.items(),
    })


@require_safe
def guide(request, bundle_id: int):
    try:
        found = selectors.bundle_guide(bundle_id, _answers(request.GET), applicant=request.user)
    except NotFound:
        raise Http404("没有找到这件事，或尚未发布。") from None
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    # The apply link carries the answers given here, so the wizard starts with them filled in.
    answered = {PREFIX + q.key: found.answers[q.key] for q in found.definition.questions if found.answers.get(q.key)}
    apply_url = reverse("bundles:apply", args=[found.version.bundle_id]) + (f"?{urlencode(answered)}" if answered else "")
    context = {"guide": found, "version": found.version, "checklist": found.checklist, "overall": found.overall,
               "members": {m.id: m for m in found.definition.members}, "apply_url": apply_url, "partial": partial}
    response = render(request, "bundles/public/_checklist.html" if partial else "bundles/public/guide.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
