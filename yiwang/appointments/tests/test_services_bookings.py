"""Booking rules through the services: capacity, limits, no-shows, change and cancel, check-in,
reminders sent once, and the link into the case filed at the window."""

import datetime as dt

import pytest

from yiwang.appointments import selectors, services
from yiwang.appointments.constants import BookingStatus, ErrorCode, SlotKind, TicketStatus
from yiwang.appointments.models import Booking, Slot
from yiwang.appointments.tests.conftest import MONDAY, SATURDAY, at
from yiwang.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from yiwang.notifications.models import Notification, NotificationChannel

NOW = at(MONDAY, 8)


def book(world, slot, who=None, item=None, now=NOW):
    return services.booking_create(actor=who or world.citizen, slot_id=slot.pk, implementation_id=(item or world.item).pk,
                                   now=now)


def codes(error) -> set[str]:
    return {d["code"] for d in error.detail} if isinstance(error, ValidationFailed) else {error.code}


def test_slots_follow_the_calendar_weekends_and_extended_hours(world):
    monday = Slot.objects.filter(schedule=world.schedule, service_date=MONDAY)
    # 09–12 and 13–17 in 30-minute slots = 6 + 8 regular, plus 17–18 extended = 2.
    assert monday.filter(kind=SlotKind.REGULAR).count() == 14
    assert monday.filter(kind=SlotKind.EXTENDED).count() == 2
    assert Slot.objects.filter(schedule=world.schedule, service_date=SATURDAY, kind=SlotKind.WEEKEND).count() == 6
    assert not Slot.objects.filter(schedule=world.schedule, service_date=SATURDAY + dt.timedelta(days=1)).exists()
    # Generating again creates nothing (idempotent).
    assert services.slots_generate(schedule=world.schedule, start=MONDAY, days=15) == 0


def test_statutory_holidays_have_no_slots(world):
    # 2027-01-01 is outside the seeded calendar: New Year's Day is a provisional fixed holiday.
    assert selectors.day_type(dt.date(2027, 1, 1)) == "holiday"
    assert services.slots_generate(schedule=world.schedule, start=dt.date(2026, 10, 1), days=7) == 0  # 国庆


def test_booking_takes_a_place_and_gives_a_code(world, slot_at):
    slot = slot_at(MONDAY, 9)
    booking = book(world, slot)
    slot.refresh_from_db()
    assert slot.booked == 1 and booking.status == BookingStatus.BOOKED
    assert len(booking.code) == 8 and booking.code.isdigit()
    sms = Notification.objects.filter(recipient=world.citizen, topic="appointments.booked", channel=NotificationChannel.SMS)
    assert sms.count() == 1 and booking.code in sms.get().body


def test_capacity_is_never_exceeded(world, slot_at):
    slot = slot_at(MONDAY, 9)
    book(world, slot, world.citizen)
    book(world, slot, world.other)
    with pytest.raises(Conflict) as err:
        book(world, slot, world.young)
    assert err.value.code == ErrorCode.SLOT_FULL and err.value.field == "slot_id"
    slot.refresh_from_db()
    assert slot.booked == 2


def test_one_active_booking_per_person_and_slot(world, slot_at):
    slot = slot_at(MONDAY, 9)
    book(world, slot)
    with pytest.raises(Conflict) as err:
        book(world, slot)
    assert err.value.code == ErrorCode.DUPLICATE_BOOKING


def test_item_and_slot_must_fit(world, slot_at):
    with pytest.raises(ValidationFailed) as err:
        book(world, slot_at(SATURDAY, 9), item=world.item)
    assert ErrorCode.ITEM_NOT_ON_WEEKEND in codes(err.value)
    assert book(world, slot_at(SATURDAY, 9), item=world.weekend_item).slot.kind == SlotKind.WEEKEND
    with pytest.raises(ValidationFailed) as err:
        book(world, slot_at(MONDAY, 9), item=world.city_wide_item)  # the sector group does not list it
    assert ErrorCode.ITEM_NOT_OFFERED in codes(err.value)
    general = Slot.objects.filter(schedule=world.general_schedule, service_date=MONDAY).first()
    assert book(world, general, item=world.city_wide_item).slot == general
    with pytest.raises(ValidationFailed) as err:
        book(world, slot_at(MONDAY, 10), item=world.no_appointment_item)
    assert ErrorCode.ITEM_NO_APPOINTMENT in codes(err.value)
    # Home-visit slots are taken by assisted-service requests, never by the booking page.
    home = Slot.objects.filter(schedule=world.home_schedule, service_date=MONDAY).first()
    with pytest.raises(ValidationFailed) as err:
        book(world, home, item=world.city_wide_item)
    assert ErrorCode.ITEM_NOT_OFFERED in codes(err.value)


def test_too_late_to_book(world, slot_at):
    with pytest.raises(ValidationFailed) as err:
        book(world, slot_at(MONDAY, 9), now=at(MONDAY, 8, 45))
    assert ErrorCode.SLOT_PAST in codes(err.value)


def test_at_most_three_upcoming_bookings(world, slot_at):
    for hh in (9, 10, 11):
        book(world, slot_at(MONDAY, hh))
    with pytest.raises(DomainError) as err:
        book(world, slot_at(MONDAY, 13))
    assert err.value.code == ErrorCode.TOO_MANY_BOOKINGS


def _no_show_on(world, slot):
    booking = book(world, slot, now=at(slot.service_date, 7))
    services.bookings_mark_no_shows(now=slot.starts_at + dt.timedelta(minutes=16))
    booking.refresh_from_db()
    return booking


def test_three_no_shows_in_90_days_bar_booking_for_30_days(world, slot_at):
    days = [MONDAY, MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)]
    for d in days:
        assert _no_show_on(world, slot_at(d, 9)).status == BookingStatus.NO_SHOW
    third = at(days[-1], 9, 15)
    later = slot_at(MONDAY + dt.timedelta(days=7), 9)
    with pytest.raises(DomainError) as err:
        book(world, later, now=at(days[-1], 12))
    assert err.value.code == ErrorCode.BOOKING_BARRED and err.value.field == "applicant"
    assert selectors.booking_barred_until(world.citizen, now=at(days[-1], 12)) == third + dt.timedelta(days=30)
    # After the bar ends the person may book again.
    assert selectors.booking_barred_until(world.citizen, now=third + dt.timedelta(days=30, minutes=1)) is None


def test_two_no_shows_do_not_bar(world, slot_at):
    for d in (MONDAY, MONDAY + dt.timedelta(days=1)):
        _no_show_on(world, slot_at(d, 9))
    assert book(world, slot_at(MONDAY + dt.timedelta(days=3), 9), now=at(MONDAY + dt.timedelta(days=2), 8))


def test_no_show_marking_is_idempotent_and_spares_checked_in(world, slot_at):
    slot = slot_at(MONDAY, 9)
    a = book(world, slot, world.citizen)
    b = book(world, slot, world.other)
    services.booking_check_in(actor=None, booking=b, organisation_id=world.hall_org.pk, now=at(MONDAY, 8, 50))
    after = at(MONDAY, 9, 16)
    assert services.bookings_mark_no_shows(now=after) == 1
    assert services.bookings_mark_no_shows(now=after) == 0
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == BookingStatus.NO_SHOW and a.no_show_at == at(MONDAY, 9, 15)
    assert b.status == BookingStatus.CHECKED_IN


def test_change_moves_the_place(world, slot_at):
    first, second = slot_at(MONDAY, 9), slot_at(MONDAY, 10)
    booking = book(world, first)
    services.booking_change(actor=world.citizen, booking=booking, slot_id=second.pk, now=NOW)
    first.refresh_from_db()
    second.refresh_from_db()
    booking.refresh_from_db()
    assert (first.booked, second.booked, booking.slot_id, booking.change_count) == (0, 1, second.pk, 1)


def test_change_limits(world, slot_at):
    booking = book(world, slot_at(MONDAY, 9))
    with pytest.raises(DomainError) as err:
        services.booking_change(actor=world.citizen, booking=booking, slot_id=slot_at(MONDAY, 10).pk, now=at(MONDAY, 8, 30))
    assert err.value.code == ErrorCode.TOO_LATE_TO_CHANGE
    full = slot_at(MONDAY, 11)
    book(world, full, world.other)
    book(world, full, world.young)
    with pytest.raises(Conflict) as err:
        services.booking_change(actor=world.citizen, booking=booking, slot_id=full.pk, now=NOW)
    assert err.value.code == ErrorCode.SLOT_FULL
    booking.refresh_from_db()
    assert booking.slot == slot_at(MONDAY, 9)  # nothing half-written
    services.booking_change(actor=world.citizen, booking=booking, slot_id=slot_at(MONDAY, 13).pk, now=NOW)
    services.booking_change(actor=world.citizen, booking=booking, slot_id=slot_at(MONDAY, 14).pk, now=NOW)
    with pytest.raises(DomainError) as err:
        services.booking_change(actor=world.citizen, booking=booking, slot_id=slot_at(MONDAY, 15).pk, now=NOW)
    assert err.value.code == ErrorCode.TOO_MANY_CHANGES
    with pytest.raises(NotFound):
        services.booking_change(actor=world.other, booking=booking, slot_id=slot_at(MONDAY, 15).pk, now=NOW)


def test_cancel_frees_the_place_in_time_only(world, slot_at):
    slot = slot_at(MONDAY, 10)
    booking = book(world, slot)
    services.booking_cancel(actor=world.citizen, booking=booking, now=NOW)
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.booked == 0 and booking.status == BookingStatus.CANCELLED
    again = book(world, slot)  # the same slot may be booked again once cancelled
    with pytest.raises(DomainError) as err:
        services.booking_cancel(actor=world.citizen, booking=again, now=at(MONDAY, 9, 30))
    assert err.value.code == ErrorCode.TOO_LATE_TO_CHANGE


def test_check_in_window_and_priority_ticket(world, slot_at):
    booking = book(world, slot_at(MONDAY, 10))
    with pytest.raises(DomainError) as err:
        services.booking_check_in(actor=None, booking=booking, organisation_id=world.hall_org.pk, now=at(MONDAY, 8, 30))
    assert err.value.code == ErrorCode.CHECK_IN_TOO_EARLY
    with pytest.raises(DomainError) as err:
        services.booking_check_in(actor=None, booking=booking, organisation_id=world.yanta_org.pk, now=at(MONDAY, 9, 30))
    assert err.value.code == ErrorCode.CHECK_IN_WRONG_HALL
    ticket = services.booking_check_in(actor=None, booking=booking, organisation_id=world.hall_org.pk, now=at(MONDAY, 9, 30))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and ticket.booking == booking
    assert ticket.booked_start == at(MONDAY, 10) and ticket.number == "B001" and ticket.status == TicketStatus.WAITING
    # Checking in twice gives the same ticket.
    assert services.booking_check_in(actor=None, booking=booking, organisation_id=world.hall_org.pk,
                                     now=at(MONDAY, 9, 31)) == ticket


def test_check_in_too_late(world, slot_at):
    booking = book(world, slot_at(MONDAY, 10))
    with pytest.raises(DomainError) as err:
        services.booking_check_in(actor=None, booking=booking, organisation_id=world.hall_org.pk, now=at(MONDAY, 10, 16))
    assert err.value.code == ErrorCode.CHECK_IN_TOO_LATE


def test_reminders_are_sent_once_the_day_before(world, slot_at):
    tomorrow = slot_at(MONDAY + dt.timedelta(days=1), 9)
    booking = book(world, tomorrow)
    other_day = book(world, slot_at(MONDAY + dt.timedelta(days=2), 9))
    assert services.booking_reminders_send(now=at(MONDAY, 8)) == 0  # before 09:00
    assert services.booking_reminders_send(now=at(MONDAY, 10)) == 1
    assert services.booking_reminders_send(now=at(MONDAY, 11)) == 0
    reminders = Notification.objects.filter(topic="appointments.reminder", object_id=str(booking.pk))
    assert reminders.filter(channel=NotificationChannel.SMS).count() == 1
    assert reminders.filter(channel=NotificationChannel.IN_APP).count() == 1
    assert not Notification.objects.filter(topic="appointments.reminder", object_id=str(other_day.pk)).exists()


def test_a_changed_booking_is_reminded_again(world, slot_at):
    booking = book(world, slot_at(MONDAY + dt.timedelta(days=1), 9))
    services.booking_reminders_send(now=at(MONDAY, 10))
    services.booking_change(actor=world.citizen, booking=booking, slot_id=slot_at(MONDAY + dt.timedelta(days=2), 9).pk,
                            now=at(MONDAY, 10, 5))
    assert services.booking_reminders_send(now=at(MONDAY + dt.timedelta(days=1), 10)) == 1


def test_closing_a_slot_cancels_its_bookings_without_counting_them(world, slot_at):
    slot = slot_at(MONDAY, 14)
    booking = book(world, slot)
    with pytest.raises(ValidationFailed):
        services.slot_update(actor=world.manager, slot=slot, is_open=False)  # reason required
    services.slot_update(actor=world.manager, slot=slot, is_open=False, reason="系统升级", now=NOW)
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED_BY_HALL and slot.booked == 0 and not slot.is_open
    assert Notification.objects.filter(recipient=world.citizen, topic="appointments.cancelled_by_hall").exists()
    with pytest.raises(DomainError) as err:
        other = slot_at(MONDAY, 15)
        book(world, other, world.other)
        book(world, other, world.young)
        services.slot_update(actor=world.manager, slot=other, capacity=1)
    assert err.value.code == ErrorCode.CAPACITY_BELOW_BOOKED


def test_only_the_halls_manager_changes_slots(world, slot_at):
    from yiwang.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.slot_update(actor=world.yanta_manager, slot=slot_at(MONDAY, 14), capacity=5)
    with pytest.raises(PermissionDenied):
        services.slot_update(actor=world.clerk, slot=slot_at(MONDAY, 14), capacity=5)


def test_booking_is_linked_to_the_case_filed_for_it(world, slot_at):
    from yiwang.cases.tests.factories import CaseFactory
    from yiwang.core import hooks

    booking = book(world, slot_at(MONDAY, 10))
    services.booking_check_in(actor=None, booking=booking, organisation_id=world.hall_org.pk, now=at(MONDAY, 9, 40))
    case = CaseFactory(applicant=world.citizen, application__applicant=world.citizen,
                       application__version=world.item.current_version, outlet=world.hall_org,
                       outlet_path=world.hall_org.path)
    results = services.booking_link_case(actor=world.clerk, case=case, now=at(MONDAY, 10, 5))
    booking.refresh_from_db()
    assert results == booking and booking.case == case and booking.status == BookingStatus.SERVED
    # The hook handler is registered and idempotent.
    assert any(h.__name__ == "on_case_filed" for h in hooks.handlers("case.accepted"))
    assert services.booking_link_case(actor=world.clerk, case=case, now=at(MONDAY, 10, 6)) is None
    assert Booking.objects.filter(case=case).count() == 1


def test_periodic_tasks_are_scheduled_and_idempotent(world, settings):
    from yiwang.appointments import tasks

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"yiwang.appointments.tasks.generate_slots_task", "yiwang.appointments.tasks.mark_no_shows_task",
            "yiwang.appointments.tasks.send_reminders_task"} <= names
    assert tasks.generate_slots_task.name in names
    first = tasks.generate_slots_task.delay().get()
    assert tasks.generate_slots_task.delay().get() == 0 and first >= 0
    assert tasks.mark_no_shows_task.delay().get() == tasks.mark_no_shows_task.delay().get() == 0
