"""The staff pages' shared door: logged in and holding a managing role (else 403); an outlet out
of scope is a 404 like a missing one; a service's field errors go onto the form."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yiwang.core.errors import DomainError, NotFound, ValidationFailed
from yiwang.servicemap import access


def manager_required(view, *, check=access.is_outlet_manager, message: str | None = None):
    """Logged in and holding a managing role somewhere (else 403); NotFound becomes 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not check(request.user):
            return render(request, "servicemap/staff/forbidden.html", {
                "message": message or "此页面仅向“大厅管理人员”或系统管理员开放。如需使用，请联系所在单位的系统管理员授予角色。"},
                status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as missing:
            return render(request, "servicemap/not_found.html", {"message": missing.message}, status=404)

    return wrapper


def form_errors(form, failed: DomainError) -> list:
    """Put a service's field errors on the form; return the summary lines."""
    lines = []
    errors = failed.errors if isinstance(failed, ValidationFailed) else []
    for e in errors:
        field = e.field if e.field in form.fields else None
        form.add_error(field, e.message)
        lines.append((e.field, e.message))
    if not errors:
        form.add_error(None, failed.message)
        lines.append(("", failed.message))
    return lines
