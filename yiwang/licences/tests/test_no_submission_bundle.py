"""No-submission (免提交) in a bundle (一件事): licences answers `bundles.held_materials` with the
same matching as a single application (selectors.material_offer), so a merged material a valid
licence of the applicant's satisfies is not asked for (「已从电子证照库调取」 with the licence and its
identifier), every member case that needs it records the identifier at filing, an expired or
revoked licence does not serve and the applicant is told why, and nobody is looked up when not
signed in. Licences answers by hook and imports nothing of bundles."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.bundles import applications
from yiwang.bundles.pages.apply import material_slot
from yiwang.bundles.selectors import bundle_checklist, bundle_guide
from yiwang.bundles.tests.factories import Shop, item, published_bundle
from yiwang.cases.constants import MaterialSatisfaction
from yiwang.cases.services import stored_file_create
from yiwang.cases.tests.conftest import PDF_BYTES as PDF
from yiwang.catalog.models import LifeEvent, LifeStage, LifeTheme
from yiwang.core import hooks
from yiwang.core.errors import ValidationFailed
from yiwang.licences.constants import LicenceAction
from yiwang.licences.services import licence_change_status
from yiwang.licences.tests.conftest import issue
from yiwang.orgs.constants import Role

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 16)
ANSWERS = {"signboard": "yes", "agent": "no"}


@pytest.fixture
def shop(world):
    """The 开办餐饮店 bundle of the bundles tests, over the licence world's agencies: 食品经营许可 and the
    signboard both need the business licence (merged into one entry); the signboard also asks for
    the food-business licence."""
    check = item("企业营业执照信息核验", world.market, promised=0, unit="immediate",
                 materials=[("企业营业执照信息核验申请", "required", "online_form", "")],
                 fields=[("enterprise.name", "单位名称", True)])
    food = item("食品经营许可", world.market, promised=10, result=("食品经营许可证", "LIC-FOOD-BUSINESS"), materials=[
        ("《食品经营许可证》申请书", "required", "online_form", ""), ("保证食品安全的规章制度", "required", "applicant", ""),
        ("营业执照副本原件及复印件", "required", "licence_library", "LIC-BUSINESS-LICENCE")],
        fields=[("enterprise.name", "单位名称", True), ("premises.address", "经营场所地址", True)])
    sign = item("户外招牌设施设置规范管理", world.hrss, promised=3, materials=[
        ("户外招牌设施设置申请表", "required", "online_form", ""), ("营业执照", "required", "licence_library", "LIC-BUSINESS-LICENCE"),
        ("食品经营许可证", "required", "licence_library", "LIC-FOOD-BUSINESS"),
        ("户外招牌设施设计平面图", "required", "applicant", ""), ("授权委托书", "optional", "applicant", "")],
        fields=[("enterprise.name", "名称", True), ("signboard.content", "招牌文字内容", True)])
    stage = LifeStage.objects.create(subject="enterprise", name="准入准营", order=1)
    event = LifeEvent.objects.create(theme=LifeTheme.objects.create(stage=stage, name="准营准办", order=1), name="开办餐饮店一件事", order=1)
    s = Shop(world.gov, world.market, world.hrss, None, None, check, food, sign, stage, event)
    s.version = published_bundle(s, separate=())
    return s


def _entry(checklist, name):
    return next(m for m in checklist.materials.merged if m.name == name)


def _file(applicant, shop, checklist):
    stored = stored_file_create(actor=applicant, owner=applicant, upload=SimpleUploadedFile("a.pdf", PDF))
    return applications.bundle_application_submit(
        actor=applicant, applicant=applicant, bundle_id=shop.version.bundle_id, answers=ANSWERS,
        form_data={f.name: f"{f.label}内容" for f in checklist.form.fields},
        materials={m.key: {"file": stored.pk} for m in checklist.materials.merged
                   if m.submitted and m.source_channel != "online_form"}, today=MONDAY)


def test_a_valid_licence_waives_the_merged_material_and_every_member_case_records_it(world, shop, client):
    business = issue(world, "LIC-BUSINESS-LICENCE")
    food_licence = issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2025, 1, 6))
    checklist = bundle_checklist(shop.version, ANSWERS, applicant=world.enterprise)
    names = [m.name for m in checklist.materials.merged]
    assert "营业执照副本原件及复印件" not in names and "营业执照" not in names and "食品经营许可证" not in names
    held = {h.entry.name: h for h in checklist.held}
    assert held["营业执照副本原件及复印件"].identifier == business.identifier
    assert held["营业执照副本原件及复印件"].licence_name == "营业执照"
    assert set(held["营业执照副本原件及复印件"].entry.member_titles) == {"食品经营许可", "户外招牌设施设置规范管理"}
    assert held["食品经营许可证"].identifier == food_licence.identifier
    assert "已从电子证照库调取" in held["营业执照副本原件及复印件"].reason and checklist.notices == {}
    dropped = [d for d in checklist.dropped if d.reason_code == "held"]
    assert {d.material.name for d in dropped} == {"营业执照副本原件及复印件", "营业执照", "食品经营许可证"}

    bundle_case = _file(world.enterprise, shop, checklist)
    recorded = {}
    for member in bundle_case.members.select_related("case__application"):
        for row in member.case.application.materials.select_related("requirement"):
            if row.requirement.licence_type_code:
                recorded[(member.case.version.name, row.requirement.name)] = (row.satisfaction, row.licence_reference, row.stored_file_id)
    licence = MaterialSatisfaction.LICENCE
    assert recorded == {("食品经营许可", "营业执照副本原件及复印件"): (licence, business.identifier, None),
                        ("户外招牌设施设置规范管理", "营业执照"): (licence, business.identifier, None),
                        ("户外招牌设施设置规范管理", "食品经营许可证"): (licence, food_licence.identifier, None)}

    # The lead agency's window sees it on its console and on the bundle case page; so does the applicant.
    clerk = world.staff(world.market, Role.WINDOW_CLERK, name="yjs_clerk")
    client.force_login(clerk)
    console = client.get("/bundles/console/").content.decode()
    assert bundle_case.number in console and "已从电子证照库调取" in console and business.identifier in console
    page = client.get(f"/bundles/cases/{bundle_case.pk}/").content.decode()
    assert "已从电子证照库调取的材料" in page and business.identifier in page and food_licence.identifier in page
    # …and the member agency's reviewer on the member case itself.
    sign_case = bundle_case.members.get(implementation_id=shop.sign.implementation_id).case
    reviewer = world.staff(world.hrss, Role.DEPT_REVIEWER, name="hrss_reviewer")
    client.force_login(reviewer)
    member_page = client.get(reverse("cases:staff_case", args=[sign_case.pk]))
    assert member_page.status_code == 200, member_page.status_code
    assert "已从电子证照库调取" in member_page.content.decode() and business.identifier in member_page.content.decode()


def test_an_expired_licence_does_not_waive_it_and_the_applicant_is_told_why(world, shop):
    issue(world, "LIC-BUSINESS-LICENCE")
    issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2019, 1, 7))  # five years: expired 2024-01-06
    checklist = bundle_checklist(shop.version, ANSWERS, applicant=world.enterprise)
    entry = _entry(checklist, "食品经营许可证")
    assert entry.submitted and "食品经营许可证" not in {h.entry.name for h in checklist.held}
    notice = checklist.notices[entry.key]
    assert "届满" in notice and "不能免于提交" in notice
    # Filing without it: the member's intake names the material and why the licence does not serve.
    stored = stored_file_create(actor=world.enterprise, owner=world.enterprise, upload=SimpleUploadedFile("a.pdf", PDF))
    given = {m.key: {"file": stored.pk} for m in checklist.materials.merged
             if m.submitted and m.source_channel != "online_form" and m.key != entry.key}
    with pytest.raises(ValidationFailed) as failed:
        applications.bundle_application_submit(
            actor=world.enterprise, applicant=world.enterprise, bundle_id=shop.version.bundle_id, answers=ANSWERS,
            form_data={f.name: f"{f.label}内容" for f in checklist.form.fields}, materials=given, today=MONDAY)
    assert "户外招牌设施设置规范管理" in failed.value.message and "不能免于提交" in failed.value.message
    assert not world.enterprise.bundle_cases.exists()
    # Handed in as a file, it is filed (the upload serves).
    bundle_case = _file(world.enterprise, shop, checklist)
    sign_case = bundle_case.members.get(implementation_id=shop.sign.implementation_id).case
    row = sign_case.application.materials.get(requirement__name="食品经营许可证")
    assert row.satisfaction == MaterialSatisfaction.UPLOAD and row.licence_reference == ""


def test_a_revoked_licence_does_not_waive_it_and_the_applicant_is_told_why(world, shop):
    licence = issue(world, "LIC-BUSINESS-LICENCE")
    licence_change_status(actor=world.officer, licence=licence, action=LicenceAction.REVOKE, reason="以欺骗手段取得")
    checklist = bundle_checklist(shop.version, ANSWERS, applicant=world.enterprise)
    entry = _entry(checklist, "营业执照副本原件及复印件")
    assert checklist.held == [] and "撤销" in checklist.notices[entry.key]
    # The API says it too.
    from yiwang.bundles import presenters

    out = presenters.checklist(checklist)
    assert next(m for m in out["materials"] if m["key"] == entry.key)["notice"] == checklist.notices[entry.key]


def test_not_signed_in_nobody_is_looked_up_but_the_guide_says_what_can_be_waived(world, shop, monkeypatch, client):
    issue(world, "LIC-BUSINESS-LICENCE")
    calls = []
    real = hooks.call

    def spy(hook, **payload):
        calls.append(hook)
        return real(hook, **payload)

    monkeypatch.setattr(hooks, "call", spy)
    checklist = bundle_checklist(shop.version, ANSWERS, applicant=AnonymousUser())
    assert checklist.held == [] and "营业执照副本原件及复印件" in [m.name for m in checklist.materials.merged]
    guide = bundle_guide(shop.version.bundle_id, ANSWERS, applicant=AnonymousUser())
    assert "bundles.held_materials" not in calls
    assert {(w.name, w.licence_name, w.status) for w in guide.waivable} == {
        ("营业执照副本原件及复印件", "营业执照", "unknown"), ("食品经营许可证", "食品经营许可证", "unknown")}
    page = client.get(f"/bundles/{shop.version.bundle_id}/").content.decode()
    assert "可由电子证照免提交的材料" in page and "登录后可查看您是否持有" in page
    # Signed in, the guide says which are waived for this applicant (and which are not held).
    client.force_login(world.enterprise)
    page = client.get(f"/bundles/{shop.version.bundle_id}/").content.decode()
    assert "已从电子证照库调取" in page and "电子证照库中暂无您的「食品经营许可证」" in page


def test_licences_answers_the_hook_without_importing_bundles():
    from yiwang.licences import actions

    assert actions.held_materials in hooks.handlers("bundles.held_materials")
    assert actions.waivable_bundle_materials in hooks.handlers("bundles.waivable_materials")
    root = Path(actions.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("yiwang.bundles")]
    assert offenders == []
    # An anonymous applicant gets nothing from the handler itself either.
    assert actions.held_materials(applicant=AnonymousUser(), materials=()) == {}


def test_the_wizard_shows_the_waived_material_instead_of_an_upload(world, shop, client):
    business = issue(world, "LIC-BUSINESS-LICENCE")
    issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2019, 1, 7))  # expired
    client.force_login(world.enterprise)
    base = f"/bundles/{shop.version.bundle_id}/apply"
    client.post(f"{base}/questions/", {f"q-{k}": v for k, v in ANSWERS.items()})
    checklist = bundle_checklist(shop.version, ANSWERS, applicant=world.enterprise)
    client.post(f"{base}/form/", {**{f.name: f"{f.label}内容" for f in checklist.form.fields}, "nav": "next"})
    page = client.get(f"{base}/materials/").content.decode()
    assert "已从电子证照库调取" in page and business.identifier in page and "「营业执照」" in page
    held_key = next(h.entry.key for h in checklist.held)
    assert f'name="file-{material_slot(held_key)}"' not in page  # no upload for it
    # The expired food-business licence: still an upload, and the reason next to it.
    expired = _entry(checklist, "食品经营许可证")
    assert f'name="file-{material_slot(expired.key)}"' in page and "有效期已于 2024-01-06 届满" in page
    refused = client.post(f"{base}/materials/", {"nav": "next"}).content.decode()
    assert "请上传「食品经营许可证」：您的「食品经营许可证」有效期已于 2024-01-06 届满" in refused


def test_a_file_handed_in_for_a_held_material_is_used_as_given(world, shop):
    # A client that computed the checklist before signing in hands in every material: still filed.
    business = issue(world, "LIC-BUSINESS-LICENCE")
    anonymous = bundle_checklist(shop.version, ANSWERS, applicant=AnonymousUser())
    bundle_case = _file(world.enterprise, shop, anonymous)
    assert bundle_checklist(shop.version, ANSWERS, applicant=world.enterprise).held  # held for this applicant
    food_case = bundle_case.members.get(implementation_id=shop.food.implementation_id).case
    row = food_case.application.materials.get(requirement__name="营业执照副本原件及复印件")
    assert row.satisfaction == MaterialSatisfaction.UPLOAD and row.stored_file_id and business.identifier != row.licence_reference
