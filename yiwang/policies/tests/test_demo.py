"""The demo: the Xi'an policies load once (marked is_demo), the policy officer can sign in, and the
demo citizen and enterprise each qualify for some policies and not for others, with the reasons."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.licences import demo as licences_demo
from yiwang.policies import demo, selectors
from yiwang.policies.models import Entitlement, Policy, PolicyMatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(world):
    world.citizen.username, world.enterprise.username = "citizen", "enterprise"
    world.citizen.save(update_fields=["username"])
    world.enterprise.save(update_fields=["username"])
    licences_demo.load(stdout=None)
    demo.load(stdout=None)
    return world


def _by_code(rows):
    return {r["policy"].code: r for r in rows}


def test_demo_policies_load_once_and_are_marked(demo_world):
    assert Policy.objects.count() == len(demo.POLICIES) >= 20
    assert not Policy.objects.filter(is_demo=False).exists()
    assert set(Policy.objects.values_list("status", flat=True)) == {"published"}
    counts = (Policy.objects.count(), PolicyMatch.objects.count(), Entitlement.objects.count())
    demo.load(stdout=None)
    assert (Policy.objects.count(), PolicyMatch.objects.count(), Entitlement.objects.count()) == counts
    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.policies.access import can_manage_policies

    officer = user_by_identifier("policy_officer")
    assert officer.check_password(demo.DEMO_PASSWORD) and can_manage_policies(officer)


def test_the_demo_citizen_qualifies_for_some_and_not_others_with_reasons(demo_world):
    mine = selectors.my_policies(demo_world.citizen)
    eligible, ineligible = _by_code(mine["eligible"]), _by_code(mine["ineligible"])
    assert {"xa-senior-free-bus", "xa-yanta-elderly-meal", "xa-retiree-health-check"} <= set(eligible)
    assert {"xa-senior-longevity-80", "xa-disability-living", "xa-graduate-talent-housing"} <= set(ineligible)
    reasons = [(r.text, r.actual) for r in ineligible["xa-senior-longevity-80"]["reasons"]]
    assert reasons == [("年龄不少于 80 周岁", "68 周岁")]
    assert "xa-senior-free-bus" in {o.policy.code for o in mine["offers"]}  # 免申即享: offered to confirm
    page = Client()
    page.force_login(demo_world.citizen)
    html = page.get("/policies/mine/").content.decode()
    assert "老年人免费乘坐公交地铁" in html and "年龄不少于 80 周岁（您的情况：68 周岁）" in html


def test_the_demo_enterprise_qualifies_for_some_and_not_others_with_reasons(demo_world):
    mine = selectors.my_policies(demo_world.enterprise)
    eligible, ineligible = _by_code(mine["eligible"]), _by_code(mine["ineligible"])
    assert {"xa-catering-relief", "xa-job-stabilisation-refund", "xa-small-profit-tax"} <= set(eligible)
    assert {"xa-rd-post-subsidy", "xa-hiring-subsidy", "xa-manufacturing-upgrade"} <= set(ineligible)
    reasons = [(r.text, r.actual) for r in ineligible["xa-hiring-subsidy"]["reasons"]]
    assert reasons == [("从业人数不少于 30 人", "28 人")]
    assert not any(o.policy.subject_kind == "person" for o in mine["offers"])
    assert not (set(eligible) | set(ineligible)) & {p["code"] for p in demo.POLICIES if p["subject_kind"] == "person"}
