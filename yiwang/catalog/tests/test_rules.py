"""The consistency rules of rules.py: each rule both ways, then properties (hypothesis).

Most tests run the pure core over unsaved model instances (no database); one runs
`version_problems` over a saved factory version."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.catalog.constants import CaseKind, ErrorCode, ItemType, LimitUnit, MaterialNecessity, MaterialSource, ResultType
from yiwang.catalog.models import FAQ, FeeItem, ImplementationVersion, Material
from yiwang.catalog.rules import guide_problems, limit_comparison, phone_problem, version_problems

GOOD = {
    "name": "食品经营许可（新办）", "legal_basis": [{"name": "中华人民共和国食品安全法", "articles": "第三十五条"}],
    "service_objects": ["2"], "statutory_limit": Decimal("20"), "statutory_limit_unit": LimitUnit.WORKING_DAY,
    "promised_limit": Decimal("10"), "promised_limit_unit": LimitUnit.WORKING_DAY, "case_kind": CaseKind.PROMISED,
    "acceptance_conditions": ["申请材料齐全"], "handling_forms": ["1", "2"], "online_depth": ["1", "2"], "visits": 1,
    "visits_reason": "需现场核验经营场所", "supports_online_handling": True, "supports_express_delivery": True,
    "result_name": "食品经营许可证", "result_type": ResultType.LICENCE, "result_sample": "catalog/result_samples/s.pdf",
    "fee_charged": False, "consultation_phone": "029-86786666", "complaint_phone": "029-12345",
}


def problems(item_type=ItemType.LICENSING, materials=None, fee_items=(), faqs=None, **overrides):
    version = ImplementationVersion(**{**GOOD, **overrides})
    materials = [Material(name="营业执照")] if materials is None else materials
    faqs = [FAQ(question="多久办结？", answer="10 个工作日")] if faqs is None else faqs
    return guide_problems(version, item_type=item_type, materials=materials, fee_items=list(fee_items), faqs=faqs)


def codes(found) -> dict[str, str]:
    return {p.field: p.code for p in found}


def test_a_good_guide_has_no_problem():
    assert problems() == []


@pytest.mark.django_db
def test_version_problems_reads_a_saved_version_and_its_children():
    from yiwang.catalog.tests.factories import VersionFactory

    version = VersionFactory()
    assert version_problems(version) == []
    version = VersionFactory(faqs=0, materials=0)
    assert codes(version_problems(version)) == {"faqs": ErrorCode.RULE_LICENSING_FAQ,
                                                "materials": ErrorCode.RULE_MATERIALS_MISSING}


class TestTimeLimits:
    def test_promised_above_statutory_names_both_limits_and_the_fix(self):
        [problem] = problems(promised_limit=Decimal("15"), statutory_limit=Decimal("10"))
        assert problem.field == "promised_limit" and problem.code == ErrorCode.RULE_PROMISED_EXCEEDS_STATUTORY
        assert problem.message == "承诺办结时限（15 个工作日）不得超过法定办结时限（10 个工作日），请调整承诺时限。"

    def test_equal_limits_and_half_days_are_fine(self):
        assert problems(promised_limit=Decimal("10"), statutory_limit=Decimal("10")) == []
        assert problems(promised_limit=Decimal("0.5"), statutory_limit=Decimal("1")) == []
        assert "1.5 个工作日" in problems(promised_limit=Decimal("1.5"), statutory_limit=Decimal("1"))[0].message

    def test_natural_days_promise_against_working_days_law_is_compared_number_for_number(self):
        assert problems(promised_limit=Decimal("10"), promised_limit_unit=LimitUnit.NATURAL_DAY) == []
        [problem] = problems(promised_limit=Decimal("25"), promised_limit_unit=LimitUnit.NATURAL_DAY)
        assert problem.code == ErrorCode.RULE_PROMISED_EXCEEDS_STATUTORY
        assert "不超过 20 个自然日" in problem.message

    def test_working_days_promise_against_natural_days_law_must_change_unit(self):
        [problem] = problems(statutory_limit=Decimal("30"), statutory_limit_unit=LimitUnit.NATURAL_DAY)
        assert problem.field == "promised_limit_unit" and problem.code == ErrorCode.RULE_LIMIT_UNIT_MISMATCH
        assert "改以自然日计" in problem.message

    def test_statutory_limit_needs_its_unit(self):
        found = codes(problems(statutory_limit_unit=""))
        assert found == {"statutory_limit_unit": ErrorCode.RULE_LIMIT_UNIT_MISSING}

    def test_no_statutory_limit_is_allowed(self):
        assert problems(statutory_limit=None, statutory_limit_unit="") == []

    def test_promised_unit_is_required(self):
        assert codes(problems(promised_limit_unit="")) == {"promised_limit_unit": ErrorCode.RULE_LIMIT_UNIT_MISSING}

    def test_zero_promised_days_must_be_immediate(self):
        assert codes(problems(promised_limit=Decimal("0"))) == {"promised_limit": ErrorCode.RULE_PROMISED_LIMIT_MISSING}

    def test_immediate_promise_requires_immediate_case_kind_and_back(self):
        assert problems(promised_limit=Decimal("0"), promised_limit_unit=LimitUnit.IMMEDIATE,
                        case_kind=CaseKind.IMMEDIATE) == []
        assert codes(problems(promised_limit_unit=LimitUnit.IMMEDIATE)) == {"case_kind": ErrorCode.RULE_IMMEDIATE_MISMATCH}
        [problem] = problems(case_kind=CaseKind.IMMEDIATE)
        assert problem.code == ErrorCode.RULE_IMMEDIATE_MISMATCH and "10 个工作日" in problem.message

    def test_statutory_immediate_allows_only_an_immediate_promise(self):
        assert codes(problems(statutory_limit_unit=LimitUnit.IMMEDIATE)) == {
            "promised_limit": ErrorCode.RULE_PROMISED_EXCEEDS_STATUTORY}


class TestVisitsAndDelivery:
    def test_visits_need_a_reason(self):
        [problem] = problems(visits=2, visits_reason=" ")
        assert problem.field == "visits_reason" and problem.code == ErrorCode.RULE_VISITS_REASON
        assert "2 次" in problem.message

    def test_zero_visits_offline_needs_express_delivery(self):
        assert problems(visits=0, visits_reason="") == []
        assert problems(visits=0, supports_online_handling=False) == []
        assert codes(problems(visits=0, supports_online_handling=False, supports_express_delivery=False)) == {
            "supports_express_delivery": ErrorCode.RULE_ZERO_VISITS_DELIVERY}


class TestFees:
    def test_fee_needs_basis_and_items(self):
        assert codes(problems(fee_charged=True)) == {"fee_basis": ErrorCode.RULE_FEE_DETAILS,
                                                     "fee_items": ErrorCode.RULE_FEE_DETAILS}
        assert problems(fee_charged=True, fee_basis="陕价费发〔2020〕1号", fee_items=[FeeItem(name="工本费", standard="10元")],
                        supports_online_payment=True) == []

    def test_no_fee_must_not_claim_online_payment_or_list_fees(self):
        assert codes(problems(supports_online_payment=True)) == {"supports_online_payment": ErrorCode.RULE_FEE_ONLINE_PAYMENT}
        assert codes(problems(fee_items=[FeeItem(name="工本费", standard="10元")])) == {
            "fee_items": ErrorCode.RULE_FEE_ITEMS_WITHOUT_FEE}


class TestPhones:
    @pytest.mark.parametrize("number", ["029-86786666", "029-8678666", "0917-3212345", "029-12345", "400-123-4567",
                                        "8001234567", "029-86786666-801", "029-86786666转801", "(029)86786666",
                                        "029-86786666、029-86786667"])
    def test_accepted_numbers(self, number):
        assert phone_problem(number, field="consultation_phone", label="咨询电话") is None

    def test_bare_local_number_is_told_to_add_029(self):
        problem = phone_problem("86786666", field="consultation_phone", label="咨询电话")
        assert problem.code == ErrorCode.RULE_PHONE_AREA_CODE
        assert problem.message == "咨询电话「86786666」缺少区号，请加上区号 029，写成 029-86786666。"
        assert "029-12345" in phone_problem("12345", field="complaint_phone", label="监督投诉电话").message

    @pytest.mark.parametrize("number", ["13912345678", "abc", "029-123", "+86 29 8678"])
    def test_other_formats_are_refused(self, number):
        assert phone_problem(number, field="x", label="咨询电话").code == ErrorCode.RULE_PHONE_AREA_CODE

    def test_both_phones_required_and_different(self):
        assert codes(problems(consultation_phone="")) == {"consultation_phone": ErrorCode.RULE_PHONE_MISSING}
        [problem] = problems(complaint_phone="029 - 8678 6666".replace(" ", ""))
        assert problem.field == "complaint_phone" and problem.code == ErrorCode.RULE_PHONES_DIFFERENT


class TestResultFaqAndCompleteness:
    def test_a_result_needs_a_sample(self):
        assert codes(problems(result_sample="")) == {"result_sample": ErrorCode.RULE_RESULT_SAMPLE}
        assert problems(result_sample="", result_name="", result_type=ResultType.NONE) == []
        assert codes(problems(result_sample="", result_name="", result_type=ResultType.CERTIFICATE)) == {
            "result_sample": ErrorCode.RULE_RESULT_SAMPLE}

    def test_licensing_needs_a_faq_others_do_not(self):
        assert codes(problems(faqs=[])) == {"faqs": ErrorCode.RULE_LICENSING_FAQ}
        assert problems(item_type=ItemType.PUBLIC_SERVICE, faqs=[]) == []

    def test_licensing_needs_legal_basis(self):
        assert codes(problems(legal_basis=[])) == {"legal_basis": ErrorCode.RULE_LEGAL_BASIS_MISSING}
        assert problems(item_type=ItemType.CONFIRMATION, legal_basis=[]) == []
        assert codes(problems(legal_basis=[{"name": "", "articles": "第一条"}])) == {
            "legal_basis": ErrorCode.RULE_LEGAL_BASIS_MISSING}

    def test_name_conditions_and_service_objects_are_required(self):
        assert codes(problems(name=" ", acceptance_conditions=[" "], service_objects=[])) == {
            "name": ErrorCode.RULE_NAME_MISSING, "acceptance_conditions": ErrorCode.RULE_ACCEPTANCE_CONDITIONS_MISSING,
            "service_objects": ErrorCode.RULE_CODE_INVALID}

    def test_bad_codes_are_named(self):
        found = problems(service_objects=["1", "8"], handling_forms=["5"], case_kind="7")
        assert codes(found) == {"service_objects": ErrorCode.RULE_CODE_INVALID, "handling_forms": ErrorCode.RULE_CODE_INVALID,
                                "case_kind": ErrorCode.RULE_CODE_INVALID}

    def test_materials_required_unless_explicitly_none(self):
        assert codes(problems(materials=[])) == {"materials": ErrorCode.RULE_MATERIALS_MISSING}
        assert problems(materials=[], no_materials_required=True) == []
        assert codes(problems(no_materials_required=True)) == {"no_materials_required": ErrorCode.RULE_NO_MATERIALS_CONFLICT}

    def test_each_material_is_checked_and_named_by_index(self):
        materials = [
            Material(name="营业执照"),
            Material(name="", necessity="sometimes"),
            Material(name="身份证", necessity=MaterialNecessity.DEFERRABLE, source_channel=MaterialSource.LICENCE_LIBRARY),
        ]
        found = problems(materials=materials)
        assert codes(found) == {
            "materials[1].name": ErrorCode.RULE_MATERIAL_INVALID,
            "materials[1].necessity": ErrorCode.RULE_MATERIAL_INVALID,
            "materials[2].necessity": ErrorCode.RULE_DEFERRABLE_NOT_ELIGIBLE,
            "materials[2].licence_type_code": ErrorCode.RULE_LICENCE_TYPE_MISSING,
        }
        assert any("第 3 项材料「身份证」" in p.message for p in found)
        materials[2].licence_type_code = "11100000000013338W011"
        assert "materials[2].necessity" not in codes(problems(materials=materials, deferred_material_eligible=True))

    def test_every_problem_is_reported_at_once(self):
        found = problems(name="", faqs=[], materials=[], visits=3, visits_reason="", fee_charged=True,
                         consultation_phone="86786666", complaint_phone="86786666", result_sample="",
                         promised_limit=Decimal("30"))
        assert len(found) >= 9
        assert len({p.field for p in found}) == len(found)


# --- Properties --------------------------------------------------------------------------------

half_days = st.integers(min_value=0, max_value=7300).map(lambda n: Decimal(n) / 2)
units = st.sampled_from([LimitUnit.WORKING_DAY, LimitUnit.NATURAL_DAY])


@settings(deadline=None)
@given(promised=half_days, statutory=half_days, unit=units)
def test_same_unit_exceeds_exactly_when_promised_is_larger(promised, statutory, unit):
    assert (limit_comparison(promised=promised, promised_unit=unit, statutory=statutory, statutory_unit=unit)
            == "exceeds") == (promised > statutory)


@settings(deadline=None)
@given(promised=half_days, statutory=half_days)
def test_mixed_units_are_conservative(promised, statutory):
    natural_vs_working = limit_comparison(promised=promised, promised_unit=LimitUnit.NATURAL_DAY, statutory=statutory,
                                          statutory_unit=LimitUnit.WORKING_DAY)
    assert natural_vs_working == ("exceeds" if promised > statutory else "ok")
    assert limit_comparison(promised=promised, promised_unit=LimitUnit.WORKING_DAY, statutory=statutory,
                            statutory_unit=LimitUnit.NATURAL_DAY) == "incomparable"
    assert limit_comparison(promised=promised, promised_unit=LimitUnit.IMMEDIATE, statutory=statutory,
                            statutory_unit=LimitUnit.NATURAL_DAY) == "ok"


@settings(deadline=None)
@given(visits=st.integers(0, 20), reason=st.sampled_from(["", " ", "需现场核验"]), online=st.booleans(),
       express=st.booleans())
def test_visit_rules_fire_exactly_when_their_condition_holds(visits, reason, online, express):
    found = codes(problems(visits=visits, visits_reason=reason, supports_online_handling=online,
                           supports_express_delivery=express))
    assert ("visits_reason" in found) == (visits > 0 and not reason.strip())
    assert ("supports_express_delivery" in found) == (visits == 0 and not online and not express)


@settings(deadline=None)
@given(charged=st.booleans(), basis=st.sampled_from(["", "陕价费发〔2020〕1号"]), items=st.integers(0, 2),
       online_payment=st.booleans())
def test_fee_rules_fire_exactly_when_their_condition_holds(charged, basis, items, online_payment):
    fee_items = [FeeItem(name=f"费{i}", standard="10元") for i in range(items)]
    found = codes(problems(fee_charged=charged, fee_basis=basis, fee_items=fee_items,
                           supports_online_payment=online_payment))
    assert ("fee_basis" in found) == (charged and not basis)
    assert ("fee_items" in found) == ((charged and items == 0) or (not charged and items > 0))
    assert ("supports_online_payment" in found) == (not charged and online_payment)


@settings(deadline=None)
@given(area=st.from_regex(r"0[1-9]\d{1,2}", fullmatch=True), local=st.from_regex(r"[2-8]\d{6,7}", fullmatch=True))
def test_numbers_with_area_code_pass_and_without_are_told_029(area, local):
    assert phone_problem(f"{area}-{local}", field="x", label="咨询电话") is None
    problem = phone_problem(local, field="x", label="咨询电话")
    assert problem is not None and f"029-{local}" in problem.message


_FIELD = re.compile(r"^[a-z_]+(\[\d+\]\.[a-z_]+)?$")


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(max_size=5), promised=half_days, statutory=st.none() | half_days,
    p_unit=st.sampled_from(["", *LimitUnit.values]), s_unit=st.sampled_from(["", *LimitUnit.values]),
    kind=st.sampled_from(CaseKind.values), visits=st.integers(0, 5), charged=st.booleans(),
    phone=st.sampled_from(["", "029-86786666", "86786666", "x"]), item_type=st.sampled_from(ItemType.values),
    n_materials=st.integers(0, 2), n_faqs=st.integers(0, 1),
    necessity=st.sampled_from([*MaterialNecessity.values, "bad"]),
)
def test_any_guide_gives_named_chinese_problems_and_never_fails(name, promised, statutory, p_unit, s_unit, kind,
                                                                 visits, charged, phone, item_type, n_materials, n_faqs,
                                                                 necessity):
    found = problems(item_type=item_type, name=name, promised_limit=promised, statutory_limit=statutory,
                     promised_limit_unit=p_unit, statutory_limit_unit=s_unit, case_kind=kind, visits=visits,
                     fee_charged=charged, consultation_phone=phone,
                     materials=[Material(name=f"材料{i}", necessity=necessity) for i in range(n_materials)],
                     faqs=[FAQ(question="问", answer="答") for _ in range(n_faqs)])
    for problem in found:
        assert _FIELD.match(problem.field), problem.field
        assert problem.code.startswith("rule_")
        assert re.search(r"[\u4e00-\u9fff]", problem.message) and problem.message.endswith("。")
