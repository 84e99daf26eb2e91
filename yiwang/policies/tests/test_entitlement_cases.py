"""免申即享 and 依申请 as real cases: an eligible subject gets one case filed in the paying agency
(channel proactive, prefilled, awaiting confirmation, no clock); confirming submits it and it is
handled as any case; declining or leaving it unconfirmed closes it with the reason; re-matching
never files a second; the ineligible get none; a 依申请 policy opens the item's real application."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.cases import selectors as cases_selectors
from yiwang.cases import services as cases_services
from yiwang.cases.models import Application, Case
from yiwang.licences.services import profile_update
from yiwang.notifications.models import Notification
from yiwang.policies import services
from yiwang.policies.models import Entitlement, PolicyMatch
from yiwang.policies.tests.conftest import make_policy, person

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cases(user):
    return list(Case.objects.filter(applicant=user))


def test_an_eligible_subject_gets_one_case_awaiting_confirmation_with_no_clock(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, implementation=paying.item)
    [case] = _cases(subject.user)
    assert (case.status, case.channel, case.agency_id) == ("awaiting_confirmation", "proactive", paying.hrss.pk)
    assert case.due_on is None and case.accepted_on is None
    clock = cases_selectors.case_clock(case)
    assert clock.stopped and clock.due_on is None
    assert case.application.form_data["applicant.name"] == subject.user.real_name  # prefilled (sealed at rest)
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    assert (entitlement.status, entitlement.case_id) == ("offered", case.pk)
    told = Notification.objects.filter(recipient=subject.user, topic="policy")
    assert {n.channel for n in told} == {"in_app", "sms"}  # inbox + SMS, once
    inbox = told.get(channel="in_app")
    assert case.number in inbox.body and inbox.link == f"/cases/mine/{case.pk}/"
    # 我的办件 lists it; its page offers the confirmation; 我的政策 shows the case.
    client = client_for(subject.user)
    assert case.number in client.get("/cases/mine/").content.decode()
    page = client.get(f"/cases/mine/{case.pk}/").content.decode()
    assert "待确认领取" in page and "确认领取" in page and "确认领取并受理后开始计时" in page
    assert case.number in client.get("/policies/mine/").content.decode()
    mine = {row["policy"]["code"]: row for row in client.get("/api/v1/policies/mine").json()}
    assert mine[policy.code]["entitlement"]["case"]["number"] == case.number
    assert mine[policy.code]["entitlement"]["case"]["status"] == "awaiting_confirmation"
    # Nobody at the agency is asked to accept it yet: monitoring ignores it.
    cases_services.run_monitoring(today=timezone.localdate() + dt.timedelta(days=30))
    case.refresh_from_db()
    assert case.status == "awaiting_confirmation" and case.warning == ""


def test_confirm_submits_the_case_the_clock_starts_and_an_approver_decides(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, implementation=paying.item)
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    response = client_for(subject.user).post(f"/policies/entitlements/{entitlement.pk}/decide/",
                                              {"decision": "confirm", "payee_note": "社保卡"})
    assert response.status_code == 302
    case = Case.objects.get(pk=entitlement.case_id)
    today = timezone.localdate()
    assert case.status == "submitted" and case.received_on == today and case.acceptance_due_on > today
    assert Application.objects.get(pk=case.application_id).submitted_at is not None
    entitlement.refresh_from_db()
    assert entitlement.status == "confirmed" and entitlement.payee_note == "社保卡"
    cases_services.case_accept(actor=paying.approver, case=case)
    case.refresh_from_db()
    # The decision clock runs from acceptance (the back-office process starts the review at once).
    assert case.status in ("accepted", "under_review") and case.accepted_on and case.due_on is not None
    cases_services.case_decide(actor=paying.approver, case=case, decision="approved", reasons="符合政策条件",
                               legal_basis="老年人生活补贴政策")
    case.refresh_from_db()
    assert case.decision == "approved"
    timeline = [c.action for c in case.status_changes.all()]
    assert timeline[:2] == ["offer", "confirm"]
    # Confirmed once: a second decision is refused.
    again = client_for(subject.user).post(f"/policies/entitlements/{entitlement.pk}/decide/", {"decision": "decline"})
    assert again.status_code == 302
    entitlement.refresh_from_db()
    assert entitlement.status == "confirmed"


def test_decline_closes_the_case_with_the_reason(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, implementation=paying.item)
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    client_for(subject.user).post(f"/policies/entitlements/{entitlement.pk}/decide/",
                                  {"decision": "decline", "next": "case"})
    case = Case.objects.get(pk=entitlement.case_id)
    assert case.status == "withdrawn" and case.closed_reason == "申请人放弃领取"
    entitlement.refresh_from_db()
    assert entitlement.status == "declined"


def test_another_subject_cannot_confirm(paying):
    subject, other = person(paying, birth="19580315"), person(paying, birth="19500101")
    policy = make_policy(paying, implementation=paying.item)
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    response = client_for(other.user).post(f"/policies/entitlements/{entitlement.pk}/decide/", {"decision": "confirm"})
    assert response.status_code == 404
    assert Case.objects.get(pk=entitlement.case_id).status == "awaiting_confirmation"


def test_rematching_and_profile_changes_never_file_a_second_case(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, implementation=paying.item)
    services.policy_rematch(policy=policy)
    services.subject_rematch(profile_id=subject.pk)
    profile_update(actor=paying.officer, profile=subject, changes={"household_size": "2"})
    PolicyMatch.objects.filter(policy=policy).update(notified_at=None)  # even told again
    services.policy_rematch(policy=policy)
    assert len(_cases(subject.user)) == 1
    assert Entitlement.objects.filter(policy=policy, profile_id=subject.pk).count() == 1
    assert Application.objects.filter(applicant=subject.user).count() == 1


def test_a_new_policy_period_is_a_new_offer(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, implementation=paying.item, valid_until=dt.date(2026, 12, 31))
    services.policy_update(actor=paying.policy_officer, policy=policy, data={"valid_until": "2027-12-31"})
    assert len(_cases(subject.user)) == 2
    assert Entitlement.objects.filter(policy=policy, profile_id=subject.pk).count() == 2


def test_the_ineligible_get_no_case_and_a_profile_change_files_one(paying):
    young = person(paying, birth="19900101")
    make_policy(paying, implementation=paying.item)
    assert _cases(young.user) == []
    assert not Entitlement.objects.filter(profile_id=young.pk).exists()
    # Incremental: the profile changes (a correction of the birth date) and the subject qualifies.
    profile_update(actor=paying.officer, profile=young, changes={"birth_date": "1950-01-01"})
    assert [c.status for c in _cases(young.user)] == ["awaiting_confirmation"]


def test_an_unconfirmed_case_lapses_after_the_period(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, implementation=paying.item)
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    assert services.entitlements_sweep() == {"lapsed": 0, "filed": 0}
    later = timezone.now() + dt.timedelta(days=services.CONFIRM_DAYS + 1)
    assert services.entitlements_sweep(now=later) == {"lapsed": 1, "filed": 0}
    assert services.entitlements_sweep(now=later) == {"lapsed": 0, "filed": 0}  # idempotent
    case = Case.objects.get(pk=entitlement.case_id)
    entitlement.refresh_from_db()
    assert case.status == "terminated" and "未确认领取" in case.closed_reason
    assert entitlement.status == "lapsed"


def test_an_offer_without_a_case_gets_one_when_swept(paying):
    """Offers made before the policy named an item (the migration's rows) are filed by the sweep."""
    subject = person(paying, birth="19580315")
    policy = make_policy(paying)  # no item yet: the offer is only told
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    assert entitlement.case_id is None and _cases(subject.user) == []
    services.policy_update(actor=paying.policy_officer, policy=policy, data={"implementation": paying.item.pk})
    assert services.entitlements_sweep() == {"lapsed": 0, "filed": 1}
    entitlement.refresh_from_db()
    assert Case.objects.get(pk=entitlement.case_id).status == "awaiting_confirmation"


def test_an_unpublished_item_is_refused_as_the_policy_s_item(paying):
    from yiwang.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        make_policy(paying, code="bad-item", implementation=999_999)
    assert caught.value.errors[0].field == "implementation"


def test_the_application_policy_opens_the_item_s_prefilled_application_and_files_a_case(paying):
    subject = person(paying, birth="19580315")
    policy = make_policy(paying, code="home-care", kind="application", implementation=paying.item)
    client = client_for(subject.user)
    page = client.get("/policies/home-care/apply/").content.decode()
    assert "开始申请" in page and "老年人生活补贴发放" in page
    response = client.post("/policies/home-care/apply/")
    draft = Application.objects.get(applicant=subject.user, status="draft")
    assert response.status_code == 302 and response["Location"] == f"/cases/apply/drafts/{draft.pk}/form/"
    assert draft.form_data["applicant.id_number"] == subject.user.id_number  # prefilled from the profile
    # Opening it again continues the same draft.
    assert client.post("/policies/home-care/apply/")["Location"] == response["Location"]
    app = cases_services.application_submit_draft(actor=subject.user, draft=draft, idempotency_key="k-1")
    case = app.cases.get()
    assert case.status == "submitted" and case.channel == "web"
    entitlement = Entitlement.objects.get(policy=policy, profile_id=subject.pk)
    assert (entitlement.status, entitlement.application_id) == ("applied", app.pk)
    assert case.number in client.get("/policies/mine/").content.decode()
    again = client.post("/policies/home-care/apply/")
    assert again["Location"] == f"/cases/mine/{case.pk}/"
    assert Case.objects.filter(applicant=subject.user).count() == 1


def test_the_officer_names_the_item_in_the_editor(paying):
    policy = make_policy(paying, code="senior-edit", publish=False)
    client = client_for(paying.policy_officer)
    page = client.get(f"/policies/staff/{policy.pk}/").content.decode()
    assert "兑现事项编号" in page
    form = {"title": policy.title, "category": "elderly", "kind": "automatic", "subject_kind": "person",
            "rules": '{"all": []}', "implementation": "abc"}
    bad = client.post(f"/policies/staff/{policy.pk}/", form).content.decode()
    assert "兑现事项：应为已发布的办事事项编号。" in bad
    client.post(f"/policies/staff/{policy.pk}/", {**form, "implementation": str(paying.item.pk)})
    policy.refresh_from_db()
    assert policy.implementation_id == paying.item.pk
    assert "老年人生活补贴发放" in client.get(f"/policies/staff/{policy.pk}/").content.decode()
