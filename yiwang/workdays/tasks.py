from celery import shared_task

from yiwang.workdays.provisional import run_provisional_recomputers


@shared_task
def recompute_provisional(year: int) -> dict:
    """Recompute every provisional date touching `year`, now that the year is official."""
    return run_provisional_recomputers(year=int(year))
