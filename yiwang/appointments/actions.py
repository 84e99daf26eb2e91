"""What follows events of the apps below: one named function per event."""

from __future__ import annotations


def on_case_filed(*, case, actor, **_):
    """case.accepted / case.refused: the clerk has decided on what the applicant filed at the
    window; today's booking of that person for that item at that outlet is served and linked to the
    case (services.booking_link_case, idempotent — the cases app knows nothing of bookings)."""
    from yiwang.appointments.services.bookings import booking_link_case

    return booking_link_case(actor=actor, case=case)
