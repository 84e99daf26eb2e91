"""Writes to the working-day calendar.

    calendar_year_enter(*, actor, year, holidays, makeup_days, basis="", correction=False, reason="",
                        source=YearSource.FORM) -> CalendarYear
    calendar_year_import(*, actor, text, correction=False, reason="") -> CalendarYear
    calendar_seed_from_package(*, actor) -> list[int]   re-seed 2004–2026 where missing (after a flush)

`holidays` is a list of year_entry.HolidayPeriod(first_day, last_day, name), `makeup_days` a list
of year_entry.MakeupDay(day, name). Every rule (year_entry.year_entry_errors) is checked before
anything is written, and all problems are raised together as ValidationFailed. A year that is
already official is only replaced with correction=True and a reason: an explicit correction,
recorded as `calendar.year_corrected` with the previous days in the audit event.

After commit: every process drops its index (time_limits), `signals.calendar_year_published` is
sent, and the Celery task `tasks.recompute_provisional(year)` runs the registered recomputers.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.background import enqueue_on_commit
from yiwang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from yiwang.workdays.access import can_manage_calendar
from yiwang.workdays.constants import DayKind, YearSource
from yiwang.workdays.import_format import parse_calendar_text
from yiwang.workdays.models import CalendarDay, CalendarRevision, CalendarYear
from yiwang.workdays.package_seed import package_days
from yiwang.workdays.selectors import holiday_periods
from yiwang.workdays.signals import calendar_year_published
from yiwang.workdays.time_limits import invalidate_calendar_index, mark_uncommitted_calendar_write
from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay, place, year_entry_errors


def _check_actor(actor) -> None:
    # A person must hold the administrator role; None or a string names a system actor
    # (a management command, a migration), which the caller has already authorised.
    if actor is None or isinstance(actor, str):
        return
    if not can_manage_calendar(actor):
        raise PermissionDenied("只有系统管理员可以录入或更正工作日历。", code="calendar_permission_denied")


def _line_number(error: FieldError) -> int:
    parts = error.field.split()
    return int(parts[1]) if len(parts) == 2 and parts[0] == "line" and parts[1].isdigit() else 0


def _lock_revision() -> CalendarRevision:
    # Every calendar write locks this one row first, so two administrators entering the same
    # year one after the other never both pass the "already official" check (PostgreSQL); on
    # SQLite writers are serialised anyway and the unique year catches the rest.
    revision = CalendarRevision.objects.select_for_update().filter(pk=1).first()
    if revision is None:
        revision, _ = CalendarRevision.objects.get_or_create(pk=1)
    return revision


def _snapshot(calendar_year: CalendarYear) -> dict:
    days = list(calendar_year.days.order_by("day"))
    return {
        "source": calendar_year.source,
        "basis": calendar_year.basis,
        "holidays": [[p.first_day.isoformat(), p.last_day.isoformat(), p.name] for p in holiday_periods(days)],
        "makeup_days": [[d.day.isoformat(), d.name] for d in days if d.kind == DayKind.MAKEUP_WORKDAY],
    }


@transaction.atomic
def _enter_year(
    *, actor, year, holidays: list[HolidayPeriod], makeup_days: list[MakeupDay], basis: str, correction: bool,
    reason: str, source: str, extra_errors: list[FieldError] = (), year_field: str = "year",
) -> CalendarYear:
    _check_actor(actor)
    revision = _lock_revision()
    existing = CalendarYear.objects.filter(year=year).first() if isinstance(year, int) else None
    errors = year_entry_errors(year=year, holidays=holidays, makeup_days=makeup_days,
                               already_official=existing is not None, correction=correction, reason=reason, basis=basis)
    if year_field != "year":
        # The import has no "year" input: point at the line that gave the year (or the whole text).
        where = place(year_field)
        errors = [replace(e, field=year_field, message=f"{where}：{e.message}" if where else e.message)
                  if e.field == "year" else e for e in errors]
    errors = sorted([*extra_errors, *errors], key=_line_number)
    if errors:
        raise ValidationFailed(errors, message=f"有 {len(errors)} 处需要改正：" + "；".join(e.message for e in errors))

    basis, reason = (basis or "").strip(), (reason or "").strip()
    entered = {
        "holidays": [[h.first_day.isoformat(), h.last_day.isoformat(), h.name.strip()]
                     for h in sorted(holidays, key=lambda h: h.first_day)],
        "makeup_days": [[m.day.isoformat(), (m.name or "").strip()] for m in sorted(makeup_days, key=lambda m: m.day)],
    }
    if existing is not None:
        previous = _snapshot(existing)
        existing.days.all().delete()
        existing.source, existing.basis, existing.entered_by = source, basis, (None if isinstance(actor, str) else actor)
        existing.correction_count += 1
        existing.save(update_fields=["source", "basis", "entered_by", "correction_count", "updated_at"])
        calendar_year = existing
    else:
        previous = None
        try:
            with transaction.atomic():
                calendar_year = CalendarYear.objects.create(
                    year=year, source=source, basis=basis, entered_by=None if isinstance(actor, str) else actor)
        except IntegrityError as exc:
            raise Conflict(f"{year} 年刚刚已由他人录入，请刷新页面查看；如需修改请走更正。",
                           code="calendar_year_already_official", field="year") from exc

    rows = [CalendarDay(calendar_year=calendar_year, day=day, kind=DayKind.HOLIDAY, name=h.name.strip())
            for h in holidays for day in h.days]
    rows += [CalendarDay(calendar_year=calendar_year, day=m.day, kind=DayKind.MAKEUP_WORKDAY, name=(m.name or "").strip())
             for m in makeup_days]
    CalendarDay.objects.bulk_create(rows)

    revision.number += 1
    revision.changed_at = timezone.now()
    revision.save(update_fields=["number", "changed_at"])

    details = {"year": year, "source": source, "basis": basis, **entered, "revision": revision.number}
    if previous is not None:
        details.update(reason=reason, previous=previous)
    record_event(actor=actor, action="calendar.year_corrected" if previous is not None else "calendar.year_entered",
                 obj=calendar_year, details=details)

    mark_uncommitted_calendar_write()
    transaction.on_commit(invalidate_calendar_index, robust=True)
    transaction.on_commit(lambda: calendar_year_published.send(sender=CalendarYear, year=year, correction=previous is not None),
                          robust=True)
    enqueue_on_commit("yiwang.workdays.tasks.recompute_provisional", robust=True, year=year)
    return calendar_year


def calendar_year_enter(
    *, actor, year: int, holidays: list[HolidayPeriod], makeup_days: list[MakeupDay], basis: str = "",
    correction: bool = False, reason: str = "", source: str = YearSource.FORM,
) -> CalendarYear:
    """Make `year` official with these holidays and make-up working days (or correct it)."""
    holidays = [h if h.field else replace(h, field=f"holidays[{i}]") for i, h in enumerate(holidays)]
    makeup_days = [m if m.field else replace(m, field=f"makeup_days[{i}]") for i, m in enumerate(makeup_days)]
    return _enter_year(actor=actor, year=year, holidays=holidays, makeup_days=makeup_days, basis=basis,
                       correction=correction, reason=reason, source=source)


def calendar_year_import(*, actor, text: str, correction: bool = False, reason: str = "") -> CalendarYear:
    """Enter one year from the text format of import_format (errors name their `line N`)."""
    parsed = parse_calendar_text(text)
    if parsed.year is None:
        _check_actor(actor)
        raise ValidationFailed(parsed.errors)
    return _enter_year(actor=actor, year=parsed.year, holidays=parsed.holidays, makeup_days=parsed.makeup_days,
                       basis=parsed.basis, correction=correction, reason=reason, source=YearSource.IMPORT,
                       extra_errors=parsed.errors, year_field=parsed.year_field)


@transaction.atomic
def calendar_seed_from_package(*, actor) -> list[int]:
    """Add the package's years (2004–2026) that are missing; returns the years added.

    Migration 0002 does this for every fresh database; this is for a database whose tables were
    emptied afterwards (`manage.py flush`, transactional tests). Existing years are left alone.
    """
    _check_actor(actor)
    revision = _lock_revision()
    present = set(CalendarYear.objects.values_list("year", flat=True))
    added = []
    for year, rows in package_days().items():
        if year in present:
            continue
        calendar_year = CalendarYear.objects.create(
            year=year, source=YearSource.PACKAGE, basis="chinesecalendar 程序包（国务院办公厅历年节假日安排通知）")
        CalendarDay.objects.bulk_create(CalendarDay(calendar_year=calendar_year, day=day, kind=kind, name=name)
                                        for day, kind, name in rows)
        added.append(year)
    if added:
        revision.number += 1
        revision.changed_at = timezone.now()
        revision.save(update_fields=["number", "changed_at"])
        record_event(actor=actor, action="calendar.seeded", object_type=CalendarYear._meta.label_lower,
                     details={"years": added, "revision": revision.number})
        mark_uncommitted_calendar_write()
        transaction.on_commit(invalidate_calendar_index, robust=True)
    return added
