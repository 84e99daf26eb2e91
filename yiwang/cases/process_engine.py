"""The back-office process engine: the only module that imports SpiffWorkflow.

Everything else in the platform sees plain data: a `ParsedProcess` when a BPMN file is checked, an
`EngineState` (the JSON document of SpiffWorkflow's own serializer, stored in
`ProcessInstance.state`) and `ReadyTask`s to project into the `WorkTask` table. No database access
here: yiwang/cases/back_office.py stores what it returns and officers' task writes are
services/work_tasks.py.

What a process may contain, and why (docs/processes.md says the same for modelers):
- Flow nodes: none start events, end events (none/terminate), user and manual tasks, plain tasks,
  exclusive/inclusive/parallel gateways, script tasks; parallel or sequential multi-instance over
  a collection in the process data. Timers, messages, signals, service tasks, call activities and
  sub-processes are refused: nothing in the platform would ever fire or serve them, and a process
  that silently waits forever is worse than one that is refused at upload.
- Roles: each user task needs a role key from yiwang.orgs.constants.Role, given by the name of its
  BPMN lane (both bpmn-js and Camunda Modeler draw lanes) or by `camunda:candidateGroups`
  (Camunda 7) / `zeebe:assignmentDefinition candidateGroups` (Camunda 8); the attribute wins.
- Decision: at least one user task whose id starts with "decide"; its outcome is the decision.
- Expressions (gateway conditions, scripts, multi-instance cardinality/completion conditions)
  are code. Only trusted uploads (administrators, shipped standard processes) may carry them, and
  every expression, trusted or not, is checked against a small whitelist of Python syntax and
  evaluated with no builtins (see `check_expression` and `RestrictedEnvironment`).
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import ManualTask, UserTask
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from yiwang.cases.constants import ErrorCode
from yiwang.core.errors import DomainError
from yiwang.orgs.constants import Role

# Stable error codes of this module (BPMN_INVALID / BPMN_UNTRUSTED are in cases.constants.ErrorCode).
PROCESS_ERROR = "process_error"
PROCESS_DATA_INVALID = "process_data_invalid"
TASK_NOT_READY = "task_not_ready"
NO_PREVIOUS_TASK = "no_previous_task"

# A user task whose BPMN id starts with this is a decision task (outcome approve / deny).
DECIDE_PREFIX = "decide"
# The platform's name for the co-handling departments (organisation ids) in the process data: a
# multi-instance task over it makes one task per department, owned by that department.
CO_AGENCIES = "co_agencies"

MAX_BPMN_BYTES = 2 * 1024 * 1024
MAX_EXPRESSION_CHARS = 2000
MAX_EXPRESSION_NODES = 300
MAX_DATA_BYTES = 256 * 1024

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
NSMAP = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "zeebe": ZEEBE_NS}

# An EngineState is SpiffWorkflow's JSON serialisation as a dict (what a JSONField stores).
EngineState = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Plain results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserTaskInfo:
    task_key: str
    title: str
    role: str
    # The process-data collection a multi-instance task runs over ("co_agencies"), else "".
    multi_instance: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"task_key": self.task_key, "title": self.title, "role": self.role, "multi_instance": self.multi_instance}


@dataclass(frozen=True)
class ExpressionInfo:
    element_id: str
    kind: str  # condition | script | cardinality | completion_condition
    text: str


@dataclass(frozen=True)
class ParsedProcess:
    process_id: str
    name: str
    user_tasks: tuple[UserTaskInfo, ...]
    expressions: tuple[ExpressionInfo, ...] = ()
    documentation: str = ""

    @property
    def has_expressions(self) -> bool:
        return bool(self.expressions)

    @property
    def has_gateway_conditions(self) -> bool:
        return any(e.kind == "condition" for e in self.expressions)

    @property
    def has_scripts(self) -> bool:
        return any(e.kind == "script" for e in self.expressions)


@dataclass(frozen=True)
class ReadyTask:
    engine_task_id: str
    task_key: str
    title: str
    role: str
    data: dict = field(default_factory=dict)
    # For an instance of a multi-instance task: the collection's name and this instance's element.
    collection: str = ""
    item: Any = None

    @property
    def is_decision(self) -> bool:
        return is_decision_task(self.task_key)


def is_decision_task(task_key: str) -> bool:
    return task_key.startswith(DECIDE_PREFIX)


def _invalid(reason: str) -> DomainError:
    return DomainError(f"BPMN 文件无效：{reason}", code=ErrorCode.BPMN_INVALID, field="bpmn_xml")


# ---------------------------------------------------------------------------------------------
# Restricted expressions
# ---------------------------------------------------------------------------------------------


class ExpressionRejected(Exception):
    """An expression uses syntax outside the whitelist (message in Chinese, names the construct)."""


# The only callables an expression can reach. No getattr/type/eval/open/__import__: the globals
# an expression runs with have an empty __builtins__, so anything not listed here is a NameError.
SAFE_FUNCTIONS: dict[str, Any] = {
    "len": len, "min": min, "max": max, "sum": sum, "abs": abs, "round": round, "any": any, "all": all,
    "sorted": sorted, "str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict,
    "set": set, "tuple": tuple,
}
# Methods of plain data an expression may call (dict/str/list). `format` and `format_map` are left
# out on purpose: "{0.__class__}".format(x) reaches dunder attributes through a string.
SAFE_METHODS = frozenset({
    "get", "keys", "values", "items", "startswith", "endswith", "lower", "upper", "strip", "split",
    "join", "count", "index",
})
_ALLOWED_NODES = (
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.Pass,
    ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.IfExp, ast.Call, ast.keyword, ast.Name, ast.Load,
    ast.Store, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Subscript, ast.Slice,
    ast.Attribute, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
    ast.JoinedStr, ast.FormattedValue,
)


def check_expression(source: str, *, mode: str = "eval") -> ast.AST:
    """Parse `source` ("eval": a condition; "exec": a script) and refuse anything outside the
    whitelist. Returns the tree; raises ExpressionRejected with the reason in Chinese."""
    if source is None or not source.strip():
        raise ExpressionRejected("表达式为空")
    if len(source) > MAX_EXPRESSION_CHARS:
        raise ExpressionRejected(f"表达式超过 {MAX_EXPRESSION_CHARS} 个字符")
    try:
        # Modelers indent script bodies inside the XML element; an expression may sit on its own line.
        tree = ast.parse(source.strip() if mode == "eval" else textwrap.dedent(source).strip(), mode=mode)
    except SyntaxError as exc:
        raise ExpressionRejected(f"语法错误（第 {exc.lineno} 行）：{exc.msg}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_EXPRESSION_NODES:
        raise ExpressionRejected("表达式过长过复杂")
    for node in nodes:
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionRejected(f"不允许使用 {type(node).__name__}（只允许比较、布尔运算、算术和取值）")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRejected(f"不允许使用以下划线开头的名称「{node.id}」")
        if isinstance(node, ast.Attribute) and (node.attr.startswith("_") or node.attr not in SAFE_METHODS):
            raise ExpressionRejected(f"不允许访问属性「.{node.attr}」")
        if isinstance(node, ast.keyword) and node.arg is None:
            raise ExpressionRejected("不允许使用 ** 展开参数")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id not in SAFE_FUNCTIONS:
                raise ExpressionRejected(f"不允许调用「{func.id}」（可用：{'、'.join(sorted(SAFE_FUNCTIONS))}）")
            if not isinstance(func, ast.Name | ast.Attribute):
                raise ExpressionRejected("只允许直接调用白名单中的函数和方法")
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name | ast.Subscript):
                    raise ExpressionRejected("脚本只能给变量或下标赋值")
    return tree


def _safe_globals(context: dict, external_context: dict | None) -> dict[str, Any]:
    scope: dict[str, Any] = {}
    for source in (external_context or {}, context):
        scope.update({k: v for k, v in source.items() if isinstance(k, str) and not k.startswith("_")})
    scope.update(SAFE_FUNCTIONS)
    # An empty __builtins__: without it Python would insert the real builtins module.
    scope["__builtins__"] = {}
    return scope


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates over the task data only: every expression re-checked, no builtins, no imports.

    SpiffWorkflow calls `environment.evaluate` directly in places (process completion conditions),
    so the restriction lives here rather than in the script engine."""

    def __init__(self):
        super().__init__({})

    def evaluate(self, expression, context, external_context=None):
        tree = check_expression(expression, mode="eval")
        code = compile(tree, "<expression>", "eval")
        return eval(code, _safe_globals(context, external_context))  # noqa: S307 — checked tree, no builtins

    def execute(self, script, context, external_context=None):
        tree = check_expression(script, mode="exec")
        code = compile(tree, "<script>", "exec")
        scope = _safe_globals(context, external_context)
        exec(code, scope)  # noqa: S102 — checked tree, no builtins
        for key, value in scope.items():
            if key == "__builtins__" or key.startswith("_") or SAFE_FUNCTIONS.get(key) is value:
                continue
            if external_context and key in external_context:
                continue
            context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise ExpressionRejected("平台不执行服务任务")


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression):
        check_expression(expression, mode="eval")


def script_engine() -> RestrictedScriptEngine:
    return RestrictedScriptEngine()


# ---------------------------------------------------------------------------------------------
# Parsing and validation
# ---------------------------------------------------------------------------------------------

# Elements a process may contain (BPMN model namespace). extensionElements are skipped: modelers
# put their own data there (forms, properties) and SpiffWorkflow does not execute it.
_FLOW_NODES = {
    "startEvent", "endEvent", "userTask", "manualTask", "task", "scriptTask", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway",
}
_ALLOWED_ELEMENTS = _FLOW_NODES | {
    "laneSet", "lane", "childLaneSet", "flowNodeRef", "documentation", "sequenceFlow", "conditionExpression",
    "incoming", "outgoing", "multiInstanceLoopCharacteristics", "loopDataInputRef", "loopDataOutputRef",
    "inputDataItem", "outputDataItem", "loopCardinality", "completionCondition", "script", "textAnnotation",
    "text", "association", "group", "terminateEventDefinition",
}
_UNSUPPORTED_HINT = {
    "serviceTask": "服务任务", "sendTask": "发送任务", "receiveTask": "接收任务", "businessRuleTask": "业务规则任务",
    "callActivity": "调用活动", "subProcess": "子流程", "adHocSubProcess": "自由子流程", "transaction": "事务子流程",
    "eventBasedGateway": "事件网关", "complexGateway": "复杂网关", "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件", "boundaryEvent": "边界事件", "timerEventDefinition": "定时器",
    "messageEventDefinition": "消息事件", "signalEventDefinition": "信号事件", "errorEventDefinition": "错误事件",
    "standardLoopCharacteristics": "循环标记", "dataObject": "数据对象", "dataObjectReference": "数据对象",
    "dataStoreReference": "数据存储", "ioSpecification": "输入输出规范",
}
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_JUEL = re.compile(r"^[$#]\{(.*)\}$", re.S)
_OUTCOME_CODE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _local(el) -> str:
    return etree.QName(el).localname


def _ns(el) -> str:
    return etree.QName(el).namespace or ""


_local_state = threading.local()


def _validator() -> BpmnValidator:
    # One compiled XSD per thread: lxml schema objects keep an error log, so they are not shared.
    validator = getattr(_local_state, "validator", None)
    if validator is None:
        validator = _local_state.validator = BpmnValidator()
    return validator


def _element_label(el) -> str:
    ident = el.get("id") or ""
    name = el.get("name") or ""
    label = f"<{_local(el)}"
    if ident:
        label += f' id="{ident}"'
    if name:
        label += f' name="{name}"'
    return label + ">"


def _read_xml(xml: str | bytes):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if not data or not data.strip():
        raise _invalid("文件为空，请上传 BPMN 2.0 XML 文件（.bpmn）")
    if len(data) > MAX_BPMN_BYTES:
        raise _invalid(f"文件超过 {MAX_BPMN_BYTES // 1024 // 1024} MB")
    # Hardened parser: no DTD, no entities, no network (XXE, billion laughs).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _invalid(f"XML 语法错误：{exc}") from None
    if root.getroottree().docinfo.doctype:
        raise _invalid("BPMN 文件不能包含 DOCTYPE 声明")
    if _ns(root) != BPMN_NS or _local(root) != "definitions":
        raise _invalid("根元素必须是 BPMN 2.0 的 <bpmn:definitions>（命名空间 http://www.omg.org/spec/BPMN/20100524/MODEL）")
    try:
        _validator().validate(root)
    except ValidationException as exc:
        raise _invalid(f"不符合 BPMN 2.0 规范（XSD）：{exc}") from None
    return root


def _walk_process(el, found: list):
    """Yield every element of a process outside extensionElements; refuse unknown ones."""
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        local = _local(child)
        if _ns(child) != BPMN_NS:
            continue  # foreign elements outside extensionElements are rejected by the XSD already
        if local == "extensionElements":
            continue
        if local not in _ALLOWED_ELEMENTS:
            hint = _UNSUPPORTED_HINT.get(local, local)
            raise _invalid(f"平台不执行{hint} {_element_label(child)}：只支持开始/结束事件、人工任务、脚本任务、"
                           "网关和多实例（见 docs/processes.md）")
        if local == "terminateEventDefinition" and _local(el) != "endEvent":
            raise _invalid(f"终止事件定义只能用于结束事件 {_element_label(el)}")
        if local == "startEvent" and any(isinstance(c.tag, str) and _local(c).endswith("EventDefinition") for c in child):
            raise _invalid(f"开始事件不能带事件定义 {_element_label(child)}：流程由受理自动启动")
        found.append(child)
        _walk_process(child, found)


def _strip_wrapper(text: str, where: str) -> str:
    """Camunda 7 writes ${...}; the inside is our expression. Camunda 8 FEEL (=...) is refused."""
    text = (text or "").strip()
    match = _JUEL.match(text)
    if match:
        text = match.group(1).strip()
    elif text.startswith("="):
        raise _invalid(f"{where} 使用了 Camunda 8 的 FEEL 表达式「{text}」：请改写为平台表达式，例如 outcome == \"inspect\"")
    return text


def _plain_name(value: str | None, where: str) -> str:
    text = (value or "").strip()
    match = _JUEL.match(text)
    if match:
        text = match.group(1).strip()
    elif text.startswith("="):
        text = text[1:].strip()
    if not _IDENTIFIER.match(text):
        raise _invalid(f"{where} 的集合/变量名「{value}」必须是字母开头的变量名（如 co_agencies）")
    return text


def _normalise_multi_instance(loop, task, ids: set[str]) -> None:
    """Rewrite Camunda 7 (camunda:collection/elementVariable) and Camunda 8 (zeebe:loopCharacteristics)
    multi-instance settings into the standard BPMN loopDataInputRef/inputDataItem SpiffWorkflow runs."""
    has_standard = loop.find("bpmn:loopDataInputRef", NSMAP) is not None or loop.find("bpmn:loopCardinality", NSMAP) is not None
    collection = element = None
    where = _element_label(task)
    if loop.get(f"{{{CAMUNDA_NS}}}collection"):
        collection = _plain_name(loop.get(f"{{{CAMUNDA_NS}}}collection"), where)
        element = loop.get(f"{{{CAMUNDA_NS}}}elementVariable")
    zeebe = loop.find("bpmn:extensionElements/zeebe:loopCharacteristics", NSMAP)
    if zeebe is not None and zeebe.get("inputCollection"):
        collection = _plain_name(zeebe.get("inputCollection"), where)
        element = zeebe.get("inputElement")
    if collection is None or has_standard:
        return
    element = _plain_name(element or "item", where)
    if element in ids:
        raise _invalid(f"{where} 的元素变量名「{element}」与某个 BPMN 元素的 id 相同，请换一个名称")
    ref = etree.Element(f"{{{BPMN_NS}}}loopDataInputRef")
    ref.text = collection
    item = etree.Element(f"{{{BPMN_NS}}}inputDataItem", id=element, name=element)
    position = 1 if loop.find("bpmn:extensionElements", NSMAP) is not None else 0
    loop.insert(position, ref)
    loop.insert(position + 1, item)


def _inventory(root, *, trusted: bool) -> tuple[Any, list[ExpressionInfo]]:
    """Check the one executable process, normalise modeler dialects in place, list expressions."""
    processes = root.findall("bpmn:process", NSMAP)
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
    if not processes:
        raise _invalid("文件中没有 <bpmn:process> 流程")
    if not executable:
        raise _invalid("流程未标记为可执行：请在建模器的流程属性中勾选“Executable”（isExecutable=\"true\"）")
    if len(executable) > 1:
        ids = "、".join(p.get("id", "") for p in executable)
        raise _invalid(f"文件中有多个可执行流程（{ids}），每个文件只能有一个")
    process = executable[0]
    elements: list = []
    _walk_process(process, elements)
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}

    expressions: list[ExpressionInfo] = []
    for el in elements:
        local = _local(el)
        parent = el.getparent()
        owner = parent.get("id") or (parent.getparent().get("id") if parent.getparent() is not None else "")
        if local == "conditionExpression":
            language = (el.get("language") or "").lower()
            if language and language not in ("python", "py"):
                raise _invalid(f"条件 {_element_label(parent)} 使用了 {language} 语言：只支持平台表达式（Python 子集）")
            el.text = _strip_wrapper(el.text, _element_label(parent))
            expressions.append(ExpressionInfo(owner, "condition", el.text))
        elif local == "script":
            fmt = (parent.get("scriptFormat") or "python").lower()
            if fmt not in ("python", "py"):
                raise _invalid(f"脚本任务 {_element_label(parent)} 的脚本语言为 {fmt}：只支持平台表达式（Python 子集）")
            expressions.append(ExpressionInfo(owner, "script", el.text or ""))
        elif local in ("loopCardinality", "completionCondition"):
            el.text = _strip_wrapper(el.text, _element_label(parent.getparent()))
            kind = "cardinality" if local == "loopCardinality" else "completion_condition"
            expressions.append(ExpressionInfo(owner, kind, el.text))
        elif local == "multiInstanceLoopCharacteristics":
            _normalise_multi_instance(el, parent, ids)
        elif local == "scriptTask" and el.find("bpmn:script", NSMAP) is None:
            raise _invalid(f"脚本任务 {_element_label(el)} 没有脚本内容")

    if expressions and not trusted:
        where = "；".join(f"{e.element_id}：{e.text.strip()[:60]}" for e in expressions[:5])
        raise DomainError(
            f"条件表达式和脚本只能由系统管理员上传（本文件含：{where}）。请联系系统管理员上传，或去掉条件后再上传。",
            code=ErrorCode.BPMN_UNTRUSTED, field="bpmn_xml",
            detail={"expressions": [{"element_id": e.element_id, "kind": e.kind, "text": e.text} for e in expressions]},
        )
    for expr in expressions:
        try:
            check_expression(expr.text, mode="exec" if expr.kind == "script" else "eval")
        except ExpressionRejected as exc:
            raise _invalid(f"元素 {expr.element_id} 的表达式「{expr.text.strip()[:80]}」不被允许：{exc}") from None
    return process, expressions


def _role_of(node, lane: str | None) -> str:
    label = _element_label(node)
    groups = node.get(f"{{{CAMUNDA_NS}}}candidateGroups")
    zeebe = node.find("bpmn:extensionElements/zeebe:assignmentDefinition", NSMAP)
    if not groups and zeebe is not None:
        groups = zeebe.get("candidateGroups")
    if groups:
        names = [g.strip() for g in groups.split(",") if g.strip()]
        if len(names) != 1:
            raise ValidationException(f"人工任务 {label} 的 candidateGroups 只能填一个角色代码，实为「{groups}」", node=node)
        role = names[0]
        source = "candidateGroups"
    elif lane:
        role, source = lane.strip(), "泳道名称"
    else:
        raise ValidationException(
            f"人工任务 {label} 没有指定角色：请把它放进名称为角色代码的泳道（如 dept_reviewer），"
            "或设置 candidateGroups", node=node)
    if role not in Role.values:
        raise ValidationException(
            f"人工任务 {label} 的{source}「{role}」不是角色代码，可用：{'、'.join(Role.values)}", node=node)
    return role


class _HumanTaskParser(TaskParser):
    """User and manual tasks: the role (lane or candidateGroups) is resolved at parse time and kept
    in the task spec's extensions, which SpiffWorkflow serialises with the workflow."""

    def parse_extensions(self, node=None):
        return {"role": _role_of(self.node, self.lane)}


class _Parser(BpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        full_tag("userTask"): (_HumanTaskParser, UserTask),
        full_tag("manualTask"): (_HumanTaskParser, ManualTask),
    }


def _validation_reason(exc: ValidationException) -> str:
    reason = str(exc.args[0]) if exc.args else str(exc)
    where = []
    if getattr(exc, "tag", ""):
        where.append(f"元素 {exc.tag}")
    if getattr(exc, "id", ""):
        where.append(f"id={exc.id}")
    if getattr(exc, "line_number", ""):
        where.append(f"第 {exc.line_number} 行")
    return f"{reason}（{'，'.join(where)}）" if where else reason


@dataclass
class _Compiled:
    process_id: str
    name: str
    documentation: str
    spec: Any
    subprocess_specs: dict
    expressions: list[ExpressionInfo]


def _compile(xml: str | bytes, *, trusted: bool) -> _Compiled:
    root = _read_xml(xml)
    process, expressions = _inventory(root, trusted=trusted)
    process_id = process.get("id")
    parser = _Parser()
    try:
        parser.add_bpmn_xml(root)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise _invalid(_validation_reason(exc)) from None
    except SpiffWorkflowException as exc:
        raise _invalid(str(exc)) from None
    doc = process.find("bpmn:documentation", NSMAP)
    return _Compiled(process_id=process_id, name=process.get("name") or process_id,
                     documentation=(doc.text or "").strip() if doc is not None else "", spec=spec,
                     subprocess_specs=subprocess_specs, expressions=expressions)


def _human_tasks(spec) -> list[UserTaskInfo]:
    infos = []
    multi = {ts.task_spec: ts for ts in spec.task_specs.values() if isinstance(ts, MultiInstanceTask)}
    for name, ts in spec.task_specs.items():
        if not getattr(ts, "manual", False) or getattr(ts, "bpmn_id", None) is None:
            continue
        loop = multi.get(name)
        collection = loop.data_input.bpmn_id if loop is not None and loop.data_input is not None else ""
        infos.append(UserTaskInfo(task_key=ts.bpmn_id, title=ts.bpmn_name or ts.bpmn_id,
                                  role=ts.extensions.get("role", ""), multi_instance=collection))
    return sorted(infos, key=lambda i: i.task_key)


def validate_bpmn(xml: str | bytes, *, trusted: bool) -> ParsedProcess:
    """Check an uploaded BPMN 2.0 file; raise DomainError bpmn_invalid / bpmn_untrusted_expression."""
    compiled = _compile(xml, trusted=trusted)
    tasks = _human_tasks(compiled.spec)
    if not tasks:
        raise _invalid("流程中没有人工任务（userTask）")
    if not any(is_decision_task(t.task_key) for t in tasks):
        raise _invalid(f"流程中没有决定任务：请把作出准予/不予准予决定的人工任务 id 设为 {DECIDE_PREFIX}（或以 {DECIDE_PREFIX} 开头）")
    return ParsedProcess(process_id=compiled.process_id, name=compiled.name, user_tasks=tuple(tasks),
                         expressions=tuple(compiled.expressions), documentation=compiled.documentation)


def tested_outcomes(xml: str | bytes) -> tuple[str, ...]:
    """The outcome codes a process's conditions test for (`outcome == "inspect"`, also as
    Camunda's `${...}`), in document order: besides "pass", what an officer may choose on a task
    whose next gateway branches. Read from the stored (already validated) definition, so a
    condition that does not parse is simply not offered."""
    try:
        root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml,
                                etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return ()
    found: list[str] = []
    for el in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        text = (el.text or "").strip()
        match = _JUEL.match(text)
        try:
            tree = ast.parse(match.group(1).strip() if match else text, mode="eval")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare) or len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq):
                continue
            left, right = node.left, node.comparators[0]
            for name, value in ((left, right), (right, left)):
                if (isinstance(name, ast.Name) and name.id == "outcome" and isinstance(value, ast.Constant)
                        and isinstance(value.value, str) and _OUTCOME_CODE.match(value.value)
                        and value.value not in found):
                    found.append(value.value)
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def _process_error(exc: Exception) -> DomainError:
    reason = str(exc).strip().rstrip(".。 ")
    cause = exc.__cause__ or exc.__context__  # SpiffWorkflow wraps the expression's own error
    if cause is not None and str(cause) and str(cause) not in reason:
        reason += f"（{cause}）"
    return DomainError(f"流程执行出错：{reason}。请联系系统管理员检查流程定义。", code=PROCESS_ERROR)


def _check_data(data: dict | None) -> dict:
    """Process data is plain JSON with identifier keys (they become expression variables)."""
    data = dict(data or {})
    for key in data:
        if not isinstance(key, str) or not _IDENTIFIER.match(key):
            raise DomainError(f"流程数据的键「{key}」无效：只能用字母开头的字母、数字和下划线",
                              code=PROCESS_DATA_INVALID, field="data")
    try:
        encoded = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"流程数据只能包含文字、数字、真假值、列表和对象：{exc}", code=PROCESS_DATA_INVALID,
                          field="data") from None
    if len(encoded.encode("utf-8")) > MAX_DATA_BYTES:
        raise DomainError(f"流程数据超过 {MAX_DATA_BYTES // 1024} KB", code=PROCESS_DATA_INVALID, field="data")
    return json.loads(encoded)


def _dump(workflow: BpmnWorkflow) -> EngineState:
    try:
        return json.loads(BpmnWorkflowSerializer().serialize_json(workflow))
    except (TypeError, ValueError) as exc:  # a script produced a value JSON cannot hold (a set, a NaN…)
        raise _process_error(exc) from None


def _parents_first(tasks: dict, root: str) -> dict:
    """SpiffWorkflow stores each task's data as a delta over its parent's and restores the tasks in
    dict order, so a parent must come before its children. PostgreSQL's jsonb does not keep key
    order; re-order breadth-first from the root before restoring (else data silently goes missing)."""
    ordered: dict = {}
    queue = deque([root])
    while queue:
        task_id = queue.popleft()
        if task_id in ordered or task_id not in tasks:
            continue
        ordered[task_id] = tasks[task_id]
        queue.extend(tasks[task_id].get("children", []))
    for task_id, task in tasks.items():  # unreachable ones (none expected) keep their place at the end
        ordered.setdefault(task_id, task)
    return ordered


def _load(state: EngineState | str) -> BpmnWorkflow:
    dct = json.loads(state) if isinstance(state, str) else json.loads(json.dumps(state))
    dct["tasks"] = _parents_first(dct["tasks"], dct["root"])
    for sub in (dct.get("subprocesses") or {}).values():
        sub["tasks"] = _parents_first(sub["tasks"], sub["root"])
    workflow = BpmnWorkflowSerializer().deserialize_json(json.dumps(dct))
    # The serializer restores with SpiffWorkflow's unrestricted default engine; never run with it.
    workflow.script_engine = script_engine()
    return workflow


def _run(action) -> None:
    try:
        action()
    except (SpiffWorkflowException, ExpressionRejected) as exc:
        raise _process_error(exc) from None


def start(definition_xml: str | bytes, process_id: str, data: dict | None = None) -> EngineState:
    """Start the process in `definition_xml` with `data` and run it to its first user tasks.

    The definition was validated at upload (trust included); it is parsed again here with the same
    whitelist, and its expressions run in the restricted engine whatever their origin."""
    data = _check_data(data)
    compiled = _compile(definition_xml, trusted=True)
    if compiled.process_id != process_id:
        raise _invalid(f"文件中的流程 id 为 {compiled.process_id}，不是 {process_id}")
    workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=script_engine())

    def run():
        for task in workflow.get_tasks(state=TaskState.READY):
            task.set_data(**data)
        workflow.do_engine_steps()

    _run(run)
    return _dump(workflow)


def _multi_instance_parent(task):
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, MultiInstanceTask) and parent.task_spec.task_spec == task.task_spec.name:
        return parent
    return None


def _ready_task(task) -> ReadyTask:
    spec = task.task_spec
    collection, item = "", None
    parent = _multi_instance_parent(task)
    if parent is not None:
        loop = parent.task_spec
        collection = loop.data_input.bpmn_id if loop.data_input is not None else ""
        item = loop.input_item.get(task) if loop.input_item is not None else task.internal_data.get("item")
    return ReadyTask(engine_task_id=str(task.id), task_key=spec.bpmn_id, title=spec.bpmn_name or spec.bpmn_id,
                     role=(getattr(spec, "extensions", None) or {}).get("role", ""), data=dict(task.data),
                     collection=collection, item=item)


def _ready(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def ready_user_tasks(state: EngineState | str) -> list[ReadyTask]:
    return [_ready_task(t) for t in _ready(_load(state))]


def _ready_task_by_id(workflow: BpmnWorkflow, engine_task_id: str):
    for task in _ready(workflow):
        if str(task.id) == str(engine_task_id):
            return task
    raise DomainError("该任务已不是待办状态（可能已被办理、退回或取消），请刷新待办列表。", code=TASK_NOT_READY)


def complete(state: EngineState | str, engine_task_id: str, data: dict | None = None) -> EngineState:
    """Complete one ready user task with `data` (merged into the task data) and run the engine on.

    For an instance of a multi-instance task with an output collection, the submitted data (plus the
    instance's element) becomes the instance's output item, so each department's opinion is kept."""
    data = _check_data(data)
    workflow = _load(state)
    task = _ready_task_by_id(workflow, engine_task_id)
    task.set_data(**data)
    parent = _multi_instance_parent(task)
    if parent is not None:
        loop = parent.task_spec
        if loop.output_item is not None and not loop.output_item.exists(task):
            output = dict(data)
            if loop.input_item is not None:
                output[loop.input_item.bpmn_id] = loop.input_item.get(task)
            loop.output_item.set(task, output)

    def run():
        task.run()
        workflow.do_engine_steps()

    _run(run)
    return _dump(workflow)


def _previous_step(task):
    """The nearest completed ancestor that is a human step: a user/manual task, or a whole
    multi-instance task (returning to co-handling asks every department again)."""
    workflow = task.workflow
    node = task.parent
    while node is not None:
        spec = node.task_spec
        if node.state == TaskState.COMPLETED:
            if getattr(spec, "manual", False):
                return node
            if isinstance(spec, MultiInstanceTask) and getattr(workflow.spec.task_specs.get(spec.task_spec), "manual", False):
                return node
        node = node.parent
    return None


def has_previous_step(state: EngineState | str, engine_task_id: str) -> bool:
    """Whether return_to_previous would find a step to go back to (pages offer 退回 only then)."""
    workflow = _load(state)
    try:
        task = _ready_task_by_id(workflow, engine_task_id)
    except DomainError:
        return False
    return _previous_step(task) is not None


def return_to_previous(state: EngineState | str, engine_task_id: str) -> EngineState:
    """Reset the process to the human step before this ready task ("退回上一步")."""
    workflow = _load(state)
    task = _ready_task_by_id(workflow, engine_task_id)
    previous = _previous_step(task)
    if previous is None:
        raise DomainError("这是流程的第一步，没有可以退回的上一步。", code=NO_PREVIOUS_TASK)

    def run():
        workflow.reset_from_task_id(previous.id)
        workflow.do_engine_steps()

    _run(run)
    return _dump(workflow)


def cancel(state: EngineState | str) -> EngineState:
    """Cancel every unfinished task (withdrawal, termination)."""
    workflow = _load(state)
    _run(workflow.cancel)
    return _dump(workflow)


def is_completed(state: EngineState | str) -> bool:
    workflow = _load(state)
    # A cancelled workflow is finished too, but not successfully (Workflow.cancel sets success False).
    return workflow.is_completed() and workflow.success


def workflow_data(state: EngineState | str) -> dict:
    """The process data: the workflow's data once finished, else that of the last completed task."""
    workflow = _load(state)
    if workflow.is_completed():
        return dict(workflow.data)
    last = workflow.last_task
    return dict(last.data) if last is not None else {}
