"""Parallel clients on PostgreSQL (threads, each with its own connection and transaction):
no overbooking, one booking per person and slot, distinct queue numbers, two windows never
calling the same number. Skipped on SQLite, which serialises writers by itself."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from yiwang.accounts.tests.factories import UserFactory
from yiwang.appointments import services
from yiwang.appointments.models import Booking, QueueTicket, Slot
from yiwang.appointments.tests.conftest import MONDAY, at
from yiwang.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)
NOW = at(MONDAY, 8)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set DATABASE_URL)")


def run_parallel(fn, args_list):
    """Run fn(*args) in one thread each, released together; returns (results, error codes)."""
    barrier = threading.Barrier(len(args_list))

    def call(args):
        try:
            barrier.wait(timeout=30)
            return "ok", fn(*args)
        except DomainError as exc:
            return "error", exc.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(args_list)) as pool:
        outcomes = list(pool.map(call, args_list))
    return [v for k, v in outcomes if k == "ok"], [v for k, v in outcomes if k == "error"]


def test_no_overbooking_under_concurrent_booking(world, slot_at):
    slot = slot_at(MONDAY, 9)
    services.slot_update(actor=None, slot=slot, capacity=5)
    people = [UserFactory() for _ in range(24)]

    def book(person):
        return services.booking_create(actor=person, slot_id=slot.pk, implementation_id=world.item.pk, now=NOW).pk

    booked, errors = run_parallel(book, [(p,) for p in people])
    slot.refresh_from_db()
    assert len(booked) == 5 and slot.booked == 5
    assert errors == ["slot_full"] * 19
    assert Booking.objects.filter(slot=slot, status="booked").count() == 5


def test_one_booking_per_person_and_slot_under_concurrent_clicks(world, slot_at):
    slot = slot_at(MONDAY, 10)
    services.slot_update(actor=None, slot=slot, capacity=50)

    def book():
        return services.booking_create(actor=world.citizen, slot_id=slot.pk, implementation_id=world.item.pk, now=NOW).pk

    booked, errors = run_parallel(book, [()] * 8)
    slot.refresh_from_db()
    assert len(booked) == 1 and slot.booked == 1
    assert set(errors) == {"duplicate_booking"}
    assert Booking.objects.filter(slot=slot, applicant=world.citizen).count() == 1


def test_concurrent_changes_into_a_small_slot(world, slot_at):
    target = slot_at(MONDAY, 14)
    services.slot_update(actor=None, slot=target, capacity=3)
    sources = [slot_at(MONDAY, 13), slot_at(MONDAY, 13, 30), slot_at(MONDAY, 15), slot_at(MONDAY, 15, 30)]
    bookings = [services.booking_create(actor=UserFactory(), slot_id=sources[i // 2].pk, implementation_id=world.item.pk,
                                        now=NOW) for i in range(8)]

    def change(booking):
        return services.booking_change(actor=booking.applicant, booking=booking, slot_id=target.pk, now=NOW).pk

    moved, errors = run_parallel(change, [(b,) for b in bookings])
    target.refresh_from_db()
    assert len(moved) == 3 and target.booked == 3 and set(errors) == {"slot_full"}
    # Every place taken is accounted for: the sum over slots equals the active bookings.
    total = sum(Slot.objects.filter(schedule=world.schedule, service_date=MONDAY).values_list("booked", flat=True))
    assert total == Booking.objects.filter(status="booked").count() == 8


def test_queue_numbers_are_distinct_under_concurrent_kiosks(world):
    def take():
        return services.ticket_take(actor=None, group=world.sector, now=at(MONDAY, 9)).sequence

    numbers, errors = run_parallel(take, [()] * 16)
    assert not errors and sorted(numbers) == list(range(1, 17))


def test_two_windows_never_call_the_same_number(world):
    for minute in range(6):
        services.ticket_take(actor=None, group=world.sector, now=at(MONDAY, 9, minute))

    def call(window, clerk):
        return services.ticket_call_next(actor=clerk, window=window, now=at(MONDAY, 9, 30)).pk

    called, errors = run_parallel(call, [(world.window1, world.clerk), (world.window2, world.clerk2)])
    assert not errors and len(set(called)) == 2
    assert QueueTicket.objects.filter(status="called").count() == 2
