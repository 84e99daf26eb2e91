"""What follows events of the apps below: one named function per event."""

from __future__ import annotations


def on_case_filed(*, case, actor, **_):
    """case.accepted / case.refused: the clerk has decided on what the applicant filed at the
    window; today's booking of that person for that item at that outlet is served and linked to the
    case (services.booking_link_case, idempotent — the cases app knows nothing of bookings)."""
    from yiwang.appointments.services.bookings import booking_link_case

    return booking_link_case(actor=actor, case=case)


def guide_actions(*, version, viewer=None, **_):
    """catalog.guide_actions: where the guide says 预约办理, the way to book it (the booking page
    for this item; it asks for the hall, the day and the slot)."""
    if not getattr(version, "supports_appointment", False):
        return None
    from django.urls import NoReverseMatch, reverse

    try:
        book = reverse("appointments:book")
    except NoReverseMatch:  # a site (or test) that does not mount the appointments pages
        return None
    return [{"url": f"{book}?item={version.implementation_id}", "label": "预约办理"}]
