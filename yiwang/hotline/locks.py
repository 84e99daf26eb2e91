"""Row locks for tickets in one place and one order (by id), so two writers never deadlock."""

from __future__ import annotations

from yiwang.hotline.models import Ticket


def lock_ticket(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock and copy the fresh values onto the caller's object."""
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    for field in Ticket._meta.concrete_fields:
        setattr(ticket, field.attname, getattr(fresh, field.attname))
    return ticket


def lock_tickets(*tickets: Ticket) -> list[Ticket]:
    """Several tickets (a merge: the ticket and its master), always in id order."""
    ordered = sorted(tickets, key=lambda t: t.pk)
    for ticket in ordered:
        lock_ticket(ticket)
    return list(tickets)
