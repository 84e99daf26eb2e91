"""The law's deadlines for a case, and the colour of its clock: pure rules over the working-day
calendar (yiwang.workdays.time_limits). No writes; the services, the monitoring sweep, the selectors
and the pages all ask here, so each rule is written once.

- §32 acceptance: within 5 working days of receiving the materials; past that the application is
  deemed accepted *on the receipt day* (`acceptance_date`).
- §42/§45/§82 decision: due_on = the (promised limit + extensions + paused working days)-th working
  day after acceptance (`compute_due`); 即办 = the same day; half days round up. A case that depends
  on other cases (a bundle member waiting for another member's result) is accepted with its clock
  held, and its limit counts from the day the last of them concluded (`start_clock`, `release_clock`).
- §44 delivery: within 10 working days of the decision.
- 电子监察 colours: red past the due date, yellow within N working days of it
  (`YIWANG_YELLOW_WORKING_DAYS`, default 2), none otherwise (`warning_colour_on`).
"""

from __future__ import annotations

import math
from datetime import date

from django.conf import settings

from yiwang.cases.constants import WarningColour
from yiwang.catalog.constants import LimitUnit
from yiwang.workdays.time_limits import add_working_days, due_date

# §32: acceptance, correction notice or refusal within 5 working days of receiving the materials.
ACCEPTANCE_PERIOD_WORKING_DAYS = 5
# §44: the licence is issued and delivered within 10 (working) days of the decision (§82).
DELIVERY_PERIOD_WORKING_DAYS = 10


def acceptance_due_on(received_on: date) -> date:
    """The last day of the §32 period for materials received on `received_on`."""
    return add_working_days(received_on, ACCEPTANCE_PERIOD_WORKING_DAYS).due_date


def delivery_due_on(decided_on: date) -> date:
    return add_working_days(decided_on, DELIVERY_PERIOD_WORKING_DAYS).due_date


def acceptance_date(case, today: date) -> date:
    """The day an acceptance made `today` counts from. Past the §32 period the law already deems
    the application accepted on the receipt day, so the acceptance (and the clock) is dated then,
    whatever day someone gets round to clicking."""
    return case.received_on if today > case.acceptance_due_on else today


def limit_of(version) -> tuple[int, str]:
    """(days, unit for the calendar) of a catalog version's promised limit."""
    if version.promised_limit_unit == LimitUnit.IMMEDIATE:
        return 0, "working"
    days = math.ceil(version.promised_limit or 0)
    return days, "natural" if version.promised_limit_unit == LimitUnit.NATURAL_DAY else "working"


def compute_due(case) -> tuple[date, bool]:
    """The due date from the case's own clock fields; (date, provisional). The limit counts from
    the day after `clock_from` (the acceptance day, or the day a waited-for case concluded)."""
    unit = "natural" if case.limit_unit == "natural" else "working"
    base = due_date(case.clock_from or case.accepted_on, case.limit_days + case.extension_days, unit)
    if not case.paused_days:
        return base.due_date, base.provisional
    # Paused time never counts: the deadline moves by the working days the clock stood still.
    shifted = due_date(base.due_date, case.paused_days, "working")
    return shifted.due_date, base.provisional or shifted.provisional


def start_clock(case, *, accepted_on: date, waiting: bool = False) -> None:
    """Set the clock fields of an accepted case (unsaved). `waiting`: the case depends on cases
    not yet concluded (a bundle member): accepted, but its limit does not count until they have
    (release_clock); no due date meanwhile, so nothing is overdue."""
    case.accepted_on = accepted_on
    case.limit_days, case.limit_unit = limit_of(case.version)
    if waiting:
        case.waiting_since, case.clock_from = accepted_on, None
        case.due_on, case.due_provisional = None, False
        return
    case.waiting_since, case.clock_from = None, accepted_on
    case.due_on, case.due_provisional = compute_due(case)


def release_clock(case, *, counts_from: date) -> None:
    """Start the limit of a waiting case (unsaved): it counts from the day after `counts_from`
    (the day the last case it waited for concluded; never before its acceptance day)."""
    case.waiting_since = None
    case.clock_from = max(counts_from, case.accepted_on)
    case.due_on, case.due_provisional = compute_due(case)


def due_if_accepted(case, today: date) -> date:
    """The due date the case would get if it were accepted today (the window's hint for a
    deferral deadline): the same back-dating and limit as acceptance itself."""
    days, unit = limit_of(case.version)
    return due_date(acceptance_date(case, today), days, unit).due_date


# ---------------------------------------------------------------------------------------------
# Colours (电子监察)


def yellow_days() -> int:
    return int(getattr(settings, "YIWANG_YELLOW_WORKING_DAYS", 2))


def yellow_until(today: date) -> date:
    """The last due date that is yellow on `today` (due dates after it are not yet)."""
    return add_working_days(today, yellow_days()).due_date


def warning_colour_on(due_on: date | None, today: date) -> str:
    """The colour a running clock due on `due_on` has on `today`."""
    if due_on is None:
        return WarningColour.NONE
    if due_on < today:
        return WarningColour.RED
    if due_on <= yellow_until(today):
        return WarningColour.YELLOW
    return WarningColour.NONE


def clock_tone(clock, today: date) -> str:
    """The tag colour of a clock on a page: red overdue, yellow within the warning window (the
    rule above) or when monitoring flagged it, green running, blue paused or waiting for the cases
    it depends on, none when stopped."""
    if clock is None or clock.stopped:
        return ""
    if getattr(clock, "waiting", False):
        return "blue"
    if clock.due_on is None:
        return ""
    if clock.paused:
        return "blue"
    colour = warning_colour_on(clock.due_on, today)
    if WarningColour.RED in (clock.colour, colour):
        return "red"
    if WarningColour.YELLOW in (clock.colour, colour):
        return "yellow"
    return "green"
