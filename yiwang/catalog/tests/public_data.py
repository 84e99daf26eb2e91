"""Test data for the public catalog pages: a guide with every element filled in, and small
life-cycle trees. Built with the catalog factories, so it passes the same rules as real data."""

from __future__ import annotations

from django.core.files.base import ContentFile

from yiwang.catalog.constants import (
    CaseKind,
    ItemType,
    LifeSubject,
    LimitUnit,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    VersionStatus,
)
from yiwang.catalog.models import LifeEvent, LifeStage, LifeTheme, published_content_writes
from yiwang.catalog.tests.factories import (
    BaseItemFactory,
    FAQFactory,
    FeeItemFactory,
    ImplementationFactory,
    MaterialFactory,
    PublishedVersionFactory,
    ServicePlaceFactory,
    VersionFactory,
)
from yiwang.orgs.constants import ExerciseLevel
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory


def published(name: str, *, agency=None, item_type=ItemType.LICENSING, **version_fields):
    """A published current version of a new implementation named `name`."""
    implementation = ImplementationFactory(base_item=BaseItemFactory(name=name, item_type=item_type),
                                           **({"agency": agency} if agency else {}))
    version_fields.setdefault("high_frequency", False)
    return PublishedVersionFactory(implementation=implementation, name=name, **version_fields)


def draft_only(name: str, *, agency=None):
    """An implementation with a draft and nothing published: never public."""
    implementation = ImplementationFactory(base_item=BaseItemFactory(name=name),
                                           **({"agency": agency} if agency else {}))
    return VersionFactory(implementation=implementation, name=name, status=VersionStatus.DRAFT)


def full_guide():
    """食品经营许可 with every element of the guide set."""
    agency = OrganisationFactory(name="西安市市场监督管理局", level=ExerciseLevel.CITY)
    co_agency = OrganisationFactory(name="西安市卫生健康委员会", level=ExerciseLevel.CITY)
    version = published(
        "食品经营许可（新办）", agency=agency, high_frequency=True, commitment_eligible=True,
        deferred_material_eligible=True, city_wide=True, weekend_service=True,
        statutory_limit=20, statutory_limit_note="自受理之日起计算", promised_limit=10,
        promised_limit_note="不含现场核查时间", visits=1, visits_reason="需现场核查经营场所",
        fee_charged=True, fee_basis="陕价费发〔2020〕1号", supports_online_payment=True,
        online_url="https://zwfw.example.gov.cn/items/food", special_procedures=[
            {"kind": "2", "name": "现场核查", "max_days": 10, "note": "核查经营场所是否符合要求"}],
        intermediary_services="无", quantity_limit="无数量限制",
        process=[{"name": "申请", "description": "网上或窗口提交申请", "limit": "即时"},
                 {"name": "受理", "description": "材料齐全的当场受理", "limit": "1 个工作日"},
                 {"name": "审查", "description": "审查材料并现场核查", "limit": "7 个工作日"},
                 {"name": "决定", "description": "作出准予或不予许可的决定", "limit": "2 个工作日"}],
        acceptance_conditions=["已取得营业执照", "有与经营食品品种相适应的经营场所"],
        legal_basis=[{"name": "中华人民共和国食品安全法", "articles": "第三十五条"}],
        result_name="食品经营许可证", materials=0, faqs=0,
    )
    with published_content_writes():  # a fixture arranging a published guide, not an edit
        version.co_agencies.add(co_agency)
    MaterialFactory(version=version, name="食品经营许可申请书", material_type=MaterialType.ORIGINAL,
                    original_copies=1, necessity=MaterialNecessity.REQUIRED, source_channel=MaterialSource.ONLINE_FORM,
                    blank_form=ContentFile(b"form", name="form.docx"), sample=ContentFile(b"sample", name="sample.pdf"),
                    filling_notes="用黑色墨水笔填写")
    MaterialFactory(version=version, name="营业执照", material_type=MaterialType.ORIGINAL,
                    source_channel=MaterialSource.LICENCE_LIBRARY, issuing_body="市场监督管理部门")
    MaterialFactory(version=version, name="法定代表人身份证明", material_type=MaterialType.COPY, copy_copies=2,
                    source_channel=MaterialSource.GOVERNMENT_ISSUED)
    MaterialFactory(version=version, name="食品安全管理制度文本", necessity=MaterialNecessity.DEFERRABLE,
                    material_type=MaterialType.ORIGINAL_AND_COPY, original_copies=1, copy_copies=1)
    FeeItemFactory(version=version, name="工本费", standard="每证 10 元", reduction="小微企业免收")
    FAQFactory(version=version, question="许可证有效期多久？", answer="食品经营许可证有效期为 5 年。")
    ServicePlaceFactory(version=version, name="西安市政务服务中心", address="西安市未央区凤城八路 109 号",
                        hours="周一至周五 9:00-17:00；周六 9:00-13:00", phone="029-86510000")
    return version


def immediate_item(name: str = "居民身份证换领", **kw):
    return published(name, case_kind=CaseKind.IMMEDIATE, promised_limit=0, promised_limit_unit=LimitUnit.IMMEDIATE,
                     statutory_limit=None, statutory_limit_unit="", visits=0, item_type=ItemType.PUBLIC_SERVICE, **kw)


def life_tree(implementations, *, subject=LifeSubject.PERSON, stage="出生", theme="生育登记", event="新生儿出生"):
    stage_obj = LifeStage.objects.create(subject=subject, name=stage, order=1)
    theme_obj = LifeTheme.objects.create(stage=stage_obj, name=theme, order=1)
    event_obj = LifeEvent.objects.create(theme=theme_obj, name=event, description=f"{event}后要办的事", order=1)
    event_obj.implementations.set(implementations)
    return stage_obj, theme_obj, event_obj


def district_agency(name: str, district: str):
    return OrganisationFactory(name=name, level=ExerciseLevel.COUNTY, division=DivisionFactory(name=district))
