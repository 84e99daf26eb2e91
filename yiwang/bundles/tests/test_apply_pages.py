"""The bundle apply wizard over HTTP (the real views): questions → merged form → merged materials
(uploads stored through cases) → delivery → review → submit → the bundle case page. Errors are
named next to their field; nothing is filed before the last step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.bundles.models import BundleCase
from yiwang.bundles.pages.apply import material_slot
from yiwang.bundles.selectors import bundle_checklist
from yiwang.bundles.tests.factories import published_bundle, shop
from yiwang.cases.forms import input_id
from yiwang.cases.tests.conftest import PDF_BYTES as PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    class W:
        pass
    w = W()
    w.s = shop()
    w.version = published_bundle(w.s)
    w.citizen = UserFactory(real_name="王秀英")
    w.base = f"/bundles/{w.version.bundle_id}/apply"
    return w


def _step(w, step):
    return f"{w.base}/{step}/"


def _answer(client, w, answers):
    return client.post(_step(w, "questions"), {f"q-{k}": v for k, v in answers.items()})


def test_guide_links_to_the_wizard_and_start_needs_a_login(client, w):
    guide = client.get(f"/bundles/{w.version.bundle_id}/").content.decode()
    assert f'href="{w.base}/"' in guide and "一次申请" in guide
    response = client.get(f"{w.base}/")
    assert response.status_code == 302 and "/login" in response["Location"] or "accounts" in response["Location"]
    client.force_login(w.citizen)
    assert client.get(f"{w.base}/")["Location"] == _step(w, "questions")
    # Later steps before the questions are answered go back to the questions.
    assert client.get(_step(w, "form"))["Location"] == _step(w, "questions")
    assert client.get("/bundles/999999/apply/questions/").status_code == 404


def test_staff_are_sent_to_their_workbench(client, w):
    client.force_login(StaffFactory())
    assert client.get(_step(w, "questions")).status_code == 403


def test_whole_wizard_files_one_bundle_case_and_shows_every_member(client, w):
    client.force_login(w.citizen)
    page = client.get(_step(w, "questions")).content.decode()
    assert "需要设置户外招牌吗？" in page and "由他人代为办理吗？" in page
    # An unanswered question is named next to it.
    missing = _answer(client, w, {"signboard": "yes"})
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "请回答「由他人代为办理吗？」" in body and 'id="question-agent-error"' in body
    assert _answer(client, w, {"signboard": "yes", "agent": "no"})["Location"] == _step(w, "form")

    checklist = bundle_checklist(w.version, {"signboard": "yes", "agent": "no"})
    form = client.get(_step(w, "form")).content.decode()
    for field in checklist.form.fields:
        assert f'name="{field.name}"' in form
    # The merged form asks 单位名称 once although three members need it.
    assert form.count('name="enterprise.name"') == 1
    empty = client.post(_step(w, "form"), {"nav": "next"})
    assert empty.status_code == 400
    assert f'id="{input_id("enterprise.name")}-error"' in empty.content.decode()
    data = {f.name: f"{f.label}内容" for f in checklist.form.fields}
    assert client.post(_step(w, "form"), {**data, "nav": "next"})["Location"] == _step(w, "materials")

    materials = client.get(_step(w, "materials")).content.decode()
    to_hand_in = [m for m in checklist.materials.merged if m.submitted and m.source_channel != "online_form"]
    assert to_hand_in and all(f'name="file-{material_slot(m.key)}"' in materials for m in to_hand_in)
    # A required material left out is named next to its input; the upload that worked is kept.
    first, *rest = to_hand_in
    partial = client.post(_step(w, "materials"), {
        "nav": "next", f"file-{material_slot(first.key)}": SimpleUploadedFile("a.pdf", PDF, "application/pdf")})
    assert partial.status_code == 400
    assert "已上传：a.pdf" in partial.content.decode()
    required_rest = [m for m in rest if m.necessity == "required"]
    assert all(f"请上传「{m.name}」" in partial.content.decode() for m in required_rest)
    uploads = {f"file-{material_slot(m.key)}": SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i, m in enumerate(rest)}
    assert client.post(_step(w, "materials"), {"nav": "next", **uploads})["Location"] == _step(w, "delivery")

    assert client.post(_step(w, "delivery"), {"nav": "next", "joint_delivery": "separate"})["Location"] == _step(w, "review")
    review = client.get(_step(w, "review")).content.decode()
    assert "各事项办结后分别领取" in review and "户外招牌设施设置规范管理" in review
    assert BundleCase.objects.count() == 0  # nothing is filed before the submit
    key = review.split('name="idempotency_key" value="')[1].split('"')[0]
    done = client.post(_step(w, "review"), {"nav": "submit", "idempotency_key": key})
    bundle_case = BundleCase.objects.get()
    assert done["Location"] == f"/bundles/cases/{bundle_case.pk}/"
    assert bundle_case.joint_delivery is False and bundle_case.answers == {"signboard": "yes", "agent": "no"}
    assert bundle_case.members.count() == 3
    case_page = client.get(done["Location"]).content.decode()
    for version in (w.s.check, w.s.food, w.s.sign):
        assert version.name in case_page
    # The back button and a second click do not file twice: the wizard starts again.
    assert client.get(_step(w, "review"))["Location"] == _step(w, "questions")


def test_answers_leave_a_member_out_and_change_the_materials(client, w):
    client.force_login(w.citizen)
    _answer(client, w, {"signboard": "no", "agent": "yes"})
    form = client.get(_step(w, "form")).content.decode()
    assert 'name="signboard.content"' not in form
    materials = client.get(_step(w, "materials")).content.decode()
    assert "户外招牌设施设计平面图" not in materials and "授权委托书" in materials


def test_service_errors_on_submit_are_named_on_the_review_page(client, w):
    client.force_login(w.citizen)
    _answer(client, w, {"signboard": "no", "agent": "no"})
    checklist = bundle_checklist(w.version, {"signboard": "no", "agent": "no"})
    # Skipping the materials step (going straight to review) leaves required materials out:
    # the intake refuses and the review page names the member and the problem.
    data = {f.name: f"{f.label}内容" for f in checklist.form.fields}
    client.post(_step(w, "form"), {**data, "nav": "next"})
    response = client.post(_step(w, "review"), {"nav": "submit", "idempotency_key": "k1"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert BundleCase.objects.count() == 0


def test_delivery_needs_a_choice(client, w):
    client.force_login(w.citizen)
    _answer(client, w, {"signboard": "no", "agent": "no"})
    response = client.post(_step(w, "delivery"), {"nav": "next"})
    assert response.status_code == 400 and "请选择领取方式" in response.content.decode()


def test_lead_console_accepts_a_filed_bundle_jointly(client, w):
    from yiwang.bundles import applications
    from yiwang.bundles.constants import BundleCaseStatus
    from yiwang.cases.services import stored_file_create
    from yiwang.orgs.constants import Role
    from yiwang.orgs.models import RoleGrant

    clerk = StaffFactory(username="yjs_window")
    for org in (w.s.market, w.s.urban):
        RoleGrant.objects.create(user=clerk, organisation=org, role=Role.WINDOW_CLERK)
    answers = {"signboard": "yes", "agent": "no"}
    checklist = bundle_checklist(w.version, answers)
    stored = stored_file_create(actor=w.citizen, owner=w.citizen, upload=SimpleUploadedFile("a.pdf", PDF))
    bundle_case = applications.bundle_application_submit(
        actor=w.citizen, applicant=w.citizen, bundle_id=w.version.bundle_id, answers=answers,
        form_data={f.name: f"{f.label}内容" for f in checklist.form.fields},
        materials={m.key: {"file": stored.pk} for m in checklist.materials.merged if m.submitted})
    client.force_login(clerk)
    console = client.get("/bundles/console/").content.decode()
    assert "待综合受理" in console and bundle_case.number in console
    # Somebody without a role at the lead agency cannot accept (404: not theirs to see).
    outsider = StaffFactory(username="other_window")
    RoleGrant.objects.create(user=outsider, organisation=w.s.urban, role=Role.WINDOW_CLERK)
    client.force_login(outsider)
    assert client.post(f"/bundles/console/{bundle_case.pk}/accept/").status_code == 404
    client.force_login(clerk)
    assert client.post(f"/bundles/console/{bundle_case.pk}/accept/")["Location"] == "/bundles/console/"
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.IN_PROGRESS and bundle_case.due_on
    assert all(m.case.accepted_on for m in bundle_case.members.select_related("case"))
    assert f"/bundles/console/{bundle_case.pk}/accept/" not in client.get("/bundles/console/").content.decode()
