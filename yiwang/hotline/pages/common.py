"""What every hotline page shares: turning domain errors into messages and field errors, reading
small inputs, and the 404 for missing-or-forbidden."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from yiwang.core.errors import DomainError, NotFound, ValidationFailed


def not_found(request, exc: NotFound):
    return render(request, "404.html", {"message": exc.message}, status=404)


def field_errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, ValidationFailed):
        return {e.field: e.message for e in exc.errors}
    return {exc.field or "__all__": exc.message}


def flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


def back(request, default: str):
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/hotline/") else default)


def text(request, name: str, limit: int = 4000) -> str:
    # Longer input than any field allows is cut here only to bound memory; the service still
    # refuses values over the field's own limit with a message naming the field.
    return (request.POST.get(name) or "")[: limit + 1]


def as_float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return float("nan")


def as_int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
