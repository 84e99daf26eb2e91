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
