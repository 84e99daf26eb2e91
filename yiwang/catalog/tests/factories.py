"""Catalog factories. Versions built here pass every rule of catalog/rules.py, so they can be
submitted and published as they are. Child rows may be added to a published version built by a
factory (fixtures arrange state; the immutability guard is for code, see models.py)."""

import factory
from django.utils import timezone

from yiwang.catalog.constants import CaseKind, DataType, ItemType, LimitUnit, VersionStatus
from yiwang.catalog.models import (
    FAQ,
    BaseItem,
    DataElement,
    FeeItem,
    FormField,
    ImplementationVersion,
    ItemImplementation,
    Material,
    ServicePlace,
    VersionReview,
    published_content_writes,
)
from yiwang.orgs.constants import Role
from yiwang.orgs.tests.factories import OrganisationFactory, RoleGrantFactory


class _VersionContentFactory(factory.django.DjangoModelFactory):
    """Writes version content even when the version is published (fixtures only)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with published_content_writes():
            return super()._create(model_class, *args, **kwargs)


class BaseItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaseItem

    basic_code = factory.Sequence(lambda n: f"00013{n:07d}")
    name = factory.Sequence(lambda n: f"测试许可事项{n}")
    item_type = ItemType.LICENSING


class ImplementationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemImplementation

    base_item = factory.SubFactory(BaseItemFactory)
    agency = factory.SubFactory(OrganisationFactory)
    exercise_level = "3"
    implementation_code = factory.LazyAttributeSequence(lambda o, n: f"{o.agency.uscc}3{o.base_item.basic_code}{n:03d}")


class VersionFactory(_VersionContentFactory):
    """A version that passes every consistency rule of STANDARDS §1 (so it can be published).

    It comes with one material and one FAQ (a 行政许可 needs both); pass `materials=0` / `faqs=0`
    for none, or another number for more."""

    class Meta:
        model = ImplementationVersion

    implementation = factory.SubFactory(ImplementationFactory)
    number = 1
    status = VersionStatus.DRAFT
    name = factory.LazyAttribute(lambda o: o.implementation.base_item.name)
    legal_basis = factory.LazyFunction(lambda: [{"name": "中华人民共和国行政许可法", "articles": "第十二条"}])
    service_objects = factory.LazyFunction(lambda: ["1"])
    statutory_limit = 20
    statutory_limit_unit = LimitUnit.WORKING_DAY
    promised_limit = 10
    promised_limit_unit = LimitUnit.WORKING_DAY
    case_kind = CaseKind.PROMISED
    acceptance_conditions = factory.LazyFunction(lambda: ["申请材料齐全、符合法定形式"])
    process = factory.LazyFunction(lambda: [{"name": "受理"}, {"name": "审查"}, {"name": "决定"}, {"name": "送达"}])
    handling_forms = factory.LazyFunction(lambda: ["1", "2"])
    online_depth = factory.LazyFunction(lambda: ["1", "2", "3", "4", "5", "6"])
    visits = 0
    supports_express_delivery = True
    result_name = "测试许可证"
    result_type = "licence"
    result_sample = factory.django.FileField(filename="sample.pdf", data=b"%PDF-1.4 sample")
    consultation_phone = "029-86780000"
    complaint_phone = "029-12345000"
    high_frequency = True

    @factory.post_generation
    def materials(obj, create, extracted, **kwargs):
        if create:
            for index in range(1 if extracted is None else extracted):
                MaterialFactory(version=obj, order=index, name=f"申请书{index + 1}" if index else "申请书")

    @factory.post_generation
    def faqs(obj, create, extracted, **kwargs):
        if create:
            for index in range(1 if extracted is None else extracted):
                FAQFactory(version=obj, order=index)


class PublishedVersionFactory(VersionFactory):
    status = VersionStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def make_current(obj, create, extracted, **kwargs):
        if create:
            ItemImplementation.objects.filter(pk=obj.implementation_id).update(current_version=obj)
            obj.implementation.current_version = obj


class MaterialFactory(_VersionContentFactory):
    class Meta:
        model = Material

    version = factory.SubFactory(VersionFactory)
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"申请材料{n}")


class FAQFactory(_VersionContentFactory):
    class Meta:
        model = FAQ

    version = factory.SubFactory(VersionFactory)
    question = "办理需要多长时间？"
    answer = "承诺 10 个工作日内办结。"


class DataElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElement
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test.element{n}")
    name = factory.Sequence(lambda n: f"测试数据元{n}")
    data_type = DataType.STRING


class FormFieldFactory(_VersionContentFactory):
    class Meta:
        model = FormField

    version = factory.SubFactory(VersionFactory)
    data_element = factory.SubFactory(DataElementFactory)
    order = factory.Sequence(int)


class FeeItemFactory(_VersionContentFactory):
    class Meta:
        model = FeeItem

    version = factory.SubFactory(VersionFactory, fee_charged=True, fee_basis="陕价费发〔2020〕1号")
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"工本费{n}")
    standard = "每证 10 元"


class ServicePlaceFactory(_VersionContentFactory):
    class Meta:
        model = ServicePlace

    version = factory.SubFactory(VersionFactory)
    order = factory.Sequence(int)
    name = "西安市政务服务中心"
    address = "西安市未央区凤城八路109号"
    hours = "周一至周五 9:00-12:00，13:00-17:00（法定节假日除外）"
    phone = "029-86786666"


class VersionReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VersionReview

    version = factory.SubFactory(VersionFactory, status=VersionStatus.APPROVED)
    reviewer = factory.SubFactory("yiwang.accounts.tests.factories.StaffFactory")
    decision = VersionReview.Decision.APPROVE


def catalog_editor(organisation, **user_kwargs):
    """A staff user holding catalog_editor over `organisation` (and its subtree)."""
    return RoleGrantFactory(organisation=organisation, role=Role.CATALOG_EDITOR,
                            **{f"user__{k}": v for k, v in user_kwargs.items()}).user


def catalog_reviewer(organisation, **user_kwargs):
    """A staff user holding catalog_reviewer over `organisation` (and its subtree)."""
    return RoleGrantFactory(organisation=organisation, role=Role.CATALOG_REVIEWER,
                            **{f"user__{k}": v for k, v in user_kwargs.items()}).user
