"""The rule language: validation names the place of each problem; evaluation is three-valued and
obeys the laws of Kleene logic; the vectorised evaluator agrees with the reference one on random
rules and subjects; explanations say, in Chinese, why."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.policies import rules
from yiwang.policies.constants import ATTRIBUTES, AttrType
from yiwang.policies.subjects import attributes_of_kind, full_years, subject_attributes
from yiwang.policies.vectorised import Frame, compile_rule

ENTERPRISE = attributes_of_kind("enterprise")
PERSON = attributes_of_kind("person")
CODES = {"industry_code": ["H6210", "H6220", "H61", "I6510", "C3911", "M7320", "R8710", "A0111"],
         "district": ["610113", "610103", "610116", "610402"],
         "residence_division": ["610113J01", "610113", "610103", "610402"]}


# --- Strategies ----------------------------------------------------------------------------------


def value_of(name):
    attribute = ATTRIBUTES[name]
    if attribute.type == AttrType.NUMBER:
        return st.none() | st.integers(0, 120)
    if attribute.type == AttrType.ENUM:
        return st.none() | st.sampled_from([c for c, _ in attribute.choices])
    return st.none() | st.sampled_from(CODES[name])


def subjects(names):
    return st.fixed_dictionaries({n: value_of(n) for n in names})


@st.composite
def condition(draw, names):
    name = draw(st.sampled_from(names))
    attribute = ATTRIBUTES[name]
    if attribute.type == AttrType.NUMBER:
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "between", "in", "known"]))
        if op == "between":
            lo = draw(st.integers(0, 100))
            return {"attr": name, "op": op, "value": [lo, lo + draw(st.integers(0, 50))]}
        if op == "in":
            return {"attr": name, "op": op, "value": draw(st.lists(st.integers(0, 100), min_size=1, max_size=4))}
        if op == "known":
            return {"attr": name, "op": op}
        return {"attr": name, "op": op, "value": draw(st.integers(0, 100))}
    if attribute.type == AttrType.ENUM:
        choices = [c for c, _ in attribute.choices]
        op = draw(st.sampled_from(["in", "not_in", "==", "!=", "known"]))
        if op in ("in", "not_in"):
            return {"attr": name, "op": op, "value": draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3))}
        if op == "known":
            return {"attr": name, "op": op}
        return {"attr": name, "op": op, "value": draw(st.sampled_from(choices))}
    op = draw(st.sampled_from(["prefix", "not_prefix", "==", "in", "known"]))
    pool = CODES[name] + [c[:k] for c in CODES[name] for k in (1, 3, 4)]
    if op in ("prefix", "not_prefix", "in"):
        return {"attr": name, "op": op, "value": draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))}
    if op == "known":
        return {"attr": name, "op": op}
    return {"attr": name, "op": op, "value": draw(st.sampled_from(pool))}


def rule_trees(names):
    return st.recursive(
        condition(names),
        lambda inner: st.one_of(st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
                                st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
                                st.builds(lambda x: {"not": x}, inner)),
        max_leaves=8)


enterprise_rules, person_rules = rule_trees(ENTERPRISE), rule_trees(PERSON)


# --- Laws ----------------------------------------------------------------------------------------


@given(enterprise_rules, subjects(ENTERPRISE))
def test_generated_rules_are_valid(rule, subject):
    assert rules.validate(rule, subject_kind="enterprise") == []


@given(enterprise_rules, enterprise_rules, subjects(ENTERPRISE))
def test_de_morgan_and_double_negation(a, b, subject):
    ev = rules.evaluate
    assert ev({"not": {"not": a}}, subject) == ev(a, subject)
    assert ev({"not": {"all": [a, b]}}, subject) == ev({"any": [{"not": a}, {"not": b}]}, subject)
    assert ev({"not": {"any": [a, b]}}, subject) == ev({"all": [{"not": a}, {"not": b}]}, subject)


@given(enterprise_rules, enterprise_rules, enterprise_rules, subjects(ENTERPRISE))
def test_and_or_are_commutative_associative_and_absorb(a, b, c, subject):
    ev = rules.evaluate
    assert ev({"all": [a, b]}, subject) == ev({"all": [b, a]}, subject)
    assert ev({"any": [a, b]}, subject) == ev({"any": [b, a]}, subject)
    assert ev({"all": [a, {"all": [b, c]}]}, subject) == ev({"all": [{"all": [a, b]}, c]}, subject)
    assert ev({"any": [a, {"all": [a, b]}]}, subject) == ev(a, subject)
    assert ev({"all": [a, {"any": [b, c]}]}, subject) == ev({"any": [{"all": [a, b]}, {"all": [a, c]}]}, subject)


def _uses_known(rule) -> bool:
    if "all" in rule or "any" in rule:
        return any(_uses_known(r) for r in rule.get("all", rule.get("any")))
    return _uses_known(rule["not"]) if "not" in rule else rule["op"] == "known"


@given(person_rules, subjects(PERSON), st.sets(st.sampled_from(PERSON)))
def test_a_missing_value_never_decides(rule, subject, forgotten):
    """Forgetting attributes can turn true or false into unknown, never into the other: what is
    not on record decides nothing, not even under a negation ("known" asks about the record itself,
    so it is left out)."""
    if _uses_known(rule):
        return
    full = rules.evaluate(rule, subject)
    partial = rules.evaluate(rule, {**subject, **dict.fromkeys(forgotten)})
    assert partial is None or partial == full


@settings(max_examples=150)
@given(st.lists(enterprise_rules, min_size=1, max_size=5), st.lists(subjects(ENTERPRISE), min_size=1, max_size=40))
def test_vectorised_agrees_with_the_reference(rule_list, population):
    frame = Frame.from_subjects(population, ENTERPRISE)
    for rule in rule_list:
        true, false = compile_rule(rule)(frame)
        for i, subject in enumerate(population):
            expected = rules.evaluate(rule, subject)
            assert (bool(true[i]), bool(false[i])) == (expected is True, expected is False), (rule, subject)


@settings(max_examples=60)
@given(person_rules, st.lists(subjects(PERSON), min_size=1, max_size=30))
def test_vectorised_agrees_on_people(rule, population):
    true, false = compile_rule(rule)(Frame.from_subjects(population, PERSON))
    assert [True if t else False if f else None for t, f in zip(true, false, strict=True)] == \
           [rules.evaluate(rule, s) for s in population]


@given(st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)), st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)))
def test_whole_years_agree_with_counting_birthdays(born, on):
    years = full_years(born, on)
    if on >= born:
        birthday = lambda y: dt.date(y, born.month, min(born.day, 28 if born.month == 2 else born.day))  # noqa: E731
        assert years == sum(1 for y in range(born.year + 1, on.year + 1) if birthday(y) <= on) or \
            (born.month, born.day) == (2, 29)


def test_whole_years_on_the_day():
    assert full_years(dt.date(1958, 3, 15), dt.date(2026, 3, 14)) == 67
    assert full_years(dt.date(1958, 3, 15), dt.date(2026, 3, 15)) == 68
    values = subject_attributes({"kind": "enterprise", "founded_on": dt.date(2019, 5, 20), "industry_code": "H6210",
                                 "enterprise_size": "", "employees": 28}, on=dt.date(2026, 12, 3))
    assert values["years_since_founding"] == 7 and values["enterprise_size"] is None and values["employees"] == 28


# --- Validation ----------------------------------------------------------------------------------


def test_validation_names_each_problem_with_its_path():
    rule = {"all": [
        {"attr": "age", "op": ">=", "value": "sixty"},
        {"any": []},
        {"attr": "industry_code", "op": "prefix", "value": ["H62"]},
        {"not": {"attr": "credit", "op": "in", "value": ["D"]}},
        {"attr": "employment_status", "op": "in", "value": ["retired", "rich"]},
        {"attr": "age", "op": "between", "value": [70, 60]},
        {"all": [{"attr": "age", "op": "~", "value": 1}], "any": []},
        "age > 60",
    ]}
    problems = {p.path: p.message for p in rules.validate(rule, subject_kind="person")}
    assert set(problems) == {"all[0].value", "all[1].any", "all[2].attr", "all[3].not.attr", "all[4].value",
                             "all[5].value", "all[6]", "all[7]"}
    assert "应为数字" in problems["all[0].value"] and "年龄" in problems["all[0].value"]
    assert "不是个人的属性" in problems["all[2].attr"]
    assert "未知的属性“credit”" in problems["all[3].not.attr"]
    assert "“rich”不是可选值" in problems["all[4].value"] and "retired（退休）" in problems["all[4].value"]
    assert "下限不能大于上限" in problems["all[5].value"]


def test_validation_limits_depth_and_rejects_non_json_shapes():
    deep = {"attr": "age", "op": ">=", "value": 1}
    for _ in range(12):
        deep = {"not": deep}
    assert any("嵌套过深" in p.message for p in rules.validate(deep))
    assert rules.validate({"all": []}) == []  # no conditions: everyone of the kind
    assert rules.validate([1, 2])[0].message.startswith("（根）")
    assert rules.validate({"attr": "age", "op": ">=", "value": True})  # a boolean is not a number
    assert rules.validate({"attr": "district", "op": "prefix", "value": ["61'; DROP"]})


# --- Explanations --------------------------------------------------------------------------------


def test_explanation_rule_by_rule_in_chinese():
    rule = {"all": [{"attr": "age", "op": ">=", "value": 80},
                    {"attr": "residence_division", "op": "prefix", "value": ["6101"]},
                    {"not": {"attr": "employment_status", "op": "==", "value": "employed"}},
                    {"attr": "household_size", "op": "<=", "value": 2}]}
    result = rules.explain(rule, {"age": 68, "residence_division": "610113J01", "employment_status": "retired",
                                  "household_size": None})
    assert result.result is False and result.verdict == "不符合"
    lines = [(c.verdict, c.text, c.actual) for c in result.children]
    assert lines == [("不符合", "年龄不少于 80 周岁", "68 周岁"),
                     ("符合", "居住地属于：6101（西安市）", "610113J01（雁塔区小寨路街道）"),
                     ("符合", "不属于以下情形：就业状态为 在职", "退休"),
                     ("信息不全", "户内人数不超过 2 人", "档案中未登记")]
    assert [r.text for r in result.failing()] == ["年龄不少于 80 周岁", "户内人数不超过 2 人"]


def test_rule_reads_as_chinese_lines():
    rule = {"all": [{"attr": "industry_code", "op": "prefix", "value": ["H62"]},
                    {"any": [{"attr": "enterprise_size", "op": "in", "value": ["small", "micro"]},
                             {"attr": "employees", "op": "between", "value": [10, 99]}]}]}
    assert rules.rule_lines(rule) == [(0, "行业属于：H62（餐饮业）"), (0, "满足其一："), (1, "企业规模为下列之一：小型、微型"),
                                      (1, "从业人数在 10 人 至 99 人 之间")]
