"""Rules written once and asked by everyone: what an actor may do with a case (access), the clock's
colour (deadlines, applied by the monitoring sweep and shown by the pages), the acceptance
back-dating (deadlines, applied by case_accept and shown as the window's hint), and the outcomes a
process tests for (process_engine)."""

import datetime as dt
from pathlib import Path

import pytest

from yiwang.cases import process_engine as engine
from yiwang.cases.access import case_actions_for
from yiwang.cases.constants import CaseStatus
from yiwang.cases.deadlines import clock_tone, due_if_accepted, warning_colour_on
from yiwang.cases.models import Case
from yiwang.cases.selectors import case_clock
from yiwang.cases.services import case_accept, case_pause, run_monitoring
from yiwang.cases.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "camunda_inspect_gateway.bpmn"


def test_what_each_actor_may_do_with_a_submitted_case(world, submit):
    case = submit()
    mine = case_actions_for(actor=world.citizen, case=case)
    assert mine.may_withdraw and not mine.may_accept and not mine.may_resubmit
    clerk = case_actions_for(actor=world.clerk, case=case)
    assert clerk.may_accept and clerk.may_refuse and not clerk.may_withdraw and not clerk.may_pause
    # Another district's reviewer and another citizen: nothing.
    assert case_actions_for(actor=world.beilin_reviewer, case=case) == case_actions_for(actor=world.other_citizen, case=case)
    assert not any(v for v in vars(case_actions_for(actor=world.other_citizen, case=case)).values())


def test_what_the_department_may_do_while_the_case_is_reviewed_and_paused(world, submit):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    case.refresh_from_db()
    reviewer, approver = (case_actions_for(actor=u, case=case) for u in (world.reviewer, world.approver))
    assert reviewer.may_pause and not reviewer.may_extend and not reviewer.may_accept
    assert approver.may_pause and approver.may_extend
    assert not case_actions_for(actor=world.citizen, case=case).may_resubmit
    case_pause(actor=world.reviewer, case=case, procedure="testing", reason="送检", expected_days=5, today=MONDAY)
    case.refresh_from_db()
    paused = case_actions_for(actor=world.reviewer, case=case)
    assert paused.may_resume and not paused.may_pause


@pytest.mark.parametrize("day", [dt.date(2026, 11, d) for d in (24, 25, 26, 27, 28, 29, 30)] + [dt.date(2026, 12, 1)])
def test_the_sweep_and_the_pages_colour_a_clock_alike(world, submit, day):
    """Due 30 Nov 2026 (a Monday): the colour monitoring stores for `day` is the colour the
    rule gives, and the page's tag shows it — weekend days included."""
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    run_monitoring(today=day)
    case = Case.objects.get(pk=case.pk)
    assert case.due_on == dt.date(2026, 11, 30)
    assert case.warning == warning_colour_on(case.due_on, day)
    tone = case_clock(case, today=day).tone
    assert tone == ({"red": "red", "yellow": "yellow"}.get(case.warning) or "green")
    # A page that reads the clock before the sweep ran that day shows the same colour.
    case.warning = ""
    assert clock_tone(case_clock(case, today=day), day) == tone


def test_the_windows_due_date_hint_is_the_date_acceptance_would_give(world, submit):
    case = submit()
    late = dt.date(2026, 11, 25)  # past the §32 period: dated from receipt (16 Nov)
    hints = {day: due_if_accepted(case, day) for day in (MONDAY, dt.date(2026, 11, 18), late)}
    for day, hint in hints.items():
        fresh = Case.objects.get(pk=case.pk)
        case_accept(actor=world.clerk, case=fresh, today=day)
        assert Case.objects.get(pk=case.pk).due_on == hint
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUBMITTED, due_on=None, accepted_on=None)
        fresh.process.delete()
    assert hints[late] == hints[MONDAY]


def test_the_outcomes_a_process_tests_for_are_read_from_its_conditions():
    xml = FIXTURE.read_text(encoding="utf-8")
    assert engine.tested_outcomes(xml) == ("inspect",)
    camunda = xml.replace('outcome == "inspect"', '${"inspect" == outcome or outcome == "expert_review"}')
    assert engine.tested_outcomes(camunda) == ("inspect", "expert_review")
    assert engine.tested_outcomes(xml.replace('outcome == "inspect"', "outcome ==")) == ()  # does not parse
    assert engine.tested_outcomes(b"not xml") == ()
