"""The process engine adapter with the real SpiffWorkflow: validation of uploaded BPMN, the restricted
expression engine, and running the standard processes through start / complete / return."""

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from yiwang.cases import process_engine as engine
from yiwang.core.errors import DomainError

PROCESSES = Path(__file__).resolve().parents[1] / "processes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STANDARD = ["on_the_spot", "review_decide", "review_inspect_decide", "countersign"]
NS = {"bpmn": engine.BPMN_NS, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC"}


def standard(key: str) -> str:
    return (PROCESSES / f"{key}.bpmn").read_text(encoding="utf-8")


def camunda_fixture() -> str:
    return (FIXTURES / "camunda_inspect_gateway.bpmn").read_text(encoding="utf-8")


def bpmn(body: str, *, lanes: str = "", process_id: str = "p", executable: str = "true", extra_ns: str = "") -> str:
    """A minimal BPMN document around `body` (flow nodes and sequence flows of one process)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
        f'{extra_ns} id="d" targetNamespace="http://bpmn.io/schema/bpmn">'
        f'<bpmn:process id="{process_id}" isExecutable="{executable}">{lanes}{body}</bpmn:process>'
        "</bpmn:definitions>"
    )


def linear(*tasks: str) -> str:
    """start -> tasks... -> end; each task given as its XML; ids t0, t1, ... are referenced by flows."""
    nodes = ['<bpmn:startEvent id="s"/>', *tasks, '<bpmn:endEvent id="e"/>']
    ids = ["s"] + [re.search(r'id="([^"]+)"', t).group(1) for t in tasks] + ["e"]
    flows = [f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(zip(ids, ids[1:],
                                                                                                            strict=False))]
    return "".join(nodes + flows)


DECIDE = '<bpmn:userTask id="decide" name="决定" camunda:candidateGroups="dept_approver"/>'


def rejected(xml: str, *, trusted: bool = True) -> DomainError:
    with pytest.raises(DomainError) as info:
        engine.validate_bpmn(xml, trusted=trusted)
    return info.value


# --- the standard processes ------------------------------------------------------------------


@pytest.mark.parametrize("key", STANDARD)
def test_standard_process_is_valid_even_for_untrusted_uploaders_and_draws_every_element(key):
    xml = standard(key)
    parsed = engine.validate_bpmn(xml, trusted=False)
    assert parsed.process_id == key and not parsed.has_expressions
    assert any(t.task_key == "decide" and t.role == "dept_approver" for t in parsed.user_tasks)
    # Every flow node and sequence flow has a shape or edge, so bpmn-js / Camunda Modeler render it.
    root = etree.fromstring(xml.encode())
    elements = {el.get("id") for el in root.find("bpmn:process", NS)
                if isinstance(el.tag, str) and etree.QName(el).localname not in ("laneSet", "documentation")}
    drawn = {el.get("bpmnElement") for el in root.iterfind(".//bpmndi:BPMNShape", NS)}
    drawn |= {el.get("bpmnElement") for el in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    assert elements <= drawn
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        assert shape.find("dc:Bounds", NS) is not None


def test_roles_come_from_lane_names():
    parsed = engine.validate_bpmn(standard("review_inspect_decide"), trusted=False)
    assert {(t.task_key, t.role) for t in parsed.user_tasks} == {
        ("review", "dept_reviewer"), ("inspect", "dept_reviewer"), ("decide", "dept_approver")}


def test_review_decide_runs_to_the_end_and_the_state_round_trips_as_json():
    state = engine.start(standard("review_decide"), "review_decide", {"case_number": "C1"})
    assert json.loads(json.dumps(state)) == state  # what a JSONField stores
    [review] = engine.ready_user_tasks(state)
    assert (review.task_key, review.title, review.role) == ("review", "审查", "dept_reviewer")
    state = engine.complete(state, review.engine_task_id, {"outcome": "pass", "comment": "材料齐全"})
    [decide] = engine.ready_user_tasks(state)
    assert decide.task_key == "decide" and decide.role == "dept_approver" and decide.is_decision
    assert not engine.is_completed(state)
    assert engine.workflow_data(state)["outcome"] == "pass"
    state = engine.complete(state, decide.engine_task_id, {"outcome": "approve", "legal_basis": "《行政许可法》第三十八条"})
    assert engine.is_completed(state) and engine.ready_user_tasks(state) == []
    assert engine.workflow_data(state) == {"case_number": "C1", "outcome": "approve", "comment": "材料齐全",
                                           "legal_basis": "《行政许可法》第三十八条"}


def test_state_survives_a_store_that_reorders_json_keys():
    """PostgreSQL's jsonb returns object keys in its own order; the engine must not depend on it."""
    def through_jsonb(state):
        return json.loads(json.dumps(state, sort_keys=True))

    state = through_jsonb(engine.start(standard("countersign"), "countersign", {"co_agencies": [7, 9], "case_number": "C"}))
    [review] = engine.ready_user_tasks(state)
    assert review.data == {"co_agencies": [7, 9], "case_number": "C"}
    state = through_jsonb(engine.complete(state, review.engine_task_id, {"outcome": "pass"}))
    assert [t.item for t in engine.ready_user_tasks(state)] == [7, 9]


def test_countersign_makes_one_task_per_department_and_collects_every_opinion():
    state = engine.start(standard("countersign"), "countersign", {"co_agencies": [7, 9]})
    [review] = engine.ready_user_tasks(state)
    state = engine.complete(state, review.engine_task_id, {"outcome": "pass"})
    instances = engine.ready_user_tasks(state)
    assert [(t.task_key, t.collection, t.item) for t in instances] == [("co_handling", "co_agencies", 7),
                                                                       ("co_handling", "co_agencies", 9)]
    state = engine.complete(state, instances[0].engine_task_id, {"outcome": "agree", "comment": "同意"})
    assert [t.item for t in engine.ready_user_tasks(state)] == [9]  # the decision waits for both
    state = engine.complete(state, instances[1].engine_task_id, {"outcome": "disagree", "comment": "需补充"})
    [decide] = engine.ready_user_tasks(state)
    assert decide.task_key == "decide"
    assert decide.data["co_opinions"] == [{"outcome": "agree", "comment": "同意", "co_agency": 7},
                                          {"outcome": "disagree", "comment": "需补充", "co_agency": 9}]


def test_return_to_previous_goes_back_one_human_step():
    state = engine.start(standard("review_inspect_decide"), "review_inspect_decide", {})
    [review] = engine.ready_user_tasks(state)
    assert not engine.has_previous_step(state, review.engine_task_id)  # so the page does not offer it
    with pytest.raises(DomainError) as info:
        engine.return_to_previous(state, review.engine_task_id)
    assert info.value.code == engine.NO_PREVIOUS_TASK
    state = engine.complete(state, review.engine_task_id, {"outcome": "pass"})
    assert not engine.has_previous_step(state, review.engine_task_id)  # no longer ready
    [inspect] = engine.ready_user_tasks(state)
    state = engine.complete(state, inspect.engine_task_id, {"outcome": "pass"})
    [decide] = engine.ready_user_tasks(state)
    assert engine.has_previous_step(state, decide.engine_task_id)
    back = engine.return_to_previous(state, decide.engine_task_id)
    assert [t.task_key for t in engine.ready_user_tasks(back)] == ["inspect"]


def test_returning_from_decide_after_countersign_asks_every_department_again():
    state = engine.start(standard("countersign"), "countersign", {"co_agencies": [1, 2]})
    state = engine.complete(state, engine.ready_user_tasks(state)[0].engine_task_id, {"outcome": "pass"})
    for task in engine.ready_user_tasks(state):
        state = engine.complete(state, task.engine_task_id, {"outcome": "agree"})
    [decide] = engine.ready_user_tasks(state)
    back = engine.return_to_previous(state, decide.engine_task_id)
    assert [(t.task_key, t.item) for t in engine.ready_user_tasks(back)] == [("co_handling", 1), ("co_handling", 2)]
    # From one department's opinion, the step before is the review (both departments' tasks go).
    one = engine.ready_user_tasks(back)[1]
    assert [t.task_key for t in engine.ready_user_tasks(engine.return_to_previous(back, one.engine_task_id))] == ["review"]


def test_completing_a_task_that_is_not_ready_is_refused():
    state = engine.start(standard("review_decide"), "review_decide", {})
    [review] = engine.ready_user_tasks(state)
    state = engine.complete(state, review.engine_task_id, {"outcome": "pass"})
    with pytest.raises(DomainError) as info:
        engine.complete(state, review.engine_task_id, {"outcome": "pass"})
    assert info.value.code == engine.TASK_NOT_READY


def test_cancel_ends_the_process_without_completing_it():
    state = engine.cancel(engine.start(standard("review_decide"), "review_decide", {}))
    assert engine.ready_user_tasks(state) == [] and not engine.is_completed(state)


@pytest.mark.parametrize("data", [{"not an identifier": 1}, {"_private": 1}, {"x": {1, 2}}, {"x": float("nan")}])
def test_process_data_must_be_plain_json_with_identifier_keys(data):
    with pytest.raises(DomainError) as info:
        engine.start(standard("review_decide"), "review_decide", data)
    assert info.value.code == engine.PROCESS_DATA_INVALID


# --- Camunda Modeler output ------------------------------------------------------------------


def test_camunda_modeler_file_with_a_conditional_gateway_routes_on_the_outcome():
    xml = camunda_fixture()
    parsed = engine.validate_bpmn(xml, trusted=True)
    assert parsed.has_gateway_conditions and not parsed.has_scripts
    assert {(t.task_key, t.role) for t in parsed.user_tasks} == {
        ("Activity_review", "dept_reviewer"), ("Activity_inspect", "dept_reviewer"), ("decide", "dept_approver")}
    for outcome, expected in (("inspect", ["Activity_inspect"]), ("pass", ["decide"])):
        state = engine.start(xml, "Process_food_inspect", {})
        [review] = engine.ready_user_tasks(state)
        state = engine.complete(state, review.engine_task_id, {"outcome": outcome})
        assert [t.task_key for t in engine.ready_user_tasks(state)] == expected


def test_camunda_7_collection_and_zeebe_candidate_groups_are_understood():
    mi = ('<bpmn:userTask id="co" name="会签" camunda:candidateGroups="dept_reviewer">'
          '<bpmn:multiInstanceLoopCharacteristics camunda:collection="${co_agencies}" camunda:elementVariable="agency"/>'
          "</bpmn:userTask>")
    zeebe = ('<bpmn:userTask id="decide" name="决定"><bpmn:extensionElements>'
             '<zeebe:assignmentDefinition candidateGroups="dept_approver"/></bpmn:extensionElements></bpmn:userTask>')
    xml = bpmn(linear(mi, zeebe))
    parsed = engine.validate_bpmn(xml, trusted=False)
    assert {(t.task_key, t.role, t.multi_instance) for t in parsed.user_tasks} == {
        ("co", "dept_reviewer", "co_agencies"), ("decide", "dept_approver", "")}
    state = engine.start(xml, "p", {"co_agencies": [3, 4]})
    assert [(t.collection, t.item) for t in engine.ready_user_tasks(state)] == [("co_agencies", 3), ("co_agencies", 4)]


def test_camunda_juel_wrapper_is_accepted_and_feel_is_refused_with_the_fix():
    def gateway(condition):
        return bpmn(
            '<bpmn:startEvent id="s"/><bpmn:userTask id="review" camunda:candidateGroups="dept_reviewer"/>'
            '<bpmn:exclusiveGateway id="g" default="f3"/>' + DECIDE + '<bpmn:endEvent id="e"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="g"/>'
            '<bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="decide"/>'
            '<bpmn:sequenceFlow id="f4" sourceRef="g" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
            f"{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>"
            '<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="e"/>')

    parsed = engine.validate_bpmn(gateway('${outcome == "skip"}'), trusted=True)
    assert parsed.expressions[0].text == 'outcome == "skip"'
    error = rejected(gateway('=outcome = "skip"'))
    assert error.code == "bpmn_invalid" and "FEEL" in error.message and 'outcome == "inspect"' in error.message


# --- invalid files ---------------------------------------------------------------------------


def test_malformed_xml_is_rejected_with_the_parsers_reason():
    error = rejected("<bpmn:definitions><bpmn:process></bpmn:definitions>", trusted=False)
    assert error.code == "bpmn_invalid" and error.message.startswith("BPMN 文件无效：")
    assert "XML 语法错误" in error.message and "line 1" in error.message


def test_schema_violations_are_rejected_with_the_xsd_reason():
    xml = bpmn(linear(DECIDE)).replace('<bpmn:endEvent id="e"/>', '<bpmn:endEvent id="e"/><bpmn:notAnElement/>')
    error = rejected(xml)
    assert error.code == "bpmn_invalid" and "XSD" in error.message and "notAnElement" in error.message


@pytest.mark.parametrize(("xml", "reason"), [
    ("", "文件为空"),
    ('<?xml version="1.0"?><definitions/>', "根元素必须是 BPMN 2.0"),
    (bpmn(linear(DECIDE), executable="false"), "isExecutable"),
    (bpmn(linear('<bpmn:userTask id="decide" name="决定"/>')), "没有指定角色"),
    (bpmn(linear('<bpmn:userTask id="decide" camunda:candidateGroups="boss"/>')), "「boss」不是角色代码"),
    (bpmn(linear('<bpmn:userTask id="decide" camunda:candidateGroups="dept_reviewer,dept_approver"/>')), "只能填一个角色代码"),
    (bpmn(linear('<bpmn:userTask id="approve_it" camunda:candidateGroups="dept_approver"/>')), "没有决定任务"),
    (bpmn(linear('<bpmn:serviceTask id="svc"/>', DECIDE)), "平台不执行服务任务"),
    (bpmn(linear('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>',
                 DECIDE)), "中间捕获事件"),
])
def test_files_the_platform_cannot_run_are_refused_saying_why(xml, reason):
    error = rejected(xml)
    assert error.code == "bpmn_invalid" and reason in error.message


def test_lane_names_must_be_role_keys():
    lanes = ('<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="审查科"><bpmn:flowNodeRef>decide</bpmn:flowNodeRef>'
             "</bpmn:lane></bpmn:laneSet>")
    error = rejected(bpmn(linear('<bpmn:userTask id="decide"/>'), lanes=lanes))
    assert "泳道名称「审查科」不是角色代码" in error.message and "dept_reviewer" in error.message


def test_doctype_and_external_entities_are_refused():
    xxe = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + bpmn(linear(DECIDE)).split("?>", 1)[1].replace('name="决定"', 'name="&x;"'))
    error = rejected(xxe)
    assert error.code == "bpmn_invalid" and "external entity" in error.message and "root:" not in error.message
    doctype = '<?xml version="1.0"?><!DOCTYPE d>' + bpmn(linear(DECIDE)).split("?>", 1)[1]
    assert "不能包含 DOCTYPE" in rejected(doctype).message


# --- expressions: trust and the restricted engine --------------------------------------------


def test_gateway_conditions_and_scripts_need_a_trusted_uploader():
    error = rejected(camunda_fixture(), trusted=False)
    assert error.code == "bpmn_untrusted_expression" and "系统管理员" in error.message
    assert error.detail["expressions"] == [{"element_id": "Flow_1inspect", "kind": "condition", "text": 'outcome == "inspect"'}]
    script = '<bpmn:scriptTask id="calc" scriptFormat="python"><bpmn:script>n = len(co_agencies)</bpmn:script></bpmn:scriptTask>'
    assert rejected(bpmn(linear(script, DECIDE)), trusted=False).code == "bpmn_untrusted_expression"


def test_a_trusted_script_runs_over_the_task_data():
    # Indented inside the element, as modelers save script bodies.
    script = ('<bpmn:scriptTask id="calc" scriptFormat="python"><bpmn:script>\n        n = len(co_agencies)\n'
              "        big = n &gt; 1\n      </bpmn:script></bpmn:scriptTask>")
    xml = bpmn(linear(script, DECIDE))
    assert engine.validate_bpmn(xml, trusted=True).has_scripts
    state = engine.start(xml, "p", {"co_agencies": [1, 2, 3]})
    [decide] = engine.ready_user_tasks(state)
    assert decide.data == {"co_agencies": [1, 2, 3], "n": 3, "big": True}


@pytest.mark.parametrize("expression", [
    "__import__('os')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "'{0.__class__}'.format(outcome)",
    "open('/etc/passwd').read()",
    "getattr(outcome, 'upper')()",
    "(lambda: 1)()",
    "__builtins__",
    "[x for x in ().__class__.__mro__]",
])
def test_unsafe_expressions_are_refused_even_from_a_trusted_uploader(expression):
    with pytest.raises(engine.ExpressionRejected):
        engine.check_expression(expression)
    xml = camunda_fixture().replace('outcome == "inspect"', escape(expression))
    error = rejected(xml, trusted=True)
    assert error.code == "bpmn_invalid" and "不被允许" in error.message


def test_the_restricted_environment_evaluates_only_over_the_task_data():
    env = engine.RestrictedEnvironment()
    assert env.evaluate('outcome == "inspect" and len(co_agencies) > 1', {"outcome": "inspect", "co_agencies": [1, 2]})
    assert env.evaluate("data.get('x', 0) + 1", {"data": {"x": 41}}) == 42
    with pytest.raises(engine.ExpressionRejected):
        env.evaluate("__import__('os').getcwd()", {})
    with pytest.raises(engine.ExpressionRejected):
        env.evaluate("().__class__", {})
    # Task data cannot smuggle builtins in either: keys starting with "_" never reach the globals.
    with pytest.raises(NameError):
        env.evaluate("open", {"__builtins__": __builtins__})
    # And without the syntax check, the globals still have no builtins at all.
    with pytest.raises(NameError):
        eval(compile("__import__('os')", "<t>", "eval"), engine._safe_globals({}, None))  # noqa: S307


@pytest.mark.parametrize("payload", ["__import__('os').getcwd() == ''", "().__class__ == 1"])
def test_a_tampered_state_fails_safely_at_run_time(payload):
    """Definitions are re-checked on start; a state edited in the database is caught when the
    gateway is evaluated: the engine refuses, nothing runs."""
    state = engine.start(camunda_fixture(), "Process_food_inspect", {})
    [review] = engine.ready_user_tasks(state)
    tampered = json.loads(json.dumps(state).replace('outcome == \\"inspect\\"', payload.replace("'", "\\u0027")))
    assert json.dumps(tampered) != json.dumps(state)
    with pytest.raises(DomainError) as info:
        engine.complete(tampered, review.engine_task_id, {"outcome": "inspect"})
    assert info.value.code == engine.PROCESS_ERROR and "不允许" in info.value.message
