"""Applying for a bundle: one application → one case per applicable member (through cases'
intake), joint acceptance, members in dependency order, partial refusal, the critical-path due
date, joint delivery with one pickup code, withdrawal, chasing."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.bundles import applications
from yiwang.bundles.constants import BundleCaseStatus, MemberState
from yiwang.bundles.models import BundleChase
from yiwang.bundles.selectors import bundle_checklist, late_bundle_cases
from yiwang.bundles.tests.factories import published_bundle, shop
from yiwang.cases.constants import CaseStatus
from yiwang.cases.services import case_decide, stored_file_create
from yiwang.cases.tests.conftest import PDF_BYTES as PDF
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.notifications.models import Notification
from yiwang.orgs.constants import Role
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 16)


class W:
    pass


@pytest.fixture
def w():
    w = W()
    w.s = shop()
    w.version = published_bundle(w.s)
    w.citizen = UserFactory(real_name="王秀英")

    def staff(name, *grants):
        user = StaffFactory(username=name)
        for org, role in grants:
            RoleGrant.objects.create(user=user, organisation=org, role=role)
        return user

    # The 一件事 window of the lead agency serves every member's agency.
    w.clerk = staff("yjs_clerk", (w.s.market, Role.WINDOW_CLERK), (w.s.urban, Role.WINDOW_CLERK))
    w.market_approver = staff("market_approver", (w.s.market, Role.DEPT_APPROVER))
    w.urban_approver = staff("urban_approver", (w.s.urban, Role.DEPT_APPROVER))
    w.urban_reviewer = staff("urban_reviewer", (w.s.urban, Role.DEPT_REVIEWER))
    return w


def _payload(w, answers):
    checklist = bundle_checklist(w.version, answers)
    stored = stored_file_create(actor=w.citizen, owner=w.citizen, upload=SimpleUploadedFile("a.pdf", PDF))
    form = {f.name: f"{f.label}内容" for f in checklist.form.fields}
    materials = {m.key: {"file": stored.pk} for m in checklist.materials.merged if m.submitted}
    return checklist, form, materials


def _apply(w, answers=None, **kwargs):
    answers = answers or {"signboard": "yes", "agent": "no"}
    _, form, materials = _payload(w, answers)
    return applications.bundle_application_submit(actor=w.citizen, applicant=w.citizen, bundle_id=w.version.bundle_id,
                                                  answers=answers, form_data=form, materials=materials, today=MONDAY, **kwargs)


def _member(bundle_case, version):
    return bundle_case.members.select_related("case").get(implementation_id=version.implementation_id)


def _approve(w, version, approver):
    case = version.implementation.cases.get()
    case_decide(actor=approver, case=case, decision="approved", reasons="符合条件", today=MONDAY)


def test_one_application_files_one_case_per_member_through_intake(w):
    bundle_case = _apply(w)
    members = list(bundle_case.members.select_related("case").order_by("order"))
    assert [m.implementation_id for m in members] == [w.s.check.implementation_id, w.s.food.implementation_id,
                                                       w.s.sign.implementation_id]
    assert [m.case.agency_id for m in members] == [w.s.market.pk, w.s.market.pk, w.s.urban.pk]
    assert all(m.case.status == CaseStatus.SUBMITTED for m in members)
    assert [m.state for m in members] == [MemberState.RUNNING, MemberState.WAITING, MemberState.WAITING]
    food = members[1].case
    # Each member's form data by data element; the per-member element keeps the member's own answer.
    assert food.application.form_data["enterprise.name"] == members[0].case.application.form_data["enterprise.name"]
    assert food.application.form_data["matter.description"] == "经营项目说明内容"
    # The business licence, handed in once, is attached to both members that need it.
    licence = {m.case.implementation_id: m.case.application.materials.filter(requirement__name__startswith="营业执照").first()
               for m in members}
    assert licence[w.s.food.implementation_id].stored_file_id == licence[w.s.sign.implementation_id].stored_file_id
    assert bundle_case.version_id == w.version.pk and bundle_case.status == BundleCaseStatus.SUBMITTED


def test_answers_leave_out_a_member(w):
    bundle_case = _apply(w, {"signboard": "no", "agent": "no"})
    assert bundle_case.members.count() == 2


def test_a_missing_material_is_named_and_nothing_is_filed(w):
    checklist, form, materials = _payload(w, {"signboard": "yes", "agent": "no"})
    materials.pop(next(m.key for m in checklist.materials.merged if m.name.startswith("户外招牌设施设计平面图")))
    with pytest.raises(ValidationFailed) as failed:
        applications.bundle_application_submit(actor=w.citizen, applicant=w.citizen, bundle_id=w.version.bundle_id,
                                               answers={"signboard": "yes", "agent": "no"}, form_data=form, materials=materials)
    assert "户外招牌设施设计平面图" in failed.value.message and "户外招牌设施设置规范管理" in failed.value.message
    assert not w.citizen.bundle_cases.exists() and not w.citizen.cases.exists()


def test_joint_acceptance_accepts_every_member_and_due_date_follows_the_critical_path(w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.IN_PROGRESS
    # Every member accepted; the ones that wait for the business licence check hold their clocks.
    assert _member(bundle_case, w.s.check).case.status == CaseStatus.UNDER_REVIEW
    for version in (w.s.food, w.s.sign):
        case = _member(bundle_case, version).case
        assert case.status == CaseStatus.ACCEPTED and case.accepted_on == MONDAY
        assert case.waiting_since == MONDAY and case.due_on is None and not case.tasks.exists()
    # 即办 (0) then 食品经营许可 (10) on the longest chain; the signboard (3) runs beside it.
    assert bundle_case.critical_days == 10
    assert bundle_case.due_on == dt.date(2026, 11, 30)


def test_joint_acceptance_names_the_member_that_fails(w):
    RoleGrant.objects.filter(user=w.clerk, organisation=w.s.urban).delete()
    bundle_case = _apply(w)
    with pytest.raises(DomainError) as failed:
        applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    assert "「户外招牌设施设置规范管理」" in failed.value.message and "食品经营许可" not in failed.value.message
    assert {m.case.status for m in bundle_case.members.select_related("case")} == {CaseStatus.SUBMITTED}


def test_members_start_when_what_they_wait_for_concludes(w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    assert _member(bundle_case, w.s.food).state == MemberState.WAITING
    _approve(w, w.s.check, w.market_approver)
    assert _member(bundle_case, w.s.check).state == MemberState.CONCLUDED
    assert _member(bundle_case, w.s.food).state == MemberState.RUNNING
    assert _member(bundle_case, w.s.sign).state == MemberState.RUNNING


def test_a_refused_member_closes_its_dependents_only(w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    _approve(w, w.s.check, w.market_approver)
    sign = _member(bundle_case, w.s.sign).case
    case_decide(actor=w.urban_approver, case=sign, decision="denied", reasons="位置不符合规划", legal_basis="城市市容和环境卫生管理条例",
                today=MONDAY)
    assert _member(bundle_case, w.s.sign).state == MemberState.REFUSED
    assert _member(bundle_case, w.s.food).state == MemberState.RUNNING  # does not depend on the signboard
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.IN_PROGRESS


def test_refusing_the_first_member_closes_everything_that_needs_it(w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    check = _member(bundle_case, w.s.check).case
    case_decide(actor=w.market_approver, case=check, decision="denied", reasons="信息不符", legal_basis="公司登记管理条例", today=MONDAY)
    food = _member(bundle_case, w.s.food)
    assert food.state == MemberState.CLOSED and "「企业营业执照信息核验」未获准予" in food.closed_reason
    assert food.case.status == CaseStatus.TERMINATED
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.CONCLUDED
    assert set(Notification.objects.filter(recipient=w.citizen, title__contains="成员已关闭").values_list("title", flat=True)) == {
        "一件事成员已关闭：食品经营许可", "一件事成员已关闭：户外招牌设施设置规范管理"}


def test_joint_delivery_one_pickup_code_once_the_last_member_concludes(w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    _approve(w, w.s.check, w.market_approver)
    _approve(w, w.s.food, w.market_approver)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.IN_PROGRESS and not bundle_case.pickup_code_hash
    _approve(w, w.s.sign, w.urban_approver)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.CONCLUDED
    body = Notification.objects.filter(recipient=w.citizen, title__contains="一件事已办结").first().body
    code = re.search(r"取件码 (\d{6})", body).group(1)
    with pytest.raises(DomainError):
        applications.bundle_case_deliver(actor=w.clerk, bundle_case=bundle_case, pickup_code="000000" if code != "000000" else "111111")
    applications.bundle_case_deliver(actor=w.clerk, bundle_case=bundle_case, pickup_code=code)
    assert {m.case.status for m in bundle_case.members.select_related("case")} == {CaseStatus.DELIVERED}


def test_member_by_member_delivery_has_no_joint_code(w):
    bundle_case = _apply(w, joint_delivery=False)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    for version, approver in ((w.s.check, w.market_approver), (w.s.food, w.market_approver), (w.s.sign, w.urban_approver)):
        _approve(w, version, approver)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.CONCLUDED and not bundle_case.pickup_code_hash


def test_withdraw_one_member_then_the_whole_bundle(w):
    bundle_case = _apply(w)
    applications.bundle_case_withdraw(actor=w.citizen, bundle_case=bundle_case, member_id=w.s.sign.implementation_id)
    assert _member(bundle_case, w.s.sign).case.status == CaseStatus.WITHDRAWN
    assert _member(bundle_case, w.s.sign).state == MemberState.CLOSED
    applications.bundle_case_withdraw(actor=w.citizen, bundle_case=bundle_case)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.WITHDRAWN
    assert {m.case.status for m in bundle_case.members.select_related("case")} == {CaseStatus.WITHDRAWN}


def test_lead_agency_chases_a_member_recorded_and_notified(w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    applications.bundle_member_chase(actor=w.clerk, bundle_case=bundle_case, member_id=w.s.sign.implementation_id, note="请加快")
    assert BundleChase.objects.filter(bundle_case=bundle_case, member__implementation_id=w.s.sign.implementation_id).exists()
    assert Notification.objects.filter(recipient=w.urban_reviewer, title__startswith="催办").exists()


def test_same_idempotency_key_returns_the_first_bundle_case(w):
    first = _apply(w, idempotency_key="k-1")
    again = _apply(w, idempotency_key="k-1")
    assert again.pk == first.pk and again.replayed


# --- API -----------------------------------------------------------------------------------

def test_api_apply_and_read_the_bundle_case(client, w):
    answers = {"signboard": "no", "agent": "no"}
    _, form, materials = _payload(w, answers)
    client.force_login(w.citizen)
    url = f"/api/v1/bundles/{w.version.bundle_id}/applications"
    body = {"answers": answers, "form_data": form, "materials": materials}
    response = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert [m["name"] for m in created["members"]] == ["企业营业执照信息核验", "食品经营许可"]
    assert created["members"][1]["waits_for"] == [w.s.check.implementation_id] and created["members"][1]["state"] == "waiting"
    again = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert again.status_code == 200 and again.json()["id"] == created["id"] and again.json()["replayed"]
    read = client.get(f"/api/v1/bundle-cases/{created['id']}").json()
    assert read["number"] == created["number"] and read["timeline"][0]["text"] == "提交一件事申请"
    assert any(e["member"] == "食品经营许可" for e in read["timeline"])
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/bundle-cases/{created['id']}").status_code == 404


def test_api_apply_errors_name_the_field(client, w):
    client.force_login(w.citizen)
    url = f"/api/v1/bundles/{w.version.bundle_id}/applications"
    response = client.post(url, {"answers": {"signboard": "maybe"}}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "validation_failed"
    missing = client.post(url, {"answers": {"signboard": "no"}, "form_data": {}}, content_type="application/json")
    assert missing.status_code == 400 and "企业营业执照信息核验" in missing.json()["message"]
    client.logout()
    assert client.post(url, {}, content_type="application/json").status_code == 401


# --- Pages ---------------------------------------------------------------------------------

def test_applicant_page_and_lead_console_with_chase(client, w):
    bundle_case = _apply(w)
    applications.bundle_case_accept(actor=w.clerk, bundle_case=bundle_case, today=MONDAY)
    client.force_login(w.citizen)
    page = client.get(f"/bundles/cases/{bundle_case.pk}/").content.decode()
    assert "食品经营许可" in page and "等待前序事项办结" in page and bundle_case.number in page
    client.force_login(w.clerk)
    console = client.get("/bundles/console/").content.decode()
    assert bundle_case.number in console
    late = [m for _, members in late_bundle_cases(actor=w.clerk, today=dt.date(2027, 1, 4)) for m in members]
    assert {m.implementation_id for m in late} == {w.s.check.implementation_id}  # the others wait
    response = client.post(f"/bundles/console/{bundle_case.pk}/members/{w.s.check.implementation_id}/chase/", {"note": "请加快"})
    assert response.status_code == 302 and BundleChase.objects.filter(bundle_case=bundle_case).count() == 1
    client.force_login(UserFactory())
    assert client.get(f"/bundles/cases/{bundle_case.pk}/").status_code == 404
