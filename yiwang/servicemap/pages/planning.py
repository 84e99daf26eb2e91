"""Planning page: coverage of the 15-minute (雁塔区 10-minute) service circle, with the gaps on the map.
For hall managers, leaders and supervisors (seed 000 §(二), seed 002)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from yiwang.servicemap import access, selectors, svg_map
from yiwang.servicemap.districts import DISTRICTS
from yiwang.servicemap.pages.staff import manager_required


def _coverage_view(request):
    report = selectors.coverage_report()
    district = request.GET.get("district", "")[:12]
    view = svg_map.district_view(district) if district in DISTRICTS else svg_map.urban_view() \
        if request.GET.get("area") == "urban" else svg_map.city_view()
    squares = svg_map.gap_squares(view, report.gaps)
    figure = svg_map.figure(view, title="服务圈覆盖空白分布图", gaps=squares,
                            description=f"红色方块为步行时间内没有可办理社区事项网点的居住区，共 {len(squares)} 块。")
    return render(request, "servicemap/staff/coverage.html", {
        "report": report, "map": figure, "district": district if district in DISTRICTS else "",
        "area": request.GET.get("area", "")[:10], "districts": [(c, d.name) for c, d in DISTRICTS.items()]})


coverage = require_safe(manager_required(_coverage_view, check=access.can_read_coverage,
                                         message="此页面仅向大厅管理人员、领导和电子监察人员开放。"))
