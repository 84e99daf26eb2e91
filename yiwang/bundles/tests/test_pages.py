"""Bundle pages over HTTP: the public overview and guide (questions → checklist), the life-event
page's link, and the editor's define → submit → review → publish journey."""

import re

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import UserFactory
from yiwang.bundles.constants import VersionStatus
from yiwang.bundles.models import BundleVersion
from yiwang.bundles.tests.factories import published_bundle, shop

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def s():
    return shop()


def test_overview_lists_bundles_with_figures_and_the_reported_city_figures(client, s):
    version = published_bundle(s)
    body = text(client.get(reverse("bundles:overview")))
    assert reverse("bundles:guide", args=[version.bundle_id]) in body
    assert "8 → 5" in body and "减少 37.5%" in body  # materials of the whole bundle
    assert "减材料 30.6%、减跑动 75.1%、压缩办理时限 50%" in body
    assert "demo" not in body.lower() and "seed" not in body.lower()


def test_guide_shows_members_order_questions_and_the_checklist_for_the_answers(client, s):
    version = published_bundle(s)
    url = reverse("bundles:guide", args=[version.bundle_id])
    body = text(client.get(url))
    assert "<h1 id=\"bundle-title\">开办餐饮店</h1>" in body
    assert "须先办结：企业营业执照信息核验" in body and "先办理：企业营业执照信息核验" in body
    assert 'name="q-signboard"' in body and "尚未回答上面的问题" in body
    assert "户外招牌设施设计平面图" in body
    answered = text(client.get(url, {"q-signboard": "no", "q-agent": "yes"}))
    assert "不需要办理的事项" in answered and "您的回答：需要设置户外招牌吗？——不需要" in answered
    assert "户外招牌设施设计平面图" not in answered and "授权委托书" in answered
    assert re.search(r'value="no" id="q-signboard-no"[^>]*checked', answered)
    partial = client.get(url, {"q-signboard": "no"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial) and "需要提交的材料" in text(partial)
    assert "HX-Request" in partial["Vary"]


def test_odd_answers_give_a_friendly_message_not_an_error(client, s):
    version = published_bundle(s)
    response = client.get(reverse("bundles:guide", args=[version.bundle_id]), {"q-signboard": "maybe", "q-unknown": "x", "utm": "1"})
    assert response.status_code == 200
    assert "“需要设置户外招牌吗？”的回答无法识别，已忽略" in text(response)


def test_unknown_or_draft_bundle_is_404(client, s):
    version = published_bundle(s)
    BundleVersion.objects.filter(pk=version.pk).update(status=VersionStatus.SUPERSEDED)
    assert client.get(reverse("bundles:guide", args=[version.bundle_id])).status_code == 404
    assert client.get(reverse("bundles:guide", args=[987654])).status_code == 404


def test_life_event_page_links_to_the_bundle(client, s):
    version = published_bundle(s)
    body = text(client.get(reverse("catalog:life_event", args=[s.event.pk])))
    assert reverse("bundles:guide", args=[version.bundle_id]) in body and "开办餐饮店“一件事”一次办" in body


def test_editor_pages_refuse_citizens_and_send_visitors_to_login(client, s):
    assert client.get(reverse("bundles:editor_list"))["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get(reverse("bundles:editor_list")).status_code == 403


def _post_edit(client, version, s, **extra):
    data = {"name": "开办餐饮店", "summary": "一次办好开店手续。", "stage": s.stage.pk, "lead_agency": s.market.pk, "life_event": s.event.pk,
            "change_note": "", "member-count": "0", "questions": "", "then": "continue"}
    data.update(extra)
    return client.post(reverse("bundles:editor_edit", args=[version.pk]), data)


def test_editor_defines_a_bundle_and_a_reviewer_publishes_it(client, s):
    client.force_login(s.editor)
    response = client.post(reverse("bundles:editor_new"), {"name": "开办餐饮店", "steward": s.bureau.pk, "code": ""})
    version = BundleVersion.objects.get(name="开办餐饮店")
    assert response["Location"] == reverse("bundles:editor_edit", args=[version.pk])
    # add the three members one by one, as the page does
    for implementation in (s.check, s.food, s.sign):
        rows = list(version.members.order_by("order"))
        fields = {"member-count": str(len(rows)), "add_member": str(implementation.implementation_id)}
        for i, row in enumerate(rows):
            fields[f"member-{i}-implementation"] = str(row.implementation_id)
        assert _post_edit(client, version, s, **fields).status_code == 302
    # mark the leads, the order, a question (members by their number #n) and the element asked per member
    questions = ("问题 signboard：需要设置户外招牌吗？\n说明：设置门头招牌的需要办理。\n选项 yes：需要\n"
                 "选项 no：不需要 ｜ 不办理 #3 ｜ 增加 #2 店铺照片（门头实景）")
    fields = {"member-count": "3", "member-0-implementation": s.check.implementation_id, "member-0-lead": "1",
              "member-1-implementation": s.food.implementation_id, "member-1-lead": "1", "member-1-after": s.check.implementation_id,
              "member-2-implementation": s.sign.implementation_id, "member-2-after": s.check.implementation_id,
              "member-2-listed_as": "牌匾标识审查登记", "separate": "matter.description", "questions": questions}
    assert _post_edit(client, version, s, **fields).status_code == 302
    version.refresh_from_db()
    sign = version.members.get(implementation=s.sign.implementation)
    assert sign.depends_on == [s.check.implementation_id] and sign.listed_as == "牌匾标识审查登记"
    question = version.questions.get()
    assert question.options[1]["excludes"] == [s.sign.implementation_id]
    assert question.options[1]["adds"] == [{"member": s.food.implementation_id, "name": "店铺照片", "notes": "门头实景"}]
    page = text(client.get(reverse("bundles:editor_edit", args=[version.pk])))
    assert "选项 no：不需要 ｜ 不办理 #3 ｜ 增加 #2 店铺照片（门头实景）" in page  # written back as the editor typed it
    # a cycle is refused on the page, naming the members
    cyclic = {**fields, "member-0-after": s.food.implementation_id}
    refused = _post_edit(client, version, s, **cyclic)
    assert refused.status_code == 200 and "先后依赖形成了循环" in text(refused) and "「食品经营许可」" in text(refused)
    # submit, and the reviewer approves, then publishes
    assert client.post(reverse("bundles:editor_submit", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    own_page = text(client.get(reverse("bundles:editor_version", args=[version.pk])))
    assert reverse("bundles:editor_review", args=[version.pk]) not in own_page  # nobody reviews their own version
    client.force_login(s.reviewer)
    assert "提交审核结论" in text(client.get(reverse("bundles:editor_review", args=[version.pk])))
    missing = client.post(reverse("bundles:editor_review", args=[version.pk]), {"decision": "return", "comment": ""})
    assert missing.status_code == 400 and "退回修改时请填写审核意见" in text(missing)
    client.post(reverse("bundles:editor_review", args=[version.pk]), {"decision": "approve", "comment": "可以发布"})
    client.post(reverse("bundles:editor_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    public = text(client.get(reverse("bundles:guide", args=[version.bundle_id]), {"q-signboard": "no"}))
    assert "店铺照片" in public and "清单名称：牌匾标识审查登记" in public


def test_editor_cannot_review_own_version_and_sees_submission_problems(client, s):
    client.force_login(s.editor)
    client.post(reverse("bundles:editor_new"), {"name": "空的", "steward": s.bureau.pk})
    version = BundleVersion.objects.get(name="空的")
    response = client.post(reverse("bundles:editor_submit", args=[version.pk]))
    assert response.status_code == 400 and "一件事至少包含两个成员事项" in text(response)
    assert client.get(reverse("bundles:editor_review", args=[version.pk]))["Location"] == reverse("bundles:editor_version", args=[version.pk])


def test_question_text_errors_name_the_line(client, s):
    version = published_bundle(s)
    client.force_login(s.editor)
    client.post(reverse("bundles:editor_start_draft", args=[version.bundle_id]))
    draft = BundleVersion.objects.get(bundle=version.bundle, number=2)
    fields = {"member-count": "3", **{f"member-{i}-implementation": m.implementation_id for i, m in enumerate(draft.members.order_by("order"))},
              "questions": "问题 ok：问？\n选项 a：甲 ｜ 不办理 #9\n这一行不对"}
    response = _post_edit(client, draft, s, **fields)
    assert response.status_code == 200
    assert "第 2 行：成员 #9 不存在" in text(response) and "第 3 行：无法识别" in text(response)
