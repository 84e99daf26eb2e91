"""Matching: publishing matches everyone on file and tells the newly eligible once (inbox + SMS);
a profile change re-matches that subject through licences.profile_changed; 免申即享 offers an
entitlement the subject confirms or declines; a prefilled application for the others."""

from __future__ import annotations

import pytest

from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.licences.tests.conftest import issue
from yiwang.notifications.models import Notification
from yiwang.policies import selectors, services
from yiwang.policies.models import Entitlement, PolicyMatch
from yiwang.policies.tests.conftest import make_policy, person, set_profile

pytestmark = pytest.mark.django_db


def _told(user, policy):
    return Notification.objects.filter(recipient=user, topic="policy", object_id=str(policy.pk))


def test_publish_matches_everyone_and_tells_the_eligible(pw):
    old = person(pw, birth="19500101")  # 76, in 雁塔区
    young = person(pw, birth="19900101")
    outside = person(pw, birth="19450101", division="610402")  # 咸阳: not Xi'an
    no_account = person(pw, birth="19400101", user=False)
    policy = make_policy(pw)
    eligible = {m.profile_id for m in PolicyMatch.objects.filter(policy=policy, eligible=True)}
    assert eligible == {old.pk, no_account.pk}
    assert not PolicyMatch.objects.get(policy=policy, profile_id=young.pk).eligible
    assert not PolicyMatch.objects.get(policy=policy, profile_id=outside.pk).eligible
    told = _told(old.user, policy)
    assert sorted(told.values_list("channel", flat=True)) == ["in_app", "sms"]
    assert "免申即享" in told.first().title and told.first().link == "/policies/mine/"
    assert not _told(young.user, policy).exists()
    assert Entitlement.objects.get(policy=policy, profile_id=old.pk).status == "offered"
    assert [m.subject_name for m in selectors.eligible_subjects(policy)] == sorted([old.name, no_account.name])


def test_only_policy_officers_keep_the_library(pw):
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=pw.officer, data={"code": "x-1", "title": "x", "category": "elderly",
                                                       "kind": "automatic", "subject_kind": "person", "rules": {"all": []}})


def test_a_rule_that_does_not_validate_is_not_saved(pw):
    with pytest.raises(ValidationFailed) as caught:
        make_policy(pw, rules={"all": [{"attr": "age", "op": ">=", "value": "六十"}]})
    assert caught.value.errors[0].field == "rules" and "all[0].value（年龄）" in caught.value.errors[0].message
    with pytest.raises(ValidationFailed) as caught:
        make_policy(pw, code="mine")
    assert caught.value.errors[0].field == "code"


def test_a_profile_change_rematches_that_subject_and_tells_them_once(pw):
    subject = person(pw, birth="19900101")
    policy = make_policy(pw, rules={"all": [{"attr": "employment_status", "op": "==", "value": "retired"}]}, kind="application")
    assert not PolicyMatch.objects.get(policy=policy, profile_id=subject.pk).eligible
    set_profile(pw, subject.user, employment_status="retired")  # licences fires licences.profile_changed
    match = PolicyMatch.objects.get(policy=policy, profile_id=subject.pk)
    assert match.eligible and match.notified_at is not None
    told = _told(subject.user, policy)
    assert told.filter(channel="in_app").count() == 1
    assert told.first().link == f"/policies/{policy.code}/apply/"
    # Drops out, qualifies again: matched again, not told again.
    set_profile(pw, subject.user, employment_status="employed")
    assert not PolicyMatch.objects.get(pk=match.pk).eligible
    set_profile(pw, subject.user, employment_status="retired")
    assert PolicyMatch.objects.get(pk=match.pk).eligible
    assert told.filter(channel="in_app").count() == 1
    assert not Entitlement.objects.filter(policy=policy).exists()  # one applies for this kind


def test_a_licence_filling_the_profile_rematches_too(pw):
    policy = make_policy(pw, code="ent-catering", subject_kind="enterprise",
                         rules={"all": [{"attr": "industry_code", "op": "prefix", "value": ["H62"]}]})
    from yiwang.licences.services import profile_for_user

    profile = profile_for_user(pw.enterprise)
    services.policy_rematch(policy=policy)
    assert not PolicyMatch.objects.get(policy=policy, profile_id=profile.pk).eligible
    issue(pw, "LIC-BUSINESS-LICENCE", division_code="610113", attributes={"enterprise.industry_code": "H6210"})
    profile_for_user(pw.enterprise)  # the profile fills from the new business licence
    assert PolicyMatch.objects.get(policy=policy, profile_id=profile.pk).eligible
    assert Entitlement.objects.get(policy=policy, profile_id=profile.pk).user == pw.enterprise


def test_a_rule_change_rematches_the_policy(pw):
    subject = person(pw, birth="19620101")  # 64
    policy = make_policy(pw, rules={"all": [{"attr": "age", "op": ">=", "value": 70}]})
    assert not PolicyMatch.objects.get(policy=policy, profile_id=subject.pk).eligible
    services.policy_update(actor=pw.policy_officer, policy=policy,
                           data={"rules": {"all": [{"attr": "age", "op": ">=", "value": 60}]}})
    policy.refresh_from_db()
    match = PolicyMatch.objects.get(policy=policy, profile_id=subject.pk)
    assert policy.version == 2 and match.eligible and match.policy_version == 2
    assert _told(subject.user, policy).filter(channel="in_app").count() == 1


def test_withdrawn_policies_match_nobody_new(pw):
    policy = make_policy(pw)
    services.policy_withdraw(actor=pw.policy_officer, policy=policy)
    subject = person(pw, birth="19400101")
    assert not PolicyMatch.objects.filter(policy=policy, profile_id=subject.pk, eligible=True).exists()
    assert policy.code not in [r["policy"].code for r in selectors.my_policies(subject.user)["eligible"]]
    with pytest.raises(Conflict):
        services.policy_withdraw(actor=pw.policy_officer, policy=policy)


def test_confirm_or_decline_an_automatic_entitlement_once(pw):
    a, b = person(pw, birth="19500101"), person(pw, birth="19510101")
    policy = make_policy(pw)
    offer_a = Entitlement.objects.get(policy=policy, profile_id=a.pk)
    offer_b = Entitlement.objects.get(policy=policy, profile_id=b.pk)
    services.entitlement_decide(actor=a.user, entitlement=offer_a, accept=True)
    services.entitlement_decide(actor=b.user, entitlement=offer_b, accept=False)
    offer_a.refresh_from_db()
    offer_b.refresh_from_db()
    assert (offer_a.status, offer_b.status) == ("confirmed", "declined") and offer_a.decided_at
    with pytest.raises(Conflict):
        services.entitlement_decide(actor=a.user, entitlement=offer_a, accept=False)
    with pytest.raises(ValidationFailed):
        services.entitlement_decide(actor=a.user, entitlement=offer_b, accept=True)
    # Re-matching offers nothing new to someone who declined.
    services.policy_rematch(policy=policy)
    assert Entitlement.objects.filter(policy=policy).count() == 2


def test_my_policies_with_reasons(pw):
    subject = person(pw, birth="19580315", employment_status="retired")
    make_policy(pw, code="senior-60")
    make_policy(pw, code="senior-80", title="高龄津贴", rules={"all": [{"attr": "age", "op": ">=", "value": 80}]})
    make_policy(pw, code="household", title="小家庭补贴", kind="application",
                rules={"all": [{"attr": "household_size", "op": "<=", "value": 2}]})
    mine = selectors.my_policies(subject.user)
    assert [r["policy"].code for r in mine["eligible"]] == ["senior-60"]
    reasons = {r["policy"].code: [(x.text, x.actual, x.verdict) for x in r["reasons"]] for r in mine["ineligible"]}
    assert reasons["senior-80"] == [("年龄不少于 80 周岁", "68 周岁", "不符合")]
    assert reasons["household"] == [("户内人数不超过 2 人", "档案中未登记", "信息不全")]
    assert [o.policy.code for o in mine["offers"]] == ["senior-60"]


def test_prefilled_application(pw):
    subject = person(pw, birth="19580315", household_size=2)
    policy = make_policy(pw, code="household", kind="application",
                         rules={"all": [{"attr": "household_size", "op": "<=", "value": 2}]})
    profile = selectors.subject_of(subject.user)
    assert selectors.application_prefill(policy, profile) == [("申请人", subject.name), ("户内人数", "2 人")]
    with pytest.raises(ValidationFailed) as caught:
        services.policy_apply(actor=subject.user, policy=policy, profile=profile, phone="123", declared=False)
    assert {e.field for e in caught.value.errors} == {"phone", "declared"}
    applied = services.policy_apply(actor=subject.user, policy=policy, profile=profile, phone="13900000001", declared=True)
    assert applied.status == "applied" and applied.application_data["attributes"] == {"household_size": "2 人"}
    with pytest.raises(Conflict):
        services.policy_apply(actor=subject.user, policy=policy, profile=profile, phone="13900000001", declared=True)
    other = person(pw, birth="19580315", household_size=5)
    with pytest.raises(ValidationFailed):
        services.policy_apply(actor=other.user, policy=policy, profile=selectors.subject_of(other.user),
                              phone="13900000001", declared=True)
