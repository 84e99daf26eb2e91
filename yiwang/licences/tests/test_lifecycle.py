"""The licence state table and validity periods (pure rules)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.errors import InvalidTransition
from yiwang.licences.constants import LicenceAction, LicenceStatus, ValidityRule
from yiwang.licences.lifecycle import TRANSITIONS, allowed_actions, next_status
from yiwang.licences.validity import valid_until


def test_every_state_is_in_the_table_and_only_cancelled_and_superseded_are_final():
    assert set(TRANSITIONS) == set(LicenceStatus)
    assert {s for s, moves in TRANSITIONS.items() if not moves} == {LicenceStatus.CANCELLED, LicenceStatus.SUPERSEDED}


def test_revoked_and_withdrawn_end_in_cancellation_as_section_70_says():
    for status in (LicenceStatus.REVOKED, LicenceStatus.WITHDRAWN, LicenceStatus.EXPIRED):
        assert next_status(status, LicenceAction.CANCEL) == LicenceStatus.CANCELLED


def test_an_illegal_change_names_the_state_and_the_action_in_chinese():
    with pytest.raises(InvalidTransition) as err:
        next_status(LicenceStatus.CANCELLED, LicenceAction.REVOKE)
    assert "已注销" in err.value.message and "撤销" in err.value.message


@given(st.lists(st.sampled_from(list(LicenceAction)), max_size=12))
def test_any_sequence_of_actions_stays_inside_the_table(actions):
    status, left_valid = LicenceStatus.VALID, False
    for action in actions:
        if action in allowed_actions(status):
            status = next_status(status, action)
            left_valid = left_valid or status != LicenceStatus.VALID
        else:
            with pytest.raises(InvalidTransition):
                next_status(status, action)
        # Nothing ever returns to valid: a renewal is a new version, not a resurrection.
        assert not (left_valid and status == LicenceStatus.VALID)
    assert status in TRANSITIONS


@pytest.mark.parametrize("age,years", [(10, 5), (15, 5), (16, 10), (25, 10), (26, 20), (45, 20)])
def test_resident_id_cards_follow_the_age_rule(age, years):
    start = dt.date(2026, 3, 1)
    birth = dt.date(2026 - age, 1, 1)
    assert valid_until(rule=ValidityRule.RESIDENT_ID_CARD, months=None, valid_from=start, birth_date=birth) == \
        dt.date(2026 + years, 3, 1)


def test_from_46_an_id_card_is_long_term():
    assert valid_until(rule=ValidityRule.RESIDENT_ID_CARD, months=None, valid_from=dt.date(2016, 4, 12),
                       birth_date=dt.date(1958, 3, 15)) is None


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(min_value=1, max_value=240))
def test_a_fixed_term_ends_the_day_before_the_same_date_n_months_on(start, months):
    end = valid_until(rule=ValidityRule.FIXED_TERM, months=months, valid_from=start)
    after = end + dt.timedelta(days=1)
    assert (after.year - start.year) * 12 + after.month - start.month == months
    assert after.day == start.day or (start.day > 28 and after.day <= start.day)


def test_food_licence_of_five_years():
    assert valid_until(rule=ValidityRule.FIXED_TERM, months=60, valid_from=dt.date(2026, 3, 1)) == dt.date(2031, 2, 28)
