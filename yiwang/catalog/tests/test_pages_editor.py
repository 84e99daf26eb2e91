"""The editor's pages through the Django test client."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.catalog import services
from yiwang.catalog.constants import VersionStatus
from yiwang.catalog.editor_forms import VersionForm, child_initial
from yiwang.catalog.models import BaseItem, ImplementationVersion, ItemImplementation
from yiwang.catalog.tests.catalog_team import make_team
from yiwang.catalog.workbook import export_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def edit_post_data(version: ImplementationVersion, **changes) -> dict:
    """What the edit form posts when nothing is touched, with `changes` applied."""
    initial = VersionForm.initial_for(version)
    data = {}
    for key, value in initial.items():
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif key == "co_agencies":
            data[key] = [o.pk for o in value]
        elif isinstance(value, list):
            data[key] = value
        elif value is not None:
            data[key] = str(value)
    for kind in ("materials", "fee_items", "faqs", "places", "form_fields"):
        rows = child_initial(version, kind)
        data[f"{kind}-TOTAL_FORMS"] = str(len(rows) + 1)
        data[f"{kind}-INITIAL_FORMS"] = str(len(rows))
        for index, row in enumerate(rows):
            for key, value in row.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{kind}-{index}-{key}"] = "on"
                else:
                    data[f"{kind}-{index}-{key}"] = "" if value is None else str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class TestAccess:
    def test_login_required_and_roles_required(self, team):
        url = reverse("catalog:editor_list")
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        response = as_user(StaffFactory()).get(url)
        assert response.status_code == 403 and "事项编辑" in text(response)

    def test_out_of_scope_is_404(self, team):
        outsider = as_user(team.outsider)
        assert outsider.get(reverse("catalog:editor_version", args=[team.published.pk])).status_code == 404
        assert outsider.get(reverse("catalog:editor_history", args=[team.published.implementation_id])).status_code == 404
        reviewer = as_user(team.reviewer)
        assert reviewer.get(reverse("catalog:editor_version", args=[team.published.pk])).status_code == 200
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        assert reviewer.get(reverse("catalog:editor_edit", args=[draft.pk])).status_code == 404

    def test_workbench_links_to_the_editor(self, team):
        response = as_user(team.editor).get(reverse("orgs:workbench"))
        assert reverse("catalog:editor_list") in text(response)


class TestListAndNew:
    def test_list_shows_drafts_reviews_and_search(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        response = as_user(team.editor).get(reverse("catalog:editor_list"), {"q": "食品"})
        page = text(response)
        assert response.status_code == 200
        # A NUL in the search box is dropped (PostgreSQL would refuse it), not a server error.
        assert as_user(team.editor).get(reverse("catalog:editor_list"), {"q": "食\x00品"}).status_code == 400  # core.inputs
        assert reverse("catalog:editor_version", args=[draft.pk]) in page and "我起草的" in page
        assert team.published.implementation.implementation_code in page
        services.version_submit(actor=team.editor, version=draft)
        page = text(as_user(team.reviewer).get(reverse("catalog:editor_list")))
        assert "待审核（1）" in page

    def test_new_implementation_creates_draft_one(self, team):
        client = as_user(team.editor)
        assert client.get(reverse("catalog:editor_new")).status_code == 200
        response = client.post(reverse("catalog:editor_new"), {
            "basic_code": "000199001000", "base_name": "临时占用城市道路许可", "item_type": "01",
            "agency": str(team.department.pk), "exercise_level": "3", "implementation_code": "NEW-PAGE-1",
            "handling_item_kind": "new", "name": ""})
        implementation = ItemImplementation.objects.get(implementation_code="NEW-PAGE-1")
        version = implementation.versions.get()
        assert response.status_code == 302 and response["Location"] == reverse("catalog:editor_edit", args=[version.pk])
        assert version.name == "临时占用城市道路许可" and implementation.base_item.item_type == "01"

    def test_new_implementation_errors_are_listed_and_nothing_is_kept(self, team):
        response = as_user(team.editor).post(reverse("catalog:editor_new"), {
            "basic_code": "000199001001", "base_name": "某事项", "item_type": "01", "agency": str(team.department.pk),
            "exercise_level": "", "implementation_code": ""})
        page = text(response)
        assert response.status_code == 400
        assert 'class="error-summary"' in page and 'href="#id_implementation_code"' in page
        assert 'href="#id_exercise_level"' in page and 'aria-invalid="true"' in page
        assert not BaseItem.objects.filter(basic_code="000199001001").exists()

    def test_people_without_an_editor_role_cannot_create(self, team):
        assert as_user(team.reviewer).get(reverse("catalog:editor_new")).status_code == 403


class TestEdit:
    def test_edit_page_groups_all_elements(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        page = text(as_user(team.editor).get(reverse("catalog:editor_edit", args=[draft.pk])))
        for legend in ("基本信息", "办理时限", "受理条件与办理方式", "审批结果", "收费与咨询投诉", "所属清单", "申请材料", "收费项目",
                       "常见问题", "办理地点和时间", "申请表单字段"):
            assert f"<legend>{legend}</legend>" in page
        assert 'name="materials-0-name"' in page and 'value="申请书"' in page
        assert 'for="id_promised_limit"' in page

    def test_save_changes_elements_and_adds_a_material(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        data = edit_post_data(draft, promised_limit="5", **{
            "materials-1-name": "身份证", "materials-1-material_type": "copy", "materials-1-medium": "paper",
            "materials-1-necessity": "required", "materials-1-source_channel": "applicant",
            "materials-1-original_copies": "0", "materials-1-copy_copies": "1",
            "result_sample": SimpleUploadedFile("样本.pdf", b"%PDF-1.4 x"), "save": "1"})
        response = as_user(team.editor).post(reverse("catalog:editor_edit", args=[draft.pk]), data)
        assert response.status_code == 302, text(response)[:3000]
        draft.refresh_from_db()
        assert str(draft.promised_limit) == "5.0"
        assert [m.name for m in draft.materials.all()] == ["申请书", "身份证"]
        assert draft.result_sample.read() == b"%PDF-1.4 x"

    def test_bad_input_is_shown_next_to_the_field_with_a_summary(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        data = edit_post_data(draft, promised_limit="十天", online_url="ftp://x", **{"materials-0-name": ""})
        response = as_user(team.editor).post(reverse("catalog:editor_edit", args=[draft.pk]), data)
        page = text(response)
        assert response.status_code == 400
        assert 'href="#id_promised_limit"' in page and 'href="#id_online_url"' in page
        assert 'href="#id_materials-0-name"' in page
        assert 'id="id_promised_limit-error"' in page and "承诺办结时限应为数字" in page
        draft.refresh_from_db()
        assert draft.materials.get().name == "申请书"

    def test_save_and_submit_with_rule_failures_links_to_the_fields(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        data = edit_post_data(draft, promised_limit="30", complaint_phone="86786666", submit="1")
        response = as_user(team.editor).post(reverse("catalog:editor_edit", args=[draft.pk]), data)
        page = text(response)
        assert response.status_code == 400 and "提交未通过" in page
        edit = reverse("catalog:editor_edit", args=[draft.pk])
        assert f'href="{edit}?check=1#id_promised_limit"' in page and f'href="{edit}?check=1#id_complaint_phone"' in page
        assert "承诺办结时限（30 个工作日）不得超过法定办结时限（20 个工作日）" in page
        draft.refresh_from_db()
        assert draft.status == VersionStatus.DRAFT and draft.complaint_phone == "86786666"  # saved, not submitted
        page = text(as_user(team.editor).get(edit, {"check": "1"}))
        assert 'id="id_complaint_phone-error"' in page

    def test_save_and_submit(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        response = as_user(team.editor).post(reverse("catalog:editor_edit", args=[draft.pk]),
                                             edit_post_data(draft, change_note="更新电话", submit="1"))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == VersionStatus.SUBMITTED and draft.change_note == "更新电话"
        response = as_user(team.editor).get(reverse("catalog:editor_edit", args=[draft.pk]))
        assert response.status_code == 302  # no longer editable


class TestReviewPublishHistory:
    def submitted(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        services.version_update(actor=team.editor, version=draft, data={"promised_limit": 5})
        services.version_submit(actor=team.editor, version=draft)
        return draft

    def test_review_page_shows_the_diff_and_approves(self, team):
        draft = self.submitted(team)
        client = as_user(team.reviewer)
        page = text(client.get(reverse("catalog:editor_review", args=[draft.pk])))
        assert 'class="diff-old"' in page and 'class="diff-new"' in page and "承诺办结时限" in page
        response = client.post(reverse("catalog:editor_review", args=[draft.pk]), {"decision": "approve", "comment": ""})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == VersionStatus.APPROVED

    def test_return_without_comment_is_refused_on_the_page(self, team):
        draft = self.submitted(team)
        response = as_user(team.reviewer).post(reverse("catalog:editor_review", args=[draft.pk]), {"decision": "return"})
        assert response.status_code == 400 and 'href="#id_comment"' in text(response)
        assert "退回修改时请填写审核意见" in text(response)

    def test_self_review_is_refused(self, team):
        draft = services.version_start_draft(actor=team.both, implementation=team.published.implementation)
        services.version_submit(actor=team.both, version=draft)
        client = as_user(team.both)
        assert "不能审核自己的工作" in text(client.get(reverse("catalog:editor_review", args=[draft.pk])))
        response = client.post(reverse("catalog:editor_review", args=[draft.pk]), {"decision": "approve"})
        assert response.status_code == 400 and "不能审核自己起草或提交的版本" in text(response)

    def test_publish_history_and_diff_pages(self, team):
        draft = self.submitted(team)
        services.version_review(actor=team.reviewer, version=draft, decision="approve", comment="同意")
        client = as_user(team.editor)
        assert "发布</button>" in text(client.get(reverse("catalog:editor_version", args=[draft.pk])))
        response = client.post(reverse("catalog:editor_publish", args=[draft.pk]))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == VersionStatus.PUBLISHED
        page = text(client.get(reverse("catalog:editor_history", args=[draft.implementation_id])))
        assert "已被新版本替代" in page and "已发布" in page
        assert f"?against={team.published.pk}" in page
        page = text(client.get(reverse("catalog:editor_diff", args=[draft.pk]), {"against": team.published.pk}))
        assert re.search(r'<del class="diff-old">.*?10', page, re.S) and re.search(r'<ins class="diff-new">.*?5', page, re.S)
        response = client.post(reverse("catalog:editor_start_draft", args=[draft.implementation_id]))
        new_draft = ImplementationVersion.objects.get(implementation=draft.implementation, status=VersionStatus.DRAFT)
        assert response["Location"] == reverse("catalog:editor_edit", args=[new_draft.pk]) and new_draft.number == 3

    def test_submit_button_on_the_version_page(self, team):
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        response = as_user(team.editor2).post(reverse("catalog:editor_submit", args=[draft.pk]))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == VersionStatus.SUBMITTED and draft.submitted_by == team.editor2
        assert as_user(team.editor2).get(reverse("catalog:editor_submit", args=[draft.pk])).status_code == 405


class TestWorkbookPages:
    def test_export_and_import(self, team):
        client = as_user(team.editor)
        response = client.get(reverse("catalog:editor_export"))
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
        data = response.content
        upload = SimpleUploadedFile("catalog.xlsx", data)
        response = client.post(reverse("catalog:editor_import"), {"workbook": upload})
        assert response.status_code == 200 and "新建 0 个，更新 1 个" in text(response)
        assert ImplementationVersion.objects.filter(status=VersionStatus.DRAFT).count() == 1

    def test_import_errors_are_listed(self, team):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(export_workbook([team.published])))
        assert book["事项"]["U1"].value == "办件类型"
        book["事项"]["U2"] = "7"
        buffer = io.BytesIO()
        book.save(buffer)
        response = as_user(team.editor).post(reverse("catalog:editor_import"),
                                             {"workbook": SimpleUploadedFile("x.xlsx", buffer.getvalue())})
        page = text(response)
        assert response.status_code == 400 and "所有内容均未导入" in page
        assert "<td>事项</td><td>2</td><td>办件类型</td><td>办件类型的取值「7」无效" in page
        response = as_user(team.editor).post(reverse("catalog:editor_import"),
                                             {"workbook": SimpleUploadedFile("x.csv", b"a,b")})
        assert response.status_code == 400 and "只能导入 .xlsx" in text(response)


def test_admin_shows_published_versions_read_only(team, admin_client):
    response = admin_client.get(reverse("admin:catalog_implementationversion_change", args=[team.published.pk]))
    assert response.status_code == 200
    page = text(response)
    assert 'name="name"' not in page and "食品经营许可（新办）" in page
    draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
    page = text(admin_client.get(reverse("admin:catalog_implementationversion_change", args=[draft.pk])))
    assert 'name="name"' in page and 'name="status"' not in page
    for model in ("baseitem", "itemimplementation", "dataelement", "versionreview", "lifestage", "lifetheme", "lifeevent"):
        assert admin_client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
