"""Checking application data against a version's form fields (the intake hot path: no queries)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.accounts.tests.factories import make_id_number
from yiwang.catalog.application_form import form_schema, validate_form_data
from yiwang.catalog.constants import DataType, ErrorCode
from yiwang.catalog.models import DataElement, FormField
from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory, VersionFactory
from yiwang.core.identifiers import with_uscc_check_digit

ID_NUMBER = make_id_number(7, birth="19800101")
USCC = with_uscc_check_digit("91610100000000001")


def field(key, data_type=DataType.STRING, *, required=True, options=(), validation=None, element_options=(),
          element_validation=None, label="", name=None):
    """An unsaved form field (the validator never touches the database)."""
    element = DataElement(key=key, name=name or key, data_type=data_type, options=list(element_options),
                          validation=element_validation or {})
    return FormField(data_element=element, required=required, options=list(options), validation=validation or {},
                     label=label)


FIELDS = [
    field("applicant.name", name="申请人姓名", validation={"max_length": 10}),
    field("applicant.id_number", DataType.ID_NUMBER, name="身份证号"),
    field("enterprise.uscc", DataType.USCC, required=False, name="统一社会信用代码"),
    field("applicant.phone", DataType.PHONE, name="手机号码"),
    field("contact.email", DataType.EMAIL, required=False, name="电子邮箱"),
    field("staff.count", DataType.INTEGER, validation={"min": 1, "max": 500}, name="从业人数"),
    field("area.size", DataType.DECIMAL, required=False, element_validation={"min": 0}, name="经营面积"),
    field("business.start", DataType.DATE, name="开业日期"),
    field("has.licence", DataType.BOOLEAN, required=False, name="是否已有许可证"),
    field("business.kind", DataType.CHOICE, element_options=[{"value": "1", "label": "餐饮"}, {"value": "2", "label": "零售"}],
          name="经营类别"),
    field("business.items", DataType.MULTI_CHOICE, required=False, options=[{"value": "a", "label": "热食"},
                                                                            {"value": "b", "label": "冷食"}],
          name="经营项目"),
    field("shop.code", DataType.STRING, required=False, validation={"pattern": r"[A-Z]{2}\d{4}"}, label="店铺编号"),
    field("shop.division", DataType.DIVISION, required=False, name="所在区县"),
    field("note", DataType.TEXT, required=False, name="备注"),
]

GOOD = {
    "applicant.name": " 张三 ", "applicant.id_number": ID_NUMBER.lower(), "enterprise.uscc": USCC,
    "applicant.phone": "139-1234-5678", "contact.email": "a@b.cn", "staff.count": "12", "area.size": "35.50",
    "business.start": "2026-03-01", "has.licence": "否", "business.kind": "1", "business.items": ["a", "b", "a"],
    "shop.code": "XA1234", "shop.division": "610113", "note": "无", "not.a.field": "dropped",
}


def test_good_data_is_cleaned_to_json_ready_values():
    cleaned, errors = validate_form_data(FIELDS, GOOD)
    assert errors == []
    assert cleaned == {
        "applicant.name": "张三", "applicant.id_number": ID_NUMBER.upper(), "enterprise.uscc": USCC,
        "applicant.phone": "13912345678", "contact.email": "a@b.cn", "staff.count": 12, "area.size": "35.5",
        "business.start": "2026-03-01", "has.licence": False, "business.kind": "1", "business.items": ["a", "b"],
        "shop.code": "XA1234", "shop.division": "610113", "note": "无",
    }


def test_every_problem_is_named_by_its_data_element_key():
    bad = {
        "applicant.name": "张" * 11, "applicant.id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"),
        "enterprise.uscc": "91610100000000001O", "applicant.phone": "12912345678", "contact.email": "a@",
        "staff.count": "1.5", "area.size": "-1", "business.start": "2026-02-30", "has.licence": "也许",
        "business.kind": "3", "business.items": ["c"], "shop.code": "xa12", "shop.division": "西安",
    }
    cleaned, errors = validate_form_data(FIELDS, bad)
    found = {e.field: e.code for e in errors}
    assert found == {
        "applicant.name": ErrorCode.FORM_TOO_LONG, "applicant.id_number": "id_check_digit",
        "enterprise.uscc": "uscc_format", "applicant.phone": ErrorCode.FORM_PHONE, "contact.email": ErrorCode.FORM_INVALID,
        "staff.count": ErrorCode.FORM_INVALID, "area.size": ErrorCode.FORM_OUT_OF_RANGE, "business.start": ErrorCode.FORM_DATE,
        "has.licence": ErrorCode.FORM_INVALID, "business.kind": ErrorCode.FORM_INVALID_CHOICE,
        "business.items": ErrorCode.FORM_INVALID_CHOICE, "shop.code": ErrorCode.FORM_PATTERN,
        "shop.division": ErrorCode.FORM_INVALID,
    }
    messages = {e.field: e.message for e in errors}
    assert messages["applicant.phone"].startswith("「手机号码」应为 11 位手机号码")
    assert messages["shop.code"].startswith("「店铺编号」")
    assert "校验位错误，应为" in messages["applicant.id_number"]
    assert messages["business.kind"] == "「经营类别」的选项「3」无效，请从以下选择：餐饮、零售。"
    assert cleaned == {}


def test_required_fields_and_empty_values():
    cleaned, errors = validate_form_data(FIELDS, {"business.items": [], "note": "  "})
    assert {e.field for e in errors} == {"applicant.name", "applicant.id_number", "applicant.phone", "staff.count",
                                         "business.start", "business.kind"}
    assert all(e.code == ErrorCode.FORM_REQUIRED for e in errors)
    assert "请填写「申请人姓名」。" in [e.message for e in errors]
    assert "请选择「经营类别」。" in [e.message for e in errors]  # options are chosen, not written
    assert cleaned == {}
    assert validate_form_data(FIELDS, "not a dict")[1][0].code == ErrorCode.FORM_INVALID


def test_bounds_and_integer_range():
    fields = [field("n", DataType.INTEGER, validation={"min": 1, "max": 500})]
    assert validate_form_data(fields, {"n": 0})[1][0].code == ErrorCode.FORM_OUT_OF_RANGE
    assert validate_form_data(fields, {"n": 501})[1][0].message == "「n」不能大于 500，当前为 501。"
    assert validate_form_data(fields, {"n": True})[1][0].code == ErrorCode.FORM_INVALID
    assert validate_form_data(fields, {"n": 500}) == ({"n": 500}, [])


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=500))
def test_any_integer_within_bounds_passes(n):
    fields = [field("n", DataType.INTEGER, validation={"min": 1, "max": 500})]
    assert validate_form_data(fields, {"n": str(n)}) == ({"n": n}, [])


@settings(deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_a_value_or_a_named_error_never_an_exception(text):
    for data_type in DataType.values:
        cleaned, errors = validate_form_data([field("k", data_type, element_options=[{"value": "1"}])], {"k": text})
        assert set(cleaned) | {e.field for e in errors} <= {"k"}


@pytest.mark.django_db
def test_validation_runs_no_query_and_schema_describes_the_fields(django_assert_num_queries):
    version = VersionFactory()
    element = DataElementFactory(key="applicant.name", name="申请人姓名", is_personal=True,
                                 profile_source="user.real_name", validation={"max_length": 50})
    FormFieldFactory(version=version, data_element=element, order=1, section="申请人", help_text="与证件一致")
    FormFieldFactory(version=version, data_element=DataElementFactory(key="business.kind", data_type=DataType.CHOICE,
                                                                      options=[{"value": "1", "label": "餐饮"}]),
                     order=0, required=False, label="经营类别")
    fields = list(version.form_fields.select_related("data_element"))
    with django_assert_num_queries(0):
        cleaned, errors = validate_form_data(fields, {"applicant.name": "李四", "business.kind": "1"})
    assert (cleaned, errors) == ({"applicant.name": "李四", "business.kind": "1"}, [])
    schema = form_schema(version)
    assert [f["key"] for f in schema] == ["business.kind", "applicant.name"]
    assert schema[1] == {"key": "applicant.name", "label": "申请人姓名", "type": "string", "required": True, "options": [],
                         "help": "与证件一致", "section": "申请人", "validation": {"max_length": 50}, "personal": True,
                         "profile_source": "user.real_name"}
    assert schema[0]["label"] == "经营类别" and schema[0]["options"] == [{"value": "1", "label": "餐饮"}]


def test_a_misformatted_date_is_explained_in_chinese():
    fields = [field("business.start", DataType.DATE, name="开业日期")]
    [error] = validate_form_data(fields, {"business.start": "2026/03/01"})[1]
    assert error.code == ErrorCode.FORM_DATE
    assert error.message == "「开业日期」应写成“年-月-日”（如 2026-03-01），当前为「2026/03/01」。"


def test_seeded_hints_shown_to_applicants_are_not_format_placeholders():
    # A data element's description is the hint under its input on the application form.
    from yiwang.catalog.seed.data_elements import ELEMENTS

    placeholders = [key for key, _name, _type, _options, _validation, description, *_ in ELEMENTS
                    if "YYYY" in description.upper() or "MM-DD" in description.upper()]
    assert placeholders == []


CHILD = [
    field("child.id_number", DataType.ID_NUMBER, name="儿童居民身份证号码"),
    field("child.birth_date", DataType.DATE, name="儿童出生日期"),
    field("child.sex", DataType.CHOICE, element_options=[{"value": "男", "label": "男"}, {"value": "女", "label": "女"}],
          name="儿童性别"),
]


def _child(n: int, birth: str = "20190901") -> tuple[str, str]:
    from yiwang.core.identifiers import id_number_sex

    number = make_id_number(n, birth=birth, area="610113")
    return number, {"M": "男", "F": "女"}[id_number_sex(number)]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=0, max_value=998), days=st.integers(min_value=0, max_value=365 * 17))
def test_birth_date_and_sex_agreeing_with_the_id_pass_and_contradicting_ones_are_named(n, days):
    import datetime as dt

    birth = dt.date(2008, 1, 1) + dt.timedelta(days=days)
    number, sex = _child(n, birth=birth.strftime("%Y%m%d"))
    good = {"child.id_number": number, "child.birth_date": birth.isoformat(), "child.sex": sex}
    assert validate_form_data(CHILD, good)[1] == []
    other_sex = "女" if sex == "男" else "男"
    bad = {**good, "child.birth_date": (birth + dt.timedelta(days=1)).isoformat(), "child.sex": other_sex}
    errors = {e.field: e for e in validate_form_data(CHILD, bad)[1]}
    assert set(errors) == {"child.birth_date", "child.sex"}
    assert {e.code for e in errors.values()} == {ErrorCode.FORM_INCONSISTENT}
    assert birth.isoformat() in errors["child.birth_date"].message and "儿童居民身份证号码" in errors["child.birth_date"].message
    assert f"“{sex}”" in errors["child.sex"].message


def test_a_birth_date_in_the_future_is_refused():
    import datetime as dt

    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    errors = validate_form_data([CHILD[1]], {"child.birth_date": tomorrow.isoformat()})[1]
    assert [(e.field, e.code) for e in errors] == [("child.birth_date", ErrorCode.FORM_OUT_OF_RANGE)]
    assert "晚于今天" in errors[0].message
    assert validate_form_data([CHILD[1]], {"child.birth_date": timezone.localdate().isoformat()})[1] == []


@pytest.mark.parametrize("value", ["1e5000", "1E999999999", "-1e16", "0.0000001", 1e308, "9" * 41])
def test_a_decimal_beyond_any_real_amount_is_refused_quickly(value):
    cleaned, errors = validate_form_data(FIELDS, {**GOOD, "area.size": value})
    assert [e.field for e in errors] == ["area.size"]
    assert "area.size" not in cleaned


@pytest.mark.parametrize("value, expected", [("999999999999999.999999", "999999999999999.999999"), ("1e3", "1000"),
                                             ("0.000001", "0.000001")])
def test_decimals_at_the_limits_are_kept(value, expected):
    cleaned, errors = validate_form_data(FIELDS, {**GOOD, "area.size": value})
    assert errors == []
    assert cleaned["area.size"] == expected
