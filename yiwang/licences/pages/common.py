"""What every licences page shares: the guards (as the cases pages do: anonymous → login, the
wrong audience → 403 with a pointer, NotFound → 404), the QR as inline SVG, error lists."""

from __future__ import annotations

from functools import wraps

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

from yiwang.core.errors import NotFound
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role


def forbidden(request, reason: str):
    return render(request, "licences/forbidden.html", {"reason": reason}, status=403)


def not_found(request, message: str = ""):
    return render(request, "licences/not_found.html", {"message": message or "未找到该页面。"}, status=404)


def holder_required(view):
    """A citizen or an enterprise (staff have no wallet of their own here)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_staff_member:
            return forbidden(request, "“我的证照”和“我的档案”供个人和企业使用。工作人员请从“工作台”进入电子证照管理。")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return not_found(request, exc.message)

    return wrapper


def staff_required(*roles):
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_staff_member or not has_role(request.user, roles):
                labels = "、".join(Role(r).label for r in roles)
                return forbidden(request, f"此页面仅向持有「{labels}」角色的工作人员开放。如需使用，请联系管理员授予角色。")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return not_found(request, exc.message)

        return wrapper

    return decorate


def qr_svg(text: str, *, title: str, scale: int = 4) -> str:
    """A QR code as inline SVG (no image request, no script), labelled for screen readers."""
    svg = segno.make(text, error="m").svg_inline(scale=scale, border=2, title=title, svgclass="licence-qr", lineclass=None,
                                                omitsize=False)
    svg = svg.replace("<svg ", '<svg role="img" aria-label="' + title.replace('"', "") + '" ', 1)
    return mark_safe(svg)  # noqa: S308 — segno's own markup; the only text in it is our title, quotes removed


def error_list(exc) -> list[dict]:
    """A domain error's field errors as the error summary lists them (href to the input)."""
    detail = getattr(exc, "detail", None) or []
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        return [{"field": d.get("field", ""), "message": d.get("message", ""), "href": f"#id_{d.get('field', '')}"}
                for d in detail]
    return [{"field": getattr(exc, "field", "") or "", "message": exc.message, "href": ""}]
