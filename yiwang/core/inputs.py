"""The one input layer: what every string and number a request carries must satisfy before any
code below the entry points sees it.

Three places apply it, so no endpoint is left out:

* `InputGuardMiddleware` (every request, pages and API): the path, the query string and the fields
  of a form body (urlencoded or multipart, not the files) must not contain control characters;
  a declared body larger than `YIWANG_MAX_REQUEST_BYTES` is refused before it is read.
* `GuardedParser` (the API's parser): every string and key of a JSON body, at any depth, is free of
  control characters and at most `MAX_ANY_STRING` characters long; numbers are finite and fit a
  64-bit column; nesting is bounded. Endpoints added later are covered without doing anything.
* The types `Line(n)` / `Text(n)` / `Int(lo, hi)` for schema fields and parameters: the column's
  limit is in the OpenAPI document (`maxLength`, `minimum`, `maximum`) and checked by pydantic,
  and the error names the field.

Control characters are refused, not stripped: NUL cannot be stored by PostgreSQL at all, and the
others (escape sequences, backspace …) only ever arrive by mistake or in an attack; tab and line
breaks are allowed in multi-line text. Errors are DomainErrors, so the API renders them as
{"code", "message", "detail"} and pages say the same message.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from yiwang.core.errors import MAX_DB_ID, DomainError, FieldError, ValidationFailed

logger = logging.getLogger("yiwang.inputs")

# C0 controls except tab, line feed and carriage return; DEL. (Line fields refuse those three too.)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# The same sets as JSON Schema (ECMA-262) patterns, so the OpenAPI document says what is refused.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
LINE_PATTERN = r"^[^\u0000-\u001f\u007f]*$"

# No string in any request body is longer than this, whatever its schema says: the longest column
# an API writes is a TextField capped far lower by its schema; this is the net under new endpoints.
MAX_ANY_STRING = 20_000
# No field of a page form is longer (the longest, a pasted holiday list, is capped at 64 KB).
MAX_FORM_VALUE = 65_536
# JSON nested deeper than this is refused (Python's parser would otherwise recurse until it fails).
MAX_JSON_DEPTH = 32
# Integers stored in a bigint; anything beyond cannot be a valid value of ours.
MAX_INT = 2**63 - 1

CODE_CONTROL = "control_character"
CODE_TOO_LONG = "string_too_long"
CODE_NUMBER = "number_out_of_range"
CODE_TOO_DEEP = "too_deeply_nested"
CODE_TOO_LARGE = "request_too_large"


def control_message(field: str) -> str:
    return f"「{field}」含有不允许的控制字符（如 NUL、退格或转义字符），请删除后重新提交。"


def refuse_control(value: str, field: str, *, multiline: bool = True) -> str:
    """`value`, or a 400 naming `field` when it holds a control character."""
    if (CONTROL_CHARS if multiline else LINE_CONTROL_CHARS).search(value):
        raise DomainError(control_message(field), code=CODE_CONTROL, field=field)
    return value


def _no_control_text(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise PydanticCustomError(CODE_CONTROL, "含有不允许的控制字符（如 NUL），请删除后重新提交")
    return value


def _no_control_line(value: str) -> str:
    if LINE_CONTROL_CHARS.search(value):
        raise PydanticCustomError(CODE_CONTROL, "含有不允许的控制字符或换行，请删除后重新提交")
    return value


def Line(max_length: int, *, min_length: int = 0, **field: Any):  # noqa: N802 — a type, read as one
    """A one-line string (name, code, phone …) of at most `max_length` characters — the column's."""
    return Annotated[str, Field(max_length=max_length, min_length=min_length or None,
                                json_schema_extra={"pattern": LINE_PATTERN}, **field),
                     AfterValidator(_no_control_line)]


def Text(max_length: int, *, min_length: int = 0, **field: Any):  # noqa: N802
    """Multi-line text (reasons, notes, addresses) of at most `max_length` characters."""
    return Annotated[str, Field(max_length=max_length, min_length=min_length or None,
                                json_schema_extra={"pattern": TEXT_PATTERN}, **field),
                     AfterValidator(_no_control_text)]


def Int(ge: int, le: int, **field: Any):  # noqa: N802
    """An integer within [ge, le], stated in the OpenAPI document."""
    return Annotated[int, Field(ge=ge, le=le, **field)]


def StatedInt(minimum: int, maximum: int, **field: Any):  # noqa: N802
    """An integer whose range is stated in the OpenAPI document but checked by the domain code,
    which answers with its own error code (e.g. calendar_days_too_large)."""
    return Annotated[int, Field(json_schema_extra={"minimum": minimum, "maximum": maximum}, **field)]


# A database id as a path or body value: a positive bigint (larger would overflow the column).
DbId = Int(1, MAX_DB_ID)


# ---------------------------------------------------------------------------------------------
# JSON bodies (the API's parser)

def check_json_value(value: Any, *, path: str = "", depth: int = 0, errors: list[FieldError]) -> None:
    """Collect every problem of a parsed JSON value (all at once, named by their path)."""
    if len(errors) >= 20:
        return
    name = path or "request"
    if depth > MAX_JSON_DEPTH:
        errors.append(FieldError(name, CODE_TOO_DEEP, f"嵌套层级超过 {MAX_JSON_DEPTH} 层"))
        return
    if isinstance(value, str):
        if len(value) > MAX_ANY_STRING:
            errors.append(FieldError(name, CODE_TOO_LONG, f"过长，最多字符数为 {MAX_ANY_STRING}"))
        elif CONTROL_CHARS.search(value):
            errors.append(FieldError(name, CODE_CONTROL, "含有不允许的控制字符（如 NUL），请删除后重新提交"))
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            errors.append(FieldError(name, CODE_NUMBER, "数值超出允许范围"))
    elif isinstance(value, float):
        if not math.isfinite(value):
            errors.append(FieldError(name, CODE_NUMBER, "应为有限的数值"))
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if len(key) > 200 or CONTROL_CHARS.search(key):
                errors.append(FieldError((path or "request"), CODE_CONTROL, "字段名过长或含有控制字符"))
                continue
            check_json_value(item, path=child, depth=depth + 1, errors=errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json_value(item, path=f"{path}.{index}" if path else str(index), depth=depth + 1, errors=errors)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json_body(body: bytes) -> Any:
    """Parse and check a JSON request body; a ValidationFailed (400) names every bad value."""
    # Python's parser raises RecursionError on very deep nesting; the walk below bounds the rest.
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise DomainError("请求体不是合法的 JSON，请检查格式。", code="json_invalid", field="request") from exc
    errors: list[FieldError] = []
    check_json_value(data, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    return data


# ---------------------------------------------------------------------------------------------
# Rows (every model, every writer): the column's own limit

def check_row_strings(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of every model: a string longer than its CharField or holding NUL is refused with
    a DomainError naming the field, whichever page, API, import or task produced it. Without
    this PostgreSQL refuses the row with a DataError (a 500), and SQLite stores it silently."""
    if raw:  # fixtures
        return
    errors = []
    for field in sender._meta.concrete_fields:
        max_length = field.max_length if field.get_internal_type() in ("CharField", "SlugField", "EmailField",
                                                                       "URLField") else None
        if field.get_internal_type() not in ("CharField", "SlugField", "EmailField", "URLField", "TextField"):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        label = str(field.verbose_name)
        if max_length and len(value) > max_length:
            errors.append(FieldError(field.name, CODE_TOO_LONG,
                                     f"「{label}」最多 {max_length} 个字符，当前 {len(value)} 个，请精简。"))
        elif "\x00" in value:
            errors.append(FieldError(field.name, CODE_CONTROL, control_message(label)))
    if errors:
        raise ValidationFailed(errors)


# ---------------------------------------------------------------------------------------------
# Requests (path, query string, form fields): the middleware

def _max_request_bytes() -> int:
    return int(getattr(settings, "YIWANG_MAX_REQUEST_BYTES", 30 * 1024 * 1024))


def request_problem(request) -> DomainError | None:
    """The first thing wrong with the request's path, query string or form fields, if any."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = _max_request_bytes()
    if length > limit:
        error = DomainError(f"请求过大（{length / 1048576:.1f} MB），上限为 {limit // 1048576} MB；"
                            "上传文件请逐个提交并压缩。", code=CODE_TOO_LARGE, field="request")
        error.http_status = 413
        return error
    if LINE_CONTROL_CHARS.search(request.path):
        return DomainError("访问地址含有不允许的控制字符（如 NUL），请检查链接。", code=CODE_CONTROL, field="path")
    for key, values in request.GET.lists():
        problem = _field_problem(key, values)
        if problem:
            return problem
    if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            fields = list(request.POST.lists())
        except RequestDataTooBig:
            error = DomainError(f"表单数据过大，上限为 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KB（不含文件）。",
                                code=CODE_TOO_LARGE, field="request")
            error.http_status = 413
            return error
        except (TooManyFieldsSent, TooManyFilesSent):
            return DomainError("表单字段或文件过多。", code=CODE_TOO_LARGE, field="request")
        for key, values in fields:
            problem = _field_problem(key, values)
            if problem:
                return problem
    return None


def _field_problem(key: str, values: list[str]) -> DomainError | None:
    if CONTROL_CHARS.search(key):
        return DomainError("请求参数名含有不允许的控制字符。", code=CODE_CONTROL, field="request")
    for value in values:
        if isinstance(value, str) and CONTROL_CHARS.search(value):
            return DomainError(control_message(key), code=CODE_CONTROL, field=key)
        if isinstance(value, str) and len(value) > MAX_FORM_VALUE:
            return DomainError(f"「{key}」过长（{len(value)} 个字符），最多 {MAX_FORM_VALUE} 个。", code=CODE_TOO_LONG,
                               field=key)
    return None


class InputGuardMiddleware:
    """Refuses, with a 400 naming the field, a request whose path, query string or form fields hold
    control characters — before sessions, authentication or any view touch the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = request_problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(problem.as_dict(), status=problem.http_status,
                                json_dumps_params={"ensure_ascii": False})
        return refusal_page(request, problem.message, problem.http_status)

    def process_exception(self, request, exception):
        """The last net for pages: a value the database refuses (too long, out of range) is the
        person's input, not a server fault; forms state their limits, so this means a form to tighten."""
        if isinstance(exception, DataError):
            logger.warning("database refused an input on %s: %s", request.path, exception)
            return refusal_page(request, "输入的内容超出允许的长度或范围，请返回检查后重试。", 400)
        return None


def refusal_page(request, message: str, status: int) -> HttpResponse:
    """The site's own 400 page with the reason, so a person who pasted something odd into a form sees
    what to fix inside the familiar page, not a bare line of text. It is rendered before sessions and
    authentication have run, so it shows the visitor as signed out and asks for nothing stored."""
    try:
        return HttpResponse(render_to_string("400.html", {"reason": message}, request=request), status=status)
    except Exception:  # noqa: BLE001 - a template fault must not hide the refusal itself
        logger.exception("the 400 page could not be rendered")
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
