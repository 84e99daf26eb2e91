"""The situational questions as editors type them on the edit page, and back. Pure.

One block per question, blocks separated by a blank line; members are named by their number in
the member table of the page (#1, #2 …):

    问题 signboard：需要设置户外招牌吗？
    说明：在门头设置牌匾、招牌的，需要办理户外招牌设施设置。
    选项 yes：需要
    选项 no：不需要 ｜ 不办理 #3
    选项 no_commitment：否 ｜ 免交 #4 告知承诺书 ｜ 增加 #2 授权委托书（委托他人办理时提供）

`不办理 #3 #5` excludes members; `免交 #n 材料名称` drops one material of that member; `增加 #n 材料名称（说明）`
adds one. Problems name the line and say how to write it.
"""

from __future__ import annotations

import re

from yiwang.bundles.constants import ErrorCode
from yiwang.core.errors import FieldError

_QUESTION = re.compile(r"问题\s*([a-z0-9][a-z0-9_-]{0,39})\s*[：:]\s*(.+)")
_HELP = re.compile(r"说明\s*[：:]\s*(.*)")
_OPTION = re.compile(r"选项\s*([a-z0-9][a-z0-9_-]{0,39})\s*[：:]\s*(.+)")
_REF = re.compile(r"#(\d{1,3})")
_NAMED = re.compile(r"#(\d{1,3})\s+([^（(]+?)\s*(?:[（(](.*)[）)])?\s*$")
MAX_TEXT = 20_000


def parse_questions(text: str, members: list[int]) -> tuple[list[dict], list[FieldError]]:
    """Questions in the service's input shape; `members` are implementation ids in table order."""
    errors: list[FieldError] = []
    if len(text or "") > MAX_TEXT:
        return [], [FieldError("questions", ErrorCode.FIELD_TOO_LONG, f"情形问题最多 {MAX_TEXT} 字。")]
    questions: list[dict] = []
    current: dict | None = None

    def member(number: str, line_no: int) -> int | None:
        index = int(number) - 1
        if not 0 <= index < len(members):
            errors.append(FieldError("questions", ErrorCode.QUESTION_UNKNOWN_MEMBER,
                                     f"第 {line_no} 行：成员 #{number} 不存在，成员编号见上方成员表（#1 到 #{len(members)}）。"))
            return None
        return members[index]

    for line_no, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if match := _QUESTION.fullmatch(line):
            current = {"key": match[1], "text": match[2].strip(), "help_text": "", "options": []}
            questions.append(current)
            continue
        if current is None:
            errors.append(FieldError("questions", ErrorCode.QUESTION_INVALID,
                                     f"第 {line_no} 行：每个问题以“问题 编号：问题文字”开头（编号用小写字母、数字，如 signboard）。"))
            continue
        if match := _HELP.fullmatch(line):
            current["help_text"] = match[1].strip()
            continue
        if match := _OPTION.fullmatch(line):
            label, *effects = [part.strip() for part in re.split(r"[｜|]", match[2])]
            option = {"value": match[1], "label": label, "excludes": [], "drops": [], "adds": []}
            for effect in effects:
                if effect.startswith("不办理"):
                    refs = _REF.findall(effect)
                    if not refs:
                        errors.append(FieldError("questions", ErrorCode.QUESTION_INVALID, f"第 {line_no} 行：“不办理”后写成员编号，如“不办理 #3”。"))
                    option["excludes"] += [m for m in (member(r, line_no) for r in refs) if m]
                elif effect.startswith(("免交", "增加")):
                    named = _NAMED.fullmatch(effect[2:].strip())
                    if not named:
                        errors.append(FieldError("questions", ErrorCode.QUESTION_INVALID,
                                                 f"第 {line_no} 行：“{effect[:2]}”后写成员编号和材料名称，如“{effect[:2]} #2 授权委托书”。"))
                        continue
                    target = member(named[1], line_no)
                    if target is None:
                        continue
                    if effect.startswith("免交"):
                        option["drops"].append({"member": target, "material": named[2].strip()})
                    else:
                        option["adds"].append({"member": target, "name": named[2].strip(), "notes": (named[3] or "").strip()})
                else:
                    errors.append(FieldError("questions", ErrorCode.QUESTION_INVALID,
                                             f"第 {line_no} 行：无法识别“{effect[:20]}”，"
                                             "选项的效果只能是“不办理 #n”“免交 #n 材料名称”“增加 #n 材料名称”。"))
            current["options"].append(option)
            continue
        errors.append(FieldError("questions", ErrorCode.QUESTION_INVALID,
                                 f"第 {line_no} 行：无法识别，应为“说明：…”或“选项 值：文字 ｜ 效果”。"))
    return questions, errors


def format_questions(questions: list[dict], members: list[int]) -> str:
    """The text an editor sees for stored questions (inverse of parse_questions)."""
    number = {m: i + 1 for i, m in enumerate(members)}

    def ref(member_id) -> str:
        return f"#{number.get(member_id, '?')}"

    blocks = []
    for q in questions:
        lines = [f"问题 {q['key']}：{q['text']}"]
        if q.get("help_text"):
            lines.append(f"说明：{q['help_text']}")
        for o in q.get("options", []):
            effects = []
            if o.get("excludes"):
                effects.append("不办理 " + " ".join(ref(m) for m in o["excludes"]))
            effects += [f"免交 {ref(d['member'])} {d['material']}" for d in o.get("drops", [])]
            effects += [f"增加 {ref(a['member'])} {a['name']}" + (f"（{a['notes']}）" if a.get("notes") else "") for a in o.get("adds", [])]
            lines.append(f"选项 {o['value']}：{o['label']}" + "".join(f" ｜ {e}" for e in effects))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
