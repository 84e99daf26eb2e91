"""Invariants over every page URL: public pages are a short explicit list; everything else sends
an anonymous visitor to the login page (or refuses the method) — never shows content — and a
citizen never gets a staff page."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from yiwang.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Pages anyone may see (the catalog, the public progress page, registration, health checks).
PUBLIC = {
    "catalog:home", "catalog:search", "catalog:browse_tree", "catalog:life_event", "catalog:browse_agencies",
    "catalog:agency", "catalog:guide", "catalog:guide_pdf", "cases:progress", "cases:progress_qr",
    "accounts:login", "accounts:logout", "accounts:register", "accounts:register_citizen",
    "accounts:register_enterprise", "core:toggle_elder", "core:healthz", "core:ping", "core:public_media",
    # 忘记密码: the person cannot sign in, by definition.
    "accounts:password_reset_request", "accounts:password_reset",
    "bundles:overview", "bundles:guide", "guidance:search", "guidance:answer",
    # 好差评: the published indicators; rating through a signed link (SMS, QR) and the hall tablet.
    "ratings:public", "ratings:rate_by_token", "ratings:tablet", "ratings:tablet_rate",
    "hotline:follow", "open311:discovery", "open311:services", "open311:service", "open311:requests", "open311:request",
    "open311:token", "open311:not_found",
    "servicemap:map", "servicemap:outlet",
    "policies:list", "policies:detail",
    # Hall kiosks and display boards: no login until a person must be identified (ID number + SMS code).
    "appointments:kiosk", "appointments:kiosk_ticket", "appointments:kiosk_ticket_done", "appointments:kiosk_check_in",
    "appointments:kiosk_identify", "appointments:kiosk_print", "appointments:kiosk_print_file", "appointments:kiosk_end",
    "appointments:kiosk_board", "appointments:kiosk_board_rows",
    "licences:verify_form", "licences:verify", "licences:keys",
}
# Pages only staff with a role may see.
STAFF_ONLY_PREFIXES = ("calendar/admin/", "cases/window/", "cases/work/", "cases/monitoring/", "editor/", "bundles/editor/",
                       "ratings/work/", "ratings/supervision/", "ratings/indicators/", "ratings/window/", "hotline/work/", "map/staff/",
                       "appointments/staff/", "licences/staff/")


def _routes(patterns=None, prefix="", namespace=None):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif p.name:
            yield prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name


def _concrete(route: str) -> str:
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:str|slug|path):[^>]+>", "x", path)
    return "/" + path


ROUTES = [(r, n) for r, n in _routes() if not r.startswith(("admin/", "api/"))]


def test_every_route_is_classified():
    assert ROUTES, "no routes found"
    names = {n for _, n in ROUTES}
    assert names >= PUBLIC, f"public list names routes that do not exist: {PUBLIC - names}"


@pytest.mark.parametrize("route,name", [(r, n) for r, n in ROUTES if n not in PUBLIC])
def test_anonymous_visitors_are_sent_to_login(route, name):
    response = Client().get(_concrete(route))
    assert response.status_code in (302, 405), f"{name} answered {response.status_code} to an anonymous visitor"
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/"), f"{name} redirected to {response['Location']}"


@pytest.mark.parametrize("route,name", [(r, n) for r, n in ROUTES if r.startswith(STAFF_ONLY_PREFIXES)])
def test_citizens_never_get_staff_pages(route, name):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(_concrete(route))
    assert response.status_code in (302, 403, 404, 405), f"{name} answered {response.status_code} to a citizen"
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
