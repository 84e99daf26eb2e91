"""The eligibility rule language: validation, evaluation with a rule-by-rule explanation, and
the Chinese reading of a rule. Pure (no database); `vectorised.py` evaluates the same rules over
columns of many subjects and must agree with `evaluate` here (property-tested).

A rule is JSON:
  {"all": [rule, …]}   every part holds            {"any": [rule, …]}   at least one part holds
  {"not": rule}        the part does not hold
  {"attr": "<attribute>", "op": "<operator>", "value": …}   one condition on one attribute

Logic is three-valued (Kleene): a condition on an attribute the profile does not have is
*unknown*, not false — "not (unknown)" stays unknown, so a missing value never makes a subject
eligible by negation. A subject is eligible only when the whole rule is *true*; the explanation
says which conditions failed and which were unknown (信息不全).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from yiwang.policies.constants import (
    ATTRIBUTES,
    CODE_NAMES,
    CODE_TABLE_OF,
    MAX_LIST_VALUES,
    MAX_RULE_DEPTH,
    MAX_RULE_NODES,
    OPERATORS,
    AttrType,
)

TRUE, FALSE, UNKNOWN = True, False, None


@dataclass(frozen=True)
class RuleProblem:
    path: str  # e.g. "all[1].any[0].value"
    message: str


@dataclass
class Explanation:
    """One node of the evaluated rule: `result` True / False / None (unknown)."""

    result: bool | None
    text: str  # what the node requires, in Chinese
    actual: str = ""  # the subject's value, for a condition
    path: str = ""
    children: list[Explanation] = field(default_factory=list)
    node: str = "condition"  # all | any | not | condition

    @property
    def verdict(self) -> str:
        return {True: "符合", False: "不符合", None: "信息不全"}[self.result]

    def failing(self) -> list[Explanation]:
        """The conditions that are not true (the reasons someone is not eligible)."""
        if self.result is True:
            return []
        if self.node in ("condition", "not"):
            return [self]
        return [leaf for c in self.children for leaf in c.failing()]

    def as_dict(self) -> dict:
        return {"result": self.result, "verdict": self.verdict, "text": self.text, "actual": self.actual,
                "path": self.path, "node": self.node, "children": [c.as_dict() for c in self.children]}


# --- Validation ----------------------------------------------------------------------------------


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def validate(rule, *, subject_kind: str | None = None) -> list[RuleProblem]:
    """Every problem of `rule`, each naming where it is (an empty list: the rule is valid)."""
    problems: list[RuleProblem] = []
    count = [0]

    def walk(node, path: str, depth: int) -> None:
        count[0] += 1
        where = path or "（根）"
        if count[0] == MAX_RULE_NODES + 1:
            problems.append(RuleProblem(path, f"条件过多：一条规则最多 {MAX_RULE_NODES} 个节点。"))
        if depth > MAX_RULE_DEPTH:
            problems.append(RuleProblem(path, f"{where}：嵌套过深（最多 {MAX_RULE_DEPTH} 层）。"))
            return
        if not isinstance(node, dict):
            problems.append(RuleProblem(path, f"{where}：每个条件应为一个对象（{{…}}）。"))
            return
        groups = [k for k in ("all", "any", "not") if k in node]
        if groups:
            if len(node) != 1:
                problems.append(RuleProblem(path, f"{where}：“{groups[0]}”节点不能再有其他键（{'、'.join(sorted(set(node) - {groups[0]}))}）。"))
                return
            key = groups[0]
            if key == "not":
                walk(node["not"], _join(path, "not"), depth + 1)
                return
            parts = node[key]
            if not isinstance(parts, list):
                problems.append(RuleProblem(_join(path, key), f"{_join(path, key)}：应为条件列表。"))
                return
            if not parts and not (key == "all" and not path):
                problems.append(RuleProblem(_join(path, key), f"{_join(path, key)}：列表不能为空。"))
            for i, part in enumerate(parts):
                walk(part, f"{_join(path, key)}[{i}]", depth + 1)
            return
        extra = set(node) - {"attr", "op", "value"}
        if extra:
            problems.append(RuleProblem(path, f"{where}：未知的键 {'、'.join(sorted(extra))}（条件只有 attr、op、value，组合用 all、any、not）。"))
            return
        name = node.get("attr")
        attribute = ATTRIBUTES.get(name) if isinstance(name, str) else None
        if attribute is None:
            problems.append(RuleProblem(_join(path, "attr"), f"{_join(path, 'attr')}：未知的属性“{name}”，可用："
                                        + "、".join(f"{a.name}（{a.label}）" for a in ATTRIBUTES.values()
                                                   if subject_kind in (None, a.subject_kind)) + "。"))
            return
        if subject_kind and attribute.subject_kind != subject_kind:
            problems.append(RuleProblem(_join(path, "attr"), f"{_join(path, 'attr')}：“{attribute.label}”不是"
                                        f"{'个人' if subject_kind == 'person' else '企业'}的属性。"))
            return
        op = node.get("op")
        ops = OPERATORS[attribute.type]
        if op not in ops:
            problems.append(RuleProblem(_join(path, "op"), f"{_join(path, 'op')}：“{attribute.label}”不能用运算“{op}”，可用："
                                        + "、".join(f"{k}（{v}）" for k, v in ops.items()) + "。"))
            return
        problem = _value_problem(attribute, op, node.get("value"), "value" in node)
        if problem:
            problems.append(RuleProblem(_join(path, "value"), f"{_join(path, 'value')}（{attribute.label}）：{problem}"))

    walk(rule, "", 0)
    return problems


def _value_problem(attribute, op: str, value, present: bool) -> str:
    if op == "known":
        return "" if not present or value is True else "“known”不需要取值（或取 true）。"
    if not present:
        return "缺少取值。"
    if attribute.type == AttrType.NUMBER:
        if op == "between":
            if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)):
                return "“介于”的取值应为两个数 [下限, 上限]。"
            if value[0] > value[1]:
                return "下限不能大于上限。"
            return ""
        if op == "in":
            if not (isinstance(value, list) and value and len(value) <= MAX_LIST_VALUES and all(_is_number(v) for v in value)):
                return f"应为 1–{MAX_LIST_VALUES} 个数的列表。"
            return ""
        return "" if _is_number(value) else "应为数字。"
    if attribute.type == AttrType.ENUM:
        allowed = [c for c, _ in attribute.choices]
        values = value if op in ("in", "not_in") else [value]
        if op in ("in", "not_in") and not (isinstance(value, list) and value and len(value) <= MAX_LIST_VALUES):
            return f"应为 1–{MAX_LIST_VALUES} 个选项的列表。"
        bad = [v for v in values if v not in allowed]
        if bad:
            return f"“{bad[0]}”不是可选值，可选：" + "、".join(f"{c}（{label}）" for c, label in attribute.choices) + "。"
        return ""
    # code
    values = value if op in ("prefix", "not_prefix", "in") else [value]
    if op in ("prefix", "not_prefix", "in") and not (isinstance(value, list) and value and len(value) <= MAX_LIST_VALUES):
        return f"应为 1–{MAX_LIST_VALUES} 个代码的列表。"
    for v in values:
        if not (isinstance(v, str) and 1 <= len(v) <= 12 and v.isascii() and v.isalnum() and v == v.upper()):
            return f"“{v}”不是代码（1–12 位大写字母或数字）。"
    return ""


# --- Evaluation ----------------------------------------------------------------------------------


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def condition_holds(node: dict, value) -> bool | None:
    """One condition on the subject's value of its attribute: True, False or None (unknown)."""
    op, target = node["op"], node.get("value")
    if op == "known":
        return not _missing(value)
    if _missing(value):
        return UNKNOWN
    if op == "==":
        return value == target
    if op == "!=":
        return value != target
    if op == "<":
        return value < target
    if op == "<=":
        return value <= target
    if op == ">":
        return value > target
    if op == ">=":
        return value >= target
    if op == "between":
        return target[0] <= value <= target[1]
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    if op == "prefix":
        return any(str(value).startswith(p) for p in target)
    if op == "not_prefix":
        return not any(str(value).startswith(p) for p in target)
    raise ValueError(op)  # validation keeps unknown operators out


def _and(results) -> bool | None:
    results = list(results)
    if any(r is False for r in results):
        return False
    return True if all(r is True for r in results) else UNKNOWN


def _or(results) -> bool | None:
    results = list(results)
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else UNKNOWN


def _not(result) -> bool | None:
    return None if result is None else not result


def evaluate(rule: dict, subject: dict) -> bool | None:
    """The rule's value for one subject (attributes by name, as `subject_attributes` gives them)."""
    if "all" in rule:
        return _and(evaluate(r, subject) for r in rule["all"])
    if "any" in rule:
        return _or(evaluate(r, subject) for r in rule["any"])
    if "not" in rule:
        return _not(evaluate(rule["not"], subject))
    return condition_holds(rule, subject.get(rule["attr"]))


def explain(rule: dict, subject: dict, path: str = "") -> Explanation:
    """`evaluate` with the reasons: every node with its Chinese text and result."""
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        children = [explain(r, subject, f"{_join(path, key)}[{i}]") for i, r in enumerate(rule[key])]
        result = (_and if key == "all" else _or)(c.result for c in children)
        if key == "all":
            text = "无附加条件" if not children else "同时满足以下条件"
        else:
            text = "满足以下任一条件"
        return Explanation(result, text, path=path, children=children, node=key)
    if "not" in rule:
        child = explain(rule["not"], subject, _join(path, "not"))
        text = f"不属于以下情形：{child.text}" if child.node == "condition" else "不属于以下情形"
        return Explanation(_not(child.result), text, actual=child.actual, path=path, children=[child], node="not")
    value = subject.get(rule["attr"])
    return Explanation(condition_holds(rule, value), condition_text(rule), actual=value_text(rule["attr"], value),
                       path=path)


# --- Reading a rule in Chinese -------------------------------------------------------------------


def _code_text(attr: str, code: str) -> str:
    name = CODE_NAMES.get(CODE_TABLE_OF.get(attr, ""), {}).get(code)
    return f"{code}（{name}）" if name else code


def _one(attr: str, v) -> str:
    attribute = ATTRIBUTES[attr]
    if attribute.type == AttrType.ENUM:
        return dict(attribute.choices).get(v, str(v))
    if attribute.type == AttrType.CODE:
        return _code_text(attr, v)
    number = int(v) if isinstance(v, float) and v.is_integer() else v
    return f"{number} {attribute.unit}".strip()


def value_text(attr: str, value) -> str:
    if _missing(value):
        return "档案中未登记"
    return _one(attr, value)


def condition_text(node: dict) -> str:
    attribute = ATTRIBUTES[node["attr"]]
    op, v = node["op"], node.get("value")
    word = OPERATORS[attribute.type][op]
    label = attribute.label
    if op == "known":
        return f"{label}已登记"
    if op == "between":
        return f"{label}在 {_one(node['attr'], v[0])} 至 {_one(node['attr'], v[1])} 之间"
    if isinstance(v, list):
        return f"{label}{word}：" + "、".join(_one(node["attr"], x) for x in v)
    symbol = {"<": "小于", "<=": "不超过", ">": "大于", ">=": "不少于", "==": "为", "!=": "不为"}.get(op, word)
    return f"{label}{symbol} {_one(node['attr'], v)}"


def rule_lines(rule: dict, depth: int = 0) -> list[tuple[int, str]]:
    """The rule as indented lines of Chinese, for public pages (depth, text)."""
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        if key == "all" and not rule["all"]:
            return [(depth, "无附加条件")]
        head = [] if depth == 0 and key == "all" else [(depth, "同时满足：" if key == "all" else "满足其一：")]
        inner = depth if depth == 0 and key == "all" else depth + 1
        return head + [line for r in rule[key] for line in rule_lines(r, inner)]
    if "not" in rule:
        return [(depth, "不属于以下情形："), *rule_lines(rule["not"], depth + 1)]
    return [(depth, condition_text(rule))]


def attributes_used(rule: dict) -> set[str]:
    if "all" in rule or "any" in rule:
        return {a for r in rule.get("all", rule.get("any", [])) for a in attributes_used(r)}
    if "not" in rule:
        return attributes_used(rule["not"])
    return {rule["attr"]}
