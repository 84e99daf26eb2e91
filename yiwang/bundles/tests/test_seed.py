"""The Xi'an bundles loaded by `manage.py load_xian` (loaded once for the module and rolled back).

Expectations come from the project's own copies of the seed tables: the bundles seed module and
the catalog's checked transcription (yiwang/catalog/seed/xian_bundles.json), never ../shared.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from yiwang.bundles import selectors
from yiwang.bundles.constants import VersionStatus
from yiwang.bundles.models import Bundle, BundleMember, BundleVersion
from yiwang.bundles.rules import definition_problems
from yiwang.bundles.seed import loader
from yiwang.bundles.seed.spec import m
from yiwang.catalog import selectors as catalog_selectors
from yiwang.catalog.seed import catalog as catalog_seed
from yiwang.catalog.seed.loader import load_xian

TABLES = json.loads((Path(catalog_seed.__file__).parent / "xian_bundles.json").read_text(encoding="utf-8"))["bundles"]
# Tables without ★ (the themed scenes, and 退休 in the first batch): the catalog's transcription marks
# every member of the lead agency; we mark the principal item only (docs/seed-data.md).
OUR_LEAD_CHOICE = {("2024-1", 13), *(("2024-scene", n) for n in range(1, 11))}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            first = load_xian()
            counts = (Bundle.objects.count(), BundleVersion.objects.count(), BundleMember.objects.count())
            out = io.StringIO()
            call_command("load_xian", stdout=out)
            yield {"first": first, "counts": counts, "second": out.getvalue(),
                   "after": (Bundle.objects.count(), BundleVersion.objects.count(), BundleMember.objects.count())}
            transaction.set_rollback(True)
        connection.close()


@pytest.fixture
def by_code(seeded, db):
    return {v.bundle.code: v for v in selectors.published_bundles()}


def test_all_35_bundles_with_all_198_members_are_published(seeded, by_code):
    assert seeded["first"].steps == {"一件事": 35}
    assert seeded["counts"] == (35, 35, 198)
    assert [code[:9] for code in by_code].count("XA-2024-1") == 13
    assert [code[:9] for code in by_code].count("XA-2024-2") == 8
    assert [code[:9] for code in by_code].count("XA-2024-S") == 10
    assert [code[:7] for code in by_code].count("YT-2021") == 4
    assert all(v.status == VersionStatus.PUBLISHED and v.bundle.current_version_id == v.pk for v in by_code.values())


def test_a_second_run_creates_nothing(seeded):
    assert seeded["after"] == seeded["counts"]
    assert "已是最新" in seeded["second"]


def test_every_member_is_the_catalog_item_of_its_name_and_agency(by_code):
    seeds = {b.code: b for b in loader.seed_bundles()}
    for code, version in by_code.items():
        rows = list(version.members.all())
        assert len(rows) == len(seeds[code].members), code
        for row, member in zip(rows, seeds[code].members, strict=True):
            guide = row.implementation.current_version
            assert guide.status == "published", (code, member.item)
            assert catalog_selectors.normalise_item_name(guide.name) == catalog_selectors.normalise_item_name(member.item), (code, member.item)
            assert row.implementation.agency.short_name == member.agencies[0], (code, member.item)
            co = {o.short_name for o in guide.co_agencies.all()}
            assert set(member.agencies[1:]) <= co, (code, member.item)
            assert row.is_lead == member.lead and row.listed_as == member.listed_as


def test_the_seed_module_agrees_with_the_transcribed_tables(by_code):
    seeds = loader.seed_bundles()
    assert [(s.batch, s.no, s.name) for s in seeds] == [(t["batch"], t["no"], t["name"]) for t in TABLES]
    for ours, table in zip(seeds, TABLES, strict=True):
        assert len(ours.members) == len(table["members"]), ours.name
        for member, row in zip(ours.members, table["members"], strict=True):
            assert catalog_seed.normalise_name(member.listed_as or member.item) == catalog_seed.normalise_name(row["item"]), (ours.name, row["item"])
            assert list(member.agencies) == row["agencies"], (ours.name, row["item"])
            if (ours.batch, ours.no) not in OUR_LEAD_CHOICE:
                assert member.lead == row["lead"], (ours.name, row["item"])
        if (ours.batch, ours.no) in OUR_LEAD_CHOICE:
            assert sum(m.lead for m in ours.members) >= 1 and all(row["lead"] for m, row in zip(ours.members, table["members"], strict=True)
                                                                  if m.lead), ours.name
        if ours.batch != "yanta-2021":
            assert ours.lead_agencies[0] == table["lead_agencies"][0]


def test_every_seeded_bundle_passes_the_rules_and_links_its_life_event(by_code):
    definitions = selectors.definitions_of(by_code.values())
    for code, version in by_code.items():
        assert definition_problems(definitions[version.pk]) == [], code
        assert version.life_event and version.stage_id == version.life_event.theme.stage_id, code
        assert version.bundle_id in [v.bundle_id for v in selectors.bundles_for_life_event(version.life_event_id)], code


def test_figures_of_opening_a_restaurant_by_hand(by_code):
    """开办餐饮店 (seed 003 附件1 第3项), from the four guides:
    核验: 2 online forms, 即办; 食品经营许可: 申请书 (online), 设备布局, 规章制度, 营业执照副本, 健康证明 (容缺后补), 10 working days;
    户外招牌: 申请表 (online), 申请人身份证明, 经办人身份证明, 营业执照（事业单位法人证书）, 设计平面图, 现状图 (+ 委托书, 非必要), 3 days;
    消防安全检查: 申报表 + 告知承诺书 (online), 营业执照副本, 消防制度, 平面图, 1 day. Nobody has to go to a window."""
    f = selectors.build_checklist(selectors.definition_of(by_code["XA-2024-1-03"])).figures
    assert (f.members, f.departments) == (4, 3)
    assert f.materials_before == 2 + 5 + 6 + 5
    # one merged form, the business licence once for three members, and the rest
    assert f.materials_after == 1 + 1 + 2 + 1 + 4 + 2
    assert f.materials_reduction == Decimal("38.9")
    assert (f.visits_before, f.visits_after) == (0, 0) and f.visits_reduction is None
    assert f.days_before == Decimal(0 + 10 + 3 + 1)
    assert f.days_after == Decimal(10)  # 核验 (即办) then 食品经营许可; 招牌 and 消防 in parallel
    assert f.time_reduction == Decimal("28.6")


def test_figures_of_the_small_restaurant_by_hand(by_code):
    """小餐饮一件事 (雁塔区): 个体工商户设立登记 (即办: 申请书 + 承诺书 online, 经营者身份证) first; then 小餐饮经营许可
    (5 days: 申请表 online, 营业执照, 平面图, 健康证明) and 户外招牌 (3 days, six materials): both need the 营业执照 the
    registration issues, so neither asks for it."""
    c = selectors.build_checklist(selectors.definition_of(by_code["YT-2021-04"]))
    f = c.figures
    assert f.materials_before == 3 + 4 + 6
    assert f.materials_after == 1 + 1 + 2 + 4  # form; 身份证; 平面图, 健康证明; 招牌's 身份证明 ×2, 两张图
    assert {(d.title, d.reason_code) for d in c.dropped} == {("小餐饮经营许可", "provided"), ("户外招牌设施设置规范管理", "provided")}
    assert (f.days_before, f.days_after) == (Decimal(8), Decimal(5))
    assert f.departments == 2


def test_city_wide_totals_are_the_sums_over_bundles(by_code, capsys):
    overview = selectors.overview()
    assert len(overview.rows) == 35
    t = overview.totals
    assert t.materials_before == sum(r.figures.materials_before for r in overview.rows)
    assert t.days_after == sum(r.figures.days_after for r in overview.rows)
    assert t.members == 198
    assert t.materials_reduction > 0 and t.time_reduction > 0
    with capsys.disabled():
        print(f"\ncity-wide: materials {t.materials_before}→{t.materials_after} (−{t.materials_reduction}%, reported −30.6%), "
              f"visits {t.visits_before}→{t.visits_after} (−{t.visits_reduction}%, reported −75.1%), "
              f"time {t.days_before}→{t.days_after} working days (−{t.time_reduction}%, reported −50%)")


def test_a_member_that_matches_no_item_fails_the_loader_and_writes_nothing(seeded, db, monkeypatch):
    good = next(b for b in loader.seed_bundles() if b.code == "XA-2024-1-03")
    bad = replace(good, code="XA-TEST-99", members=(*good.members[:3], m("公众聚集场所消防安全检查（改名）", "市消防救援支队")), questions=())
    monkeypatch.setattr(loader, "seed_bundles", lambda: [bad])
    before = Bundle.objects.count()
    with pytest.raises(loader.BundleSeedInvalid) as failed:
        loader.load_bundles()
    assert "XA-TEST-99 开办餐饮店：成员「公众聚集场所消防安全检查（改名）」（市消防救援支队）在事项目录中没有已发布的事项" in str(failed.value)
    assert Bundle.objects.count() == before


def test_demo_staff_can_carry_the_yanta_bundles(by_code):
    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.bundles import access, demo

    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)  # idempotent
    editor, reviewer = user_by_identifier("editor_yanta"), user_by_identifier("catalog_reviewer_yanta")
    version = by_code["YT-2021-04"]
    assert access.version_actions_for(actor=editor, version=version).start_draft
    assert access.can_review(reviewer, version.bundle) and not access.can_edit(reviewer, version.bundle)
    assert not access.can_edit(editor, by_code["XA-2024-1-03"].bundle)  # the city's bundles are the city bureau's


def _typed_value(field, applicant):
    """A valid answer of the merged field's data type (the enterprise's own identifiers where asked)."""
    from yiwang.catalog.constants import DataType

    by_type = {DataType.INTEGER: "3", DataType.DECIMAL: "120.5", DataType.DATE: "2026-11-16", DataType.BOOLEAN: "true",
               DataType.ID_NUMBER: applicant.legal_rep_id_number or applicant.id_number, DataType.USCC: applicant.uscc,
               DataType.PHONE: "13909110002", DataType.EMAIL: "shop@example.com", DataType.DIVISION: "610113",
               DataType.ADDRESS: "西安市雁塔区小寨东路 1 号"}
    if field.options:
        first = field.options[0][0]
        return [first] if field.data_type == DataType.MULTI_CHOICE else first
    return by_type.get(field.data_type, "西安示例餐饮")


def test_demo_carries_the_restaurant_bundle_through_joint_acceptance(by_code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.accounts.tests.factories import EnterpriseUserFactory
    from yiwang.bundles import applications, demo
    from yiwang.bundles.constants import BundleCaseStatus
    from yiwang.bundles.merge_materials import ONLINE_FORM
    from yiwang.cases import selectors as case_selectors
    from yiwang.cases.services import stored_file_create
    from yiwang.cases.tests.conftest import PDF_BYTES

    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())  # idempotent
    version = by_code[demo.CASE_BUNDLE]
    clerk = user_by_identifier("clerk_yjs")
    assert case_selectors.holds_acceptance_role_at(actor=clerk, agency=version.lead_agency)
    applicant = EnterpriseUserFactory()
    answers = {"signboard": "yes", "assembly": "yes", "fire_commitment": "yes", "agent": "no"}
    checklist = selectors.bundle_checklist(version, answers)
    assert len(checklist.members) == 4
    stored = stored_file_create(actor=applicant, owner=applicant, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    bundle_case = applications.bundle_application_submit(
        actor=applicant, applicant=applicant, bundle_id=version.bundle_id, answers=answers,
        form_data={f.name: _typed_value(f, applicant) for f in checklist.form.fields},
        materials={m.key: {"file": stored.pk} for m in checklist.materials.merged
                   if m.submitted and m.source_channel != ONLINE_FORM})
    applications.bundle_case_accept(actor=clerk, bundle_case=bundle_case)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCaseStatus.IN_PROGRESS and bundle_case.due_on
    # Every member's agency has somebody to review and approve it (and to be told of a chase).
    for member in bundle_case.members.select_related("case"):
        staff = case_selectors.department_staff_of(member.case)
        assert staff, member.case.agency


def test_demo_holders_get_materials_from_the_licence_library_in_seeded_bundles(by_code):
    """The demo journeys of docs/licences.md: in 开办餐饮店 the enterprise's business licence (for three
    members) comes from the e-licence library; in 雁塔区's 老年优待证 the citizen's ID card and
    household register; the citizen's expired driving licence is named, not used."""
    from django.core.management import call_command

    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.licences import demo as licences_demo

    call_command("load_demo_accounts", stdout=io.StringIO())
    licences_demo.load(stdout=None)
    enterprise, citizen = user_by_identifier("enterprise"), user_by_identifier("citizen")
    answers = {"signboard": "yes", "assembly": "yes", "fire_commitment": "yes", "agent": "no"}
    restaurant = selectors.bundle_checklist(by_code["XA-2024-1-03"], answers, applicant=enterprise)
    held = {h.entry.name: h for h in restaurant.held}
    licence = held["营业执照副本原件及复印件"]
    assert licence.licence_name == "营业执照" and licence.identifier.startswith("1.2.156.3005.2.")
    assert len(licence.entry.members) >= 3
    assert "营业执照副本原件及复印件" not in [m.name for m in restaurant.materials.merged]
    elderly = selectors.bundle_checklist(by_code["YT-2021-02"], {}, applicant=citizen)
    assert {"居民身份证", "居民户口簿"} <= {h.entry.name for h in elderly.held}
    transport = selectors.bundle_checklist(by_code["XA-2024-1-02"], {}, applicant=citizen)
    assert any("2025-06-30 届满" in notice for notice in transport.notices.values())
