"""The checklist and the rules over pure definitions (no database)."""

from decimal import Decimal

from yiwang.bundles.checklist import build_checklist
from yiwang.bundles.definition import Definition, Member
from yiwang.bundles.figures import city_totals, reduction, working_days
from yiwang.bundles.merge_forms import FieldSpec
from yiwang.bundles.merge_materials import MaterialSpec
from yiwang.bundles.rules import cycle_problem, definition_problems
from yiwang.bundles.situations import Option, Question, answer_errors

LIC = "LIC-BUSINESS-LICENCE"


def field(key, required=True, label=""):
    return FieldSpec(key, key, "string", label, required)


def restaurant(**changes) -> Definition:
    check = Member(1, 0, "企业营业执照信息核验", 10, "市市场监管局", is_lead=True, promised_limit=Decimal(0), promised_unit="immediate",
                   materials=(MaterialSpec("核验申请", source_channel="online_form"),), fields=(field("enterprise.name"),))
    food = Member(2, 1, "食品经营许可", 10, "市市场监管局", is_lead=True, depends_on=frozenset({1}), promised_limit=Decimal(10),
                  materials=(MaterialSpec("申请书", source_channel="online_form"), MaterialSpec("营业执照副本原件及复印件", licence_type_code=LIC),
                             MaterialSpec("规章制度"), MaterialSpec("健康证明", necessity="deferrable")),
                  fields=(field("enterprise.name"), field("premises.address")))
    sign = Member(3, 2, "户外招牌设施设置规范管理", 20, "市城管执法局", depends_on=frozenset({1}), promised_limit=Decimal(3), visits=1,
                  materials=(MaterialSpec("申请表", source_channel="online_form"), MaterialSpec("营业执照", licence_type_code=LIC),
                             MaterialSpec("设计平面图"), MaterialSpec("授权委托书", necessity="optional")),
                  fields=(field("enterprise.name"), field("premises.address", required=False), field("signboard.content")))
    fire = Member(4, 3, "消防安全检查", 30, "市消防救援支队", promised_limit=Decimal(1), visits=1,
                  materials=(MaterialSpec("告知承诺书", source_channel="online_form"), MaterialSpec("营业执照正副本", licence_type_code=LIC),
                             MaterialSpec("平面图")), fields=(field("premises.address"),))
    questions = (
        Question("signboard", "需要设置户外招牌吗？", (Option("yes", "需要"), Option("no", "不需要", excludes=frozenset({3})))),
        Question("commitment", "选择告知承诺吗？", (Option("yes", "是"), Option("no", "否", drops=((4, "告知承诺书"),)))),
        Question("agent", "委托他人办理吗？", (Option("yes", "是", adds=((2, MaterialSpec("授权委托书")),)), Option("no", "否"))),
    )
    values = {"name": "开办餐饮店", "members": (check, food, sign, fire), "questions": questions, "lead_agency_id": 10,
              "lead_agency": "市市场监管局", "stage_id": 1}
    values.update(changes)
    return Definition(**values)


def test_figures_of_the_whole_bundle_by_hand():
    c = build_checklist(restaurant())
    f = c.figures
    # before: check 1, food 4 (申请书, 执照, 制度, 健康证明), sign 3 (not the optional 委托书), fire 3 = 11
    # after: one merged form + 营业执照 (three members) + 制度 + 健康证明 + 设计平面图 + 平面图 = 6
    assert (f.materials_before, f.materials_after) == (11, 6)
    assert f.materials_reduction == Decimal("45.5")
    # visits: 0 + 0 + 1 + 1 separately; one window trip covers both
    assert (f.visits_before, f.visits_after, f.visits_reduction) == (2, 1, Decimal("50.0"))
    # time: 0 + 10 + 3 + 1 = 14 separately; critical path 核验 (0) -> 食品经营许可 (10)
    assert (f.days_before, f.days_after, f.time_reduction) == (Decimal(14), Decimal(10), Decimal("28.6"))
    assert f.critical_members == (1, 2)
    assert (f.members, f.departments) == (4, 3)
    # form: 1 + 2 + 3 + 1 = 7 questions separately, 3 merged (enterprise.name, premises.address, signboard.content)
    assert (f.fields_before, f.fields_after) == (7, 3)
    assert [[m.name for m in wave] for wave in c.waves] == [["企业营业执照信息核验", "消防安全检查"], ["食品经营许可", "户外招牌设施设置规范管理"]]


def test_answers_exclude_members_and_add_or_drop_materials():
    c = build_checklist(restaurant(), {"signboard": "no", "commitment": "no", "agent": "yes"})
    assert [m.name for m in c.members] == ["企业营业执照信息核验", "食品经营许可", "消防安全检查"]
    assert c.excluded[0][0].name == "户外招牌设施设置规范管理" and "不需要" in c.excluded[0][1]
    assert [(d.material.name, d.reason_code) for d in c.dropped] == [("告知承诺书", "answer")]
    names = [m.name for m in c.materials.merged]
    assert "授权委托书" in names and "设计平面图" not in names
    # before: 1 + 5 (委托书 added) + 2 (承诺书 dropped) = 8; after: form, 执照, 制度, 健康证明, 委托书, 平面图 = 6
    assert (c.figures.materials_before, c.figures.materials_after) == (8, 6)
    assert (c.figures.days_before, c.figures.days_after) == (Decimal(11), Decimal(10))
    assert (c.figures.visits_before, c.figures.visits_after) == (1, 1)


def test_unknown_answers_are_named():
    errors = answer_errors(restaurant().questions, {"signboard": "maybe", "colour": "red"})
    assert [e.code for e in errors] == ["unknown_option", "unknown_question"]
    assert "需要设置户外招牌吗？" in errors[0].message and "yes（需要）" in errors[0].message


def test_a_dependency_cycle_is_refused_naming_the_members():
    d = restaurant()
    check, food, sign, fire = d.members
    cyclic = restaurant(members=(Member(**{**check.__dict__, "depends_on": frozenset({2})}), food, sign, fire))
    problem = cycle_problem(cyclic)
    assert problem.code == "bundle_dependency_cycle" and problem.field == "members[0].depends_on"
    assert "「企业营业执照信息核验」 → 「食品经营许可」 → 「企业营业执照信息核验」" in problem.message
    assert problem in definition_problems(cyclic)
    assert cycle_problem(d) is None


def test_rules_name_what_is_wrong():
    d = restaurant()
    assert definition_problems(d) == []
    check, food, sign, fire = d.members
    broken = restaurant(
        name=" ", stage_id=None,
        members=(Member(**{**check.__dict__, "is_lead": False}), Member(**{**food.__dict__, "is_lead": False, "published": False}), sign, fire),
        questions=(Question("q", "问题", (Option("a", "甲", excludes=frozenset({99}), drops=((2, "不存在的材料"),)),)),),
        separate_elements=frozenset({"nobody.uses"}))
    codes = {p.code for p in definition_problems(broken)}
    assert codes == {"bundle_name_missing", "bundle_stage_missing", "bundle_member_not_published", "bundle_no_lead_member",
                     "bundle_question_invalid", "bundle_question_unknown_member", "bundle_question_unknown_material",
                     "bundle_separate_element_unused"}


def test_an_option_may_not_exclude_every_lead_member():
    d = restaurant()
    q = Question("only", "问题", (Option("a", "甲", excludes=frozenset({1, 2})), Option("b", "乙", excludes=frozenset({1}))))
    problems = definition_problems(restaurant(questions=(q,)))
    assert [p.field for p in problems] == ["questions[0].options[0].excludes"]
    assert "「企业营业执照信息核验」、「食品经营许可」" in problems[0].message
    assert d.member(2).name == "食品经营许可"


def test_form_conflicts_block_the_definition_naming_both_members():
    d = restaurant()
    check, food, sign, fire = d.members
    other = Member(**{**fire.__dict__, "fields": (FieldSpec("premises.address", "premises.address", "text", "", True),)})
    problems = [p for p in definition_problems(restaurant(members=(check, food, sign, other))) if p.code == "bundle_form_conflict"]
    assert len(problems) == 1 and "「食品经营许可」" in problems[0].message and "「消防安全检查」" in problems[0].message


def test_working_days_and_reductions():
    assert working_days(Decimal(20), "natural_day") == Decimal(15)  # ceil(20 * 5 / 7)
    assert working_days(Decimal(7), "natural_day") == Decimal(5)
    assert working_days(Decimal("0.5"), "working_day") == Decimal("0.5")
    assert working_days(Decimal(3), "immediate") == 0
    assert reduction(0, 0) is None and reduction(3, 1) == Decimal("66.7") and reduction(2, 3) == Decimal("-50.0")
    a = build_checklist(restaurant()).figures
    totals = city_totals([a, a], departments=3)
    assert (totals.materials_before, totals.materials_after, totals.materials_reduction) == (22, 12, Decimal("45.5"))


def test_held_answers_waive_an_entry_or_say_why_not():
    # A handler of bundles.held_materials answers a reason, or an offer that serves or does not.
    asked = []

    def lookup(merged):
        asked.append([m.name for m in merged])
        licence = next(m for m in merged if m.licence_type_code == LIC)
        plan = next(m for m in merged if m.name == "平面图")
        rules = next(m for m in merged if m.name == "规章制度")
        form = next(m for m in merged if m.source_channel == "online_form")
        return {licence.key: {"satisfies": True, "message": "已从电子证照库调取「营业执照」（电子证照标识 X），无需提交。",
                              "identifier": "X", "licence_name": "营业执照"},
                plan.key: {"satisfies": False, "message": "您的「平面图」已被撤销，不能免于提交。"},
                rules.key: "部门已存档，无需提交。",
                form.key: "the online form is never held", "no-such-key": "ignored"}

    c = build_checklist(restaurant(), held_lookup=lookup)
    assert len(asked) == 1
    assert [(h.entry.name, h.identifier, h.licence_name) for h in c.held] == [("营业执照副本原件及复印件", "X", "营业执照"),
                                                                            ("规章制度", "", "")]
    names = [m.name for m in c.materials.merged]
    assert "营业执照副本原件及复印件" not in names and "规章制度" not in names and "平面图" in names
    assert c.notices == {next(m.key for m in c.materials.merged if m.name == "平面图"): "您的「平面图」已被撤销，不能免于提交。"}
    # The licence stood for three members: each of their materials is dropped as held, with the reason.
    held = [(d.title, d.reason_code) for d in c.dropped if "营业执照" in d.material.name]
    assert held == [("食品经营许可", "held"), ("户外招牌设施设置规范管理", "held"), ("消防安全检查", "held")]
    assert c.figures.materials_after == 4  # 6 less the licence and the rules
