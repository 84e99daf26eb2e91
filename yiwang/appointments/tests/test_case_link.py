"""Booking → check-in → the clerk files and accepts the application → the booking is linked to
the case, through the real cases services and the case.accepted hook (cases knows nothing of
appointments)."""

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.appointments import services
from yiwang.appointments.constants import BookingStatus, WindowGroupKind
from yiwang.appointments.models import Booking, Slot
from yiwang.cases.tests.conftest import form_for, world  # noqa: F401  (the cases world: hall, clerk, item)


@pytest.fixture
def booked(world):  # noqa: F811
    hall = services.hall_open(actor=None, organisation=world.hall, code="city")
    group = services.window_group_create(actor=None, hall=hall, name="市场监管", kind=WindowGroupKind.SECTOR,
                                         implementation_ids=[world.impl.pk])
    schedule = services.schedule_create(actor=None, hall=hall, window_group=group, name="号源", capacity=3,
                                        workday_periods="09:00-12:00")
    now = timezone.now().replace(microsecond=0)
    # A slot of today, booked 40 minutes ahead: the hook links *today's* booking, so near midnight
    # (local time) the slot must not fall on tomorrow — this test once failed at 23:40 in Xi'an.
    starts = now + dt.timedelta(minutes=10)
    if timezone.localdate(starts) != timezone.localdate(now):
        starts = now - dt.timedelta(minutes=10)
    slot = Slot.objects.create(organisation=world.hall, window_group=group, schedule=schedule,
                               service_date=timezone.localdate(starts), starts_at=starts,
                               ends_at=starts + dt.timedelta(minutes=30), capacity=3)
    booking = services.booking_create(actor=world.citizen, slot_id=slot.pk, implementation_id=world.impl.pk,
                                      now=starts - dt.timedelta(minutes=40))
    return booking


def _file_at_window(world, applicant=None):  # noqa: F811
    from yiwang.cases.services import application_submit

    applicant = applicant or world.citizen
    app = application_submit(actor=world.clerk, applicant=applicant, implementation_id=world.impl.pk,
                             form_data=form_for(world, applicant),
                             materials={str(world.required_material.pk): {"paper": True}}, channel="window",
                             outlet=world.hall)
    return app.cases.get()


def test_acceptance_links_the_checked_in_booking(world, booked):  # noqa: F811
    from yiwang.cases.services import case_accept

    ticket = services.booking_check_in(actor=world.clerk, booking=booked, organisation_id=world.hall.pk,
                                       now=booked.slot.starts_at - dt.timedelta(minutes=5))
    assert ticket is not None and ticket.booking == booked
    case = _file_at_window(world)
    case_accept(actor=world.clerk, case=case)
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SERVED and booked.case_id == case.pk
    # Another acceptance for the same person and item today does not steal the link.
    second = _file_at_window(world)
    case_accept(actor=world.clerk, case=second)
    assert Booking.objects.get(pk=booked.pk).case_id == case.pk


def test_a_refusal_also_carries_the_booking(world, booked):  # noqa: F811
    from yiwang.cases.services import case_refuse

    case = _file_at_window(world)  # walked straight to the window without checking in
    case_refuse(actor=world.clerk, case=case, reason="不属于本部门职权范围")
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SERVED and booked.case_id == case.pk


def test_someone_elses_case_leaves_the_booking_alone(world, booked):  # noqa: F811
    from yiwang.cases.services import case_accept

    services.booking_check_in(actor=world.clerk, booking=booked, organisation_id=world.hall.pk,
                                       now=booked.slot.starts_at - dt.timedelta(minutes=5))
    case_accept(actor=world.clerk, case=_file_at_window(world, applicant=world.other_citizen))
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CHECKED_IN and booked.case_id is None
