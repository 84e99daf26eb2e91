"""Pre-review (智能预审) through the hook the cases wizard calls, and on the wizard's review page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.cases.tests.conftest import PDF_BYTES, form_for
from yiwang.cases.tests.page_helpers import html
from yiwang.core import hooks
from yiwang.licences.services import profile_for_user

MATERIALS = [{"key": "1", "name": "营业执照", "required": True}, {"key": "2", "name": "健康证明", "required": True},
             {"key": "3", "name": "平面图", "required": False}]


def _warnings(**kw):
    return [w for ws in hooks.call("cases.prereview", **kw) for w in ws]


def test_missing_required_materials_and_wrong_file_types_are_warned():
    out = _warnings(materials=MATERIALS, uploads={"1": ["执照.pdf"], "3": ["图.docx"]}, form_data={}, profile=None)
    assert out == ["必要材料「健康证明」尚未上传。", "材料「平面图」的文件「图.docx」类型不受支持，请上传 PDF、JPG、PNG 或 OFD 文件。"]


def test_form_data_contradicting_the_profile_is_warned():
    out = _warnings(materials=[], uploads={}, form_data={"uscc": "91610100MA6TXXXX1X", "enterprise_name": "西安甲公司"},
                    profile={"uscc": "91610100MA6TYYYY2Y", "name": "西安甲公司"})
    assert out == ["表单中的统一社会信用代码「91610100MA6TXXXX1X」与您档案中的「91610100MA6TYYYY2Y」不一致，请核对。"]


def test_a_complete_consistent_submission_has_no_warnings():
    assert _warnings(materials=MATERIALS[:1], uploads={"1": ["a.PDF"]}, form_data={"name": "张三"}, profile={"name": "张三"}) == []


def test_the_wizards_dotted_keys_are_read_and_an_agents_name_is_not_the_applicants():
    out = _warnings(materials=[], uploads={}, profile={"name": "张三", "uscc": "91610100MA6TYYYY2Y"},
                    form_data={"applicant.name": "李四", "agent.name": "王五", "enterprise.uscc": "91610100MA6TYYYY2Y"})
    assert out == ["表单中的申请人姓名「李四」与您档案中的「张三」不一致，请核对。"]


# --- through the real single-item wizard (cases), up to its review page ---


def _review_page(client, world, *, form_overrides, material_files):
    """Step 1 posted, step 2 saved for later (so a required file may be missing), then the review page."""
    client.force_login(world.citizen)
    response = client.post(reverse("cases:apply", args=[world.impl.pk]),
                           {**form_for(world), "nav": "next", **form_overrides})
    assert response.status_code == 302, html(response)
    draft_url = response.url.rsplit("/", 2)[0]
    client.post(f"{draft_url}/materials/", {"nav": "save", **material_files})
    response = client.get(f"{draft_url}/review/")
    assert response.status_code == 200
    return response


def test_the_wizard_review_page_shows_the_prereview_warnings(client, world, db):
    profile_for_user(world.citizen)  # the city's profile of her: name 王秀英
    response = _review_page(
        client, world, form_overrides={"applicant.name": "王秀"},
        material_files={f"file-{world.deferrable_material.pk}": SimpleUploadedFile("制度.txt", PDF_BYTES, content_type="application/pdf")})
    body = html(response)
    assert "智能预审提示" in body
    warnings = response.context["prereview_warnings"]
    assert f"必要材料「{world.required_material.name}」尚未上传。" in warnings
    assert any("制度.txt" in w and "类型不受支持" in w for w in warnings)
    assert "表单中的申请人姓名「王秀」与您档案中的「王秀英」不一致，请核对。" in warnings
    for w in warnings:
        assert w in body


def test_a_consistent_complete_application_has_no_prereview_warnings(client, world, db):
    profile_for_user(world.citizen)
    response = _review_page(client, world, form_overrides={}, material_files={
        f"file-{world.required_material.pk}": SimpleUploadedFile("申请书.pdf", PDF_BYTES, content_type="application/pdf")})
    assert response.context["prereview_warnings"] == []
    assert "智能预审提示" not in html(response)
