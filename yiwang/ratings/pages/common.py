"""What every ratings page shares: the guards (who may open it), the page's errors, input parsing."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yiwang.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role
from yiwang.ratings.constants import ErrorCode, RatingChannel


def forbidden(request, reason: str):
    return render(request, "ratings/message.html", {"title": "无权访问此页面", "message": reason, "tone": "warning"},
                  status=403)


def not_found(request, message: str):
    return render(request, "ratings/message.html", {"title": "未找到", "message": message, "tone": "warning"}, status=404)


def domain_error_page(request, exc: DomainError):
    status = exc.http_status if 400 <= exc.http_status < 500 else 400
    title = "无法评价" if exc.code in (ErrorCode.TOKEN_INVALID, ErrorCode.TOKEN_EXPIRED, ErrorCode.STAFF_CANNOT_RATE) else "无法完成"
    return render(request, "ratings/message.html", {"title": title, "message": exc.message, "tone": "warning"},
                  status=status)


def citizen_required(view):
    """Logged in as a citizen or enterprise; staff are told plainly that staff cannot rate."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_staff_member or request.user.is_superuser:
            return forbidden(request, "工作人员不能评价，也不能代替申请人评价。评价由申请人本人在手机、电脑、大厅评价平板或短信链接中完成。")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return not_found(request, exc.message)

    return wrapper


def staff_required(*roles):
    """Logged-in staff holding one of `roles` somewhere (else 403); NotFound becomes 404."""

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
            except PermissionDenied as exc:
                return forbidden(request, exc.message)

        return wrapper

    return decorate


@dataclass
class PageErrors:
    """Every error of one page: the summary at the top links to the input beside which it shows."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    summary: list[dict] = field(default_factory=list)

    def add(self, field_name: str, message: str, *, anchor: str = "") -> None:
        self.by_field.setdefault(field_name, []).append(message)
        self.summary.append({"message": message, "href": f"#{anchor or 'f-' + field_name}"})

    def take(self, exc: DomainError, *, prefix: str = "") -> None:
        if isinstance(exc, ValidationFailed):
            for e in exc.errors:
                self.add(prefix + e.field, e.message, anchor=f"f-{prefix}{e.field}")
        else:
            self.add(prefix + (exc.field or "form"), exc.message, anchor=f"f-{prefix}{exc.field or 'form'}")

    def __bool__(self) -> bool:
        return bool(self.summary)


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get((value or "").strip())


def page_channel(request) -> str:
    """pc or mobile for a rating given on our pages while logged in, from the browser's description."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    # The client hint where the browser sends it (Chromium), else the words phones put in their agent.
    mobile = request.META.get("HTTP_SEC_CH_UA_MOBILE") == "?1" or any(
        word in agent for word in ("Mobile", "Android", "iPhone", "HarmonyOS"))
    return RatingChannel.MOBILE if mobile else RatingChannel.PC


def rating_input(request) -> dict:
    """The rating form's fields as the services take them."""
    return {"level": request.POST.get("level", ""), "reasons": request.POST.getlist("reasons"),
            "comment": request.POST.get("comment", "")}
