"""Provisional dates: flagged while a year is unknown, recomputed by consumers when it is entered."""

from datetime import date

import pytest
from django.core.management import call_command

from yiwang.core.errors import ValidationFailed
from yiwang.workdays.provisional import (
    RecomputeFailed,
    register_provisional_recomputer,
    unregister_provisional_recomputer,
)
from yiwang.workdays.signals import calendar_year_published
from yiwang.workdays.tasks import recompute_provisional
from yiwang.workdays.tests.factories import enter_2027
from yiwang.workdays.time_limits import DueDate, due_date

pytestmark = pytest.mark.django_db


class StoredDeadlines:
    """Stands in for the cases app: rows holding a due date and its provisional flag, and the
    recompute callback that app registers in its AppConfig.ready()."""

    def __init__(self):
        self.rows = []
        self.calls = []

    def add(self, start: date, days: int) -> dict:
        result = due_date(start, days)
        row = {"start": start, "days": days, "due": result.due_date, "provisional": result.provisional}
        self.rows.append(row)
        return row

    def recompute(self, year: int) -> int:
        self.calls.append(year)
        changed = 0
        for row in self.rows:
            if row["provisional"] and (row["start"].year <= year <= row["due"].year):
                result = due_date(row["start"], row["days"])
                changed += (result.due_date, result.provisional) != (row["due"], row["provisional"])
                row["due"], row["provisional"] = result.due_date, result.provisional
        return changed


@pytest.fixture
def consumer():
    deadlines = StoredDeadlines()
    register_provisional_recomputer(deadlines.recompute)
    yield deadlines
    unregister_provisional_recomputer(deadlines.recompute)


@pytest.fixture
def published():
    received = []

    def receiver(sender, year, correction, **kwargs):
        received.append((year, correction))

    calendar_year_published.connect(receiver)
    yield received
    calendar_year_published.disconnect(receiver)


def test_entering_the_year_recomputes_provisional_dates_to_the_official_ones(
        administrator, consumer, published, django_capture_on_commit_callbacks):
    # Intake before 2027 is known: five working days from 2027-02-01 skip only the weekend.
    row = consumer.add(date(2027, 2, 1), 5)
    official_before = consumer.add(date(2026, 11, 2), 5)
    assert (row["due"], row["provisional"]) == (date(2027, 2, 8), True)

    with django_capture_on_commit_callbacks(execute=True):
        enter_2027(administrator)

    assert published == [(2027, False)]
    assert consumer.calls == [2027]
    # 春节 2027-02-06 … 02-13 is now official: the fifth working day is Monday 02-15.
    assert (row["due"], row["provisional"]) == (date(2027, 2, 15), False)
    assert (official_before["due"], official_before["provisional"]) == (date(2026, 11, 9), False)


def test_a_correction_is_published_too(administrator, consumer, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_2027(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        enter_2027(administrator, correction=True, reason="补充通知")
    assert published == [(2027, False), (2027, True)]
    assert consumer.calls == [2027, 2027]


def test_nothing_is_published_when_the_entry_is_refused(administrator, consumer, published,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationFailed):
        enter_2027(administrator, correction=True, reason="2027 尚未录入，不能更正")
    assert callbacks == [] and published == [] and consumer.calls == []


def test_one_failing_recomputer_does_not_stop_the_others(consumer):
    def broken(year):
        raise RuntimeError("boom")

    register_provisional_recomputer(broken)
    try:
        consumer.add(date(2027, 2, 1), 5)
        with pytest.raises(RecomputeFailed, match="boom"):
            recompute_provisional.delay(2027)
        assert consumer.calls == [2027]
    finally:
        unregister_provisional_recomputer(broken)


def test_registering_twice_calls_once_and_the_command_reruns(consumer, capsys):
    register_provisional_recomputer(consumer.recompute)
    call_command("calendar_recompute_provisional", "--year", "2027")
    assert consumer.calls == [2027]
    assert "2027" in capsys.readouterr().out


def test_intake_is_never_blocked_by_an_unknown_year():
    assert due_date(date(2027, 6, 1), 20) == DueDate(date(2027, 6, 29), True)
    assert due_date(date(2099, 6, 1), 1).provisional
