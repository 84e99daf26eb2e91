"""What the page modules share: who may open a page, errors as the summary and by field."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yiwang.core.errors import DomainError, NotFound, ValidationFailed
from yiwang.policies.access import can_manage_policies, is_applicant


def message(request, title: str, text: str, status: int):
    return render(request, "policies/message.html", {"title": title, "message": text}, status=status)


def applicant_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_applicant(request.user):
            return message(request, "无权访问", "此页面供群众和企业使用。工作人员请从“工作台”进入政策库。", 403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return message(request, "未找到", exc.message, 404)

    return wrapper


def policy_manager_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_policies(request.user):
            return message(request, "无权访问", "此页面仅向持有“政策管理人员”角色的工作人员开放。如需使用，请联系管理员授予角色。", 403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return message(request, "未找到", exc.message, 404)

    return wrapper


def error_list(exc: DomainError) -> list[dict]:
    if isinstance(exc, ValidationFailed):
        entries = [{"field": e.field, "message": e.message} for e in exc.errors]
    else:
        entries = [{"field": exc.field or "", "message": exc.message}]
    for e in entries:
        e["href"] = f"#id_{e['field']}" if e["field"] else ""
    return entries


def by_field(errors: list[dict]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        if e["field"]:
            out[e["field"]] = (out.get(e["field"], "") + " " + e["message"]).strip()
    return out
