"""多表合一: one form for a bundle, built from its members' form fields by data element. Pure.

Every field of a member's form references a data element of the catalog's dictionary (数据元,
`applicant.name`). The merged form asks each datum once: the fields of all members that use one
element become one question, required if any member requires it. Some elements are, in a given
bundle, not one datum but one per member — `matter.description` (申请事项说明) is "what this
application is about" and means something else in each item — so the bundle lists them in
`separate` and each member keeps its own question, named `<element>@<member>`.

Two members that define one element differently (type, options, length, range, pattern) cannot be
asked one question that satisfies both: `conflicts` names the element, the aspect and both members;
a bundle with conflicts cannot be submitted (rules.py). The merged field still takes the stricter
reading (shortest max length, options both accept), so the function is total. Members that only
word the question differently are listed in `label_variants` (the element's own name is used).

Order-independent: parts are put in the bundle's member order (`order`, then member id) first,
so the same members give the same form whatever order they arrive in; a part given twice counts
once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Validation keys compared between members, grouped by what people call them.
ASPECTS: dict[str, tuple[str, ...]] = {"length": ("min_length", "max_length"), "range": ("min", "max"), "pattern": ("pattern",)}
ASPECT_LABELS = {"type": "数据类型", "options": "可选值", "length": "长度", "range": "取值范围", "pattern": "格式"}


@dataclass(frozen=True)
class FieldSpec:
    """One field of one member's form, with its effective definition (the field's override, else
    the data element's)."""

    element: str
    element_name: str
    data_type: str
    label: str = ""
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    validation: tuple[tuple[str, Any], ...] = ()  # sorted (key, value) pairs
    help_text: str = ""
    section: str = ""
    personal: bool = False
    profile_source: str = ""

    @property
    def shown_label(self) -> str:
        return self.label or self.element_name

    def rule(self, key: str) -> Any:
        return dict(self.validation).get(key)


@dataclass(frozen=True)
class FormPart:
    """A member's form: `member` is its id (the implementation), `order` its place in the bundle."""

    member: int
    order: int
    title: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class MergedField:
    name: str  # the input's name: the element key, or "<element>@<member>" when asked per member
    element: str
    label: str
    data_type: str
    required: bool
    options: tuple[tuple[str, str], ...]
    validation: tuple[tuple[str, Any], ...]
    help_text: str
    section: str
    personal: bool
    profile_source: str
    members: tuple[int, ...]  # who asks it, in bundle order

    @property
    def separate(self) -> bool:
        return "@" in self.name


@dataclass(frozen=True)
class Conflict:
    element: str
    element_name: str
    aspect: str
    first_member: int
    first_title: str
    first_value: str
    other_member: int
    other_title: str
    other_value: str

    @property
    def message(self) -> str:
        return (f"数据元「{self.element_name}」（{self.element}）的{ASPECT_LABELS[self.aspect]}定义不一致："
                f"「{self.first_title}」为 {self.first_value}，「{self.other_title}」为 {self.other_value}。"
                f"合并表单无法同时满足两者：请在事项目录中统一两个事项对该数据元的定义，或把它设为“按事项分别填写”。")


@dataclass(frozen=True)
class LabelVariant:
    element: str
    element_name: str
    labels: tuple[tuple[str, str], ...]  # (member title, label as that member words it)


@dataclass(frozen=True)
class FormMerge:
    fields: tuple[MergedField, ...]
    conflicts: tuple[Conflict, ...] = ()
    label_variants: tuple[LabelVariant, ...] = ()
    fields_before: int = 0  # questions the separate forms ask together

    @property
    def fields_after(self) -> int:
        return len(self.fields)


def canonical_parts(parts: Iterable[FormPart]) -> list[FormPart]:
    return sorted(set(parts), key=lambda p: (p.order, p.member, repr(p)))


def _describe(aspect: str, spec: FieldSpec) -> str:
    if aspect == "type":
        return spec.data_type
    if aspect == "options":
        return "、".join(label for _, label in spec.options) or "（未限定）"
    values = [f"{key}={spec.rule(key)}" for key in ASPECTS[aspect] if spec.rule(key) is not None]
    return "，".join(values) or "（未限定）"


def _aspect_value(aspect: str, spec: FieldSpec):
    if aspect == "type":
        return spec.data_type
    if aspect == "options":
        return frozenset(value for value, _ in spec.options)
    return tuple(spec.rule(key) for key in ASPECTS[aspect])


def _strictest(specs: list[FieldSpec]) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, Any], ...]]:
    """Options every member accepts and the tightest bounds (the first member's where they cannot
    be combined: a pattern, a type)."""
    first = specs[0]
    options = first.options
    if any(s.options for s in specs):
        allowed = [frozenset(v for v, _ in s.options) for s in specs if s.options]
        common = frozenset.intersection(*allowed)
        source = next(s.options for s in specs if s.options)
        options = tuple(o for o in source if o[0] in common) or source
    rules: dict[str, Any] = {}
    for spec in specs:
        for key, value in spec.validation:
            if value is None:
                continue
            if key not in rules:
                rules[key] = value
            elif key in ("max_length", "max"):
                rules[key] = min(rules[key], value)
            elif key in ("min_length", "min"):
                rules[key] = max(rules[key], value)
    return options, tuple(sorted(rules.items()))


def merge_forms(parts: Iterable[FormPart], *, separate: Iterable[str] = ()) -> FormMerge:
    """The merged form of `parts` (see the module docstring)."""
    ordered = canonical_parts(parts)
    separate = frozenset(separate)
    groups: dict[str, list[tuple[FormPart, FieldSpec]]] = {}
    fields_before = 0
    for part in ordered:
        seen_in_part: set[str] = set()
        for spec in part.fields:
            # One element twice in one form (the catalog forbids it, merged input may not): one
            # datum, required if either asks it so; counted once.
            if spec.element not in seen_in_part:
                fields_before += 1
            seen_in_part.add(spec.element)
            name = f"{spec.element}@{part.member}" if spec.element in separate else spec.element
            groups.setdefault(name, []).append((part, spec))

    fields: list[MergedField] = []
    conflicts: list[Conflict] = []
    variants: list[LabelVariant] = []
    for name, entries in groups.items():
        first_part, first = entries[0]
        specs = [spec for _, spec in entries]
        for aspect in ("type", "options", *ASPECTS):
            reference = _aspect_value(aspect, first)
            for part, spec in entries[1:]:
                if _aspect_value(aspect, spec) != reference:
                    conflicts.append(Conflict(first.element, first.element_name, aspect, first_part.member, first_part.title,
                                              _describe(aspect, first), part.member, part.title, _describe(aspect, spec)))
        labels = {spec.shown_label for spec in specs}
        if len(labels) > 1:
            variants.append(LabelVariant(first.element, first.element_name,
                                         tuple((part.title, spec.shown_label) for part, spec in entries)))
        options, validation = _strictest(specs)
        fields.append(MergedField(
            name=name, element=first.element,
            label=first.shown_label if len(labels) == 1 else first.element_name,
            data_type=first.data_type, required=any(spec.required for spec in specs), options=options,
            validation=validation, help_text=next((s.help_text for s in specs if s.help_text), ""),
            section=first_part.title if "@" in name else first.section,
            personal=any(s.personal for s in specs), profile_source=first.profile_source,
            members=tuple(dict.fromkeys(part.member for part, _ in entries)),
        ))
    return FormMerge(fields=tuple(fields), conflicts=tuple(conflicts), label_variants=tuple(variants), fields_before=fields_before)


@dataclass
class SplitAnswers:
    """What each member's own form receives from the merged answers (for its child case)."""

    by_member: dict[int, dict[str, Any]] = field(default_factory=dict)


def split_answers(merged: FormMerge, answers: dict[str, Any]) -> SplitAnswers:
    """The merged form's answers as each member's form data, keyed by data element (the catalog's
    `validate_form_data` reads them so). A datum asked once goes to every member that asks it."""
    result = SplitAnswers()
    for merged_field in merged.fields:
        if merged_field.name not in answers:
            continue
        for member in merged_field.members:
            result.by_member.setdefault(member, {})[merged_field.element] = answers[merged_field.name]
    return result
