import factory

from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.orgs.constants import DivisionLevel, ExerciseLevel, OrganisationKind
from yiwang.orgs.models import Division, Organisation, RoleGrant


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"61019{n:01d}" if n < 10 else f"6199{n:02d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = DivisionLevel.DISTRICT


def _uscc(n: int) -> str:
    # 11 = government agency; 610100 = Xi'an; 9-character organisation code from the sequence.
    return with_uscc_check_digit(f"11610100{n:09d}"[:17])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试局{n}")
    kind = OrganisationKind.DEPARTMENT
    uscc = factory.Sequence(_uscc)
    level = ExerciseLevel.CITY
    division = factory.SubFactory(DivisionFactory)


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory("yiwang.accounts.tests.factories.StaffFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "window_clerk"


def build_tree():
    """A small Xi'an tree: the city government with a department and a service center, and two
    districts (雁塔区, 碑林区) each with a government, a department and a service center."""
    from types import SimpleNamespace

    city_div = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    yanta_div = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=city_div)
    beilin_div = DivisionFactory(code="610103", name="碑林区", level=DivisionLevel.DISTRICT, parent=city_div)

    def org(name, short, kind, level, division, parent=None):
        return OrganisationFactory(name=name, short_name=short, kind=kind, level=level, division=division,
                                   parent=parent)

    t = SimpleNamespace()
    t.city = org("西安市人民政府", "西安市人民政府", OrganisationKind.GOVERNMENT, ExerciseLevel.CITY, city_div)
    t.city_center = org("西安市政务服务中心", "市政务服务中心", OrganisationKind.SERVICE_CENTER, ExerciseLevel.CITY,
                        city_div, t.city)
    t.city_market = org("西安市市场监督管理局", "市市场监管局", OrganisationKind.DEPARTMENT, ExerciseLevel.CITY,
                        city_div, t.city)
    t.yanta = org("西安市雁塔区人民政府", "雁塔区人民政府", OrganisationKind.GOVERNMENT, ExerciseLevel.COUNTY, yanta_div,
                  t.city)
    t.yanta_market = org("西安市雁塔区市场监督管理局", "雁塔区市场监管局", OrganisationKind.DEPARTMENT,
                         ExerciseLevel.COUNTY, yanta_div, t.yanta)
    t.yanta_center = org("西安市雁塔区政务服务中心", "雁塔区政务服务中心", OrganisationKind.SERVICE_CENTER,
                         ExerciseLevel.COUNTY, yanta_div, t.yanta)
    t.beilin = org("西安市碑林区人民政府", "碑林区人民政府", OrganisationKind.GOVERNMENT, ExerciseLevel.COUNTY, beilin_div,
                   t.city)
    t.beilin_market = org("西安市碑林区市场监督管理局", "碑林区市场监管局", OrganisationKind.DEPARTMENT,
                          ExerciseLevel.COUNTY, beilin_div, t.beilin)
    t.beilin_center = org("西安市碑林区政务服务中心", "碑林区政务服务中心", OrganisationKind.SERVICE_CENTER,
                          ExerciseLevel.COUNTY, beilin_div, t.beilin)
    t.divisions = SimpleNamespace(city=city_div, yanta=yanta_div, beilin=beilin_div)
    return t
