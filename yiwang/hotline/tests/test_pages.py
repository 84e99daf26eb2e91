"""The pages over HTTP: citizen submit (duplicates first), follow, rate; the agent console; the
unit's worklist and actions; supervision pages with their charts; enterprise visits and the PDF."""

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.hotline import services
from yiwang.hotline.constants import TicketStatus as S
from yiwang.hotline.models import EmergencyReferral, Ticket
from yiwang.hotline.tests.world import XIAOZHAI

pytestmark = pytest.mark.django_db


def as_user(user):
    c = Client()
    c.force_login(user)
    return c


def test_citizen_sees_duplicates_before_submitting(hw, submit):
    existing = submit()
    c = as_user(hw.citizen)
    form = {"ticket_type": "complaint", "service_code": "XA010101", "district": "610113", "description": "小寨路口有摊贩占道",
            "lat": str(XIAOZHAI[0]), "lng": str(XIAOZHAI[1]), "datum": "wgs84", "intent": "check"}
    r = c.post(reverse("hotline:submit"), form)
    assert r.status_code == 200 and existing.number in r.content.decode() and Ticket.objects.count() == 1
    r = c.post(reverse("hotline:submit"), {**form, "intent": "submit"})
    ticket = Ticket.objects.exclude(pk=existing.pk).get()
    assert r.status_code == 302 and r["Location"] == f"/hotline/mine/{ticket.number}/"
    assert ticket.caller_user == hw.citizen and ticket.channel == "web"
    page = c.get(r["Location"]).content.decode()
    assert ticket.lookup_code in page and "13909110001" not in page


def test_citizen_emergency_notice_and_errors(hw):
    c = as_user(hw.citizen)
    r = c.post(reverse("hotline:submit"), {"ticket_type": "help", "description": "家里燃气泄漏了", "intent": "submit"})
    assert r.status_code == 400 and "119" in r.content.decode() and not Ticket.objects.exists()
    r = c.post(reverse("hotline:submit"), {"ticket_type": "help", "description": "", "intent": "submit"})
    assert r.status_code == 400 and "请填写诉求内容" in r.content.decode()


def test_public_follow_shows_no_caller(hw, submit):
    t = submit()
    r = Client().post(reverse("hotline:follow"), {"number": t.number, "code": t.lookup_code})
    page = r.content.decode()
    assert r.status_code == 200 and t.title in page and "李明" not in page and "13800000001" not in page
    assert Client().post(reverse("hotline:follow"), {"number": t.number, "code": "000000"}).status_code == 400
    secret = submit(confidential=True, description="保密的举报内容")
    page = Client().post(reverse("hotline:follow"), {"number": secret.number, "code": secret.lookup_code}).content.decode()
    assert "保密的举报内容" not in page


def test_citizen_rates_after_the_reply(hw, submit):
    t = submit(caller_user=hw.citizen, caller_phone="", caller_name="")
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="已处理")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    c = as_user(hw.citizen)
    assert "评价办理结果" in c.get(reverse("hotline:mine_detail", args=[t.number])).content.decode()
    c.post(reverse("hotline:mine_act", args=[t.number, "rate"]), {"resolved": "resolved", "satisfaction": "satisfied"})
    assert t.callbacks.get().satisfaction == "satisfied"
    other = as_user(hw.agent)
    assert other.get(reverse("hotline:mine_detail", args=[t.number])).status_code == 404


def test_agent_console_check_then_submit(hw, submit):
    earlier = submit()
    c = as_user(hw.agent)
    assert c.get(reverse("hotline:console")).status_code == 200
    form = {"caller_phone": "13800000001", "caller_name": "李明", "ticket_type": "complaint", "urgency": "normal",
            "description": "小寨路口摊贩占道经营", "district": "610113", "street": "610113J01", "lat": str(XIAOZHAI[0]),
            "lng": str(XIAOZHAI[1]), "datum": "wgs84", "channel": "phone", "intent": "check"}
    page = c.post(reverse("hotline:console"), form).content.decode()
    assert "雁塔区小寨路街道办事处" in page and "自动派单" in page and earlier.number in page  # duplicates and history
    assert "知识库" in page and "已处置" in page  # the integration point and the item's reply template
    r = c.post(reverse("hotline:console"), {**form, "intent": "submit"})
    t = Ticket.objects.exclude(pk=earlier.pk).get()
    assert r.status_code == 302 and t.status == S.DISPATCHED and t.agent == hw.agent


def test_agent_refers_an_emergency(hw):
    c = as_user(hw.agent)
    r = c.post(reverse("hotline:console"), {"description": "路口发生车祸有人受伤", "ticket_type": "help", "intent": "submit"})
    assert r.status_code == 400 and "122" in r.content.decode()
    c.post(reverse("hotline:console"), {"description": "路口发生车祸有人受伤", "line": "122", "intent": "refer"})
    assert EmergencyReferral.objects.get().line == "122" and not Ticket.objects.exists()


def test_unit_worklist_sign_and_reply(hw, submit):
    t = submit()
    c = as_user(hw.office_handler)
    page = c.get(reverse("hotline:worklist")).content.decode()
    assert t.number in page and "剩余" in page
    c.post(reverse("hotline:ticket_act", args=[t.pk, "sign"]))
    c.post(reverse("hotline:ticket_act", args=[t.pk, "reply"]), {"text": "已劝离"})
    assert Ticket.objects.get(pk=t.pk).status == S.REPLIED
    detail = c.get(reverse("hotline:ticket", args=[t.pk])).content.decode()
    assert "13800000001" in detail  # the primary unit may call the caller back
    # An action the table does not allow now is refused without a change.
    c.post(reverse("hotline:ticket_act", args=[t.pk, "sign"]))
    assert Ticket.objects.get(pk=t.pk).status == S.REPLIED


def test_units_see_only_their_tickets(hw, submit):
    t = submit()
    assert as_user(hw.cg_handler).get(reverse("hotline:ticket", args=[t.pk])).status_code == 404
    assert as_user(hw.citizen).get(reverse("hotline:ticket", args=[t.pk])).status_code == 404
    assert as_user(hw.citizen).get(reverse("hotline:console")).status_code == 404
    assert as_user(hw.citizen).get(reverse("hotline:supervision")).status_code == 404
    r = as_user(hw.cg_handler).post(reverse("hotline:ticket_act", args=[t.pk, "sign"]))
    assert r.status_code == 404 and Ticket.objects.get(pk=t.pk).status == S.DISPATCHED


def test_agent_reviews_and_calls_back_on_the_ticket_page(hw, submit):
    t = submit()
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="已劝离")
    c = as_user(hw.agent)
    c.post(reverse("hotline:ticket_act", args=[t.pk, "approve_reply"]), {"public_text": ""})
    c.post(reverse("hotline:ticket_act", args=[t.pk, "callback"]), {"reached": "yes", "resolved": "resolved",
                                                                     "satisfaction": "very_satisfied", "close_as": "resolved",
                                                                     "close_text": "已解决"})
    t.refresh_from_db()
    assert t.status == S.CLOSED and t.public_reply == "已劝离"


def test_supervision_pages_draw_their_charts(hw, submit):
    submit()
    c = as_user(hw.supervisor)
    for name in ("supervision", "indicators", "hotspots"):
        r = c.get(reverse(f"hotline:{name}"))
        assert r.status_code == 200, name
    assert "<svg" in c.get(reverse("hotline:indicators")).content.decode()
    heat = c.get(reverse("hotline:hotspots")).content.decode()
    assert "<svg" in heat and "小寨路街道" in heat and "<script" not in heat.split("<main")[1]
    assert c.get(reverse("hotline:indicators"), {"start": "bad"}).status_code == 200


def test_visit_pages_and_pdf(hw):
    target = services.visit_target_create(actor=None, kind="project", name="秦创原智造园", district=hw.yanta, leader=hw.leader,
                                          department=hw.market, lat=34.2, lng=108.9)
    c = as_user(hw.leader)
    assert "秦创原智造园" in c.get(reverse("hotline:visits")).content.decode()
    c.post(reverse("hotline:visit_check_in", args=[target.pk]), {"lat": "34.2001", "lng": "108.9", "datum": "wgs84"})
    assert target.checkins.count() == 1
    r = c.post(reverse("hotline:visit_target", args=[target.pk]), {"category": "credit", "description": "缺流动资金",
                                                                    "difficulty": "2", "mode": "on_site"})
    assert r.status_code == 302 and target.appeals.get().ticket.primary_unit == hw.market
    assert "获得信贷难度和成本" in c.get(reverse("hotline:visit_report")).content.decode()
    pdf = c.get(reverse("hotline:visit_report_pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert as_user(hw.citizen).get(reverse("hotline:visit_target", args=[target.pk])).status_code == 404


def test_admin_pages_load_and_tickets_are_read_only(hw, submit):
    from yiwang.accounts.tests.factories import StaffFactory

    t = submit()
    admin_user = StaffFactory(is_superuser=True, is_staff=True)
    c = as_user(admin_user)
    for model in ("catalogueitem", "ticket", "escalationrule", "visittarget", "enterpriseappeal", "classification"):
        assert c.get(f"/admin/hotline/{model}/").status_code == 200, model
    assert c.get(f"/admin/hotline/catalogueitem/{hw.stall.pk}/change/").status_code == 200
    page = c.get(f"/admin/hotline/ticket/{t.pk}/change/").content.decode()
    assert "13800000001" not in page
    assert c.post(f"/admin/hotline/ticket/{t.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_workbench_lists_the_hotline_tools_by_role(hw):
    page = as_user(hw.agent).get(reverse("orgs:workbench")).content.decode()
    assert "12345 话务受理" in page and reverse("hotline:console") in page
    unit = as_user(hw.office_handler).get(reverse("orgs:workbench")).content.decode()
    assert "12345 承办工单" in unit and "12345 话务受理" not in unit
    assert "大走访" in as_user(hw.leader).get(reverse("orgs:workbench")).content.decode()
