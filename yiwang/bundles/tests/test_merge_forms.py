"""多表合一 (merge_forms.py): each datum asked once, never a required datum lost, conflicts named."""

from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.bundles.merge_forms import FieldSpec, FormPart, merge_forms, split_answers

ELEMENTS = {
    "applicant.name": ("申请人姓名", "string", (), (("max_length", 50),)),
    "applicant.phone": ("申请人手机号码", "phone", (), ()),
    "premises.address": ("经营场所地址", "address", (), ()),
    "food.items": ("食品经营项目", "multi_choice", (("热食", "热食"), ("冷食", "冷食")), ()),
    "premises.area": ("经营场所面积", "decimal", (), (("max", 100000), ("min", 1))),
    "matter.description": ("申请事项说明", "text", (), (("max_length", 2000),)),
}


def spec(key, *, label="", required=True, **changes):
    name, data_type, options, validation = ELEMENTS[key]
    values = {"element": key, "element_name": name, "data_type": data_type, "label": label, "required": required, "options": options,
              "validation": validation}
    values.update(changes)
    return FieldSpec(**values)


def test_one_question_per_element_required_if_any_member_requires_it():
    a = FormPart(1, 0, "食品经营许可", (spec("applicant.name"), spec("premises.address", required=False)))
    b = FormPart(2, 1, "户外招牌", (spec("premises.address", label="设置地点"), spec("applicant.phone")))
    merged = merge_forms([b, a])
    assert [f.name for f in merged.fields] == ["applicant.name", "premises.address", "applicant.phone"]
    address = merged.fields[1]
    assert address.required and address.members == (1, 2)
    assert address.label == "经营场所地址"  # worded differently: the element's own name
    assert merged.label_variants[0].labels == (("食品经营许可", "经营场所地址"), ("户外招牌", "设置地点"))
    assert (merged.fields_before, merged.fields_after) == (4, 3)
    assert not merged.conflicts


def test_conflicting_definitions_are_reported_naming_both_members():
    a = FormPart(1, 0, "食品经营许可", (spec("food.items"), spec("applicant.name")))
    b = FormPart(2, 1, "小餐饮许可", (spec("food.items", options=(("热食", "热食"),)), spec("applicant.name", validation=(("max_length", 30),))))
    merged = merge_forms([a, b])
    aspects = {(c.element, c.aspect) for c in merged.conflicts}
    assert aspects == {("food.items", "options"), ("applicant.name", "length")}
    message = next(c for c in merged.conflicts if c.aspect == "length").message
    assert "「食品经营许可」" in message and "「小餐饮许可」" in message and "max_length=50" in message and "max_length=30" in message
    # the merged question takes what both accept
    fields = {f.name: f for f in merged.fields}
    assert fields["food.items"].options == (("热食", "热食"),)
    assert dict(fields["applicant.name"].validation)["max_length"] == 30


def test_type_conflict_is_reported():
    a = FormPart(1, 0, "甲", (spec("premises.area"),))
    b = FormPart(2, 1, "乙", (spec("premises.area", data_type="integer"),))
    assert [c.aspect for c in merge_forms([a, b]).conflicts] == ["type"]


def test_elements_asked_per_member_keep_each_members_question_and_split_back():
    a = FormPart(1, 0, "企业印章刻制", (spec("applicant.name"), spec("matter.description", label="印章种类")))
    b = FormPart(2, 1, "税务注销", (spec("applicant.name"), spec("matter.description", label="发票缴销情况")))
    merged = merge_forms([a, b], separate=["matter.description"])
    assert [f.name for f in merged.fields] == ["applicant.name", "matter.description@1", "matter.description@2"]
    assert [f.label for f in merged.fields[1:]] == ["印章种类", "发票缴销情况"]
    split = split_answers(merged, {"applicant.name": "李建国", "matter.description@1": "公章", "matter.description@2": "已缴销"})
    assert split.by_member == {1: {"applicant.name": "李建国", "matter.description": "公章"},
                               2: {"applicant.name": "李建国", "matter.description": "已缴销"}}


# --- Properties --------------------------------------------------------------------------------

field_specs = st.builds(
    lambda key, label, required, variant: spec(key, label=label, required=required,
                                               **({"validation": (("max_length", 10),)} if variant and key == "applicant.name" else {})),
    st.sampled_from(sorted(ELEMENTS)), st.sampled_from(["", "名称", "地址"]), st.booleans(), st.booleans())


@st.composite
def part_lists(draw):
    count = draw(st.integers(0, 6))
    members = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    return [FormPart(m, draw(st.integers(0, 5)), f"事项{m}", tuple(draw(st.lists(field_specs, max_size=6)))) for m in members]


separates = st.sets(st.sampled_from(sorted(ELEMENTS)), max_size=2)


# No deadline on the properties: the time an example takes on a shared machine is not what they check.
@settings(deadline=None)
@given(part_lists(), separates, st.randoms())
def test_order_of_the_members_does_not_matter(parts, separate, rnd):
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    assert merge_forms(shuffled, separate=separate) == merge_forms(parts, separate=separate)


@settings(deadline=None)
@given(part_lists(), separates)
def test_merging_is_idempotent(parts, separate):
    once = merge_forms(parts, separate=separate)
    assert merge_forms(parts + parts, separate=separate) == once
    if not separate:
        again = merge_forms([FormPart(0, 0, "合并表单", tuple(
            FieldSpec(f.element, ELEMENTS[f.element][0], f.data_type, f.label if f.label != ELEMENTS[f.element][0] else "", f.required,
                      f.options, f.validation, f.help_text, f.section, f.personal, f.profile_source) for f in once.fields))])
        assert [(f.name, f.required, f.options, f.validation) for f in again.fields] == \
               [(f.name, f.required, f.options, f.validation) for f in once.fields]


@settings(deadline=None)
@given(part_lists(), separates)
def test_each_datum_is_asked_once_and_no_required_datum_is_dropped(parts, separate):
    merged = merge_forms(parts, separate=separate)
    names = [f.name for f in merged.fields]
    assert len(names) == len(set(names))
    for element in {f.element for f in merged.fields} - separate:
        assert names.count(element) == 1
    for part in parts:
        for field in part.fields:
            name = f"{field.element}@{part.member}" if field.element in separate else field.element
            asked = next(f for f in merged.fields if f.name == name)
            assert part.member in asked.members
            if field.required:
                assert asked.required


@settings(deadline=None)
@given(part_lists())
def test_every_disagreement_between_two_members_is_reported(parts):
    merged = merge_forms(parts)
    by_element = {}
    for part in parts:
        for field in part.fields:
            by_element.setdefault(field.element, []).append(field)
    for element, fields in by_element.items():
        lengths = {dict(f.validation).get("max_length") for f in fields}
        reported = any(c.element == element and c.aspect == "length" for c in merged.conflicts)
        assert reported == (len(lengths) > 1)
