"""Reading the bundle editor's forms into the services' input shape. Parsing only: what is allowed
is decided by services.py and rules.py, and their problems are shown next to the inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from yiwang.bundles.question_text import parse_questions
from yiwang.core.errors import FieldError

MAX_MEMBER_ROWS = 60


class NewBundleForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, help_text="例如“开办餐饮店”（不必加“一件事”）。")
    steward = forms.TypedChoiceField(label="维护单位", coerce=int, help_text="由该单位的事项编辑、审核人员维护、审核和发布。")
    code = forms.CharField(label="编码（可选）", max_length=40, required=False, help_text="留空则自动生成。")

    def __init__(self, *args, stewards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steward"].choices = [(o.pk, o.name) for o in stewards]


class BasicsForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    summary = forms.CharField(label="简介", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="面向群众：这件事包括什么、怎么一次办。")
    stage = forms.TypedChoiceField(label="生命周期阶段", coerce=int, empty_value=None, required=False)
    lead_agency = forms.TypedChoiceField(label="牵头部门", coerce=int, empty_value=None, required=False,
                                         help_text="负责综合受理和统筹协调；须实施至少一个标★的成员事项。")
    life_event = forms.TypedChoiceField(label="对应的办事场景", coerce=int, empty_value=None, required=False,
                                        help_text="该场景页面会链接到本一件事。")
    change_note = forms.CharField(label="修改说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, stages=(), agencies=(), events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "请选择")] + [(s.pk, f"{s.get_subject_display()} · {s.name}") for s in stages]
        self.fields["lead_agency"].choices = [("", "请选择")] + [(o.pk, o.name) for o in agencies]
        self.fields["life_event"].choices = [("", "（不关联）")] + [(e.pk, f"{e.theme.stage.name} · {e.name}") for e in events]


@dataclass
class MemberInput:
    members: list[dict] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)  # implementation ids as numbered on the page (#1 …)


def _int(value: str) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def member_input(post) -> MemberInput:
    """The member table as posted: rows in order, removed ones left out (and references to them
    dropped), the member chosen in 添加成员 appended."""
    result = MemberInput()
    count = min(_int(post.get("member-count", "0")) or 0, MAX_MEMBER_ROWS)
    rows = []
    for i in range(count):
        implementation = _int(post.get(f"member-{i}-implementation", ""))
        if implementation is None:
            continue
        result.shown.append(implementation)
        if post.get(f"member-{i}-remove"):
            continue
        rows.append({"implementation": implementation, "is_lead": bool(post.get(f"member-{i}-lead")),
                     "listed_as": post.get(f"member-{i}-listed_as", ""),
                     "depends_on": [v for v in (_int(x) for x in post.getlist(f"member-{i}-after")) if v]})
    kept = {row["implementation"] for row in rows}
    for row in rows:
        row["depends_on"] = [d for d in row["depends_on"] if d in kept and d != row["implementation"]]
    added = _int(post.get("add_member", ""))
    if added and added not in kept:
        rows.append({"implementation": added, "is_lead": False, "listed_as": "", "depends_on": []})
    result.members = rows
    return result


def question_input(post, shown: list[int]) -> tuple[list[dict], list[FieldError]]:
    return parse_questions(post.get("questions", ""), shown)


def separate_input(post) -> list[str]:
    return [key for key in post.getlist("separate") if key][:50]
