"""Thin periodic tasks (Celery beat, config/settings/base.py): one service call each, idempotent."""

from celery import shared_task

from yiwang.appointments import services


@shared_task
def generate_slots_task() -> int:
    return services.slots_generate_all()


@shared_task
def mark_no_shows_task() -> int:
    return services.bookings_mark_no_shows()


@shared_task
def send_reminders_task() -> int:
    return services.booking_reminders_send()
