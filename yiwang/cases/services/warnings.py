"""Monitoring warnings (电子监察): one row per (case, kind), raised once; later raises change
nothing. Raised by the monitoring sweep (services/monitoring.py) and by deemed acceptance."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from yiwang.cases.models import Case, CaseWarning
from yiwang.core.audit import record_event


def raise_warning(*, case: Case, kind: str, today: date, message: str, report=None) -> bool:
    """Create the warning once; later runs find it and do nothing. `report` (a MonitoringReport)
    collects what was raised."""
    if CaseWarning.objects.filter(case=case, kind=kind).exists():
        return False
    try:
        with transaction.atomic():
            CaseWarning.objects.create(case=case, kind=kind, raised_on=today, message=message)
    except IntegrityError:  # a concurrent run raised it first
        return False
    record_event(actor="monitoring", action="case.warning_raised", obj=case, details={"kind": kind, "day": str(today)})
    if report is not None:
        report.warnings_raised.append((case.number, kind))
    return True
