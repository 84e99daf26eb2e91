"""What follows events of the apps below (registered as named hooks in apps.py)."""

from __future__ import annotations


def on_case_delivered(*, case, actor) -> None:
    """A delivered case: invite the applicant to rate it, once (inbox and SMS through the
    notifications outbox: the messages commit with the delivery, the SMS leaves after commit)."""
    from yiwang.ratings.services import invitation_send

    invitation_send(case=case, delivered_by=actor)
