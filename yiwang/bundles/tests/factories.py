"""Test data for bundles: a small catalog of three items (a business licence check, a food-business
licence that needs the licence, a signboard filing) built with the catalog factories so they pass
the catalog's rules, a steward bureau with an editor and a reviewer, and published bundles built
directly (fixtures arrange state; the immutability guard is for code)."""

from __future__ import annotations

from dataclasses import dataclass

from yiwang.bundles.constants import VersionStatus
from yiwang.bundles.models import Bundle, BundleMember, BundleQuestion, BundleVersion, published_content_writes
from yiwang.catalog.models import LifeEvent, LifeStage, LifeTheme
from yiwang.catalog.tests.factories import (
    BaseItemFactory,
    DataElementFactory,
    FormFieldFactory,
    ImplementationFactory,
    MaterialFactory,
    PublishedVersionFactory,
    catalog_editor,
    catalog_reviewer,
)
from yiwang.orgs.tests.factories import OrganisationFactory


def item(name: str, agency, *, promised=5, unit="working_day", visits=0, result=("", ""), materials=(), fields=()):
    """A published guide named `name` with the given materials ((name, necessity, source, licence
    type) tuples) and form fields ((element, label, required) tuples)."""
    implementation = ImplementationFactory(base_item=BaseItemFactory(name=name), agency=agency)
    extra = {"visits_reason": "需要核验原件"} if visits else {}
    version = PublishedVersionFactory(implementation=implementation, name=name, promised_limit=promised, promised_limit_unit=unit,
                                      statutory_limit=max(promised, 20), visits=visits, result_name=result[0] or "测试结果",
                                      result_licence_type_code=result[1], materials=0, **extra)
    for order, (material, necessity, source, licence) in enumerate(materials):
        MaterialFactory(version=version, order=order, name=material, necessity=necessity, source_channel=source, licence_type_code=licence)
    for order, (key, label, required) in enumerate(fields):
        FormFieldFactory(version=version, order=order, data_element=element(key), label=label, required=required)
    return version


def element(key: str, **kwargs):
    names = {"applicant.name": "申请人姓名", "premises.address": "经营场所地址", "matter.description": "申请事项说明",
             "enterprise.name": "单位名称", "signboard.content": "招牌文字内容"}
    return DataElementFactory(key=key, name=names.get(key, key), **kwargs)


@dataclass
class Shop:
    bureau: object
    market: object
    urban: object
    editor: object
    reviewer: object
    check: object  # published versions
    food: object
    sign: object
    stage: object
    event: object


def shop() -> Shop:
    bureau = OrganisationFactory(name="西安市行政审批服务局", short_name="市行政审批局")
    market = OrganisationFactory(name="西安市市场监督管理局", short_name="市市场监管局")
    urban = OrganisationFactory(name="西安市城市管理和综合执法局", short_name="市城管执法局")
    check = item("企业营业执照信息核验", market, promised=0, unit="immediate",
                 materials=[("企业营业执照信息核验申请", "required", "online_form", "")],
                 fields=[("enterprise.name", "单位名称", True)])
    food = item("食品经营许可", market, promised=10, result=("食品经营许可证", "LIC-FOOD-BUSINESS"), materials=[
        ("《食品经营许可证》申请书", "required", "online_form", ""), ("保证食品安全的规章制度", "required", "applicant", ""),
        ("营业执照副本原件及复印件", "required", "licence_library", "LIC-BUSINESS-LICENCE"),
        ("从业人员健康证明", "deferrable", "applicant", "")],
        fields=[("enterprise.name", "单位名称", True), ("premises.address", "经营场所地址", True), ("matter.description", "经营项目说明", True)])
    sign = item("户外招牌设施设置规范管理", urban, promised=3, visits=1, materials=[
        ("户外招牌设施设置申请表", "required", "online_form", ""), ("营业执照", "required", "licence_library", "LIC-BUSINESS-LICENCE"),
        ("户外招牌设施设计平面图", "required", "applicant", ""), ("授权委托书", "optional", "applicant", "")],
        fields=[("enterprise.name", "名称", True), ("premises.address", "经营场所地址", False), ("signboard.content", "招牌文字内容", True),
                ("matter.description", "设置位置说明", True)])
    stage = LifeStage.objects.create(subject="enterprise", name="准入准营", order=1)
    theme = LifeTheme.objects.create(stage=stage, name="准营准办", order=1)
    event = LifeEvent.objects.create(theme=theme, name="开办餐饮店一件事", order=1)
    event.implementations.add(check.implementation, food.implementation, sign.implementation)
    return Shop(bureau, market, urban, catalog_editor(bureau, username="bundle_editor"), catalog_reviewer(bureau, username="bundle_reviewer"),
                check, food, sign, stage, event)


SIGNBOARD_QUESTION = {"key": "signboard", "text": "需要设置户外招牌吗？", "help_text": "",
                      "options": [{"value": "yes", "label": "需要"}, {"value": "no", "label": "不需要"}]}


def members_input(s: Shop) -> list[dict]:
    return [{"implementation": s.check.implementation_id, "is_lead": True},
            {"implementation": s.food.implementation_id, "is_lead": True, "depends_on": [s.check.implementation_id]},
            {"implementation": s.sign.implementation_id, "depends_on": [s.check.implementation_id]}]


def questions_input(s: Shop) -> list[dict]:
    return [{**SIGNBOARD_QUESTION, "options": [{"value": "yes", "label": "需要"},
                                               {"value": "no", "label": "不需要", "excludes": [s.sign.implementation_id]}]},
            {"key": "agent", "text": "由他人代为办理吗？", "options": [
                {"value": "yes", "label": "是", "adds": [{"member": s.food.implementation_id, "name": "授权委托书", "notes": "由法定代表人签字"}]},
                {"value": "no", "label": "否", "drops": [{"member": s.sign.implementation_id, "material": "授权委托书"}]}]}]


def published_bundle(s: Shop, *, code="XA-T-01", name="开办餐饮店", separate=("matter.description",)) -> BundleVersion:
    """The shop bundle, published (as the seed loader writes one)."""
    with published_content_writes():
        bundle = Bundle.objects.create(code=code, steward=s.bureau)
        version = BundleVersion.objects.create(bundle=bundle, number=1, status=VersionStatus.PUBLISHED, name=name, summary="一次办好开店手续。",
                                               stage=s.stage, life_event=s.event, lead_agency=s.market, separate_elements=list(separate))
        for order, row in enumerate(members_input(s)):
            BundleMember.objects.create(version=version, implementation_id=row["implementation"], order=order, is_lead=row.get("is_lead", False),
                                        depends_on=row.get("depends_on", []))
        for order, row in enumerate(questions_input(s)):
            BundleQuestion.objects.create(version=version, order=order, key=row["key"], text=row["text"], options=row["options"])
        bundle.current_version = version
        bundle.save(update_fields=["current_version"])
    return version
