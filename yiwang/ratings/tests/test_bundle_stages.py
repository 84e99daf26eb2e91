"""Bundles: a delivered bundle's member cases are rated per stage (acceptance, review, delivery,
overall), each member apart, one rating per stage; a single case keeps one overall rating."""

import re

import pytest

from yiwang.bundles import applications
from yiwang.bundles.tests.test_applications import MONDAY, _apply, _approve, w  # noqa: F401 — the fixture
from yiwang.core.errors import DomainError
from yiwang.notifications.models import Notification
from yiwang.ratings.constants import RatingStage
from yiwang.ratings.selectors import rateable_stages, stages_offered
from yiwang.ratings.services import rating_give

pytestmark = pytest.mark.django_db


def test_a_delivered_bundle_is_rated_per_stage_and_per_member(w):  # noqa: F811
    bundle_case = _apply(w, {"signboard": "no", "agent": "no"})
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    _approve(w, w.s.check, w.market_approver)
    _approve(w, w.s.food, w.market_approver)
    body = Notification.objects.filter(recipient=w.citizen, title__contains="一件事已办结").first().body
    applications.bundle_case_deliver(actor=w.clerk, bundle_case=bundle_case, pickup_code=re.search(r"取件码 (\d{6})", body).group(1))
    food = bundle_case.members.get(implementation_id=w.s.food.implementation_id).case
    check = bundle_case.members.get(implementation_id=w.s.check.implementation_id).case
    assert set(stages_offered(food)) == {RatingStage.ACCEPTANCE, RatingStage.REVIEW, RatingStage.DELIVERY, RatingStage.OVERALL}
    assert set(rateable_stages(food)) == set(stages_offered(food))
    for stage in (RatingStage.ACCEPTANCE, RatingStage.REVIEW, RatingStage.DELIVERY, RatingStage.OVERALL):
        rating_give(actor=w.citizen, case=food, level="very_satisfied", stage=stage)
    assert rateable_stages(food) == []
    assert RatingStage.ACCEPTANCE in rateable_stages(check)  # the other member is rated apart
    with pytest.raises(DomainError):
        rating_give(actor=w.citizen, case=food, level="satisfied", stage=RatingStage.REVIEW)
