"""The guide page (办事指南) and the query budget of every public page."""

from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path, reverse

from yiwang.catalog.constants import LifeSubject, VersionStatus
from yiwang.catalog.guide import list_tags, promised_limit_label, visits_label
from yiwang.catalog.models import ImplementationVersion, ItemImplementation
from yiwang.catalog.tests.factories import MaterialFactory, PublishedVersionFactory, VersionFactory
from yiwang.catalog.tests.public_data import draft_only, full_guide, immediate_item, life_tree, published
from yiwang.core import hooks

pytestmark = pytest.mark.django_db



def _stand_in(request, *args, **kwargs):
    """Where the guide's links lead; only the links themselves are under test here."""
    return HttpResponse("stand-in")


def _urlconf(*, with_apply: bool) -> type:
    """A URLconf whose cases app does or does not (yet) offer `cases:apply`."""
    cases = [path("mine/", _stand_in, name="my_cases")]
    if with_apply:
        cases.append(path("apply/<int:implementation_id>/", _stand_in, name="apply"))
    # A class, not a module: anything hashable with `urlpatterns` serves as ROOT_URLCONF.
    return type("UrlConf", (), {"urlpatterns": [
        path("accounts/", include("yiwang.accounts.urls")),
        path("cases/", include((cases, "cases"))),
        path("", include("yiwang.core.urls")),
        path("", include("yiwang.catalog.urls")),
    ]})


WITH_APPLY, WITHOUT_APPLY = _urlconf(with_apply=True), _urlconf(with_apply=False)


def text(response) -> str:
    return response.content.decode()


def test_guide_shows_every_element_a_citizen_needs(client):
    version = full_guide()
    response = client.get(reverse("catalog:guide", args=[version.implementation_id]))
    body = text(response)
    assert response.status_code == 200
    expected = [
        "<h1 id=\"guide-title\">食品经营许可（新办）</h1>",
        "行政许可", "新设", "西安市市场监督管理局", "西安市卫生健康委员会",  # type, handling kind, agency, co-agency
        "自然人",  # service objects
        "已取得营业执照", "有与经营食品品种相适应的经营场所",  # acceptance conditions
        "食品经营许可申请书", "原件 1 份", "复印件 2 份", "原件 1 份，复印件 1 份", "在线填报", "容缺后补",
        "免提交（由部门调取）", "出具单位：市场监督管理部门", "填报须知：用黑色墨水笔填写",
        "空白表格<span class=\"visually-hidden\">：食品经营许可申请书</span>", "示例样表",
        "其中 <strong>2 项免提交</strong>",
        "工本费", "每证 10 元", "小微企业免收", "收费依据：陕价费发〔2020〕1号",  # fees
        "法定办结时限</dt><dd>20 个工作日", "自受理之日起计算", "承诺 10 个工作日", "不含现场核查时间",
        "<strong>审查</strong><span class=\"muted\">（7 个工作日）</span>",  # process
        "现场核查", "10 个工作日",  # special procedure
        "西安市政务服务中心", "凤城八路 109 号", "周六 9:00-13:00", "tel:029-86510000",  # place
        "1 次（最多跑一次）", "必须到现场的原因：需现场核查经营场所",  # visits
        "互联网咨询", "https://zwfw.example.gov.cn/items/food",  # online handling
        "预约办理</dt><dd>支持", "网上支付</dt><dd>支持", "物流快递（结果寄递）</dt><dd>支持",
        "食品经营许可证", "证照", "下载结果样本",  # result
        "《中华人民共和国食品安全法》第三十五条",  # legal basis
        "<summary>许可证有效期多久？</summary>", "有效期为 5 年",  # FAQ
        "tel:029-86780000", "tel:029-12345000",  # phones
        ">告知承诺制</li>", ">容缺受理</li>", ">全市通办</li>", ">周末可办</li>", ">高频事项</li>",
        "版本 v1", "发布日期",
        reverse("catalog:guide_pdf", args=[version.implementation_id]), "打印/下载办事指南 PDF",
    ]
    missing = [e for e in expected if e not in body]
    assert not missing, missing


def test_guide_of_an_immediate_free_item(client):
    version = immediate_item("居民身份证换领")
    body = text(client.get(reverse("catalog:guide", args=[version.implementation_id])))
    assert "办结时限</dt><dd>即办" in body
    assert "法律法规未规定办结时限" in body
    assert "0 次（零跑动）" in body and "<strong>不收费</strong>" in body


def test_half_day_limits_are_shown_as_decimals(client):
    version = published("企业开办", promised_limit="0.5", statutory_limit="3")
    body = text(client.get(reverse("catalog:guide", args=[version.implementation_id])))
    assert "承诺 0.5 个工作日" in body and "3 个工作日" in body and "3.0" not in body


@override_settings(ROOT_URLCONF=WITHOUT_APPLY)
def test_apply_button_waits_for_the_cases_app(client):
    version = published("食品生产许可")
    body = text(client.get(reverse("catalog:guide", args=[version.implementation_id])))
    assert "网上申请即将开通" in body and "在线申请</a>" not in body


@override_settings(ROOT_URLCONF=WITH_APPLY)
def test_apply_button_links_to_the_application_once_cases_offers_it(client):
    version = published("食品生产许可")
    body = text(client.get(f"/items/{version.implementation_id}/"))
    assert f'href="/cases/apply/{version.implementation_id}/">在线申请</a>' in body
    assert "网上申请即将开通" not in body


@override_settings(ROOT_URLCONF=WITH_APPLY)
def test_no_apply_button_for_an_item_handled_only_at_the_window(client):
    version = published("特种设备作业人员考核", supports_online_handling=False, visits=1, visits_reason="需现场实操考核",
                        online_depth=["1"])
    body = text(client.get(f"/items/{version.implementation_id}/"))
    assert "在线申请</a>" not in body and "本事项暂不支持网上申请" in body


def test_demo_guide_says_so(client):
    version = published("演示事项")
    ItemImplementation.objects.filter(pk=version.implementation_id).update(is_demo=True)
    assert "本指南为演示数据" in text(client.get(reverse("catalog:guide", args=[version.implementation_id])))


def test_unknown_and_unpublished_guides_are_404(client):
    draft = draft_only("草稿事项")
    for implementation_id in (draft.implementation_id, 987654):
        for name in ("catalog:guide", "catalog:guide_pdf"):
            response = client.get(reverse(name, args=[implementation_id]))
            assert response.status_code == 404
            assert "未找到您要的页面" in text(response) and "草稿事项" not in text(response)


def test_a_superseded_current_version_is_not_public(client):
    version = published("被替代的事项")
    ImplementationVersion.objects.filter(pk=version.pk).update(status=VersionStatus.SUPERSEDED)
    assert client.get(reverse("catalog:guide", args=[version.implementation_id])).status_code == 404


def test_guide_shows_the_published_version_not_the_newer_draft(client):
    version = published("食品生产许可")
    VersionFactory(implementation=version.implementation, number=2, name="食品生产许可（草稿改名）")
    body = text(client.get(reverse("catalog:guide", args=[version.implementation_id])))
    assert "食品生产许可" in body and "草稿改名" not in body and "版本 v1" in body


# ---- query budget: pages cost the same whatever the size of the catalog ----

@pytest.fixture
def big_catalog():
    versions = [published(f"许可事项{i:02d}", high_frequency=True, commitment_eligible=True) for i in range(30)]
    life_tree([v.implementation for v in versions[:15]])
    life_tree([v.implementation for v in versions[15:]], subject=LifeSubject.ENTERPRISE, stage="企业开办")
    guide = PublishedVersionFactory(materials=12, faqs=6)
    for _ in range(3):
        MaterialFactory(version=guide)
    return versions, guide


def test_search_query_budget(client, big_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # filter options, count, the page of results
        response = client.get(reverse("catalog:search"), {"q": "许可", "flag": "commitment_eligible"})
    assert text(response).count('class="result"') == 20


def test_guide_query_budget(client, big_catalog, django_assert_max_num_queries):
    _, guide = big_catalog
    # selectors.implementation_detail: the version, then materials, fees, FAQs, places, co-agencies,
    # form fields and reviews, each in one query however many rows they have
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:guide", args=[guide.implementation_id]))
    assert text(response).count("<th scope=\"row\" class=\"materials__name\">") == 15
    with django_assert_max_num_queries(8):
        assert client.get(reverse("catalog:guide_pdf", args=[guide.implementation_id])).status_code == 200


def test_browse_pages_query_budget(client, big_catalog, django_assert_max_num_queries):
    versions, _ = big_catalog
    event = versions[0].implementation.life_events.get()
    # The life-event page asks the apps above the catalog what they offer (one query each).
    offers = len(hooks.handlers("catalog.life_event_links"))
    for url, budget in [("/", 4), (reverse("catalog:browse_tree", args=["person"]), 3),
                        (reverse("catalog:life_event", args=[event.pk]), 2 + offers),
                        (reverse("catalog:browse_agencies"), 1),
                        (reverse("catalog:agency", args=[versions[0].implementation.agency_id]), 2)]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url


# ---- one-line labels of result rows (pure functions over a version) ----

@pytest.mark.parametrize(("fields", "limit", "visits"), [
    ({"promised_limit": 10, "promised_limit_unit": "working_day", "visits": 1}, "承诺 10 个工作日", "最多跑一次"),
    ({"promised_limit": "0.5", "promised_limit_unit": "working_day", "visits": 0}, "承诺 0.5 个工作日", "零跑动"),
    ({"promised_limit": 30, "promised_limit_unit": "natural_day", "visits": 2}, "承诺 30 个自然日", "到现场 2 次"),
    ({"promised_limit": 0, "promised_limit_unit": "immediate", "case_kind": "1", "visits": 1}, "即办", "最多跑一次"),
])
def test_limit_and_visit_labels(fields, limit, visits):
    version = ImplementationVersion(**{**fields, "promised_limit": Decimal(str(fields["promised_limit"]))})
    assert (promised_limit_label(version), visits_label(version)) == (limit, visits)


def test_tags_show_the_city_wide_list_and_a_wider_scope_once_each():
    both = ImplementationVersion(city_wide=True, cross_region_scope="cross_province", high_frequency=False)
    assert [t.label for t in list_tags(both)] == ["全市通办", "跨省通办"]
    same = ImplementationVersion(city_wide=True, cross_region_scope="city_wide", high_frequency=False)
    assert [t.label for t in list_tags(same)] == ["全市通办"]
    online = ImplementationVersion(high_frequency=True, visits=0, online_depth=["1", "2", "3", "4", "5", "6", "7"])
    assert [t.label for t in list_tags(online)] == ["高频事项", "全程网办"]
