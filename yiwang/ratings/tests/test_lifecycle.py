"""The pure rules: the loop's transition table, stage openness, what a bad rating must carry, the
code tables at the edge (hypothesis property tests where a rule quantifies over inputs)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.errors import InvalidTransition
from yiwang.ratings.constants import (
    BAD_LEVELS,
    CLOCK_RUNNING,
    GBT_39046_CODES,
    RESULT_REPORTED,
    REVERSED_CODES,
    SATISFIED_LEVELS,
    STARS,
    BadReason,
    RatingStage,
    RectificationAction,
    RectificationStatus,
    SatisfactionLevel,
)
from yiwang.ratings.lifecycle import TRANSITIONS, allowed_actions, next_status, reason_problems, stage_open

S, A = RectificationStatus, RectificationAction
actions = st.sampled_from(list(A.values))


def test_every_state_is_in_the_table_and_every_target_is_a_state():
    assert set(TRANSITIONS) == set(S.values)
    assert {t for moves in TRANSITIONS.values() for t in moves.values()} <= set(S.values)
    assert allowed_actions(S.CLOSED) == allowed_actions(S.EXCLUDED) == frozenset()


@given(st.lists(actions, max_size=30))
def test_any_sequence_of_steps_stays_in_the_table(sequence):
    status, reported = S.VERIFYING, False
    for action in sequence:
        try:
            new = next_status(status, action)
        except InvalidTransition:
            assert action not in allowed_actions(status)
            continue
        assert action in allowed_actions(status)
        # The result reaches the rater only by reporting or approval, and never goes back once told.
        if new in RESULT_REPORTED and status not in RESULT_REPORTED:
            assert action in (A.REPORT, A.APPROVE)
        if status in RESULT_REPORTED:
            assert new in RESULT_REPORTED or new == S.EXCLUDED
        reported = reported or new in RESULT_REPORTED
        status = new
    if status == S.CLOSED:
        assert reported  # nothing closes without a follow-up after a reported result


@given(st.lists(actions, max_size=30))
def test_an_upheld_appeal_can_end_any_open_loop_but_not_a_closed_one(sequence):
    status = S.VERIFYING
    for action in sequence:
        if action in allowed_actions(status):
            status = next_status(status, action)
    if status in (S.CLOSED, S.EXCLUDED):
        with pytest.raises(InvalidTransition):
            next_status(status, A.EXCLUDE)
    else:
        assert next_status(status, A.EXCLUDE) == S.EXCLUDED


def test_the_clock_runs_until_the_result_is_reported():
    assert CLOCK_RUNNING | RESULT_REPORTED | {S.EXCLUDED} == set(S.values)
    assert not CLOCK_RUNNING & RESULT_REPORTED


def test_an_invalid_step_says_where_the_loop_is():
    with pytest.raises(InvalidTransition) as err:
        next_status(S.VERIFYING, A.APPROVE)
    assert "待核实" in err.value.message and "审核同意" in err.value.message


@given(st.booleans(), st.booleans(), st.booleans())
def test_a_stage_opens_with_the_case_getting_there(accepted, decided, delivered):
    assert stage_open(RatingStage.ACCEPTANCE, accepted=accepted, decided=decided, delivered=delivered) is accepted
    assert stage_open(RatingStage.REVIEW, accepted=accepted, decided=decided, delivered=delivered) is decided
    for stage in (RatingStage.DELIVERY, RatingStage.OVERALL):
        assert stage_open(stage, accepted=accepted, decided=decided, delivered=delivered) is delivered
    assert not stage_open("whole", accepted=True, decided=True, delivered=True)


levels = st.sampled_from(list(SatisfactionLevel.values))
reasons = st.lists(st.sampled_from([*BadReason.values, "rude", ""]), max_size=4)


@given(levels, reasons, st.text(max_size=20))
def test_what_a_rating_must_carry(level, chosen, comment):
    problems = {field for field, _, _ in reason_problems(level, chosen, comment)}
    unknown = any(r not in BadReason.values for r in chosen)
    if level in BAD_LEVELS:
        assert ("reasons" in problems) == (unknown or not chosen)
        assert ("comment" in problems) == (not comment.strip())
    else:
        assert "comment" not in problems
        assert ("reasons" in problems) == bool(chosen)


def test_levels_partition_and_codes_are_one_to_one_both_ways():
    assert set(SatisfactionLevel.values) == BAD_LEVELS | SATISFIED_LEVELS and not BAD_LEVELS & SATISFIED_LEVELS
    for table in (GBT_39046_CODES, REVERSED_CODES):
        assert sorted(table) == ["1", "2", "3", "4", "5"] and set(table.values()) == set(SatisfactionLevel.values)
    assert GBT_39046_CODES["1"] == REVERSED_CODES["5"] == SatisfactionLevel.VERY_SATISFIED
    assert STARS[SatisfactionLevel.VERY_SATISFIED] == 5 and STARS[SatisfactionLevel.VERY_DISSATISFIED] == 1
