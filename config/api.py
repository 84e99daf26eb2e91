"""The platform API: django-ninja under /api/v1/, OpenAPI at /api/v1/openapi.json.

Every error, ours or the framework's, leaves as {"code", "message", "detail"}: `code` stable for
machines, `message` in Chinese naming the field and the fix, `detail` a list of field errors.
"""

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from yiwang.core.errors import DomainError
from yiwang.core.inputs import parse_json_body, refuse_control

# The 4xx every operation may answer, stated in the OpenAPI document (all as {code, message, detail}).
ERROR_RESPONSES = {
    "400": "输入有误：格式、长度、取值范围或控制字符（message 指出字段）",
    "401": "未登录或访问令牌无效",
    "403": "无权进行该操作",
    "404": "未找到（或无权查看）",
    "409": "与当前状态冲突",
    "413": "请求体过大",
    "429": "尝试次数过多，请稍后再试",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "detail"],
    "properties": {
        "code": {"type": "string", "description": "稳定的机器可读错误码"},
        "message": {"type": "string", "description": "中文说明，指出字段与改正方法"},
        "detail": {"anyOf": [{"type": "array", "items": {
            "type": "object", "properties": {"field": {"type": "string"}, "code": {"type": "string"},
                                             "message": {"type": "string"}}}}, {"type": "null"}]},
    },
}


class GuardedParser(Parser):
    """JSON bodies and form fields pass yiwang.core.inputs before any schema sees them."""

    def parse_body(self, request):
        return parse_json_body(request.body)

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    refuse_control(item, key)
        return result


class YiwangAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_RESPONSES.items():
                    if status in ("401", "403") and not operation.get("security"):
                        continue
                    responses.setdefault(status, {"description": text, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}})
        return schema


api = YiwangAPI(
    title="Yiwang 一网通办 API",
    version="1",
    description="西安市一体化政务服务平台接口。错误统一为 {code, message, detail}。"
                "所有文本参数不得含控制字符（NUL 等），长度与数值范围见各字段。",
    urls_namespace="api",
    parser=GuardedParser(),
)


def _field_name(loc) -> str:
    # pydantic locations look like ("query", "start") or ("body", "payload", "fields", "name").
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload", "form", "header", "cookie")]
    return ".".join(parts) or "request"


_PYDANTIC_MESSAGES = {
    "missing": "必填，请提供该参数",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文本",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "请求体格式不正确",
    "control_character": "含有不允许的控制字符（如 NUL），请删除后重新提交",
    "string_pattern_mismatch": "格式不正确",
    "float_parsing": "应为数值",
    "finite_number": "应为有限的数值",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为对象",
    "list_type": "应为数组",
    "too_long": "项数过多",
}


def _bound_text(kind: str, ctx: dict) -> str:
    """The limit a value broke, so the message says the allowed range (e.g. "数值过大，最大为 90")."""
    for key, label in (("le", "最大为"), ("lt", "应小于"), ("ge", "最小为"), ("gt", "应大于"), ("max_length", "最多字符数为")):
        if key in ctx and kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than",
                                   "string_too_long"):
            return f"，{label} {ctx[key]}"
    return ""


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    detail = []
    for err in exc.errors:
        field = _field_name(err.get("loc", ()))
        text = _PYDANTIC_MESSAGES.get(err.get("type", ""), err.get("msg", "格式不正确"))
        text += _bound_text(err.get("type", ""), err.get("ctx") or {})
        detail.append({"field": field, "code": err.get("type", "invalid"), "message": text})
    message = "；".join(f"{d['field']}：{d['message']}" for d in detail) or "请求参数有误"
    return api.create_response(request, {"code": "invalid_input", "message": message, "detail": detail}, status=400)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request, {"code": "not_authenticated", "message": "请先登录或提供有效的访问令牌。", "detail": None}, status=401
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "未找到该资源。", "detail": None}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # raised by GuardedParser, wrapped by ninja
        return on_domain_error(request, exc.__cause__)
    return api.create_response(
        request, {"code": f"http_{exc.status_code}", "message": str(exc), "detail": None}, status=exc.status_code
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return api.create_response(
        request, {"code": "request_too_large", "message": "请求体过大，请精简后重试。", "detail": None}, status=413)


@api.exception_handler(DataError)
def on_data_error(request, exc):
    """The last net: a value the database refuses (too long, out of range) is the caller's input,
    not a server fault. Each schema states its limits, so reaching this is a schema to tighten."""
    import logging

    logging.getLogger("yiwang.inputs").warning("database refused an input on %s: %s", request.path, exc)
    return api.create_response(
        request, {"code": "invalid_input", "message": "输入的内容超出允许的长度或范围，请检查后重试。", "detail": None},
        status=400)


def _mount() -> None:
    from yiwang.accounts.api import router as accounts_router
    from yiwang.appointments.api import router as appointments_router
    from yiwang.bundles.api import case_router as bundle_cases_router
    from yiwang.bundles.api import router as bundles_router
    from yiwang.cases.api import router as cases_router
    from yiwang.catalog.api import router as catalog_router
    from yiwang.guidance.api import router as guidance_router
    from yiwang.hotline.api import router as hotline_router
    from yiwang.licences.api import router as licences_router
    from yiwang.policies.api import router as policies_router
    from yiwang.ratings.api import router as ratings_router
    from yiwang.servicemap.api import router as servicemap_router
    from yiwang.workdays.api import router as calendar_router

    api.add_router("/calendar", calendar_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/bundles", bundles_router)
    api.add_router("/bundle-cases", bundle_cases_router)
    api.add_router("/ratings", ratings_router)
    api.add_router("/hotline", hotline_router)
    api.add_router("/servicemap", servicemap_router)
    api.add_router("/appointments", appointments_router)
    api.add_router("/licences", licences_router)
    api.add_router("/guidance", guidance_router)
    api.add_router("/policies", policies_router)
    api.add_router("/", cases_router)


_mount()
