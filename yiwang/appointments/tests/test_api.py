"""The appointments API over HTTP: halls, slots by date, book, my bookings, change, cancel; errors
with stable codes naming the field; nothing half-written on bad input."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from yiwang.accounts.services import api_token_create
from yiwang.appointments import services
from yiwang.appointments.models import Booking


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_halls_and_slots_are_public(live):
    halls = Client().get("/api/v1/appointments/halls").json()
    assert {h["code"] for h in halls} == {"city"}  # yanta has no schedule yet
    day = live.future[0].service_date
    r = Client().get("/api/v1/appointments/slots", {"hall": "city", "implementation_id": live.item.pk, "date": day.isoformat()})
    assert r.status_code == 200
    rows = r.json()
    assert rows and all(s["remaining"] == 2 and s["window_group"] == "市场监管" for s in rows)
    by_org = Client().get("/api/v1/appointments/slots", {"organisation_id": live.hall_org.pk,
                                                          "implementation_id": live.item.pk, "date": day.isoformat()})
    assert by_org.json() == rows


def test_slot_query_errors_name_the_field(live):
    r = Client().get("/api/v1/appointments/slots", {"implementation_id": live.item.pk, "date": "2026-13-01", "hall": "city"})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "date"
    far = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    r = Client().get("/api/v1/appointments/slots", {"implementation_id": live.item.pk, "date": far, "hall": "city"})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "date"
    r = Client().get("/api/v1/appointments/slots", {"implementation_id": live.item.pk, "date": far})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "hall"
    r = Client().get("/api/v1/appointments/slots", {"implementation_id": live.item.pk, "date": far, "hall": "no-such"})
    assert r.status_code == 404 and r.json()["code"] == "hall_not_found"
    r = Client().get("/api/v1/appointments/slots", {"implementation_id": live.item.pk, "date": far, "hall": "Bad\x00"})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "hall"


def test_book_change_cancel_over_http(live):
    first, second = live.future[0], live.future[1]
    r = post(live.api, "/api/v1/appointments/bookings", {"slot_id": first.pk, "implementation_id": live.item.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "booked" and len(body["code"]) == 8 and body["can_change"] and body["hall"] == "city"
    booking_id = body["id"]
    assert [b["id"] for b in live.api.get("/api/v1/appointments/bookings").json()] == [booking_id]
    r = post(live.api, f"/api/v1/appointments/bookings/{booking_id}/change", {"slot_id": second.pk})
    assert r.status_code == 200 and r.json()["slot"]["id"] == second.pk and r.json()["change_count"] == 1
    r = post(live.api, f"/api/v1/appointments/bookings/{booking_id}/cancel", {"reason": "临时有事"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and not r.json()["can_cancel"]
    second.refresh_from_db()
    assert second.booked == 0


def test_booking_errors_have_stable_codes(live):
    slot = live.future[0]
    url = "/api/v1/appointments/bookings"
    assert post(live.api, url, {"slot_id": slot.pk, "implementation_id": live.item.pk}).status_code == 201
    r = post(live.api, url, {"slot_id": slot.pk, "implementation_id": live.item.pk})
    assert r.status_code == 409 and r.json()["code"] == "duplicate_booking" and r.json()["detail"][0]["field"] == "slot_id"
    assert post(live.other_api, url, {"slot_id": slot.pk, "implementation_id": live.item.pk}).status_code == 201
    young = api_token_create(actor=None, user=live.young, name="t")[1]
    r = Client(HTTP_AUTHORIZATION=f"Bearer {young}").post(url, {"slot_id": slot.pk, "implementation_id": live.item.pk},
                                                         content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "slot_full"
    r = post(live.api, url, {"slot_id": live.future[1].pk, "implementation_id": live.city_wide_item.pk})
    assert r.status_code == 400 and r.json()["detail"][0] == {
        "field": "implementation_id", "code": "item_not_offered", "message": r.json()["detail"][0]["message"]}
    r = post(live.api, url, {"slot_id": 0, "implementation_id": live.item.pk})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "slot_id"
    r = post(live.api, url, {"slot_id": 2**62, "implementation_id": live.item.pk})
    assert r.status_code == 404 and r.json()["code"] == "slot_not_found"
    r = post(live.clerk_api, url, {"slot_id": live.future[2].pk, "implementation_id": live.item.pk})
    assert r.status_code == 400 and r.json()["code"] == "not_an_applicant"
    assert Client().post(url, {"slot_id": slot.pk, "implementation_id": live.item.pk},
                         content_type="application/json").status_code == 401
    assert Booking.objects.count() == 2


def test_others_bookings_are_not_found(live):
    r = post(live.api, "/api/v1/appointments/bookings", {"slot_id": live.future[0].pk, "implementation_id": live.item.pk})
    booking_id = r.json()["id"]
    assert live.other_api.get(f"/api/v1/appointments/bookings/{booking_id}").status_code == 404
    r = post(live.other_api, f"/api/v1/appointments/bookings/{booking_id}/cancel", {"reason": ""})
    assert r.status_code == 404
    r = post(live.api, f"/api/v1/appointments/bookings/{booking_id}/cancel", {"reason": "x\x00y"})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "reason"
    # Staff of the hall see the booking, never its code.
    staff_view = live.clerk_api.get(f"/api/v1/appointments/bookings/{booking_id}").json()
    assert staff_view["id"] == booking_id and staff_view["code"] == ""


def test_hall_status_is_public(live):
    services.ticket_take(actor=None, group=live.sector)
    body = Client().get("/api/v1/appointments/halls/city/status").json()
    assert body["queue_length"] == 1 and body["wait_limit_minutes"] == 60
    assert Client().get("/api/v1/appointments/halls/nowhere/status").status_code == 404
