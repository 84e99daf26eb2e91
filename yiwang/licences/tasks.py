"""Thin Celery tasks of the licences app."""

from celery import shared_task


@shared_task
def expire_licences_task() -> int:
    from yiwang.licences.services import licences_expire

    return licences_expire()
