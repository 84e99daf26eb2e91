"""Public guided-search pages: the search page (the home search box sends its words here) and
the answer page (quoted guide passages, each with its source item)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from yiwang.guidance import generative, selectors
from yiwang.guidance.api import search_payload


@require_safe
def search(request):
    q = request.GET.get("q", "")
    payload = search_payload(q) if q.strip() else None
    return render(request, "guidance/search.html", {"q": q, "found": payload})


@require_safe
def answer(request):
    q = request.GET.get("q", "")
    found = selectors.answer(q) if q.strip() else None
    return render(request, "guidance/answer.html", {"q": q, "found": found, "generative_on": generative.enabled()})
