import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.catalog.constants import FROZEN_STATUSES, VersionAction, VersionStatus
from yiwang.catalog.lifecycle import TRANSITIONS, allowed_actions, can, next_status
from yiwang.core.errors import InvalidTransition


def test_the_table_is_the_documented_lifecycle():
    assert next_status("draft", "submit") == VersionStatus.SUBMITTED
    assert next_status("submitted", "approve") == VersionStatus.APPROVED
    assert next_status("submitted", "return") == VersionStatus.RETURNED
    assert next_status("returned", "submit") == VersionStatus.SUBMITTED
    assert next_status("approved", "publish") == VersionStatus.PUBLISHED
    assert next_status("published", "supersede") == VersionStatus.SUPERSEDED
    assert allowed_actions("superseded") == []
    assert set(TRANSITIONS) == set(VersionStatus)


def test_an_illegal_transition_names_the_status_and_what_is_possible():
    with pytest.raises(InvalidTransition) as caught:
        next_status("draft", "publish")
    assert caught.value.code == "invalid_transition" and caught.value.http_status == 409
    assert caught.value.message == "版本当前状态为「草稿」，不能执行「发布」。此状态下可执行：提交审核。"
    with pytest.raises(InvalidTransition, match="已不可再变更"):
        next_status("superseded", "submit")


@settings(deadline=None)
@given(status=st.sampled_from(VersionStatus.values), action=st.sampled_from(VersionAction.values))
def test_next_status_agrees_with_can(status, action):
    if can(status, action):
        assert next_status(status, action) in VersionStatus.values
    else:
        with pytest.raises(InvalidTransition):
            next_status(status, action)


def test_frozen_statuses_are_left_only_by_superseding():
    for status in FROZEN_STATUSES:
        assert set(allowed_actions(status)) <= {VersionAction.SUPERSEDE}
