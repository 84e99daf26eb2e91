import factory

from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE, UserKind
from yiwang.accounts.models import User
from yiwang.core.crypto import blind_index
from yiwang.core.identifiers import with_id_check_digit, with_uscc_check_digit

PASSWORD = "Xian-2026-test"


def make_id_number(n: int, birth: str = "19900101", area: str = "610102") -> str:
    return with_id_check_digit(f"{area}{birth}{n % 1000:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen with a valid resident ID and phone (encrypted, blind-indexed)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"citizen{n}")
    kind = UserKind.CITIZEN
    real_name = factory.Sequence(lambda n: f"张{'三四五六七八九'[n % 7]}{n}")
    id_number = factory.Sequence(lambda n: make_id_number(n, birth=f"19{60 + n % 40:02d}0{1 + n % 9}1{n % 10}"))
    id_number_index = factory.LazyAttribute(lambda o: blind_index(o.id_number, purpose=ID_NUMBER_PURPOSE))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    phone_index = factory.LazyAttribute(lambda o: blind_index(o.phone, purpose=PHONE_PURPOSE))

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class EnterpriseUserFactory(UserFactory):
    kind = UserKind.ENTERPRISE
    username = factory.Sequence(lambda n: f"enterprise{n}")
    real_name = ""
    id_number = ""
    id_number_index = ""
    org_name = factory.Sequence(lambda n: f"西安测试科技有限公司{n}")
    uscc = factory.Sequence(lambda n: with_uscc_check_digit(f"91610100{n:09d}"[:17]))
    legal_rep_name = "王五"
    legal_rep_id_number = factory.Sequence(lambda n: make_id_number(n + 500))


class StaffFactory(UserFactory):
    kind = UserKind.STAFF
    username = factory.Sequence(lambda n: f"staff{n}")


def valid_id(area: str = "610113", birth: str = "19580315", sequence: str = "024") -> str:
    """A resident ID with the right check digit (default: a woman born 1958 in 雁塔区)."""
    return with_id_check_digit(f"{area}{birth}{sequence}")


def wrong_check_digit(number: str) -> str:
    """The same number with a wrong last character."""
    return number[:-1] + ("1" if number[-1] != "1" else "2")
