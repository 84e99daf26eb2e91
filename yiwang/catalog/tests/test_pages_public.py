"""Public catalog pages through the Django test client: home, search, trees, departments."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiwang.catalog.constants import ItemType, LifeSubject
from yiwang.catalog.tests.public_data import (
    district_agency,
    draft_only,
    full_guide,
    immediate_item,
    life_tree,
    published,
)
from yiwang.core.context_processors import ELDER_COOKIE
from yiwang.core.inputs import CONTROL_CHARS
from yiwang.orgs.constants import OrganisationKind
from yiwang.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# ---- home ----

def test_home_has_search_box_entry_points_and_high_frequency_items(client):
    version = full_guide()
    draft_only("未发布的草稿事项")
    life_tree([version.implementation], stage="出生")
    life_tree([], subject=LifeSubject.ENTERPRISE, stage="企业开办", theme="设立登记", event="开办餐馆")
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    body = text(response)
    assert '<label for="home-q"' in body and 'action="/guidance/search/"' in body and ">搜索</button>" in body
    assert 'href="/search/">按部门、事项类型筛选全部事项' in body  # the filtered catalog list stays
    assert "个人办事" in body and "法人办事" in body
    assert "出生" in body and "企业开办" in body and "#stage-" in body
    assert "食品经营许可（新办）" in body  # high frequency
    assert "未发布的草稿事项" not in body
    assert reverse("catalog:browse_agencies") in body


def test_home_works_with_an_empty_catalog(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "暂无高频事项" in text(response)


# ---- search ----

def test_search_finds_by_name_and_shows_limits_visits_and_tags(client):
    full_guide()
    immediate_item("居民身份证换领")
    published("建筑工程施工许可")
    response = client.get(reverse("catalog:search"), {"q": "许可"})
    body = text(response)
    assert response.status_code == 200
    assert "与“<strong>许可</strong>”相关的事项：共 <strong>2</strong> 项" in body
    assert "食品经营许可（新办）" in body and "建筑工程施工许可" in body
    assert "居民身份证换领" not in body
    assert "承诺 10 个工作日" in body and "最多跑一次" in body
    assert "西安市市场监督管理局" in body
    for tag in ("告知承诺制", "容缺受理", "全市通办", "周末可办", "高频事项"):
        assert f">{tag}</li>" in body

    body = text(client.get(reverse("catalog:search"), {"q": "身份证"}))
    assert "即办" in body and "零跑动" in body and "居民身份证换领" in body


def test_search_matches_every_word_and_the_agency_name(client):
    full_guide()
    published("建筑工程施工许可")
    body = text(client.get(reverse("catalog:search"), {"q": "市场监督  食品"}))
    assert "共 <strong>1</strong> 项" in body and "食品经营许可（新办）" in body


def test_search_never_shows_unpublished_items(client):
    draft_only("草稿许可事项")
    body = text(client.get(reverse("catalog:search"), {"q": "草稿"}))
    assert "共 <strong>0</strong> 项" in body and "没有找到符合条件的事项" in body


@pytest.mark.parametrize("flag", [
    "commitment_eligible", "deferred_material_eligible", "city_wide", "weekend_service", "high_frequency"])
def test_search_flag_filters(client, flag):
    published("甲事项", **{flag: True})
    published("乙事项")
    body = text(client.get(reverse("catalog:search"), {"flag": flag}))
    assert "甲事项" in body and "乙事项" not in body
    assert f'value="{flag}" id="flag-{flag}" checked' in body


def test_search_filters_by_agency_and_type(client):
    agency = OrganisationFactory(name="西安市民政局")
    published("婚姻登记", agency=agency, item_type=ItemType.CONFIRMATION)
    published("临时救助", agency=agency, item_type=ItemType.BENEFIT)
    published("食品生产许可")
    body = text(client.get(reverse("catalog:search"), {"agency": agency.pk}))
    assert "婚姻登记" in body and "临时救助" in body and "食品生产许可" not in body
    assert f'<option value="{agency.pk}" selected>' in body
    body = text(client.get(reverse("catalog:search"), {"agency": agency.pk, "type": ItemType.BENEFIT}))
    assert "临时救助" in body and "婚姻登记" not in body


def test_search_paginates(client):
    for i in range(25):
        published(f"分页事项{i:02d}")
    first = text(client.get(reverse("catalog:search"), {"q": "分页"}))
    assert "共 <strong>25</strong> 项，第 1 / 2 页" in first
    assert first.count('class="result"') == 20
    assert 'href="?q=%E5%88%86%E9%A1%B5&amp;page=2"' in first and "下一页" in first
    second = text(client.get(reverse("catalog:search"), {"q": "分页", "page": 2}))
    assert second.count('class="result"') == 5 and 'aria-current="page">第 2 页' in second and "上一页" in second
    beyond = text(client.get(reverse("catalog:search"), {"q": "分页", "page": 9}))
    assert "没有第 9 页，已显示最后一页" in beyond and beyond.count('class="result"') == 5


@pytest.mark.parametrize(("params", "message"), [
    ({"page": "abc"}, "页码无效"),
    ({"page": "0"}, "页码无效"),
    ({"page": "9" * 5000}, "页码无效"),
    ({"agency": "x"}, "“部门”筛选条件无效"),
    ({"agency": "999999"}, "“部门”筛选条件无效"),
    ({"agency": "²"}, "“部门”筛选条件无效"),
    ({"type": "99"}, "“事项类型”筛选条件无效"),
    ({"flag": "bogus"}, "“清单”筛选条件无法识别"),
    ({"q": "许" * 300}, "搜索词过长"),
])
def test_search_bad_parameters_give_a_friendly_message_not_an_error(client, params, message):
    published("食品生产许可")
    response = client.get(reverse("catalog:search"), params)
    assert response.status_code == 200
    assert message in text(response)


def test_search_with_a_nul_character_is_a_400_naming_the_field(client):
    published("食品生产许可")
    response = client.get(reverse("catalog:search"), {"q": "食品\x00生产"})
    assert response.status_code == 400 and "「q」" in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=120), agency=st.text(max_size=12), item_type=st.text(max_size=4), page=st.text(max_size=12),
       flags=st.lists(st.text(max_size=10), max_size=3))
def test_search_never_fails_on_any_input(client, q, agency, item_type, page, flags):
    response = client.get(reverse("catalog:search"), {"q": q, "agency": agency, "type": item_type, "page": page,
                                                      "flag": flags})
    refused = any(CONTROL_CHARS.search(v) for v in [q, agency, item_type, page, *flags])
    assert response.status_code == (400 if refused else 200)


def test_search_htmx_request_returns_only_the_results_and_the_count(client):
    published("食品生产许可", weekend_service=True)
    response = client.get(reverse("catalog:search"), {"flag": "weekend_service"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and "食品生产许可" in body
    assert 'id="result-count"' in body and 'hx-swap-oob="innerHTML"' in body
    assert "HX-Request" in response["Vary"]
    restore = client.get(reverse("catalog:search"), {"flag": "weekend_service"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in text(restore)  # the back button gets the whole page


def test_search_empty_state_gives_advice(client):
    body = text(client.get(reverse("catalog:search"), {"q": "不存在的事项", "flag": "weekend_service"}))
    assert "没有找到符合条件的事项" in body and "换个说法" in body and "12345" in body
    assert "清除全部筛选条件" in body


# ---- life-cycle trees ----

def test_person_tree_lists_stages_themes_and_events_with_item_counts(client):
    version = full_guide()
    other = published("出生医学证明")
    hidden = draft_only("出生草稿事项")
    stage, theme, event = life_tree([version.implementation, other.implementation, hidden.implementation])
    response = client.get(reverse("catalog:browse_tree", args=["person"]))
    body = text(response)
    assert response.status_code == 200
    assert "<h1>个人办事</h1>" in body
    assert f'href="#stage-{stage.pk}"' in body and f'id="stage-{stage.pk}"' in body
    assert "<h3>生育登记</h3>" in body
    assert reverse("catalog:life_event", args=[event.pk]) in body
    assert "2 项事项" in body  # the draft is not counted


def test_enterprise_tree_shows_only_enterprise_stages(client):
    life_tree([], subject=LifeSubject.ENTERPRISE, stage="企业开办", theme="设立登记", event="开办餐馆")
    life_tree([], stage="退休", theme="养老", event="办理退休")
    body = text(client.get(reverse("catalog:browse_tree", args=["enterprise"])))
    assert "<h1>法人办事</h1>" in body and "企业开办" in body and "退休" not in body


def test_unknown_subject_is_a_404_page(client):
    response = client.get("/browse/martians/")
    assert response.status_code == 404
    assert "没有这个办事分类" in text(response)


def test_life_event_page_lists_its_public_items(client):
    version = full_guide()
    hidden = draft_only("出生草稿事项")
    stage, theme, event = life_tree([version.implementation, hidden.implementation])
    response = client.get(reverse("catalog:life_event", args=[event.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "<h1>新生儿出生</h1>" in body and "出生 · 生育登记" in body
    assert reverse("catalog:guide", args=[version.implementation_id]) in body
    assert "出生草稿事项" not in body
    assert f'href="/browse/person/#stage-{stage.pk}"' in body  # breadcrumb back to the stage


def test_unknown_life_event_is_a_404_page(client):
    response = client.get(reverse("catalog:life_event", args=[424242]))
    assert response.status_code == 404 and "没有找到这个办事场景" in text(response)


# ---- departments ----

def test_departments_grouped_city_then_district(client):
    city = OrganisationFactory(name="西安市公安局")
    district = district_agency("碑林区民政局", "碑林区")
    published("户口迁移", agency=city)
    published("低保申请", agency=district)
    empty = OrganisationFactory(name="没有事项的局")
    draft_only("草稿事项", agency=empty)
    hall = OrganisationFactory(name="西安市政务服务中心", kind=OrganisationKind.SERVICE_CENTER)
    published("大厅事项", agency=hall)
    response = client.get(reverse("catalog:browse_agencies"))
    body = text(response)
    assert response.status_code == 200
    city_heading, district_heading = body.index('id="group-title-city"'), body.index('id="group-title-district"')
    assert city_heading < body.index("西安市公安局") < district_heading < body.index("碑林区民政局")
    assert "<h3>碑林区</h3>" in body and "户口迁移" in body and "1 项事项" in body
    assert "没有事项的局" not in body and "西安市政务服务中心" not in body


def test_agency_page_lists_its_items(client):
    agency = OrganisationFactory(name="西安市民政局", phone="029-12345678")
    published("婚姻登记", agency=agency)
    draft_only("民政草稿", agency=agency)
    published("别的局的事项")
    response = client.get(reverse("catalog:agency", args=[agency.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "<h1>西安市民政局</h1>" in body and "婚姻登记" in body and "029-12345678" in body
    assert "民政草稿" not in body and "别的局的事项" not in body
    assert "本部门事项（1 项）" in body


def test_agency_page_404_for_unknown_or_non_department(client):
    hall = OrganisationFactory(name="政务服务中心", kind=OrganisationKind.SERVICE_CENTER)
    assert client.get(reverse("catalog:agency", args=[hall.pk])).status_code == 404
    assert client.get(reverse("catalog:agency", args=[987654])).status_code == 404


# ---- elder mode and methods ----

def test_elder_mode_cookie_enlarges_every_public_page(client):
    version = full_guide()
    client.cookies[ELDER_COOKIE] = "1"
    for url in ("/", reverse("catalog:search"), reverse("catalog:browse_tree", args=["person"]),
                reverse("catalog:browse_agencies"), reverse("catalog:guide", args=[version.implementation_id])):
        assert '<html lang="zh-CN" class="elder">' in text(client.get(url)), url


def test_public_pages_are_read_only(client):
    assert client.post(reverse("catalog:search")).status_code == 405


def test_life_event_page_shows_what_higher_apps_offer_for_the_whole_event(client, monkeypatch):
    from collections import defaultdict

    from yiwang.core import hooks

    version = full_guide()
    _, _, event = life_tree([version.implementation])
    seen = []

    def offer(*, event):
        seen.append(event.pk)
        return [{"url": "/bundles/7/", "title": "新生儿出生一件事", "text": "一次申请，一并办理"}]

    monkeypatch.setattr(hooks, "_HANDLERS", defaultdict(list, {"catalog.life_event_links": [offer, lambda event: None]}))
    body = text(client.get(reverse("catalog:life_event", args=[event.pk])))
    assert seen == [event.pk]
    assert 'href="/bundles/7/"' in body and "新生儿出生一件事" in body and "一次申请，一并办理" in body


def test_life_event_page_without_offers_has_no_empty_section(client, monkeypatch):
    from collections import defaultdict

    from yiwang.core import hooks

    version = full_guide()
    _, _, event = life_tree([version.implementation])
    monkeypatch.setattr(hooks, "_HANDLERS", defaultdict(list))
    assert "一次办理" not in text(client.get(reverse("catalog:life_event", args=[event.pk])))
