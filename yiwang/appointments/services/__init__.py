"""Appointments services (writes), one module per concern; import from here."""

from yiwang.appointments.services.assistance import (
    assistance_assign,
    assistance_cancel,
    assistance_complete,
    assistance_decline,
    assistance_note,
    assistance_rate,
    assistance_request_create,
    assistance_start,
)
from yiwang.appointments.services.bookings import (
    booking_cancel,
    booking_change,
    booking_check_in,
    booking_create,
    booking_link_case,
    booking_reminders_send,
    booking_serve,
    bookings_mark_no_shows,
)
from yiwang.appointments.services.halls import (
    hall_open,
    schedule_create,
    schedule_deactivate,
    slot_update,
    slots_generate,
    slots_generate_all,
    window_create,
    window_group_create,
)
from yiwang.appointments.services.identity import identity_code_request, identity_code_verify
from yiwang.appointments.services.projects import (
    key_project_create,
    key_project_follow_up,
    key_project_set_coordinator,
    key_project_transition,
)
from yiwang.appointments.services.queue import (
    ticket_call_next,
    ticket_finish,
    ticket_recall,
    ticket_skip,
    ticket_start,
    ticket_take,
)

__all__ = [
    "assistance_assign", "assistance_cancel", "assistance_complete", "assistance_decline", "assistance_note",
    "assistance_rate", "assistance_request_create", "assistance_start",
    "booking_cancel", "booking_change", "booking_check_in", "booking_create", "booking_link_case",
    "booking_reminders_send", "booking_serve", "bookings_mark_no_shows",
    "hall_open", "schedule_create", "schedule_deactivate", "slot_update", "slots_generate", "slots_generate_all",
    "window_create", "window_group_create",
    "identity_code_request", "identity_code_verify",
    "key_project_create", "key_project_follow_up", "key_project_set_coordinator", "key_project_transition",
    "ticket_call_next", "ticket_finish", "ticket_recall", "ticket_skip", "ticket_start", "ticket_take",
]
