"""What every page module of this app shares: who may open a page, how a domain error becomes
the error summary and the messages beside the inputs, and small parsers of form input."""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yiwang.appointments.access import as_id
from yiwang.core.errors import DomainError, NotFound, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role


def not_found(request, message: str = "未找到该页面。"):
    return render(request, "appointments/message.html", {"title": "未找到", "message": message}, status=404)


def forbidden(request, message: str):
    return render(request, "appointments/message.html", {"title": "无权访问", "message": message}, status=403)


def applicant_required(view):
    """Logged in as a citizen or enterprise; staff are pointed to their workbench."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_staff_member:
            return forbidden(request, "此页面供群众和企业使用。工作人员请从“工作台”进入叫号、大厅管理或帮办代办。")
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
                return forbidden(request, f"此页面仅向持有“{labels}”角色的工作人员开放。如需使用，请联系管理员授予角色。")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return not_found(request, exc.message)

        return wrapper

    return decorate


def error_list(exc: DomainError) -> list[dict]:
    """The error summary's entries; each links to its input, whose id is id_<field>."""
    if isinstance(exc, ValidationFailed):
        entries = [{"field": e.field, "message": e.message} for e in exc.errors]
    else:
        entries = [{"field": exc.field or "", "message": exc.message}]
    for e in entries:
        e["href"] = f"#id_{e['field'].replace('.', '_')}" if e["field"] else ""
    return entries


def by_field(errors: list[dict]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        if e["field"]:
            out[e["field"]] = (out.get(e["field"], "") + " " + e["message"]).strip()
    return out


def report(request, exc: DomainError) -> None:
    """For actions answered by a redirect: the message appears at the top of the next page."""
    messages.error(request, exc.message)


def post_id(request, name: str) -> int:
    return as_id(request.POST.get(name))


def get_id(request, name: str) -> int:
    return as_id(request.GET.get(name))


def parse_date(value, default: date | None = None) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else default
    except ValueError:
        return default


def post_int(request, name: str, default: int | None = None) -> int | None:
    value = (request.POST.get(name) or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return -1  # out of every range: the service names the field
