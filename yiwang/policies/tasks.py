"""Thin Celery tasks of the policies app."""

from celery import shared_task


@shared_task
def entitlements_sweep_task() -> dict:
    """Daily: close the 免申即享 offers left unconfirmed, file the cases of open offers without one."""
    from yiwang.policies.services import entitlements_sweep

    return entitlements_sweep()
