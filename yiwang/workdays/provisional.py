"""Recomputing provisional dates when a year is published.

A due date that depends on a year nobody has entered yet is provisional (see time_limits). When
an administrator enters that year, every app that stored provisional dates must recompute them.
An app registers one callable, once, in its AppConfig.ready():

    from yiwang.workdays.provisional import register_provisional_recomputer

    def recompute_case_due_dates(year: int) -> int:
        # Find this app's rows with a provisional date touching `year` (e.g. due_provisional=True
        # and start or due in that year), recompute them with time_limits.due_date and save them
        # (with an audit event). Return how many changed. Must be idempotent: it can run again.
        ...

    class CasesConfig(AppConfig):
        def ready(self):
            register_provisional_recomputer(recompute_case_due_dates)

After the year's transaction commits, services schedule the Celery task
yiwang.workdays.tasks.recompute_provisional(year), which calls every registered recomputer with the
year. Registration happens in ready(), so the web processes and the Celery workers all hold the
same list. Operators can rerun it: `manage.py calendar_recompute_provisional --year 2027`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Recomputer = Callable[[int], "int | None"]

_recomputers: list[Recomputer] = []


def register_provisional_recomputer(recomputer: Recomputer) -> Recomputer:
    """Register `recomputer(year)`; registering the same callable twice keeps one. Returns it, so
    it can be used as a decorator."""
    if recomputer not in _recomputers:
        _recomputers.append(recomputer)
    return recomputer


def unregister_provisional_recomputer(recomputer: Recomputer) -> None:
    if recomputer in _recomputers:
        _recomputers.remove(recomputer)


def provisional_recomputers() -> list[Recomputer]:
    return list(_recomputers)


class RecomputeFailed(Exception):
    """One or more recomputers raised; the others still ran. Celery records the failure."""


def run_provisional_recomputers(*, year: int) -> dict[str, int | None]:
    """Call every registered recomputer with `year`; {recomputer name: its result}.

    A failing recomputer does not stop the others (one app's bug must not leave another app's
    dates provisional); the failures are logged and raised together at the end.
    """
    results: dict[str, int | None] = {}
    failures = []
    for recomputer in provisional_recomputers():
        name = f"{getattr(recomputer, '__module__', '?')}.{getattr(recomputer, '__qualname__', repr(recomputer))}"
        try:
            results[name] = recomputer(year)
        except Exception as exc:
            logger.exception("provisional recomputer %s failed for year %s", name, year)
            failures.append(f"{name}: {exc!r}")
    if failures:
        raise RecomputeFailed(f"year {year}: " + "; ".join(failures))
    return results
