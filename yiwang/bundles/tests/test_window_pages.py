"""The 一件事 window over HTTP (the real views): a window clerk checks the applicant at the counter
(resident ID / USCC through the cases app's lookup), picks the bundle, answers the questions,
fills the merged form, ticks the merged materials as received on paper (or uploads a scan),
chooses the delivery and submits → one bundle case and one case per applicable member on the
window channel at her outlet; then 综合受理 from the bundle case page. Who may use it, errors
named beside their inputs with nothing written, and a double submit filing once."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.tests.factories import EnterpriseUserFactory, StaffFactory, UserFactory, valid_id, wrong_check_digit
from yiwang.bundles import applications
from yiwang.bundles.constants import BundleCaseStatus
from yiwang.bundles.models import BundleCase
from yiwang.bundles.pages.apply import material_slot, to_hand_in
from yiwang.bundles.selectors import bundle_checklist
from yiwang.bundles.tests.factories import published_bundle, shop
from yiwang.cases.constants import CaseStatus, Channel, MaterialSatisfaction
from yiwang.cases.forms import input_id
from yiwang.cases.models import ApplicationMaterial, Case
from yiwang.cases.tests.conftest import PDF_BYTES as PDF
from yiwang.catalog.models import DataElement
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.orgs.constants import OrganisationKind, Role
from yiwang.orgs.models import Organisation, RoleGrant
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HOME = "/bundles/window/"
ANSWERS = {"signboard": "yes", "agent": "no"}


class W:
    pass


def _staff(username, org, role):
    user = StaffFactory(username=username)
    RoleGrant.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def w():
    w = W()
    w.s = shop()
    # The members' agencies share one division, whose government service center is their hall:
    # its general window files (and receives) each member, so it files the bundle.
    division = DivisionFactory(code="610100", name="西安市")
    Organisation.objects.filter(pk__in=[w.s.market.pk, w.s.urban.pk]).update(division=division)
    w.center = OrganisationFactory(name="测试市政务服务中心", kind=OrganisationKind.SERVICE_CENTER, division=division)
    w.version = published_bundle(w.s)
    w.intake = f"/bundles/window/{w.version.bundle_id}/"
    w.clerk = _staff("hall_clerk", w.center, Role.WINDOW_CLERK)
    w.enterprise = EnterpriseUserFactory(org_name="西安示例餐饮管理有限公司")
    return w


def page(response) -> str:
    return response.content.decode()


def _checked(client, w, applicant=None):
    client.force_login(w.clerk)
    applicant = applicant or w.enterprise
    response = client.post(HOME, {"action": "find", "identifier": applicant.uscc or applicant.id_number})
    assert response.status_code == 302
    return applicant


def _shown(client, w, answers=ANSWERS, key="k-1"):
    """确定情形: the form for the answers; returns (page text, the fingerprint it carries)."""
    response = client.post(w.intake, {"action": "answers", "idempotency_key": key, **{f"q-{k}": v for k, v in answers.items()}})
    assert response.status_code == 200, page(response)
    text = page(response)
    return text, html.unescape(re.search(r'name="fingerprint" value="([^"]*)"', text).group(1))


def _full_post(w, fingerprint, *, answers=ANSWERS, key="k-1", **extra):
    checklist = bundle_checklist(w.version, answers)
    data = {"action": "submit", "idempotency_key": key, "fingerprint": fingerprint, "joint_delivery": "joint",
            "delivery-method": "window", **{f"q-{k}": v for k, v in answers.items()}}
    data.update({f.name: f"{f.label}内容" for f in checklist.form.fields})
    data.update({f"paper-{material_slot(m.key)}": "1" for m in to_hand_in(checklist)})
    data.update(extra)
    return checklist, data


# --- Who ---------------------------------------------------------------------------------------

def test_only_window_clerks_may_use_it(client, w):
    for url in (HOME, w.intake):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    reviewer = _staff("market_reviewer", w.s.market, Role.DEPT_REVIEWER)
    for user in (UserFactory(), w.enterprise, reviewer, w.s.editor):
        client.force_login(user)
        for url in (HOME, w.intake):
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert "综合窗口人员" in page(response)
        assert client.post(w.intake, {"action": "submit"}).status_code == 403
    assert BundleCase.objects.count() == 0


def test_workbench_and_console_link_to_the_window(client, w):
    client.force_login(w.clerk)
    workbench = page(client.get("/workbench/"))
    assert 'href="/bundles/window/"' in workbench and "一件事窗口受理" in workbench
    assert 'href="/bundles/window/"' in page(client.get("/bundles/console/"))
    client.force_login(w.s.editor)
    assert 'href="/bundles/window/"' not in page(client.get("/workbench/"))


# --- The applicant ------------------------------------------------------------------------------

def test_the_applicant_is_checked_by_id_or_uscc_with_check_digit_errors_named(client, w):
    client.force_login(w.clerk)
    home = page(client.get(HOME))
    assert re.search(r'<input[^>]*name="identifier"[^>]*autofocus', home)
    assert "请先核验申请人" in home  # the bundles are listed, not yet offered
    bad_id = wrong_check_digit(valid_id())
    response = client.post(HOME, {"action": "find", "identifier": bad_id})
    assert response.status_code == 400
    assert f"身份证号校验位错误，应为 {valid_id()[-1]}" in page(response)
    uscc = with_uscc_check_digit("91610113MA6W12345")
    wrong = uscc[:-1] + ("1" if uscc[-1] != "1" else "2")
    assert "统一社会信用代码校验位错误，应为" in page(client.post(HOME, {"action": "find", "identifier": wrong}))
    assert "18 位" in page(client.post(HOME, {"action": "find", "identifier": "12345"}))
    assert "尚未注册" in page(client.post(HOME, {"action": "find", "identifier": valid_id(sequence="999")}))
    assert client.get(w.intake)["Location"] == HOME  # no applicant checked yet

    citizen = UserFactory(real_name="王秀英")
    assert client.post(HOME, {"action": "find", "identifier": f" {citizen.id_number[:6]} {citizen.id_number[6:]} "}).status_code == 302
    home = page(client.get(HOME))
    assert "王秀英" in home and citizen.id_number not in home  # masked
    # A citizen sees the persons' bundles; the shop is an enterprise bundle, shown with 显示全部.
    assert "开办餐饮店" not in home
    assert f'href="{w.intake}"' in page(client.get(HOME + "?all=1"))
    # The applicant checked at the single-item window is the one here (one session key).
    client.post(HOME, {"action": "clear"})
    client.post("/cases/window/", {"action": "find", "identifier": w.enterprise.uscc})
    home = page(client.get(HOME + "?q=餐饮"))
    assert "西安示例餐饮管理有限公司" in home and f'href="{w.intake}"' in home


# --- Filing ---------------------------------------------------------------------------------------

def test_window_filing_creates_the_bundle_case_and_member_cases_with_paper_materials(client, w):
    DataElement.objects.filter(key="enterprise.name").update(profile_source="user.org_name")
    _checked(client, w)
    first = page(client.get(w.intake))
    assert "需要设置户外招牌吗？" in first and 'name="enterprise.name"' not in first  # the questions first
    text, fingerprint = _shown(client, w)
    assert text.count('name="enterprise.name"') == 1  # asked once for three members
    assert 'value="西安示例餐饮管理有限公司"' in text  # from the applicant's account
    checklist, data = _full_post(w, fingerprint)
    for entry in to_hand_in(checklist):
        assert f'name="paper-{material_slot(entry.key)}"' in text and f'name="file-{material_slot(entry.key)}"' in text
    # One scan instead of the paper original.
    scanned = to_hand_in(checklist)[0]
    data.pop(f"paper-{material_slot(scanned.key)}")
    data[f"file-{material_slot(scanned.key)}"] = SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    response = client.post(w.intake, data)
    bundle_case = BundleCase.objects.get()
    assert response["Location"] == f"/bundles/cases/{bundle_case.pk}/"
    assert bundle_case.channel == Channel.WINDOW and bundle_case.outlet == w.center and bundle_case.filed_by == w.clerk
    assert bundle_case.applicant == w.enterprise and bundle_case.answers == ANSWERS and bundle_case.joint_delivery
    cases = [m.case for m in bundle_case.members.select_related("case")]
    assert {c.implementation_id for c in cases} == {w.s.check.implementation_id, w.s.food.implementation_id,
                                                    w.s.sign.implementation_id}
    assert all(c.channel == Channel.WINDOW and c.outlet_id == w.center.pk and c.status == CaseStatus.SUBMITTED for c in cases)
    assert all(c.application.filed_by == w.clerk for c in cases)
    rows = ApplicationMaterial.objects.filter(application__in=[c.application_id for c in cases]).select_related("requirement")
    paper = {(r.application_id, r.requirement.name) for r in rows if r.satisfaction == MaterialSatisfaction.PAPER}
    assert ("户外招牌设施设计平面图" in {name for _, name in paper}) and len(paper) >= 3
    uploads = [r for r in rows if r.satisfaction == MaterialSatisfaction.UPLOAD]
    assert uploads and all(r.stored_file.owner_id == w.enterprise.pk for r in uploads)  # the scan is the applicant's
    assert {r.requirement.name for r in uploads} == {c.material.name for c in scanned.covers}

    # The bundle case page, with 综合受理 for the clerk of the outlet where it was filed.
    case_page = page(client.get(response["Location"]))
    assert "综合受理" in case_page and "窗口代为申请" in case_page and "测试市政务服务中心" in case_page
    accepted = client.post(f"/bundles/console/{bundle_case.pk}/accept/", {"back": "case"})
    assert accepted["Location"] == response["Location"]
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.IN_PROGRESS and bundle_case.accepted_by == w.clerk
    assert all(c.status != CaseStatus.SUBMITTED for c in Case.objects.filter(pk__in=[c.pk for c in cases]))
    assert 'action="/bundles/console/' not in page(client.get(response["Location"]))  # decided once


def test_answers_leave_a_member_out_and_changing_them_before_submit_files_nothing(client, w):
    _checked(client, w)
    text, fingerprint = _shown(client, w, {"signboard": "no", "agent": "yes"})
    assert 'name="signboard.content"' not in text and "户外招牌设施设置规范管理" in text  # listed as not needed
    assert "授权委托书" in text
    # The clerk changes an answer and presses 提交 straight away: the page is redone for the new
    # answers (typed values kept), nothing is filed.
    _, data = _full_post(w, fingerprint, answers={"signboard": "no", "agent": "yes"})
    data["q-signboard"] = "yes"
    response = client.post(w.intake, data)
    assert response.status_code == 200 and BundleCase.objects.count() == 0
    assert 'name="signboard.content"' in page(response) and 'value="单位名称内容"' in page(response)


def test_errors_are_named_beside_their_inputs_and_nothing_is_written(client, w):
    _checked(client, w)
    unanswered = client.post(w.intake, {"action": "answers", "q-signboard": "yes"})
    assert unanswered.status_code == 400 and "请回答「由他人代为办理吗？」" in page(unanswered)
    text, fingerprint = _shown(client, w)
    checklist, data = _full_post(w, fingerprint)
    required = [m for m in to_hand_in(checklist) if m.necessity == "required"]
    kept_paper, *unticked = required
    for entry in unticked:
        data.pop(f"paper-{material_slot(entry.key)}")
    data["enterprise.name"] = ""
    data.pop("joint_delivery")
    data["delivery-method"] = "mail"  # without an address
    data[f"file-{material_slot(unticked[0].key)}"] = SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    before = (BundleCase.objects.count(), Case.objects.count())
    response = client.post(w.intake, data)
    body = page(response)
    assert response.status_code == 400
    assert f'id="{input_id("enterprise.name")}-error"' in body and "请填写「单位名称」" in body
    for entry in unticked[1:]:
        assert f"请确认已收取「{entry.name}」的纸质原件（勾选），或上传扫描件" in body
        assert f'href="#m-{material_slot(entry.key)}"' in body
    assert "请选择领取方式" in body
    assert "收件地址" in body and "邮寄" in body
    assert (BundleCase.objects.count(), Case.objects.count()) == before
    # What was typed, ticked and uploaded is kept.
    assert 'value="经营场所地址内容"' in body
    assert re.search(rf'name="paper-{material_slot(kept_paper.key)}"[^>]*checked', body)
    assert re.search(rf'name="uploaded-{material_slot(unticked[0].key)}" value="\d+"', body) and "已上传：scan.pdf" in body

    # Intake's own checks (a member's field format) come back beside the merged field.
    _, data = _full_post(w, fingerprint)
    data["enterprise.name"] = "x" * 5000
    response = client.post(w.intake, data)
    assert response.status_code == 400 and "「" in page(response) and BundleCase.objects.count() == 0
    assert f'href="#{input_id("enterprise.name")}"' in page(response)


def test_a_double_submit_files_one_bundle_case(client, w):
    _checked(client, w)
    _, fingerprint = _shown(client, w, key="same-page")
    _, data = _full_post(w, fingerprint, key="same-page")
    first = client.post(w.intake, dict(data))
    second = client.post(w.intake, dict(data))
    assert BundleCase.objects.count() == 1 and Case.objects.count() == 3
    assert first["Location"] == second["Location"]
    assert "重复提交已忽略" in page(client.get(second["Location"]))


def test_racing_submissions_under_one_key_file_once(w, monkeypatch):
    """Two requests that both passed the replay check: the unique key decides, the loser reads it."""
    checklist = bundle_checklist(w.version, ANSWERS)
    kwargs = {"actor": w.clerk, "applicant": w.enterprise, "bundle_id": w.version.bundle_id, "answers": ANSWERS,
              "form_data": {f.name: f"{f.label}内容" for f in checklist.form.fields},
              "materials": {m.key: {"paper": True} for m in to_hand_in(checklist)}, "channel": Channel.WINDOW,
              "outlet": w.center, "idempotency_key": "race"}
    first = applications.bundle_application_submit(**kwargs)
    real, calls = applications._replayed, []

    def late_check(applicant, key):
        calls.append(key)
        return None if len(calls) == 1 else real(applicant, key)  # the first check ran before the winner committed

    monkeypatch.setattr(applications, "_replayed", late_check)
    second = applications.bundle_application_submit(**kwargs)
    assert len(calls) == 2  # the insert lost and read the winner
    assert second.pk == first.pk and second.replayed and BundleCase.objects.count() == 1 and Case.objects.count() == 3


def test_a_window_that_cannot_file_a_member_says_which(client, w):
    # A district hall elsewhere: the members are not 全市通办, so it cannot file them.
    elsewhere = OrganisationFactory(name="测试区政务服务中心", kind=OrganisationKind.SERVICE_CENTER)
    clerk = _staff("district_clerk", elsewhere, Role.WINDOW_CLERK)
    client.force_login(clerk)
    client.post(HOME, {"action": "find", "identifier": w.enterprise.uscc})
    home = page(client.get(HOME))
    assert "不属于全市通办事项，本窗口不能受理" in home and f'href="{w.intake}"' not in home
    response = client.post(w.intake, {"action": "answers", **{f"q-{k}": v for k, v in ANSWERS.items()}})
    assert response.status_code == 400 and "「企业营业执照信息核验」" in page(response)
    assert 'name="enterprise.name"' not in page(response) and BundleCase.objects.count() == 0


def test_a_clerk_elsewhere_does_not_see_the_bundle_case(client, w):
    _checked(client, w)
    _, fingerprint = _shown(client, w)
    _, data = _full_post(w, fingerprint)
    location = client.post(w.intake, data)["Location"]
    other = _staff("other_clerk", OrganisationFactory(kind=OrganisationKind.SERVICE_CENTER), Role.WINDOW_CLERK)
    client.force_login(other)
    assert client.get(location).status_code == 404
    assert client.post(location.replace("/bundles/cases/", "/bundles/console/") + "accept/").status_code == 404
