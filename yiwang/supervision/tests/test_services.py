"""Credit records are written through supervision.services, with their audit event."""

import datetime as dt

import pytest

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.supervision.constants import CreditRecordKind
from yiwang.supervision.selectors import excluding_credit_records
from yiwang.supervision.services import credit_record_create

pytestmark = pytest.mark.django_db


def test_a_false_commitment_record_bars_acceptance_from_its_day_and_is_audited():
    subject, officer = UserFactory(), StaffFactory()
    record = credit_record_create(actor=officer, subject=subject, kind=CreditRecordKind.FALSE_COMMITMENT,
                                  description="  经核查承诺不实  ", effective_from=dt.date(2026, 11, 20))
    assert record.recorded_by == officer and record.description == "经核查承诺不实"
    assert excluding_credit_records(subject, on=dt.date(2026, 11, 19)) == []
    assert excluding_credit_records(subject, on=dt.date(2026, 11, 20)) == [record]
    event = AuditEvent.objects.filter(action="credit.recorded").get()
    assert event.details == {"kind": "false_commitment", "subject": subject.pk}


def test_an_unknown_kind_or_an_empty_description_is_refused_naming_the_fields():
    with pytest.raises(ValidationFailed) as info:
        credit_record_create(actor=None, subject=UserFactory(), kind="gossip", description=" ",
                             effective_from=dt.date(2026, 11, 20))
    assert {e.field for e in info.value.errors} == {"kind", "description"}
