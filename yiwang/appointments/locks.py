"""Row locks, in one place and one order, so concurrent writers never wait on each other in a
circle (DESIGN §2):

    applicant (user row) → booking / assistance request → window → slots (by id) → ticket counter → tickets

A booking is created under the applicant's row lock (their limits are counted once at a time) and
a conditional UPDATE of the slot; a change locks the booking, then both slots in id order; calling
locks the window, then claims a waiting ticket with a conditional UPDATE. On SQLite the locks are
no-ops: SQLite serialises writers itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from yiwang.appointments.models import AssistanceRequest, Booking, KeyProject, QueueTicket, Slot, TicketCounter, Window


def lock_applicant(user) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def lock_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("slot", "slot__window_group").get(pk=booking.pk)


def lock_assistance(request: AssistanceRequest) -> AssistanceRequest:
    return AssistanceRequest.objects.select_for_update().get(pk=request.pk)


def lock_project(project: KeyProject) -> KeyProject:
    return KeyProject.objects.select_for_update().get(pk=project.pk)


def lock_window(window: Window) -> Window:
    return Window.objects.select_for_update().get(pk=window.pk)


def lock_slots(slot_ids: Iterable[int]) -> dict[int, Slot]:
    ids = sorted({int(i) for i in slot_ids})
    return {s.pk: s for s in Slot.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def lock_counter(counter_id: int) -> TicketCounter:
    return TicketCounter.objects.select_for_update().get(pk=counter_id)


def lock_ticket(ticket: QueueTicket) -> QueueTicket:
    return QueueTicket.objects.select_for_update().get(pk=ticket.pk)
