"""Situational questions (情形): answers decide which members apply and which single materials are
added or dropped. Pure: no database.

A question has options; choosing an option may
- exclude members ("需要设置户外招牌吗？" — 否 excludes 户外招牌设施设置规范管理),
- drop single materials of a member (否 for 告知承诺 drops its 告知承诺书),
- add single materials to a member (是 for 委托代办 adds 授权委托书).
Members apply by default: an unanswered question excludes nothing, so the guide page shows the
longest list until the applicant answers. Answers are checked against the questions: an unknown
question or option is an error naming it (never silently ignored).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from yiwang.bundles.constants import ErrorCode
from yiwang.bundles.merge_materials import MaterialSpec
from yiwang.core.errors import FieldError

MAX_ANSWER_LENGTH = 40


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    excludes: frozenset[int] = frozenset()
    drops: tuple[tuple[int, str], ...] = ()  # (member, material name)
    adds: tuple[tuple[int, MaterialSpec], ...] = ()  # (member, material)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    options: tuple[Option, ...]
    help_text: str = ""

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass
class Selection:
    """What the answers decide."""

    applicable: list[int] = field(default_factory=list)  # in the given member order
    excluded: dict[int, str] = field(default_factory=dict)  # member -> why (the answer)
    drops: dict[tuple[int, str], str] = field(default_factory=dict)  # (member, material name) -> why
    adds: dict[int, list[MaterialSpec]] = field(default_factory=dict)
    answered: list[tuple[Question, Option]] = field(default_factory=list)


def answer_errors(questions: Iterable[Question], answers: Mapping[str, str]) -> list[FieldError]:
    """Every problem with `answers` at once: unknown questions, unknown options."""
    by_key = {q.key: q for q in questions}
    errors = []
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            known = "、".join(by_key) or "（本一件事没有情形问题）"
            errors.append(FieldError(f"answers.{key}"[:80], ErrorCode.UNKNOWN_QUESTION,
                                     f"没有编号为「{str(key)[:40]}」的情形问题，可回答的问题：{known}。"))
        elif question.option(value) is None:
            options = "、".join(f"{o.value}（{o.label}）" for o in question.options)
            errors.append(FieldError(f"answers.{key}", ErrorCode.UNKNOWN_OPTION,
                                     f"「{question.text}」的回答「{str(value)[:MAX_ANSWER_LENGTH]}」无效，请从以下选择：{options}。"))
    return errors


def apply_answers(questions: Iterable[Question], members: Iterable[int], answers: Mapping[str, str]) -> Selection:
    """The selection for valid `answers` (check them with answer_errors first; unknown ones are
    ignored here)."""
    selection = Selection()
    for question in questions:
        option = question.option(answers.get(question.key, "")) if question.key in answers else None
        if option is None:
            continue
        selection.answered.append((question, option))
        why = f"您的回答：{question.text}——{option.label}"
        for member in option.excludes:
            selection.excluded.setdefault(member, why)
        for member, name in option.drops:
            selection.drops.setdefault((member, name), why)
        for member, material in option.adds:
            selection.adds.setdefault(member, []).append(material)
    selection.applicable = [m for m in dict.fromkeys(members) if m not in selection.excluded]
    return selection
