"""The transition table (pure): every listed transition, every refusal, and properties over
random action sequences."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.errors import InvalidTransition
from yiwang.hotline.constants import TERMINAL_STATUSES
from yiwang.hotline.constants import TicketAction as A
from yiwang.hotline.constants import TicketStatus as S
from yiwang.hotline.lifecycle import TRANSITIONS, allowed_actions, is_open, next_status

# The issue's lifecycle, written out independently of the table, so a change to either shows.
EXPECTED = {
    (S.RECEIVED, A.ACCEPT): S.ACCEPTED, (S.RECEIVED, A.REJECT): S.REJECTED, (S.RECEIVED, A.INVALIDATE): S.INVALID,
    (S.RECEIVED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.ANSWER): S.ANSWERED, (S.ACCEPTED, A.REJECT): S.REJECTED, (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.INVALIDATE): S.INVALID, (S.ACCEPTED, A.QUEUE): S.PENDING_DISPATCH, (S.ACCEPTED, A.DISPATCH): S.DISPATCHED,
    (S.PENDING_DISPATCH, A.DISPATCH): S.DISPATCHED, (S.PENDING_DISPATCH, A.ANSWER): S.ANSWERED,
    (S.PENDING_DISPATCH, A.MERGE): S.MERGED, (S.PENDING_DISPATCH, A.REJECT): S.REJECTED,
    (S.DISPATCHED, A.SIGN): S.SIGNED, (S.DISPATCHED, A.SEND_BACK): S.PENDING_DISPATCH, (S.DISPATCHED, A.MERGE): S.MERGED,
    (S.SIGNED, A.START): S.IN_PROGRESS, (S.SIGNED, A.SEND_BACK): S.PENDING_DISPATCH, (S.SIGNED, A.REPLY): S.REPLIED,
    (S.SIGNED, A.MERGE): S.MERGED,
    (S.IN_PROGRESS, A.HOLD): S.ON_HOLD, (S.IN_PROGRESS, A.REPLY): S.REPLIED, (S.IN_PROGRESS, A.MERGE): S.MERGED,
    (S.ON_HOLD, A.RESUME): S.IN_PROGRESS,
    (S.REPLIED, A.APPROVE_REPLY): S.PENDING_CALLBACK, (S.REPLIED, A.REWORK): S.RETURNED,
    (S.RETURNED, A.START): S.IN_PROGRESS, (S.RETURNED, A.REPLY): S.REPLIED,
    (S.PENDING_CALLBACK, A.CLOSE): S.CLOSED, (S.PENDING_CALLBACK, A.REWORK): S.RETURNED,
    (S.CLOSED, A.REQUEST_REOPEN): S.REOPEN_REQUESTED,
    (S.REOPEN_REQUESTED, A.REOPEN): S.RETURNED, (S.REOPEN_REQUESTED, A.REFUSE_REOPEN): S.CLOSED,
}


@pytest.mark.parametrize("status,action", sorted(EXPECTED))
def test_every_transition_of_the_issue(status, action):
    assert next_status(status, action) == EXPECTED[(status, action)]


def test_the_table_has_nothing_more():
    listed = {(s, a) for s, actions in TRANSITIONS.items() for a in actions}
    assert listed == set(EXPECTED)
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize("status,action", [(s, a) for s in S for a in A if (s, a) not in EXPECTED])
def test_everything_else_is_refused_in_chinese(status, action):
    with pytest.raises(InvalidTransition) as err:
        next_status(status, action)
    assert "不能执行" in err.value.message and S(status).label in err.value.message


def test_unknown_names_are_refused():
    with pytest.raises(InvalidTransition):
        next_status("flying", A.ACCEPT)
    with pytest.raises(InvalidTransition):
        next_status(S.RECEIVED, "teleport")


def test_terminal_states_have_no_way_out_except_a_reopen_request():
    for status in TERMINAL_STATUSES:
        assert allowed_actions(status) == ([A.REQUEST_REOPEN] if status == S.CLOSED else [])
        assert not is_open(status)


def test_hold_never_replies_and_reminders_are_not_states():
    assert A.REPLY not in allowed_actions(S.ON_HOLD)
    assert not {"remind", "supervise", "extend"} & set(A.values)


@given(st.lists(st.sampled_from(list(A)), max_size=40))
def test_any_sequence_stays_in_the_table(actions):
    status = S.RECEIVED
    for action in actions:
        try:
            status = next_status(status, action)
        except InvalidTransition:
            continue
        assert status in TRANSITIONS


@given(st.lists(st.sampled_from(list(A)), max_size=40))
def test_a_closed_ticket_is_only_reached_through_a_callback_stage(actions):
    status, seen = S.RECEIVED, [S.RECEIVED]
    for action in actions:
        try:
            status = next_status(status, action)
        except InvalidTransition:
            continue
        seen.append(status)
    if S.CLOSED in seen:
        assert seen[seen.index(S.CLOSED) - 1] == S.PENDING_CALLBACK
