"""Every page over HTTP (Django test client): the citizen's booking steps, change and cancel,
assisted service; the clerk's calling page; the hall manager's pages; the kiosk; permissions."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.appointments import services
from yiwang.appointments.constants import AssistanceKind, BookingStatus, TicketStatus
from yiwang.appointments.models import AssistanceRequest, Booking, KeyProject, QueueTicket, Slot, SlotSchedule, Window
from yiwang.notifications.models import Notification, NotificationChannel


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# --- Citizens -------------------------------------------------------------------------------

def test_booking_steps(live):
    c = logged_in(live.citizen)
    r = c.get("/appointments/book/")
    assert r.status_code == 200 and "西安市政务服务中心" in text(r)
    r = c.get("/appointments/book/", {"hall": "city"})
    assert "食品经营许可（新办）" in text(r) and "不动产查询" not in text(r)  # 不支持预约 is not listed
    assert "社会保障卡申领" in text(r)  # city-wide: the general window takes it
    r = c.get("/appointments/book/", {"hall": "city", "q": "社会"})
    assert "社会保障卡申领" in text(r) and "食品经营许可" not in text(r)
    slot = live.future[0]
    r = c.get("/appointments/book/", {"hall": "city", "item": live.item.pk})
    assert f"?hall=city&amp;item={live.item.pk}&amp;date={slot.service_date:%Y-%m-%d}" in text(r)
    r = c.get("/appointments/book/", {"hall": "city", "item": live.item.pk, "date": slot.service_date.isoformat()})
    assert f'value="{slot.pk}"' in text(r)
    r = c.post("/appointments/book/", {"hall": "city", "item": live.item.pk, "date": slot.service_date.isoformat(),
                                       "slot_id": slot.pk})
    booking = Booking.objects.get(applicant=live.citizen)
    assert r.status_code == 302 and r["Location"] == f"/appointments/bookings/{booking.pk}/"
    r = c.get(r["Location"])
    assert booking.code in text(r) and "改约" in text(r)
    assert booking.code in text(c.get("/appointments/"))


def test_booking_errors_are_shown_beside_the_choice(live):
    c = logged_in(live.citizen)
    slot = live.future[0]
    r = c.post("/appointments/book/", {"hall": "city", "item": live.item.pk, "date": slot.service_date.isoformat()})
    assert r.status_code == 400 and 'id="error-summary"' in text(r) and 'href="#id_slot_id"' in text(r)
    services.slot_update(actor=None, slot=slot, capacity=0)
    r = c.post("/appointments/book/", {"hall": "city", "item": live.item.pk, "date": slot.service_date.isoformat(),
                                       "slot_id": slot.pk})
    assert r.status_code == 400 and "已约满" in text(r)


def test_change_and_cancel_pages(live):
    c = logged_in(live.citizen)
    first, second = live.future[0], live.future[1]
    booking = services.booking_create(actor=live.citizen, slot_id=first.pk, implementation_id=live.item.pk)
    r = c.get(f"/appointments/bookings/{booking.pk}/change/", {"date": second.service_date.isoformat()})
    assert f'value="{second.pk}"' in text(r) and f'value="{first.pk}"' not in text(r)
    r = c.post(f"/appointments/bookings/{booking.pk}/change/", {"slot_id": second.pk, "date": second.service_date.isoformat()})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == second.pk
    assert c.get(f"/appointments/bookings/{booking.pk}/cancel/").status_code == 200
    r = c.post(f"/appointments/bookings/{booking.pk}/cancel/", {"reason": "改天再来"})
    booking.refresh_from_db()
    assert r.status_code == 302 and booking.status == BookingStatus.CANCELLED
    # Someone else's booking is not found; staff are sent to their workbench.
    assert logged_in(live.other).get(f"/appointments/bookings/{booking.pk}/").status_code == 404
    assert logged_in(live.clerk).get("/appointments/").status_code == 403


def test_assistance_request_cancel_and_rate(live):
    c = logged_in(live.citizen)
    home = Slot.objects.filter(schedule=live.home_schedule, starts_at__gte=timezone.now() + timezone.timedelta(days=1)).first()
    r = c.get("/appointments/assistance/new/", {"hall": "city"})
    assert r.status_code == 200 and f'value="{home.pk}"' in text(r)
    r = c.post("/appointments/assistance/new/", {"hall": "city", "kind": AssistanceKind.HOME_VISIT, "ground": "elderly",
                                                  "description": "腿脚不便，需上门办理社保卡", "contact_name": "王秀英",
                                                  "contact_phone": "13909110001", "slot_id": home.pk})
    assert r.status_code == 400 and 'href="#id_address"' in text(r)  # the address is missing
    r = c.post("/appointments/assistance/new/", {"hall": "city", "kind": AssistanceKind.HOME_VISIT, "ground": "elderly",
                                                  "description": "腿脚不便，需上门办理社保卡", "contact_name": "王秀英",
                                                  "contact_phone": "13909110001", "slot_id": home.pk,
                                                  "address": "雁塔区小寨东路1号3单元"})
    request = AssistanceRequest.objects.get(applicant=live.citizen)
    assert r.status_code == 302 and request.slot_id == home.pk
    home.refresh_from_db()
    assert home.booked == 1
    # Staff: claim, start, complete.
    s = logged_in(live.assistant)
    assert "上门服务" in text(s.get("/appointments/staff/assistance/"))
    s.post(f"/appointments/staff/assistance/{request.pk}/", {"action": "assign", "assignee": "me"})
    s.post(f"/appointments/staff/assistance/{request.pk}/", {"action": "start"})
    s.post(f"/appointments/staff/assistance/{request.pk}/", {"action": "note", "note": "已电话确认上门时间"})
    s.post(f"/appointments/staff/assistance/{request.pk}/", {"action": "complete", "outcome": "已上门受理，材料代收"})
    request.refresh_from_db()
    assert request.status == "completed" and request.assignee == live.assistant
    r = c.get(f"/appointments/assistance/{request.pk}/")
    assert "已电话确认上门时间" in text(r) and "评价本次服务" in text(r)
    c.post(f"/appointments/assistance/{request.pk}/", {"action": "rate", "level": "very_satisfied", "comment": "很周到"})
    request.refresh_from_db()
    assert request.rating == "very_satisfied"
    c.post(f"/appointments/assistance/{request.pk}/", {"action": "rate", "level": "satisfied"})
    request.refresh_from_db()
    assert request.rating == "very_satisfied"  # once
    # Out of scope: the 雁塔区 assistant does not see the city hall's request.
    assert logged_in(live.yanta_assistant).get(f"/appointments/staff/assistance/{request.pk}/").status_code == 404


def test_concierge_request_needs_the_building(live):
    c = logged_in(live.citizen)
    r = c.post("/appointments/assistance/new/", {"hall": "city", "kind": AssistanceKind.BUILDING_CONCIERGE,
                                                  "ground": "enterprise", "description": "公司变更登记", "contact_name": "李",
                                                  "contact_phone": "13909110001"})
    assert r.status_code == 400 and 'href="#id_place"' in text(r)


# --- Window clerks --------------------------------------------------------------------------

def test_calling_page(live):
    c = logged_in(live.clerk)
    services.ticket_take(actor=None, group=live.sector)
    r = c.get("/appointments/staff/calling/", {"window": live.window2.pk})
    assert r.status_code == 200 and "B001" in text(r) and 'data-key="N"' in text(r)
    c.post("/appointments/staff/calling/act/", {"window": live.window2.pk, "action": "call"})
    ticket = QueueTicket.objects.get()
    assert ticket.status == TicketStatus.CALLED and ticket.window == live.window2
    for action in ("recall", "start", "finish"):
        c.post("/appointments/staff/calling/act/", {"window": live.window2.pk, "action": action, "ticket": ticket.pk})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.FINISHED and ticket.recall_count == 1
    r = c.post("/appointments/staff/calling/act/", {"window": live.window2.pk, "action": "call"}, follow=True)
    assert "当前没有等候的号码" in text(r)
    # The window of another hall is not found; citizens may not open the page.
    assert logged_in(live.yanta_clerk).post("/appointments/staff/calling/act/",
                                           {"window": live.window2.pk, "action": "call"}).status_code == 404
    assert logged_in(live.citizen).get("/appointments/staff/calling/").status_code == 403


def test_clerk_checks_in_a_booking_and_gives_walk_in_numbers(live):
    c = logged_in(live.clerk)
    c.post("/appointments/staff/calling/ticket/", {"window": live.window1.pk, "group": live.general.pk, "priority": "soldier"})
    walk_in = QueueTicket.objects.get()
    assert walk_in.number == "A001" and walk_in.priority_reason == "soldier" and walk_in.channel == "window"
    # A slot starting in 40 minutes (whatever the time of day the suite runs): check-in is open.
    starts = timezone.now().replace(microsecond=0) + timezone.timedelta(minutes=40)
    slot = Slot.objects.create(organisation=live.hall_org, window_group=live.sector, schedule=live.schedule,
                               service_date=timezone.localdate(starts), starts_at=starts,
                               ends_at=starts + timezone.timedelta(minutes=30), capacity=2)
    booking = services.booking_create(actor=live.citizen, slot_id=slot.pk, implementation_id=live.item.pk)
    r = c.post("/appointments/staff/calling/check-in/", {"window": live.window1.pk, "code": booking.code}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and booking.ticket.booked_start == slot.starts_at
    assert booking.ticket.number in text(r)


# --- Hall managers --------------------------------------------------------------------------

def test_hall_manager_pages(live):
    c = logged_in(live.manager)
    r = c.get("/appointments/staff/halls/")
    assert "西安市政务服务中心" in text(r)
    r = c.get("/appointments/staff/halls/city/")
    assert r.status_code == 200 and "等候时长" in text(r) and "市场监管号源" in text(r)
    c.post("/appointments/staff/halls/city/groups/", {"name": "不动产登记", "kind": "sector", "items": [live.item.pk]})
    group = live.hall.organisation_id and live.sector.__class__.objects.get(name="不动产登记")
    assert group.ticket_prefix == "C"
    c.post("/appointments/staff/halls/city/windows/", {"name": "9号窗口", "groups": [group.pk]})
    assert Window.objects.filter(name="9号窗口", groups=group).exists()
    r = c.post("/appointments/staff/halls/city/schedules/", {"name": "不动产", "group": group.pk, "capacity": "3",
                                                              "slot_minutes": "30", "workday_periods": "9点到12点"})
    assert r.status_code == 400 and 'href="#id_workday_periods"' in text(r)
    r = c.post("/appointments/staff/halls/city/schedules/", {"name": "不动产", "group": group.pk, "capacity": "3",
                                                              "slot_minutes": "30", "workday_periods": "09:00-12:00",
                                                              "weekend_periods": "09:00-11:00", "weekend_days": ["6"]})
    assert r.status_code == 302
    schedule = SlotSchedule.objects.get(name="不动产")
    assert schedule.weekend_days == [6] and Slot.objects.filter(schedule=schedule).exists()
    slot = Slot.objects.filter(schedule=schedule).first()
    c.post(f"/appointments/staff/halls/city/slots/{slot.pk}/", {"action": "capacity", "capacity": "7"})
    slot.refresh_from_db()
    assert slot.capacity == 7
    c.post(f"/appointments/staff/halls/city/schedules/{schedule.pk}/deactivate/")
    schedule.refresh_from_db()
    assert not schedule.is_active
    # The 雁塔区 manager does not manage the city hall; a clerk is no manager.
    assert logged_in(live.yanta_manager).get("/appointments/staff/halls/city/").status_code == 404
    assert logged_in(live.clerk).get("/appointments/staff/halls/").status_code == 403


def test_opening_a_hall(world):
    c = logged_in(world.yanta_manager)
    world.yanta.delete()
    r = c.post("/appointments/staff/halls/", {"organisation": world.yanta_org.pk, "code": "Yan Ta!"})
    assert r.status_code == 400 and "终端地址代码" in text(r)
    r = c.post("/appointments/staff/halls/", {"organisation": world.yanta_org.pk, "code": "yanta"})
    assert r.status_code == 302 and r["Location"] == "/appointments/staff/halls/yanta/"
    r = c.post("/appointments/staff/halls/", {"organisation": world.hall_org.pk, "code": "other"})
    assert r.status_code == 400  # not in the manager's scope


# --- Key projects ---------------------------------------------------------------------------

def test_key_project_pages(live):
    c = logged_in(live.assistant)
    r = c.post("/appointments/staff/projects/new/", {"organisation": live.hall_org.pk, "name": "西安某数据中心项目",
                                                      "level": "city", "enterprise_name": "西安某科技有限公司",
                                                      "contact_name": "赵工", "contact_phone": "13800000000",
                                                      "coordinator": live.assistant.pk, "items": [live.item.pk]})
    assert r.status_code == 302, text(r)
    project = KeyProject.objects.get()
    assert project.coordinator == live.assistant and project.stage == "pre_review"
    c.post(f"/appointments/staff/projects/{project.pk}/", {"action": "follow_up", "kind": "pre_review",
                                                          "note": "审前辅导：材料清单已一次性告知", "next_step": "准备环评材料"})
    c.post(f"/appointments/staff/projects/{project.pk}/", {"action": "advance"})
    project.refresh_from_db()
    assert project.stage == "in_review"
    r = c.get(f"/appointments/staff/projects/{project.pk}/")
    assert "材料清单已一次性告知" in text(r) and "食品经营许可（新办）" in text(r)
    assert logged_in(live.yanta_assistant).get(f"/appointments/staff/projects/{project.pk}/").status_code == 404


# --- Kiosk ----------------------------------------------------------------------------------

def test_kiosk_take_a_number(live):
    k = Client()
    r = k.get("/kiosk/city/")
    assert r.status_code == 200 and "取号" in text(r) and "市场监管" in text(r)
    r = k.post("/kiosk/city/ticket/", {"group": live.sector.pk, "priority": "pregnant"})
    ticket = QueueTicket.objects.get()
    assert r.status_code == 302 and ticket.priority_reason == "pregnant" and ticket.channel == "kiosk"
    r = k.get(r["Location"])
    assert ticket.number in text(r) and "前面还有 <strong>0</strong> 人" in text(r)
    # Another browser cannot look at the ticket; an unknown hall is not found.
    assert Client().get(f"/kiosk/city/ticket/{ticket.pk}/").status_code == 404
    assert Client().get("/kiosk/nowhere/").status_code == 404
    r = k.post("/kiosk/city/ticket/", {"group": live.home.pk})
    assert r.status_code == 400 and 'id="error-summary"' in text(r)


def test_kiosk_check_in_with_a_wrong_code(live):
    r = Client().post("/kiosk/city/check-in/", {"code": "12345678"})
    assert r.status_code == 400 and "未找到本大厅使用该预约码的有效预约" in text(r)


def test_kiosk_identity_and_printing(live, submit_case_document):
    k = Client()
    assert k.get("/kiosk/city/print/")["Location"] == "/kiosk/city/identify/?next=print"
    r = k.post("/kiosk/city/identify/", {"id_number": live.citizen.id_number, "next": "print"})
    assert r.status_code == 200 and 'name="step" value="code"' in text(r)
    message = Notification.objects.filter(recipient=live.citizen, topic="appointments.identity_code",
                                          channel=NotificationChannel.IN_APP).get()
    code = re.search(r"验证码 (\d{6})", message.body)[1]
    r = k.post("/kiosk/city/identify/", {"id_number": live.citizen.id_number, "step": "code", "code": "000000"
                                         if code != "000000" else "111111", "next": "print"})
    assert r.status_code == 400 and 'href="#id_code"' in text(r)
    r = k.post("/kiosk/city/identify/", {"id_number": live.citizen.id_number, "step": "code", "code": code, "next": "print"})
    assert r.status_code == 302 and r["Location"] == "/kiosk/city/print/"
    r = k.get("/kiosk/city/print/")
    assert "受理通知书" in text(r)
    key = re.search(r'print/file/\?key=([^"]+)"', text(r))[1]
    pdf = k.get(f"/kiosk/city/print/file/?key={key}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # The code is single-use, and 结束 forgets the person.
    k.post("/kiosk/city/end/")
    assert k.get("/kiosk/city/print/").status_code == 302


def test_kiosk_never_tells_who_is_registered(live):
    from yiwang.accounts.tests.factories import make_id_number

    unknown = Client().post("/kiosk/city/identify/", {"id_number": make_id_number(999, birth="19700101"), "next": "print"})
    known = Client().post("/kiosk/city/identify/", {"id_number": live.citizen.id_number, "next": "print"})
    strip = re.compile(r'name="(csrfmiddlewaretoken|id_number)" value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert unknown.status_code == known.status_code == 200
    assert strip.sub("", text(unknown)) == strip.sub("", text(known))


def test_board(live):
    services.ticket_take(actor=None, group=live.sector)
    ticket = services.ticket_call_next(actor=live.clerk, window=live.window2)
    r = Client().get("/kiosk/city/board/rows/")
    assert ticket.number in text(r) and "2号窗口" in text(r)
    assert 'hx-trigger="every 5s"' in text(Client().get("/kiosk/city/board/"))


@pytest.fixture
def submit_case_document(live):
    """A case of the citizen with one issued document (the acceptance notice) through the cases
    services, so the kiosk has something real to print."""
    from yiwang.cases.documents import document_issue
    from yiwang.cases.tests.factories import CaseFactory

    case = CaseFactory(applicant=live.citizen, application__applicant=live.citizen,
                       application__version=live.item.current_version, agency=live.agency, agency_path=live.agency.path)
    return document_issue(case=case, kind="acceptance_notice", actor=None, context={})


def test_contact_details_are_masked_until_assigned(live):
    request = services.assistance_request_create(
        actor=live.citizen, organisation=live.hall_org, kind=AssistanceKind.ACCOMPANY, ground="elderly",
        description="想请人陪同", contact_phone="13909110001")
    colleague = live.staff(live.hall_org, "service_assistant", name="colleague")
    s = logged_in(live.assistant)
    r = s.get(f"/appointments/staff/assistance/{request.pk}/")
    assert "13909110001" not in text(r) and "139****0001" in text(r)
    s.post(f"/appointments/staff/assistance/{request.pk}/", {"action": "assign", "assignee": "me"})
    assert "13909110001" in text(s.get(f"/appointments/staff/assistance/{request.pk}/"))
    assert "13909110001" not in text(logged_in(colleague).get(f"/appointments/staff/assistance/{request.pk}/"))
