"""The Xi'an seed (manage.py load_xian): loaded once for the module, inside a transaction that is
rolled back afterwards, so other test modules see an empty database.

Expectations come from the project's own copies of the data (yiwang/catalog/seed/xian_bundles.json,
guides.json), never from /work/shared: the project runs without it.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from yiwang.catalog.application_form import validate_form_data
from yiwang.catalog.constants import DataType, LifeSubject, LimitUnit, MaterialSource, VersionStatus
from yiwang.catalog.models import BaseItem, DataElement, ImplementationVersion, ItemImplementation, LifeEvent, LifeStage, Material
from yiwang.catalog.rules import version_problems
from yiwang.catalog.seed import catalog
from yiwang.catalog.seed.loader import load_xian
from yiwang.catalog.seed.standard import LICENCE_TYPES
from yiwang.core.identifiers import uscc_errors, with_id_check_digit
from yiwang.core.models import AuditEvent
from yiwang.orgs.constants import OrganisationKind
from yiwang.orgs.models import Division, Organisation

SEED_DIR = Path(catalog.__file__).resolve().parent
BUNDLES = json.loads((SEED_DIR / "xian_bundles.json").read_text(encoding="utf-8"))
GUIDES = json.loads((SEED_DIR / "guides.json").read_text(encoding="utf-8"))
MODELS = (Division, Organisation, DataElement, BaseItem, ItemImplementation, ImplementationVersion, LifeEvent, AuditEvent)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Load twice (the second run must change nothing); roll everything back after the module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            first = load_xian()
            after_first = _counts()
            call_command("load_xian", stdout=io.StringIO())
            yield {"first": first, "after_first": after_first, "after_second": _counts()}
            transaction.set_rollback(True)
        # This module-scoped fixture may hold a connection of its own (Django keeps connections per
        # context, not only per thread); left open, PostgreSQL cannot drop the test database.
        connection.close()


@pytest.fixture
def impl_by_key(seeded, db):
    codes = {spec["implementation_code"]: key for key, spec in catalog.item_specs().items()}
    return {codes[i.implementation_code]: i for i in ItemImplementation.objects.select_related("agency", "current_version", "base_item")}


def test_copied_bundle_data_has_every_annex_table(seeded):
    batches = [b["batch"] for b in BUNDLES["bundles"]]
    assert (batches.count("2024-1"), batches.count("2024-2"), batches.count("2024-scene"), batches.count("yanta-2021")) == (13, 8, 10, 4)
    assert BUNDLES["differences"], "the differences found between the shared JSON and the seed text are recorded"
    assert all(b["members"] for b in BUNDLES["bundles"])


def test_every_bundle_member_is_a_published_implementation_of_its_agency(impl_by_key):
    for bundle in BUNDLES["bundles"]:
        for member in bundle["members"]:
            where = f"{bundle['name']} / {member['item']}"
            assert catalog.resolve_item_key(member["item"], member["agencies"][0]) == member["item_key"], where
            implementation = impl_by_key[member["item_key"]]
            assert implementation.agency.short_name == member["agencies"][0], where
            version = implementation.current_version
            assert version.status == VersionStatus.PUBLISHED and version.number == 1 and version.published_at, where
            co = set(version.co_agencies.values_list("short_name", flat=True))
            assert set(member["agencies"][1:]) <= co, where


def test_every_guide_item_is_seeded(impl_by_key):
    used = {spec["guide"] for spec in catalog.item_specs().values() if spec["guide"]}
    assert used == {g["item"] for g in GUIDES["items"]}
    assert len(GUIDES["items"]) == 29


def test_second_run_changes_nothing(seeded):
    assert seeded["first"].implementations == len(catalog.item_specs())
    assert seeded["after_second"] == seeded["after_first"]


def test_no_duplicates_by_code(seeded, db):
    assert Division.objects.values("code").distinct().count() == Division.objects.count()
    assert Organisation.objects.values("uscc").distinct().count() == Organisation.objects.count()
    assert ImplementationVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == ItemImplementation.objects.count()
    samples = set(ImplementationVersion.objects.values_list("result_sample", flat=True))
    assert len(samples) == len({v.result_name for v in ImplementationVersion.objects.all()})


def test_divisions_have_gbt2260_codes(seeded, db):
    districts = dict(Division.objects.filter(level="district").values_list("code", "name"))
    assert districts == {
        "610102": "新城区", "610103": "碑林区", "610104": "莲湖区", "610111": "灞桥区", "610112": "未央区", "610113": "雁塔区",
        "610114": "阎良区", "610115": "临潼区", "610116": "长安区", "610117": "高陵区", "610118": "鄠邑区", "610122": "蓝田县", "610124": "周至县",
    }
    assert Division.objects.get(code="610100").parent.code == "610000"
    assert not Division.objects.filter(level="zone", is_national_code=True).exists()
    assert Division.objects.filter(level="zone").count() >= 5
    assert not Division.objects.filter(level__in=["street", "community"], is_demo=False).exists()
    assert Division.objects.filter(level="community", parent__parent__code="610113").count() >= 2


def test_organisations_have_valid_usccs_and_the_names_other_code_needs(seeded, db):
    for org in Organisation.objects.all():
        assert uscc_errors(org.uscc) == [], org.short_name
        if org.kind in (OrganisationKind.GOVERNMENT, OrganisationKind.STREET_CENTER, OrganisationKind.COMMUNITY_STATION):
            assert org.uscc.startswith("11"), org.short_name
    for short_name in ("西安市人民政府", "市政务服务中心", "市行政审批局", "市市场监管局", "市教育局", "市公安局", "市人社局", "雁塔区人民政府",
                       "雁塔区政务服务中心", "雁塔区市场监管局", "雁塔区行政审批服务局", "市12345热线服务中心"):
        assert Organisation.objects.filter(short_name=short_name).count() == 1, short_name
    root = Organisation.objects.get(short_name="西安市人民政府")
    assert root.parent is None
    assert Organisation.objects.get(short_name="市政务服务中心").kind == OrganisationKind.SERVICE_CENTER
    assert Organisation.objects.get(short_name="雁塔区市场监管局").path.startswith(root.path)
    assert not Organisation.objects.filter(is_demo=False).exists()  # every USCC is made up


def test_every_version_passes_the_rules(seeded, db):
    versions = ImplementationVersion.objects.select_related("implementation__base_item").prefetch_related("materials", "fee_items", "faqs")
    problems = {v.name: [p.message for p in version_problems(v)] for v in versions}
    assert {name: found for name, found in problems.items() if found} == {}
    for implementation in ItemImplementation.objects.select_related("current_version", "agency"):
        version = implementation.current_version
        assert version is not None and version.status == VersionStatus.PUBLISHED
        assert implementation.implementation_code.startswith(implementation.agency.uscc + implementation.exercise_level)
        assert version.result_sample.name and version.result_sample.storage.exists(version.result_sample.name)
        assert version.consultation_phone.startswith("029-") and version.consultation_phone != version.complaint_phone
        assert version.places.exists() and version.form_fields.exists()
        assert (version.case_kind == "1") == (version.promised_limit_unit == LimitUnit.IMMEDIATE)
        assert (version.visits == 0) or version.visits_reason


def test_materials_name_their_licence_types(seeded, db):
    issued = Material.objects.filter(source_channel=MaterialSource.LICENCE_LIBRARY)
    assert issued.exists()
    assert not issued.filter(licence_type_code="").exists()
    used = set(Material.objects.exclude(licence_type_code="").values_list("licence_type_code", flat=True))
    used |= set(ImplementationVersion.objects.exclude(result_licence_type_code="").values_list("result_licence_type_code", flat=True))
    assert used <= set(LICENCE_TYPES)


def test_every_implementation_is_reachable_from_a_life_event(seeded, db):
    assert not ItemImplementation.objects.filter(life_events=None).exists()
    person = list(LifeStage.objects.filter(subject=LifeSubject.PERSON).order_by("order").values_list("name", flat=True))
    assert person == ["出生", "教育", "就业", "生活", "置业", "出行", "就医", "救助", "养老", "身后"]
    enterprise = list(LifeStage.objects.filter(subject=LifeSubject.ENTERPRISE).order_by("order").values_list("name", flat=True))
    assert enterprise == ["准入准营", "招聘用工", "纳税缴费", "经营发展", "工程建设", "注销退出"]
    for stage in LifeStage.objects.all():
        assert LifeEvent.objects.filter(theme__stage=stage).exists(), stage.name
    assert LifeEvent.objects.get(name="教育入学一件事").theme.stage.name == "教育"
    assert LifeEvent.objects.get(name="退休一件事").theme.stage.name == "养老"
    assert LifeEvent.objects.get(name="住房公积金个人住房贷款购房一件事").theme.stage.name == "置业"
    bundle_names = [b["name"] for b in BUNDLES["bundles"]] + [f"{b['name']}一件事" for b in BUNDLES["bundles"]]
    assert LifeEvent.objects.filter(name__in=bundle_names).count() == len(BUNDLES["bundles"])
    assert LifeEvent.objects.exclude(theme__code="").count() == LifeEvent.objects.count()


ENROLMENT_FIELDS = ["child.name", "child.id_number", "child.birth_date", "child.sex", "applicant.name", "applicant.id_number", "applicant.phone",
                    "guardian.relation", "household.address", "residence.address", "school.stage", "school.name"]


def test_enrolment_lead_item_has_the_full_form(impl_by_key):
    implementation = impl_by_key["school_enrolment_info"]
    assert implementation.agency.short_name == "市教育局"
    fields = list(implementation.current_version.form_fields.select_related("data_element").order_by("order"))
    assert [f.data_element.key for f in fields] == ENROLMENT_FIELDS
    types = {f.data_element.key: f.data_element.data_type for f in fields}
    assert types["child.id_number"] == types["applicant.id_number"] == DataType.ID_NUMBER
    assert (types["applicant.phone"], types["child.birth_date"], types["school.stage"]) == (DataType.PHONE, DataType.DATE, DataType.CHOICE)
    data = {"child.name": "王小明", "child.id_number": with_id_check_digit("61011320190901003"), "child.birth_date": "2019-09-01",
            "child.sex": "男", "applicant.name": "王建国", "applicant.id_number": with_id_check_digit("61011319880315001"),
            "applicant.phone": "13912345678", "guardian.relation": "父亲", "household.address": "西安市雁塔区小寨东路1号",
            "residence.address": "西安市雁塔区长安中路2号", "school.stage": "小学", "school.name": "西安市雁塔区小寨路小学"}
    cleaned, errors = validate_form_data(fields, data)
    assert errors == [] and cleaned["school.stage"] == "小学"
    _, errors = validate_form_data(fields, {**data, "school.stage": "高中", "applicant.phone": "12345"})
    assert {e.field for e in errors} == {"school.stage", "applicant.phone"}


def test_enterprise_start_up_and_simple_deregistration_follow_the_yanan_lists(impl_by_key):
    establishment = impl_by_key["company_establishment"].current_version
    names = [m.name for m in establishment.materials.all()]
    for expected in ("公司登记（备案）申请书", "全体股东签署的公司章程", "股东的主体资格证明或者自然人身份证件复印件",
        "法定代表人任职文件及身份证复印件",
                     "住所承诺书", "《企业名称预先核准通知书》"):
        assert expected in names
    for key in ("company_establishment", "tax_info_confirmation", "seal_engraving", "bank_account_opening", "ent_simple_deregistration"):
        version = impl_by_key[key].current_version
        assert (version.promised_limit, version.promised_limit_unit) == (Decimal("0.5"), LimitUnit.WORKING_DAY), key
    deregistration = impl_by_key["ent_simple_deregistration"].current_version
    names = [m.name for m in deregistration.materials.all()]
    assert [n[:4] for n in names] == ["申请书（", "委托书（", "全体股东", "营业执照"]
    assert not deregistration.fee_charged and not deregistration.fee_items.exists()
    assert establishment.result_licence_type_code == "LIC-BUSINESS-LICENCE"


def test_demo_flags_mark_invented_data(seeded, db):
    specs = catalog.item_specs()
    by_code = {s["implementation_code"]: s for s in specs.values()}
    for implementation in ItemImplementation.objects.select_related("base_item"):
        spec = by_code[implementation.implementation_code]
        assert implementation.is_demo == spec["is_demo"]
        if not spec["guide"]:
            assert implementation.is_demo, spec["key"]
        if spec["basic_code_is_platform"]:
            assert implementation.base_item.basic_code.startswith("XA")
    low = {g["item"] for g in GUIDES["items"] if g["confidence"].split("(")[0] in catalog.LOW_CONFIDENCE}
    assert all(s["is_demo"] for s in specs.values() if s["guide"] in low)
    assert ItemImplementation.objects.filter(is_demo=False).exists()  # the guides of good confidence are not demo


def test_each_seeded_row_has_one_audit_event(seeded, db):
    assert AuditEvent.objects.filter(action="catalog.seeded", actor_label="seed:xian").count() == ItemImplementation.objects.count()
    assert AuditEvent.objects.filter(action="orgs.seeded", actor_label="seed:xian").count() == Organisation.objects.count()


def test_fees_where_charged_have_basis_and_items(seeded, db):
    charged = ImplementationVersion.objects.filter(fee_charged=True)
    assert charged.count() >= 3
    for version in charged:
        assert version.fee_basis and version.fee_items.exists() and version.supports_online_payment
