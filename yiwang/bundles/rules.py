"""Consistency rules of a bundle definition, checked when it is submitted for review (and shown
while it is edited). Pure over a Definition; each problem names the field, the members and the
fix, like the catalog's rules for a guide.

| rule | field | code |
|---|---|---|
| a name, a stage, a lead agency | name, stage, lead_agency | bundle_name_missing, bundle_stage_missing, |
| | | bundle_lead_agency_missing |
| at least two members, each once, each with a guide in force | members, members[i] | bundle_too_few_members, |
| | | bundle_duplicate_member, bundle_member_not_published |
| at least one member marked lead (★), one of them implemented by the lead agency | members | bundle_no_lead_member, |
| | | bundle_lead_agency_not_lead_member |
| dependencies name members of this bundle and form no cycle | members[i].depends_on | bundle_unknown_dependency, bundle_dependency_cycle |
| no element defined differently by two members (unless asked per member) | form | bundle_form_conflict |
| questions: text, ≥ 2 options, distinct values; effects name members and their materials; | questions[i]… | bundle_question_* |
| no option excludes every ★ member | | |
| elements asked per member are used by a member | separate_elements | bundle_separate_element_unused |
"""

from __future__ import annotations

from yiwang.bundles.constants import ErrorCode
from yiwang.bundles.definition import Definition
from yiwang.bundles.graph import find_cycle
from yiwang.bundles.merge_forms import FormPart, merge_forms
from yiwang.core.errors import FieldError


def cycle_problem(definition: Definition) -> FieldError | None:
    """The dependency cycle, naming its members in order, or None."""
    ordered = sorted(definition.members, key=lambda m: (m.order, m.id))
    cycle = find_cycle([m.id for m in ordered], definition.depends_on)
    if not cycle:
        return None
    names = {m.id: m.name for m in ordered}
    index = next(i for i, m in enumerate(ordered) if m.id == cycle[0])
    chain = " → ".join(f"「{names[m]}」" for m in cycle)
    return FieldError(f"members[{index}].depends_on", ErrorCode.DEPENDENCY_CYCLE,
                      f"成员事项之间的先后依赖形成了循环：{chain}（箭头表示“须先办结”）。循环中的事项都无法开始，请删除其中一条依赖。")


def definition_problems(definition: Definition) -> list[FieldError]:
    problems: list[FieldError] = []
    if not definition.name.strip():
        problems.append(FieldError("name", ErrorCode.NAME_MISSING, "请填写一件事的名称，例如“开办餐饮店”。"))
    if definition.stage_id is None:
        problems.append(FieldError("stage", ErrorCode.STAGE_MISSING, "请选择一件事所属的生命周期阶段（如“准入准营”“出生”）。"))
    if definition.lead_agency_id is None:
        problems.append(FieldError("lead_agency", ErrorCode.LEAD_AGENCY_MISSING, "请选择牵头部门（负责综合受理和统筹协调的部门）。"))

    ordered = sorted(definition.members, key=lambda m: (m.order, m.id))
    ids = {m.id for m in ordered}
    if len(ordered) < 2:
        problems.append(FieldError("members", ErrorCode.TOO_FEW_MEMBERS, "一件事至少包含两个成员事项，请添加成员。"))
    seen: set[int] = set()
    for index, member in enumerate(ordered):
        if member.id in seen:
            problems.append(FieldError(f"members[{index}]", ErrorCode.DUPLICATE_MEMBER, f"成员「{member.name}」重复列出，请删除重复的一项。"))
        seen.add(member.id)
        if not member.published:
            problems.append(FieldError(f"members[{index}]", ErrorCode.MEMBER_NOT_PUBLISHED,
                                       f"成员「{member.name}」当前没有已发布的办事指南，请先在事项目录中发布，或移除该成员。"))
        for dep in sorted(member.depends_on - ids):
            problems.append(FieldError(f"members[{index}].depends_on", ErrorCode.UNKNOWN_DEPENDENCY,
                                       f"成员「{member.name}」依赖的事项（编号 {dep}）不是本一件事的成员，请删除该依赖或先添加该成员。"))
    leads = [m for m in ordered if m.is_lead]
    if ordered and not leads:
        problems.append(FieldError("members", ErrorCode.NO_LEAD_MEMBER, "请至少把一个成员标为牵头事项（★），通常是牵头部门的主办事项。"))
    elif leads and definition.lead_agency_id is not None and all(m.agency_id != definition.lead_agency_id for m in leads):
        problems.append(FieldError("members", ErrorCode.LEAD_NOT_LEAD_AGENCY,
                                   f"标★的成员都不由牵头部门「{definition.lead_agency}」实施：请把牵头部门的事项标为★，或改选牵头部门。"))
    cycle = cycle_problem(definition)
    if cycle:
        problems.append(cycle)

    merged = merge_forms([FormPart(m.id, m.order, m.name, m.fields) for m in ordered], separate=definition.separate_elements)
    problems.extend(FieldError("form", ErrorCode.FORM_CONFLICT, c.message) for c in merged.conflicts)
    used = {f.element for m in ordered for f in m.fields}
    for element in sorted(definition.separate_elements - used):
        problems.append(FieldError("separate_elements", ErrorCode.SEPARATE_ELEMENT_UNUSED,
                                   f"数据元「{element}」不在任何成员的表单中，无需设为“按事项分别填写”，请取消勾选。"))
    problems.extend(_question_problems(definition))
    return problems


def _question_problems(definition: Definition) -> list[FieldError]:
    problems: list[FieldError] = []
    members = {m.id: m for m in definition.members}
    keys: set[str] = set()
    for qi, question in enumerate(definition.questions):
        where = f"questions[{qi}]"
        label = question.text or question.key
        if not question.text.strip():
            problems.append(FieldError(f"{where}.text", ErrorCode.QUESTION_INVALID, f"第 {qi + 1} 个情形问题没有问题文字，请填写。"))
        if question.key in keys:
            problems.append(FieldError(f"{where}.key", ErrorCode.QUESTION_INVALID, f"情形问题编号「{question.key}」重复，请改用另一个编号。"))
        keys.add(question.key)
        if len(question.options) < 2:
            problems.append(FieldError(f"{where}.options", ErrorCode.QUESTION_INVALID, f"情形问题「{label}」至少要有两个选项（如“是”“否”）。"))
        values = [o.value for o in question.options]
        if len(set(values)) != len(values):
            problems.append(FieldError(f"{where}.options", ErrorCode.QUESTION_INVALID, f"情形问题「{label}」有重复的选项，请删除重复项。"))
        leads = {m.id for m in definition.members if m.is_lead}
        for oi, option in enumerate(question.options):
            at = f"{where}.options[{oi}]"
            for member_id in sorted(option.excludes):
                if member_id not in members:
                    problems.append(FieldError(f"{at}.excludes", ErrorCode.QUESTION_UNKNOWN_MEMBER,
                                               f"「{label}」的选项「{option.label}」排除的事项（编号 {member_id}）不是本一件事的成员。"))
            if leads and leads <= option.excludes:
                names = "、".join(f"「{members[i].name}」" for i in sorted(leads, key=lambda i: (members[i].order, i)))
                problems.append(FieldError(f"{at}.excludes", ErrorCode.QUESTION_EXCLUDES_LEAD,
                                           f"「{label}」的选项「{option.label}」排除了全部牵头事项（{names}）：至少要有一个牵头事项办理，"
                                           "请改为排除其他成员，或把另一个成员标为★。"))
            for member_id, name in option.drops:
                member = members.get(member_id)
                if member is None:
                    problems.append(FieldError(f"{at}.drops", ErrorCode.QUESTION_UNKNOWN_MEMBER,
                                               f"「{label}」的选项「{option.label}」免交材料所属的事项（编号 {member_id}）不是本一件事的成员。"))
                elif name not in {m.name for m in member.materials}:
                    problems.append(FieldError(f"{at}.drops", ErrorCode.QUESTION_UNKNOWN_MATERIAL,
                                               f"「{label}」的选项「{option.label}」要免交的「{name}」不在「{member.name}」的申请材料中，请核对材料名称。"))
            for member_id, material in option.adds:
                if member_id not in members:
                    problems.append(FieldError(f"{at}.adds", ErrorCode.QUESTION_UNKNOWN_MEMBER,
                                               f"「{label}」的选项「{option.label}」增加材料「{material.name}」所属的事项"
                                               f"（编号 {member_id}）不是本一件事的成员。"))
    return problems
