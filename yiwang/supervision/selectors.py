import datetime as dt

from django.db.models import Q

from yiwang.supervision.constants import EXCLUDING_KINDS
from yiwang.supervision.models import CreditRecord


def excluding_credit_records(subject, *, on: dt.date) -> list[CreditRecord]:
    """Records in force on `on` that bar commitment / deferred-material acceptance."""
    return list(
        CreditRecord.objects.filter(subject=subject, kind__in=EXCLUDING_KINDS, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
    )


def credit_records_from_case(case) -> list[CreditRecord]:
    """Records a case gave rise to (a commitment found untrue), so its applicant can be told what
    follows from it on the case page."""
    return list(CreditRecord.objects.filter(source_case=case).order_by("effective_from", "id"))
