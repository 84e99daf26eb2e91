"""The cases test world (a city, a market-regulation agency with its hall, staff, a citizen and a
published item), plus the roles of 好差评, and cases delivered through the real case services."""

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.cases.tests.conftest import MONDAY, submit, world  # noqa: F401 (fixtures)
from yiwang.orgs.constants import Role
from yiwang.orgs.models import RoleGrant


def grant(user, org, *roles):
    for role in roles:
        RoleGrant.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def rworld(world):  # noqa: F811
    """The world with rating roles: the agency's rating officer and leader, a rating officer at the
    city government (a higher level, decides appeals), another district's rating officer."""
    w = world
    w.officer = grant(StaffFactory(username="rating_officer", real_name="赵敏"), w.agency, Role.RATING_OFFICER)
    w.leader = grant(StaffFactory(username="leader"), w.agency, Role.LEADER)
    w.city_officer = grant(StaffFactory(username="city_rating_officer"), w.gov, Role.RATING_OFFICER)
    w.yanta_officer = grant(StaffFactory(username="yanta_rating_officer"), w.yanta_agency, Role.RATING_OFFICER)
    w.third_citizen = UserFactory()
    return w


@pytest.fixture
def deliver(rworld, submit):  # noqa: F811
    """A case of `applicant` (default the world's citizen) filed, accepted by the window clerk,
    approved and delivered electronically — through the case services, so the delivery hook runs."""
    from yiwang.cases.services import case_accept, case_decide

    def do(applicant=None, *, today=None):
        today = today or timezone.localdate()
        case = submit(applicant=applicant or rworld.citizen, today=today, delivery={"method": "electronic"})
        case_accept(actor=rworld.clerk, case=case, today=today)
        case_decide(actor=rworld.approver, case=case, decision="approved", reasons="材料齐全，符合条件", today=today)
        case.refresh_from_db()
        assert case.status == "delivered"
        return case

    return do


def at(day: dt.date, hour: int = 10):
    """A moment on `day` in Beijing time (ratings record when they were given)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
