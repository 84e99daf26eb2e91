"""Public catalog pages: home, search, the life-cycle trees, departments, the guide and its PDF.

Anyone may read them, logged in or not. Only published current versions are shown; anything else
answers with the same friendly 404 page, so drafts do not leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from yiwang.catalog.constants import ON_APPLICATION_TYPES, ItemType, LifeSubject
from yiwang.catalog.guide import Guide, build_guide
from yiwang.catalog.guide_pdf import guide_pdf as render_guide_pdf
from yiwang.catalog.selectors import browse, catalog_search, implementation_detail
from yiwang.core import hooks
from yiwang.core.errors import NotFound, ValidationFailed

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100
# Ids and page numbers are ASCII digits of sane length: "²".isdigit() is true but int("²") fails,
# and int() refuses very long digit strings.
_NUMBER = re.compile(r"[0-9]{1,9}")
SUBJECT_TITLES = {LifeSubject.PERSON: "个人办事", LifeSubject.ENTERPRISE: "法人办事"}
# Types offered in the filter: the ones a citizen applies for, in code order.
ITEM_TYPE_OPTIONS = [(value, label) for value, label in ItemType.choices if value in ON_APPLICATION_TYPES]


def not_found(request, message: str = "您要找的事项或页面不存在，或尚未公开发布。"):
    return render(request, "catalog/public/not_found.html", {"message": message}, status=404)


@require_safe
def home(request):
    return render(request, "catalog/public/home.html", {
        "stages": browse.home_stages(),
        "high_frequency": catalog_search(flags={"high_frequency": True}, page_size=12).items,
    })


@dataclass
class SearchParams:
    q: str = ""
    agency_id: int | None = None
    item_type: str | None = None
    flags: list[str] = field(default_factory=list)
    page: int = 1
    problems: list[str] = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return bool(self.agency_id or self.item_type or self.flags)


def _parse_search(query, agency_ids: set[int]) -> SearchParams:
    """Read the search form's parameters. A bad value never breaks the page: it is dropped and the
    person is told, in words, which filter was ignored and why."""
    params = SearchParams()
    # Control characters (NUL above all: PostgreSQL rejects it in a query) cannot be part of a name.
    q = " ".join("".join(ch if ch.isprintable() else " " for ch in query.get("q", "")).split())
    if len(q) > MAX_QUERY_LENGTH:
        params.problems.append(f"搜索词过长，已截取前 {MAX_QUERY_LENGTH} 个字。请用更短的关键词，例如事项名称中的几个字。")
        q = q[:MAX_QUERY_LENGTH]
    params.q = q

    agency = query.get("agency", "").strip()
    if agency:
        if _NUMBER.fullmatch(agency) and int(agency) in agency_ids:
            params.agency_id = int(agency)
        else:
            params.problems.append("“部门”筛选条件无效，已显示全部部门的结果。请从“部门”列表中重新选择。")

    item_type = query.get("type", "").strip()
    if item_type:
        if item_type in dict(ITEM_TYPE_OPTIONS):
            params.item_type = item_type
        else:
            params.problems.append("“事项类型”筛选条件无效，已显示全部类型的结果。请从“事项类型”列表中重新选择。")

    for flag in query.getlist("flag"):
        if flag in browse.SEARCH_FLAGS:
            if flag not in params.flags:
                params.flags.append(flag)
        elif flag:
            params.problems.append("有一项“清单”筛选条件无法识别，已忽略。请勾选页面上列出的清单。")

    page = query.get("page", "1").strip() or "1"
    if _NUMBER.fullmatch(page) and int(page) >= 1:
        params.page = int(page)
    else:
        params.problems.append("页码无效，已显示第 1 页。页码应为正整数。")
    return params


@require_safe
def search(request):
    agencies = browse.agency_filter_options()
    params = _parse_search(request.GET, {a.pk for a in agencies})
    query = {"q": params.q, "agency_id": params.agency_id, "item_type": params.item_type,
             "flags": dict.fromkeys(params.flags, True), "page_size": PAGE_SIZE}
    try:
        results = catalog_search(**query, page=params.page)
        if params.page > results.num_pages and results.total:
            params.problems.append(f"共 {results.num_pages} 页，没有第 {params.page} 页，已显示最后一页。")
            results = catalog_search(**query, page=results.num_pages)
    except ValidationFailed as error:
        # _parse_search already drops what catalog_search refuses; should the two ever disagree,
        # the person still gets a page that says what was wrong, never an error page.
        params.problems.extend(e.message for e in error.errors)
        results = catalog_search(page_size=PAGE_SIZE)
    context = {
        "params": params,
        "results": results,
        "start_index": (results.page - 1) * PAGE_SIZE + 1,
        # Paginator over a range: only its page-number arithmetic is used, it runs no query.
        "page_range": Paginator(range(results.total), PAGE_SIZE).get_elided_page_range(
            results.page, on_each_side=2, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
        "agencies": agencies,
        "item_types": ITEM_TYPE_OPTIONS,
        "flag_options": list(browse.SEARCH_FLAGS.items()),
    }
    # htmx updates only the results region when the filter form changes (the full page works
    # without JavaScript; hx-push-url keeps the address shareable). A history restore (back button
    # after a cache miss) needs the whole page again.
    partial = (request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
               and not request.headers.get("HX-History-Restore-Request"))
    if partial:
        response = render(request, "catalog/public/_search_results.html", {**context, "oob": True})
    else:
        response = render(request, "catalog/public/search.html", context)
    patch_vary_headers(response, ["HX-Request"])  # caches must keep the two answers apart
    return response


@require_safe
def browse_tree(request, subject: str):
    if subject not in SUBJECT_TITLES:
        return not_found(request, "没有这个办事分类。请选择“个人办事”或“法人办事”。")
    return render(request, "catalog/public/browse_tree.html", {
        "subject": subject,
        "title": SUBJECT_TITLES[subject],
        "other_subject": LifeSubject.ENTERPRISE if subject == LifeSubject.PERSON else LifeSubject.PERSON,
        "other_title": SUBJECT_TITLES[LifeSubject.ENTERPRISE if subject == LifeSubject.PERSON else LifeSubject.PERSON],
        "stages": browse.life_stages(subject),
    })


@require_safe
def life_event(request, event_id: int):
    found = browse.life_event(event_id)
    if found is None:
        return not_found(request, "没有找到这个办事场景。")
    event, items = found
    subject = event.theme.stage.subject
    # Apps above the catalog (bundles) offer ways to do the whole event at once; each handler
    # returns a list of {"url", "title", "text"} or None.
    links = [link for result in hooks.call("catalog.life_event_links", event=event) for link in (result or [])]
    return render(request, "catalog/public/life_event.html", {
        "event": event, "theme": event.theme, "stage": event.theme.stage, "items": items,
        "subject": subject, "subject_title": SUBJECT_TITLES.get(subject, ""), "together_links": links,
    })


@require_safe
def browse_agencies(request):
    return render(request, "catalog/public/agencies.html", {"groups": browse.agencies_with_items()})


@require_safe
def agency(request, org_id: int):
    found = browse.agency_with_items(org_id)
    if found is None:
        return not_found(request, "没有找到这个部门。")
    org, items = found
    return render(request, "catalog/public/agency.html", {"agency": org, "items": items})


def _apply_url(implementation_id: int) -> str:
    """The online application form, once the cases app provides it."""
    try:
        return reverse("cases:apply", args=[implementation_id])
    except NoReverseMatch:
        return ""


def _public_guide(implementation_id: int) -> Guide | None:
    try:
        return build_guide(implementation_detail(implementation_id))
    except NotFound:
        return None


@require_safe
def guide(request, implementation_id: int):
    try:
        version = implementation_detail(implementation_id)
    except NotFound:
        return not_found(request)
    g = build_guide(version)
    # The button appears only where the item can be applied for online and the cases app offers
    # the form; otherwise the page says which of the two is missing.
    apply_url = _apply_url(implementation_id) if g.online_handling else ""
    # Apps above the catalog add to the guide: panels (the licences app: which materials a held
    # e-licence waives), each (template, context) or None; and actions (the appointments app:
    # 预约办理), each a list of {"url", "label"} or None.
    panels = [render_to_string(name, context, request)
              for name, context in filter(None, hooks.call("catalog.guide_panels", version=version, viewer=request.user))]
    actions = [a for result in hooks.call("catalog.guide_actions", version=version, viewer=request.user) for a in (result or [])]
    return render(request, "catalog/public/guide.html", {"guide": g, "apply_url": apply_url, "panels": panels,
                                                         "guide_actions": actions})


@require_safe
def guide_pdf(request, implementation_id: int):
    g = _public_guide(implementation_id)
    if g is None:
        return not_found(request)
    response = HttpResponse(render_guide_pdf(g), content_type="application/pdf")
    filename = f"办事指南-{g.name}.pdf"
    # inline: opens in the browser's viewer (print from there); the UTF-8 name is kept on save.
    response["Content-Disposition"] = (f"inline; filename=\"guide-{g.implementation_id}.pdf\"; "
                                       f"filename*=UTF-8''{quote(filename)}")
    return response
