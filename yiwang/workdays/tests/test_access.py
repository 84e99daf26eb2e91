"""Who may manage the calendar is answered by orgs through a hook (workdays sits below orgs)."""

from yiwang.core import hooks
from yiwang.core.workbench import registered_links
from yiwang.workdays.access import MAY_MANAGE_CALENDAR, can_manage_calendar


def test_an_administrator_may_and_a_clerk_may_not(administrator, clerk):
    assert can_manage_calendar(administrator) is True
    assert can_manage_calendar(clerk) is False


def test_nobody_may_when_no_app_answers(administrator, monkeypatch):
    monkeypatch.setitem(hooks._HANDLERS, MAY_MANAGE_CALENDAR, [])
    assert can_manage_calendar(administrator) is False


def test_an_anonymous_visitor_is_refused_without_asking(monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    asked = []
    monkeypatch.setitem(hooks._HANDLERS, MAY_MANAGE_CALENDAR, [lambda **kw: asked.append(kw) or True])
    assert can_manage_calendar(AnonymousUser()) is False
    assert asked == []


def test_the_calendar_is_on_the_administrators_workbench():
    links = [link for link in registered_links() if link.url_name == "workdays:admin_calendar"]
    assert len(links) == 1 and links[0].roles == frozenset({"administrator"})
