"""The public service map (政务服务地图): where can I do X near me, and one outlet's page.

Anyone may read them. On a phone the list with distances comes first and the map after it; the
map is server-drawn SVG from the project's own outlines and points (svg_map.py), so it needs no
tile service, no internet and no inline script.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_safe

from yiwang.core.errors import NotFound
from yiwang.servicemap import selectors, svg_map
from yiwang.servicemap.constants import CoordinateSystem, Facility, OutletKind
from yiwang.servicemap.districts import DISTRICTS

_NUMBER = re.compile(r"[0-9]{1,9}")
# Kinds offered in the filter, with the words people use.
KIND_OPTIONS = [(k.value, k.label) for k in OutletKind]
FACILITY_OPTIONS = [(f.value, f.label) for f in Facility if f in (Facility.STEP_FREE, Facility.ACCESSIBLE_TOILET,
                                                                    Facility.WHEELCHAIR, Facility.SIGN_LANGUAGE,
                                                                    Facility.MOTHER_BABY, Facility.PARKING)]


def _param(request, name: str, max_length: int = 100) -> str:
    value = request.GET.get(name, "")
    return "".join(ch for ch in value if ord(ch) >= 32 and ord(ch) != 127).strip()[:max_length]


def _id(request, name: str) -> str:
    value = _param(request, name, 20)
    return value if _NUMBER.fullmatch(value) else ""


@require_safe
def map_page(request):
    page = _id(request, "page") or "1"
    search = selectors.service_map_search(
        q=_param(request, "q"), item_id=_id(request, "item") or (_param(request, "item") or None),
        kind=_param(request, "kind", 30), facility=_param(request, "facility", 30),
        district=_param(request, "district", 12), near=_id(request, "near") or _param(request, "near", 20),
        lat=_param(request, "lat", 30) or None, lng=_param(request, "lng", 30) or None,
        crs=_param(request, "crs", 10) or CoordinateSystem.WGS84, page=int(page))
    return render(request, "servicemap/map.html", {
        "search": search, "map": _map_context(search), "kinds": KIND_OPTIONS, "facilities": FACILITY_OPTIONS,
        "districts": [(code, d.name) for code, d in DISTRICTS.items()],
        "crs_options": CoordinateSystem.choices, "lat": _param(request, "lat", 30), "lng": _param(request, "lng", 30),
        "crs": _param(request, "crs", 10) or CoordinateSystem.WGS84,
        "carry": _carry(search), "page_query": _page_query(request),
        "lat_error": any(e.field in ("lat", "lng", "crs") for e in search.errors),
    })


def _carry(search) -> str:
    """The location part of the query string, kept on links to items and outlets."""
    if search.origin is None:
        return ""
    return urlencode({"lat": f"{search.origin[0]:.6f}", "lng": f"{search.origin[1]:.6f}"})


def _page_query(request) -> str:
    params = {k: v for k, v in request.GET.items() if k != "page" and len(v) <= 100}
    return urlencode(params)


def _map_context(search) -> dict:
    if search.nearest is not None and search.origin is not None:
        records = [r.record for r in search.nearest.results]
        shown = {r.id for r in records}
        view = svg_map.view_around([(search.origin[1], search.origin[0]), *((r.lng, r.lat) for r in records)])
        markers = svg_map.dots(view, records, numbered=True)
        return svg_map.figure(
            view, title="附近网点位置图", markers=markers, you=view.xy(search.origin[1], search.origin[0]),
            background=svg_map.dots(view, [r for r in search.records if r.id not in shown]), dot_r=3.5,
            description=f"图中数字与列表序号对应，共 {len(markers)} 个网点；黄色圆圈为出发位置。")
    if search.district:
        view = svg_map.district_view(search.district)
    elif search.listing is not None:
        view = svg_map.urban_view()
    else:
        view = svg_map.city_view()
    background = svg_map.dots(view, search.records)
    return svg_map.figure(view, title="西安市政务服务网点分布图", background=background,
                          dot_r=3.5 if len(background) < 300 else 2.5,
                          description=f"图中显示 {len(background)} 个服务网点与各区县范围。")


@require_safe
def outlet_page(request, outlet_id: int):
    try:
        detail = selectors.outlet_detail(outlet_id, lat=_param(request, "lat", 30) or None,
                                         lng=_param(request, "lng", 30) or None)
    except NotFound as missing:
        return render(request, "servicemap/not_found.html", {"message": missing.message}, status=404)
    record = detail.record
    view = svg_map.view_around([(record.lng, record.lat)], min_span_km=3)
    map_context = svg_map.figure(
        view, title=f"{record.name}位置图", markers=svg_map.dots(view, [record]),
        background=svg_map.dots(view, detail.neighbours), highlight=True,
        description="图中心的大圆点为本网点，小圆点为附近其他网点。")
    back = urlencode({k: _param(request, k, 30) for k in ("lat", "lng") if _param(request, k, 30)})
    return render(request, "servicemap/outlet.html", {"detail": detail, "map": map_context, "back_query": back})
