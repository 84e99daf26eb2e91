"""One set of materials (merge_materials.py): every material placed exactly once, dropped only with
a reason, order-independent and idempotent."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.bundles.merge_materials import (
    FORM_KEY,
    FORM_NAME,
    MaterialPart,
    MaterialSpec,
    core_name,
    identity,
    is_result_of,
    merge_materials,
)

LICENCE = MaterialSpec("营业执照副本原件及复印件", source_channel="licence_library", licence_type_code="LIC-BUSINESS-LICENCE",
                       material_type="original_and_copy", copy_copies=1)


def test_the_same_material_is_submitted_once_asking_the_most_any_member_asks():
    a = MaterialPart(1, 0, "食品经营许可", (LICENCE, MaterialSpec("从业人员健康证明", necessity="deferrable")))
    b = MaterialPart(2, 1, "消防安全检查", (MaterialSpec("营业执照正副本", source_channel="government_issued",
                                                      licence_type_code="LIC-BUSINESS-LICENCE", original_copies=2),
                                         MaterialSpec("从业人员健康证明", necessity="required")))
    merged = merge_materials([b, a])
    assert [m.name for m in merged.merged] == ["营业执照副本原件及复印件", "从业人员健康证明"]
    licence, health = merged.merged
    assert licence.members == (1, 2) and licence.material_type == "original_and_copy" and licence.original_copies == 2
    assert health.necessity == "required"  # 必要 beats 容缺后补
    assert merged.submitted_count == 2 and not merged.dropped


def test_same_licence_type_held_by_another_person_is_not_merged():
    a = MaterialPart(1, 0, "甲", (MaterialSpec("法定代表人居民身份证", licence_type_code="LIC-RESIDENT-ID"),))
    b = MaterialPart(2, 1, "乙", (MaterialSpec("经办人居民身份证", licence_type_code="LIC-RESIDENT-ID"),))
    assert len(merge_materials([a, b]).merged) == 2


def test_online_forms_are_one_merged_application():
    a = MaterialPart(1, 0, "食品经营许可", (MaterialSpec("《食品经营许可证》申请书", source_channel="online_form"),))
    b = MaterialPart(2, 1, "消防安全检查", (MaterialSpec("消防安全检查申报表", source_channel="online_form"),
                                         MaterialSpec("告知承诺书", source_channel="online_form")))
    (form,) = merge_materials([a, b]).merged
    assert form.key == FORM_KEY and form.name == FORM_NAME
    assert "《食品经营许可证》申请书、消防安全检查申报表、告知承诺书" in form.notes


def test_a_result_of_an_earlier_member_is_not_asked_for():
    licence = MaterialSpec("营业执照", source_channel="licence_library", licence_type_code="LIC-BUSINESS-LICENCE")
    registration = MaterialPart(1, 0, "个体工商户设立登记", (), result_name="营业执照（个体工商户）", result_licence_type_code="LIC-BUSINESS-LICENCE")
    catering = MaterialPart(2, 1, "小餐饮经营许可", (licence,), prerequisites=frozenset({1}))
    merged = merge_materials([registration, catering])
    assert not merged.merged
    (dropped,) = merged.dropped
    assert dropped.reason_code == "provided" and "个体工商户设立登记" in dropped.reason
    # a member that does not wait for the registration still needs the licence
    parallel = MaterialPart(2, 1, "小餐饮经营许可", (licence,))
    assert [m.name for m in merge_materials([registration, parallel]).merged] == ["营业执照"]
    # the same licence type for someone else (代领人) is not the result
    agent_id = MaterialSpec("代领人有效身份证件", licence_type_code="LIC-RESIDENT-ID")
    assert not is_result_of(agent_id, MaterialPart(9, 0, "居民身份证申领", (), result_name="居民身份证", result_licence_type_code="LIC-RESIDENT-ID"))


def test_exempt_and_held_materials_are_dropped_with_the_reason():
    part = MaterialPart(1, 0, "社保登记", (MaterialSpec("参保人员名册", necessity="exempt"), LICENCE))
    merged = merge_materials([part], held={identity(LICENCE): "已调取您的电子营业执照，无需提交。"})
    assert not merged.merged
    assert [(d.material.name, d.reason_code) for d in merged.dropped] == [("参保人员名册", "exempt"), ("营业执照副本原件及复印件", "held")]
    assert merged.dropped[1].reason == "已调取您的电子营业执照，无需提交。"


def test_core_names():
    assert core_name("营业执照副本原件及复印件") == core_name("营业执照正副本") == "营业执照"
    assert core_name("有效往来港澳通行证") == "往来港澳通行证"
    assert core_name("Name (A)") == "Name（A）"


# --- Properties --------------------------------------------------------------------------------

NAMES = ["营业执照副本原件及复印件", "营业执照正副本", "营业执照", "居民身份证", "经办人居民身份证", "从业人员健康证明", "申请表", "授权委托书"]
materials = st.builds(MaterialSpec, st.sampled_from(NAMES), st.sampled_from(["required", "deferrable", "optional", "exempt"]),
                      st.sampled_from(["applicant", "licence_library", "online_form", "government_issued"]),
                      st.sampled_from(["", "LIC-BUSINESS-LICENCE", "LIC-RESIDENT-ID"]),
                      st.sampled_from(["original", "copy", "original_and_copy", "original_or_copy"]), st.sampled_from(["paper", "both"]),
                      st.integers(0, 3), st.integers(0, 2))


@st.composite
def part_lists(draw):
    count = draw(st.integers(0, 6))
    members = draw(st.lists(st.integers(1, 1000), min_size=count, max_size=count, unique=True))
    parts = []
    for index, member in enumerate(members):
        earlier = frozenset(draw(st.sets(st.sampled_from(members[:index]), max_size=2))) if index else frozenset()
        result = draw(st.sampled_from([("", ""), ("营业执照（个体工商户）", "LIC-BUSINESS-LICENCE"), ("居民身份证", "LIC-RESIDENT-ID")]))
        parts.append(MaterialPart(member, draw(st.integers(0, 4)), f"事项{member}", tuple(draw(st.lists(materials, max_size=5, unique=True))),
                                  result[0], result[1], earlier))
    return parts


def _placements(parts, merged):
    placed = Counter()
    for entry in merged.merged:
        for cover in entry.covers:
            placed[(cover.member, cover.material)] += 1
    for dropped in merged.dropped:
        placed[(dropped.member, dropped.material)] += 1
    return placed


# No deadline on the properties: the time an example takes on a shared machine is not what they check.
@settings(deadline=None)
@given(part_lists())
def test_every_material_ends_up_in_exactly_one_place(parts):
    merged = merge_materials(parts)
    expected = Counter({(p.member, m): 1 for p in parts for m in p.materials})
    assert _placements(parts, merged) == expected
    for dropped in merged.dropped:  # dropped only for a stated reason, never silently
        assert dropped.reason_code in {"exempt", "provided"} and dropped.reason
        if dropped.reason_code == "provided":
            assert dropped.material.necessity != "exempt" and dropped.material.licence_type_code


@settings(deadline=None)
@given(part_lists())
def test_no_required_material_is_lost(parts):
    merged = merge_materials(parts)
    for part in parts:
        for material in part.materials:
            if material.necessity == "required":
                covering = [e for e in merged.merged if any(c.member == part.member and c.material == material for c in e.covers)]
                provided = [d for d in merged.dropped if d.member == part.member and d.material == material]
                assert covering or provided
                if covering:
                    assert covering[0].necessity == "required"


@settings(deadline=None)
@given(part_lists(), st.randoms())
def test_order_of_the_members_does_not_matter(parts, rnd):
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    assert merge_materials(shuffled) == merge_materials(parts)


@settings(deadline=None)
@given(part_lists())
def test_merging_is_idempotent(parts):
    once = merge_materials(parts)
    assert merge_materials(parts + parts) == once
    again = merge_materials([MaterialPart(0, 0, "合并", tuple(e.as_spec() for e in once.merged))])
    assert [(e.key, e.necessity, e.material_type, e.original_copies, e.copy_copies) for e in again.merged] == \
           [(e.key, e.necessity, e.material_type, e.original_copies, e.copy_copies) for e in once.merged]


@settings(deadline=None)
@given(part_lists(), st.data())
def test_held_entries_leave_the_list_and_nothing_else(parts, data):
    once = merge_materials(parts)
    keys = [e.key for e in once.merged]
    held = set(data.draw(st.lists(st.sampled_from(keys), unique=True))) if keys else set()
    with_held = merge_materials(parts, held=dict.fromkeys(held, "已由部门共享"))
    assert [e.key for e in with_held.merged] == [k for k in keys if k not in held]
    assert sum(1 for d in with_held.dropped if d.reason_code == "held") == sum(len(e.covers) for e in once.merged if e.key in held)
