"""What the catalog staff pages share: the door (logged in, a catalog role; access.py's
NotFound becomes the 404 page) and the address of a version."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from yiwang.catalog import access
from yiwang.core.errors import NotFound


def catalog_staff_required(view):
    """Logged in (else to the login page) and holding a catalog role (else 403); access.py's
    NotFound becomes the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_catalog_staff(request.user):
            return render(request, "catalog/editor/forbidden.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def version_url(version) -> str:
    return reverse("catalog:editor_version", args=[version.pk])
