"""Queue numbers and calling: priority order, wait times against hand-computed values, the
outlet_status hook of the service map."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiwang.appointments import selectors, services
from yiwang.appointments.constants import ErrorCode, PriorityReason, QueueTier, TicketStatus
from yiwang.appointments.queue_order import order_key
from yiwang.appointments.tests.conftest import MONDAY, at
from yiwang.core import hooks
from yiwang.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied, ValidationFailed


def take(world, hh, mm, group=None, priority="", applicant=None, day=MONDAY):
    return services.ticket_take(actor=None, group=group or world.sector, priority_reason=priority, applicant=applicant,
                                now=at(day, hh, mm))


def test_numbers_run_per_group_and_day(world):
    assert [take(world, 9, 0).number, take(world, 9, 1).number] == ["B001", "B002"]
    assert take(world, 9, 2, group=world.general).number == "A001"
    assert take(world, 9, 0, day=MONDAY + dt.timedelta(days=1)).number == "B001"


def test_home_visit_groups_take_no_numbers(world):
    with pytest.raises(ValidationFailed) as err:
        take(world, 9, 0, group=world.home)
    assert err.value.errors[0].code == ErrorCode.GROUP_HAS_NO_QUEUE


def test_elderly_priority_is_checked_against_the_id_number(world):
    assert take(world, 9, 0, priority=PriorityReason.ELDERLY, applicant=world.citizen).priority_reason == "elderly"
    with pytest.raises(ValidationFailed):
        take(world, 9, 0, priority=PriorityReason.ELDERLY, applicant=world.young)
    with pytest.raises(ValidationFailed):
        take(world, 9, 0, priority="vip")


def test_priority_order(world, slot_at):
    ordinary = take(world, 9, 0)
    booking = services.booking_create(actor=world.other, slot_id=slot_at(MONDAY, 9, 30).pk, implementation_id=world.item.pk,
                                      now=at(MONDAY, 8))
    booked = services.booking_check_in(actor=None, booking=booking, organisation_id=world.hall_org.pk, now=at(MONDAY, 9, 5))
    elderly = take(world, 9, 10, priority=PriorityReason.ELDERLY)
    late = take(world, 9, 12)

    def order(hh, mm):
        return [t.number for t in selectors.waiting_tickets(organisation_id=world.hall_org.pk, now=at(MONDAY, hh, mm))]

    # Before the booked time the booking waits like anyone who came at 09:05.
    assert order(9, 20) == [elderly.number, ordinary.number, booked.number, late.number]
    # From 09:30 the booking goes ahead of ordinary tickets.
    assert order(9, 35) == [elderly.number, booked.number, ordinary.number, late.number]
    # The 09:00 ticket has waited 40 minutes by 09:40: it joins the booking tier from then.
    assert order(9, 45) == [elderly.number, booked.number, ordinary.number, late.number]
    assert selectors.ticket_order_key(ordinary, at(MONDAY, 9, 45)).tier == QueueTier.APPOINTMENT
    # Calling follows the same order.
    called = []
    for minute in (46, 47, 48, 49):
        t = services.ticket_call_next(actor=world.clerk, window=world.window1, now=at(MONDAY, 9, minute))
        called.append(t.number)
        services.ticket_skip(actor=world.clerk, ticket=t, now=at(MONDAY, 9, minute))
    assert called == [elderly.number, booked.number, ordinary.number, late.number]


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "elderly", "soldier"]), st.integers(0, 180),
                          st.one_of(st.none(), st.integers(0, 240))), min_size=1, max_size=15),
       st.integers(0, 300))
def test_order_key_properties(rows, now_minute):
    base = dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.UTC)
    now = base + dt.timedelta(minutes=now_minute)
    promote = dt.timedelta(minutes=40)
    keys = []
    for i, (reason, taken, booked) in enumerate(rows):
        taken_at = base + dt.timedelta(minutes=taken)
        if taken_at > now:
            continue
        start = None if booked is None else base + dt.timedelta(minutes=booked)
        keys.append((reason, taken_at, start, order_key(priority_reason=reason, taken_at=taken_at, sequence=i, now=now,
                                                          promote_after=promote, booked_start=start)))
    ordered = sorted(keys, key=lambda k: k[3])
    tiers = [k[3].tier for k in ordered]
    assert tiers == sorted(tiers)  # green channel, then appointment/aged, then ordinary
    for reason, taken_at, _start, key in keys:
        assert (key.tier == QueueTier.GREEN_CHANNEL) == bool(reason)
        assert key.since <= now
        if not reason and now - taken_at >= promote:
            assert key.tier == QueueTier.APPOINTMENT  # nobody waits beyond the promotion behind ordinary tickets
    ordinary = [k for k in ordered if k[3].tier == QueueTier.ORDINARY]
    assert [k[1] for k in ordinary] == sorted(k[1] for k in ordinary)  # first come, first served


def test_a_window_calls_one_number_at_a_time(world):
    take(world, 9, 0)
    take(world, 9, 1)
    first = services.ticket_call_next(actor=world.clerk, window=world.window2, now=at(MONDAY, 9, 5))
    with pytest.raises(Conflict) as err:
        services.ticket_call_next(actor=world.clerk, window=world.window2, now=at(MONDAY, 9, 6))
    assert err.value.code == ErrorCode.WINDOW_BUSY
    second = services.ticket_call_next(actor=world.clerk2, window=world.window1, now=at(MONDAY, 9, 6))
    assert first.number != second.number
    services.ticket_skip(actor=world.clerk, ticket=first, now=at(MONDAY, 9, 7))
    with pytest.raises(DomainError) as err:
        services.ticket_call_next(actor=world.clerk, window=world.window2, now=at(MONDAY, 9, 8))
    assert err.value.code == ErrorCode.QUEUE_EMPTY


def test_ticket_lifecycle_and_roles(world):
    take(world, 9, 0)
    ticket = services.ticket_call_next(actor=world.clerk, window=world.window1, now=at(MONDAY, 9, 5))
    with pytest.raises(InvalidTransition):
        services.ticket_finish(actor=world.clerk, ticket=ticket, now=at(MONDAY, 9, 6))
    with pytest.raises(PermissionDenied):
        services.ticket_start(actor=world.yanta_clerk, ticket=ticket, now=at(MONDAY, 9, 6))
    ticket = services.ticket_recall(actor=world.clerk, ticket=ticket, now=at(MONDAY, 9, 7))
    assert ticket.recall_count == 1 and ticket.called_at == at(MONDAY, 9, 5) and ticket.announced_at == at(MONDAY, 9, 7)
    ticket = services.ticket_start(actor=world.clerk, ticket=ticket, now=at(MONDAY, 9, 8))
    ticket = services.ticket_finish(actor=world.clerk, ticket=ticket, now=at(MONDAY, 9, 20))
    assert (ticket.status, ticket.wait_to_call_seconds, ticket.wait_to_service_seconds, ticket.service_seconds) == (
        TicketStatus.FINISHED, 300, 480, 720)


def test_finishing_a_booking_ticket_serves_the_booking(world, slot_at):
    booking = services.booking_create(actor=world.citizen, slot_id=slot_at(MONDAY, 9).pk, implementation_id=world.item.pk,
                                      now=at(MONDAY, 8))
    services.booking_check_in(actor=world.clerk, booking=booking, organisation_id=world.hall_org.pk, now=at(MONDAY, 8, 50))
    ticket = services.ticket_call_next(actor=world.clerk, window=world.window2, now=at(MONDAY, 9, 1))
    services.ticket_start(actor=world.clerk, ticket=ticket, now=at(MONDAY, 9, 2))
    services.ticket_finish(actor=world.clerk, ticket=ticket, now=at(MONDAY, 9, 20))
    booking.refresh_from_db()
    assert booking.status == "served" and booking.served_at == at(MONDAY, 9, 20)


def test_wait_figures_against_hand_computed_values(world):
    """T1 09:00 → called 09:20, served 09:22 (22 min); T2 09:05 → called 09:30, did not come;
    T3 09:10 → called 10:10, served 10:12 (62 min: over the hour); T4 09:15 still waiting at 10:20
    (65 min: over the hour). Average wait to call (20 + 25 + 60) / 3 = 35.0; to service
    (22 + 62) / 2 = 42.0; over the limit 2 of 3 (two served + one waiting past the hour)."""
    w, clerk = world.window2, world.clerk
    for mm in (0, 5, 10, 15):
        take(world, 9, mm)
    t1 = services.ticket_call_next(actor=clerk, window=w, now=at(MONDAY, 9, 20))
    services.ticket_start(actor=clerk, ticket=t1, now=at(MONDAY, 9, 22))
    services.ticket_finish(actor=clerk, ticket=t1, now=at(MONDAY, 9, 28))
    t2 = services.ticket_call_next(actor=clerk, window=w, now=at(MONDAY, 9, 30))
    services.ticket_skip(actor=clerk, ticket=t2, now=at(MONDAY, 9, 32))
    t3 = services.ticket_call_next(actor=clerk, window=w, now=at(MONDAY, 10, 10))
    services.ticket_start(actor=clerk, ticket=t3, now=at(MONDAY, 10, 12))
    assert [t1.number, t2.number, t3.number] == ["B001", "B002", "B003"]

    fig = selectors.wait_figures(organisation_id=world.hall_org.pk, start=MONDAY, end=MONDAY, now=at(MONDAY, 10, 20))[0]
    assert (fig.tickets, fig.served, fig.no_shows, fig.waiting_now) == (4, 2, 1, 1)
    assert fig.average_wait_to_call == 35.0
    assert fig.average_wait_to_service == 42.0
    assert fig.longest_wait_to_service == 62.0
    assert (fig.over_limit, fig.over_limit_share) == (2, 0.6667)
    # Seen from the next day, the ticket left waiting no longer counts as "waiting past the hour".
    next_day = selectors.wait_figures(organisation_id=world.hall_org.pk, start=MONDAY, end=MONDAY + dt.timedelta(days=1),
                                      now=at(MONDAY + dt.timedelta(days=1), 9))
    assert [f.day for f in next_day] == [MONDAY + dt.timedelta(days=1), MONDAY]
    assert next_day[0].tickets == 0 and next_day[0].over_limit_share is None
    assert (next_day[1].over_limit, next_day[1].over_limit_share) == (1, 0.5)


def test_outlet_status_hook(world):
    now = timezone.now()
    services.ticket_take(actor=None, group=world.sector, now=now)
    services.ticket_take(actor=None, group=world.sector, now=now)
    ticket = services.ticket_call_next(actor=world.clerk, window=world.window2, now=now)
    services.ticket_start(actor=world.clerk, ticket=ticket, now=now + dt.timedelta(minutes=12))
    answers = hooks.call("servicemap.outlet_status", outlet=SimpleNamespace(organisation_id=world.hall_org.pk))
    status = next(a for a in answers if a)
    assert status["queue_length"] == 1
    assert status["served_today"] == 1
    assert status["average_wait_minutes"] == 12.0
    assert status["wait_limit_minutes"] == 60
    # Not a hall, or no organisation at all: no answer.
    assert not any(hooks.call("servicemap.outlet_status", outlet=SimpleNamespace(organisation_id=world.agency.pk)))
    assert not any(hooks.call("servicemap.outlet_status", outlet=SimpleNamespace(organisation_id=None)))
