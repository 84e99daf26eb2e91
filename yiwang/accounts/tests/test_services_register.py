"""Registration: check digits, duplicates named by field, all problems at once, Chinese messages."""

import pytest

from yiwang.accounts.constants import ID_NUMBER_PURPOSE, UserKind
from yiwang.accounts.models import User
from yiwang.accounts.services import citizen_register, enterprise_register, staff_account_create, user_update
from yiwang.accounts.tests.factories import PASSWORD, EnterpriseUserFactory, UserFactory, valid_id, wrong_check_digit
from yiwang.core.crypto import blind_index
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ID = valid_id()
USCC = with_uscc_check_digit("91610113MA6W12345")


def _citizen(**overrides):
    data = {"real_name": "王秀英", "id_number": ID, "phone": "13909110001", "password": PASSWORD}
    data.update(overrides)
    return citizen_register(**data)


def _enterprise(**overrides):
    data = {"org_name": "西安示例餐饮管理有限公司", "uscc": USCC, "legal_rep_name": "李建国",
            "legal_rep_id_number": valid_id(birth="19720612", sequence="001"), "phone": "13909110002",
            "password": PASSWORD}
    data.update(overrides)
    return enterprise_register(**data)


def _errors(exc):
    return {e.field: e for e in exc.value.errors}


def test_citizen_registers_with_normalised_encrypted_identifiers():
    user = _citizen(id_number=" " + ID.lower() + " ", phone="+86 139-0911-0001")
    user.refresh_from_db()
    assert user.kind == UserKind.CITIZEN
    assert user.id_number == ID and user.phone == "13909110001"
    assert user.id_number_index == blind_index(ID, purpose=ID_NUMBER_PURPOSE)
    assert user.username.startswith("p") and ID not in user.username
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="accounts.citizen_registered")
    assert event.actor_id == user.pk and ID not in str(event.details) and "13909110001" not in str(event.details)


def test_wrong_check_digit_names_the_right_digit():
    with pytest.raises(ValidationFailed) as exc:
        _citizen(id_number=wrong_check_digit(ID))
    assert _errors(exc)["id_number"].message == f"身份证号校验位错误，应为 {ID[-1]}。"
    assert _errors(exc)["id_number"].code == "id_check_digit"
    assert not User.objects.exists()


def test_unknown_area_code_alone_is_not_a_rejection():
    # 619999 is not in GB/T 2260, but the check digit is right.
    user = _citizen(id_number=valid_id(area="619999"))
    assert user.id_number.startswith("619999")


@pytest.mark.parametrize(("number", "message"), [
    ("6101131958", "身份证号应为 18 位，当前为 10 位。"),
    ("61011319581315024A", "身份证号前 17 位应为数字，最后一位为数字或 X。"),
    (valid_id(birth="19580230"), "身份证号中的出生日期 19580230 不是有效日期。"),
    ("", "请填写居民身份证号码。"),
])
def test_malformed_id_numbers_say_what_is_wrong(number, message):
    with pytest.raises(ValidationFailed) as exc:
        _citizen(id_number=number)
    assert _errors(exc)["id_number"].message == message


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(real_name="", id_number=wrong_check_digit(ID), phone="12345", password="12345678")
    errors = exc.value.errors
    assert {e.field for e in errors} == {"real_name", "id_number", "phone", "password"}
    messages = [e.message for e in errors if e.field == "password"]
    assert "这个密码太常见，容易被猜中，请换一个。" in messages
    assert "密码不能全是数字，请加入字母或符号。" in messages
    phone = next(e for e in errors if e.field == "phone")
    assert "手机号码应为 11 位" in phone.message


def test_password_validators_apply_with_chinese_messages():
    with pytest.raises(ValidationFailed) as exc:
        _citizen(password="ab1")
    assert [e.message for e in exc.value.errors] == ["密码太短：至少需要 8 个字符。"]


def test_duplicate_id_number_and_phone_are_named():
    _citizen()
    with pytest.raises(ValidationFailed) as exc:
        _citizen(real_name="王秀兰")
    errors = _errors(exc)
    assert errors["id_number"].code == "duplicate" and "该身份证号已注册" in errors["id_number"].message
    assert errors["phone"].code == "duplicate" and "该手机号已被其他账户使用" in errors["phone"].message
    assert User.objects.count() == 1


def test_phone_of_an_enterprise_counts_as_taken_for_a_citizen():
    _enterprise()
    with pytest.raises(ValidationFailed) as exc:
        _citizen(phone="13909110002")
    assert set(_errors(exc)) == {"phone"}


def test_names_are_checked():
    with pytest.raises(ValidationFailed) as exc:
        _citizen(real_name="王秀英123")
    assert "只能包含汉字、字母、间隔号" in _errors(exc)["real_name"].message
    assert _citizen(real_name="买买提·艾力").real_name == "买买提·艾力"


def test_enterprise_registers_and_legal_rep_id_is_encrypted_and_indexed():
    user = _enterprise(uscc=USCC.lower())
    user.refresh_from_db()
    assert user.kind == UserKind.ENTERPRISE and user.uscc == USCC
    assert user.legal_rep_id_number_index == blind_index(user.legal_rep_id_number, purpose=ID_NUMBER_PURPOSE)
    assert user.id_number == "" and user.id_number_index == ""
    from yiwang.accounts.selectors import users_represented_by

    assert list(users_represented_by(user.legal_rep_id_number)) == [user]


def test_enterprise_errors_name_each_field():
    bad_uscc = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    rep = valid_id(birth="19720612", sequence="001")
    with pytest.raises(ValidationFailed) as exc:
        _enterprise(org_name="", uscc=bad_uscc, legal_rep_name="", legal_rep_id_number=wrong_check_digit(rep))
    errors = _errors(exc)
    assert errors["uscc"].message == f"统一社会信用代码校验位错误，应为 {USCC[-1]}。"
    assert errors["legal_rep_id_number"].message == f"法定代表人身份证号校验位错误，应为 {rep[-1]}。"
    assert errors["org_name"].message == "请填写企业名称（与营业执照一致）。"
    assert errors["legal_rep_name"].message == "请填写法定代表人姓名。"


def test_duplicate_uscc_is_named():
    _enterprise()
    with pytest.raises(ValidationFailed) as exc:
        _enterprise(phone="13909110003", org_name="另一家公司")
    assert _errors(exc)["uscc"].message == "该统一社会信用代码已注册企业账户，请直接登录。"


def test_a_person_may_represent_several_enterprises():
    first = _enterprise()
    second = _enterprise(uscc=with_uscc_check_digit("91610113MA6W12346"), phone="13909110003", org_name="第二家")
    assert first.legal_rep_id_number == second.legal_rep_id_number


def test_usernames_may_not_be_identifiers():
    with pytest.raises(ValidationFailed) as exc:
        staff_account_create(actor=None, username=ID, real_name="张伟", password=PASSWORD)
    assert "用户名不能是身份证号" in _errors(exc)["username"].message
    with pytest.raises(ValidationFailed):
        staff_account_create(actor=None, username="13909110009", real_name="张伟", password=PASSWORD)
    with pytest.raises(ValidationFailed):
        staff_account_create(actor=None, username=USCC, real_name="张伟", password=PASSWORD)


def test_staff_accounts_are_created_by_administrators_only(tree):
    with pytest.raises(PermissionDenied):
        staff_account_create(actor=UserFactory(), username="newclerk", real_name="李娜", password=PASSWORD)
    staff = staff_account_create(actor=None, username="newclerk", real_name="李娜", password=PASSWORD)
    assert staff.kind == UserKind.STAFF and staff.id_number == "" and staff.phone_index == ""


def test_user_update_rewrites_ciphertext_and_index_together():
    user = UserFactory()
    new_id = valid_id(birth="19800101", sequence="123")
    user_update(actor=None, user=user, id_number=new_id.lower(), phone="13800001111")
    user.refresh_from_db()
    assert user.id_number == new_id
    assert user.id_number_index == blind_index(new_id, purpose=ID_NUMBER_PURPOSE)
    from yiwang.accounts.selectors import user_by_id_number, user_by_phone

    assert user_by_id_number(new_id) == user and user_by_phone("138 0000 1111") == user
    event = AuditEvent.objects.get(action="accounts.user_updated")
    assert event.details["changed"] == ["id_number", "phone"]
    assert new_id not in str(event.details) and "13800001111" not in str(event.details)


def test_user_update_refuses_duplicates_and_strangers():
    user, other = UserFactory(), UserFactory()
    with pytest.raises(ValidationFailed) as exc:
        user_update(actor=None, user=user, id_number=other.id_number)
    assert _errors(exc)["id_number"].code == "duplicate"
    with pytest.raises(PermissionDenied):
        user_update(actor=other, user=user, real_name="李四")
    with pytest.raises(PermissionDenied):  # nobody raises themselves to superuser
        user_update(actor=user, user=user, is_superuser=True)
    assert user_update(actor=user, user=user, real_name="李四").real_name == "李四"


def test_enterprise_factory_data_is_valid():
    """The shared factories produce data the services would accept (other apps rely on them)."""
    from yiwang.accounts.services import user_update_errors

    e = EnterpriseUserFactory()
    assert user_update_errors(user=e, changes={"uscc": e.uscc, "legal_rep_id_number": e.legal_rep_id_number}) == []
