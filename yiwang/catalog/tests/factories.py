import factory
from django.utils import timezone

from yiwang.catalog.constants import CaseKind, DataType, ItemType, LimitUnit, VersionStatus
from yiwang.catalog.models import (
    FAQ,
    BaseItem,
    DataElement,
    FormField,
    ImplementationVersion,
    ItemImplementation,
    Material,
)
from yiwang.orgs.tests.factories import OrganisationFactory


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


class VersionFactory(factory.django.DjangoModelFactory):
    """A version that passes every consistency rule of STANDARDS §1 (so it can be published)."""

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


class PublishedVersionFactory(VersionFactory):
    status = VersionStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def make_current(obj, create, extracted, **kwargs):
        if create:
            ItemImplementation.objects.filter(pk=obj.implementation_id).update(current_version=obj)
            obj.implementation.current_version = obj


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    version = factory.SubFactory(VersionFactory)
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"申请材料{n}")


class FAQFactory(factory.django.DjangoModelFactory):
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


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    version = factory.SubFactory(VersionFactory)
    data_element = factory.SubFactory(DataElementFactory)
    order = factory.Sequence(int)
