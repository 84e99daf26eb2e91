"""Reads: catalog search, details, history, and the difference between versions."""

from decimal import Decimal

import pytest

from yiwang.catalog import selectors, services
from yiwang.catalog.constants import ItemType, VersionStatus
from yiwang.catalog.tests.catalog_team import make_team
from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory, PublishedVersionFactory, VersionFactory
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    city = OrganisationFactory(name="西安市市场监督管理局", short_name="市市场监管局")
    district = OrganisationFactory(name="雁塔区市场监督管理局", parent=city, division=city.division)
    police = OrganisationFactory(name="西安市公安局")
    food = PublishedVersionFactory(name="食品经营许可（新办）", implementation__agency=district,
                                   implementation__base_item__basic_code="000131024000", commitment_eligible=True,
                                   service_objects=["2"])
    shop = PublishedVersionFactory(name="个体工商户设立登记", implementation__agency=city, high_frequency=False,
                                   service_objects=["1"], city_wide=True)
    card = PublishedVersionFactory(name="居民身份证换领", implementation__agency=police,
                                   implementation__base_item__item_type=ItemType.CONFIRMATION, service_objects=["1"])
    VersionFactory(name="食品经营许可（草稿）", implementation__agency=district)  # never published: never found
    return {"city": city, "district": district, "police": police, "food": food, "shop": shop, "card": card}


def names(page):
    return [v.name for v in page.items]


class TestSearch:
    def test_words_of_the_query_each_match_name_code_or_agency(self, catalog):
        assert names(selectors.catalog_search(q="食品经营许可")) == ["食品经营许可（新办）"]
        assert names(selectors.catalog_search(q="怎么办理食品许可")) == ["食品经营许可（新办）"]
        assert names(selectors.catalog_search(q="000131024000")) == ["食品经营许可（新办）"]
        assert names(selectors.catalog_search(q="公安局 身份证")) == ["居民身份证换领"]
        assert names(selectors.catalog_search(q="市场监管局")) == ["个体工商户设立登记"]
        assert selectors.catalog_search(q="不存在的事项").total == 0

    def test_filters(self, catalog):
        city = catalog["city"].pk
        assert set(names(selectors.catalog_search(agency_id=city))) == {"食品经营许可（新办）", "个体工商户设立登记"}
        assert names(selectors.catalog_search(item_type="07")) == ["居民身份证换领"]
        assert names(selectors.catalog_search(flags={"commitment_eligible": True})) == ["食品经营许可（新办）"]
        assert names(selectors.catalog_search(flags={"city_wide": True, "high_frequency": False})) == ["个体工商户设立登记"]
        assert set(names(selectors.catalog_search(subject="person"))) == {"个体工商户设立登记", "居民身份证换领"}
        assert names(selectors.catalog_search(subject="enterprise")) == ["食品经营许可（新办）"]
        assert selectors.catalog_search(agency_id=999999).total == 0

    def test_pagination_with_total(self, catalog):
        page = selectors.catalog_search(page=2, page_size=2)
        assert (page.total, page.num_pages, len(page.items), page.has_previous, page.has_next) == (3, 2, 1, True, False)
        assert selectors.catalog_search(page=9).items == []

    def test_bad_input_is_named(self, catalog):
        with pytest.raises(ValidationFailed) as caught:
            selectors.catalog_search(item_type="99", page=0, page_size=1000, flags={"cheap": True}, subject="cat")
        assert {e.field for e in caught.value.errors} == {"type", "page", "page_size", "cheap", "subject"}

    def test_only_the_current_published_version_is_found(self, catalog):
        team = make_team()
        draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
        services.version_update(actor=team.editor, version=draft, data={"name": "食品经营许可（新版）"})
        assert "食品经营许可（新版）" not in names(selectors.catalog_search(q="食品"))


class TestDetail:
    def test_implementation_detail_loads_everything_in_few_queries(self, catalog, django_assert_max_num_queries):
        food = catalog["food"]
        FormFieldFactory(version=food, data_element=DataElementFactory(key="applicant.name"))
        with django_assert_max_num_queries(9):
            version = selectors.implementation_detail(food.implementation_id)
            assert [m.name for m in version.materials.all()] and version.form_fields.all()[0].data_element.key
            assert version.implementation.agency.name == "雁塔区市场监督管理局"

    def test_not_found_for_unknown_or_unpublished(self, catalog):
        draft = VersionFactory()
        for ident in (draft.implementation_id, 999999, "abc"):
            with pytest.raises(NotFound):
                selectors.implementation_detail(ident)
        assert selectors.version_detail(draft.pk).status == VersionStatus.DRAFT
        with pytest.raises(NotFound):
            selectors.version_detail(0)


class TestHistoryAndDiff:
    def test_history_and_diff_of_a_new_version(self):
        team = make_team()
        published = team.published
        draft = services.version_start_draft(actor=team.editor, implementation=published.implementation)
        material = draft.materials.get()
        services.version_update(
            actor=team.editor, version=draft,
            data={"promised_limit": "5", "fee_charged": True, "service_objects": ["1", "2"], "co_agencies": [team.other_agency.pk]},
            materials=[{"id": material.pk, "name": material.name, "necessity": "optional"}, {"name": "身份证"}],
            fee_items=[{"name": "工本费", "standard": "10 元"}])
        old, new = selectors.version_detail(published.pk), selectors.version_detail(draft.pk)
        changes = {(c.element, c.kind): c for c in selectors.version_diff(old, new)}
        assert changes[("promised_limit", "changed")].old == "10" and changes[("promised_limit", "changed")].new == "5"
        assert changes[("promised_limit", "changed")].label == "承诺办结时限"
        assert changes[("fee_charged", "changed")].new == "是"
        assert changes[("service_objects", "changed")].new == "自然人、企业法人"
        assert changes[("co_agencies", "added")].new == "西安市另一局"
        assert changes[("materials", "added")].new == "身份证"
        necessity = changes[(f"materials[{material.name}].necessity", "changed")]
        assert (necessity.old, necessity.new) == ("必要", "非必要") and "必要性" in necessity.label
        assert changes[("fee_items", "added")].new == "工本费"
        assert selectors.version_diff(new, new) == []
        reverse = {(c.element, c.kind) for c in selectors.version_diff(new, old)}
        assert ("materials", "removed") in reverse and ("co_agencies", "removed") in reverse
        assert [v.number for v in selectors.versions_of(published.implementation)] == [2, 1]

    def test_diff_against_nothing_lists_what_there_is(self):
        version = VersionFactory(promised_limit=Decimal("0.5"))
        changes = selectors.version_diff(None, version)
        assert all(c.kind == "added" for c in changes)
        assert {c.element: c.new for c in changes}["promised_limit"] == "0.5"


def test_editor_dashboard_is_scoped():
    team = make_team()
    draft = services.version_start_draft(actor=team.editor, implementation=team.published.implementation)
    assert [v.pk for v in selectors.editor_dashboard(team.editor2).drafts] == [draft.pk]
    assert selectors.editor_dashboard(team.outsider).drafts == []
    services.version_submit(actor=team.editor, version=draft)
    assert [v.pk for v in selectors.editor_dashboard(team.reviewer).awaiting_review] == [draft.pk]
    assert selectors.editor_dashboard(team.editor).awaiting_review == []
    found = selectors.implementations_for_staff(team.editor, q="食品")
    assert [i.pk for i in found.items] == [team.published.implementation_id]
    assert found.items[0].open_version.pk == draft.pk
    assert selectors.implementations_for_staff(team.outsider).total == 0



def test_published_guides_by_implementation_with_content(catalog, django_assert_max_num_queries):
    element = DataElementFactory(key="premises.address")
    FormFieldFactory(version=catalog["food"], data_element=element)
    draft_only = VersionFactory(name="只有草稿")
    ids = [catalog["food"].implementation_id, catalog["card"].implementation_id, draft_only.implementation_id, "x", -1]
    with django_assert_max_num_queries(10):
        guides = selectors.published_guides(ids)
        assert set(guides) == {catalog["food"].implementation_id, catalog["card"].implementation_id}
        food = guides[catalog["food"].implementation_id]
        assert [f.data_element.key for f in food.form_fields.all()] == ["premises.address"]
        assert [m.name for m in food.materials.all()] == ["申请书"]
        assert food.implementation.agency.name == "雁塔区市场监督管理局"
    assert selectors.published_guides([]) == {}


def test_published_implementations_named_by_name_and_agency(catalog):
    found = selectors.published_implementations_named([
        ("食品经营许可(新办)", "雁塔区市场监督管理局"),  # half-width brackets read as full-width
        ("个体工商户 设立登记", "市市场监管局"),  # by short name; whitespace ignored
        ("个体工商户设立登记", "西安市公安局"),  # right name, wrong agency
        ("食品经营许可（草稿）", "雁塔区市场监督管理局"),  # never published
    ])
    assert found[("食品经营许可（新办）", "雁塔区市场监督管理局")] == [catalog["food"].implementation]
    assert found[("个体工商户设立登记", "市市场监管局")] == [catalog["shop"].implementation]
    assert found[("个体工商户设立登记", "西安市公安局")] == []
    assert found[("食品经营许可（草稿）", "雁塔区市场监督管理局")] == []


def test_guide_facts_load_what_bundles_compute_with(catalog, django_assert_max_num_queries):
    element = DataElementFactory(key="premises.address")
    FormFieldFactory(version=catalog["food"], data_element=element)
    with django_assert_max_num_queries(5):
        facts = selectors.guide_facts([catalog["food"].implementation_id, catalog["card"].implementation_id, 0])
        food = facts[catalog["food"].implementation_id]
        assert (food.name, food.promised_limit, food.visits) == ("食品经营许可（新办）", 10, 0)
        assert [m.name for m in food.materials.all()] == ["申请书"]
        assert [f.data_element.key for f in food.form_fields.all()] == ["premises.address"]
        assert food.implementation.agency.name == "雁塔区市场监督管理局" and list(food.co_agencies.all()) == []
    assert set(facts) == {catalog["food"].implementation_id, catalog["card"].implementation_id}
