"""The one input layer (yiwang/core/inputs.py): control characters, lengths, numbers and body sizes
are refused with a 400 naming the field — in paths, query strings, JSON bodies and page forms — and
the OpenAPI document states every limit."""

import json

import pytest

from yiwang.core.inputs import LINE_PATTERN, MAX_ANY_STRING, parse_json_body

pytestmark = pytest.mark.django_db


def _openapi():
    from config.api import api

    return api.get_openapi_schema()


def _resolve(schema, components):
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _unbounded(schema, components, where, seen=()):
    """Paths of request values without a stated limit: strings without maxLength, integers
    without minimum and maximum."""
    schema = _resolve(schema, components)
    if id(schema) in seen:
        return []
    seen = (*seen, id(schema))
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _unbounded(sub, components, where, seen)
    kind = schema.get("type")
    if kind == "string" and "maxLength" not in schema and "enum" not in schema and schema.get("format") not in (
            "date", "date-time", "binary", "time"):
        found.append(f"{where}: string without maxLength")
    if kind == "integer" and not ({"minimum", "exclusiveMinimum"} & schema.keys()
                                  and {"maximum", "exclusiveMaximum"} & schema.keys()):
        found.append(f"{where}: integer without minimum and maximum")
    for name, sub in (schema.get("properties") or {}).items():
        found += _unbounded(sub, components, f"{where}.{name}", seen)
    if isinstance(schema.get("items"), dict):
        found += _unbounded(schema["items"], components, f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        found += _unbounded(schema["additionalProperties"], components, f"{where}{{}}", seen)
    return found


def test_every_request_string_and_integer_states_its_limit_in_the_openapi_document():
    spec = _openapi()
    components = spec.get("components", {}).get("schemas", {})
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                found += _unbounded(parameter.get("schema", {}), components, f"{where} {parameter['name']}")
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                found += _unbounded(media.get("schema", {}), components, f"{where} body")
    assert found == []


def test_every_operation_states_its_client_errors():
    spec = _openapi()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], f"{method} {path}"
            assert "404" in operation["responses"], f"{method} {path}"
            if operation.get("security"):
                assert "401" in operation["responses"], f"{method} {path}"
    assert spec["components"]["schemas"]["Error"]["required"] == ["code", "message", "detail"]


def test_nul_in_a_list_filter_is_a_400_naming_the_parameter(client):
    response = client.get("/api/v1/cases?status=%00")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "control_character"
    assert body["detail"][0]["field"] == "status"
    assert "status" in body["message"] and "控制字符" in body["message"]


@pytest.mark.parametrize("url", ["/api/v1/cases?colour=%00", "/api/v1/tasks?status=a%01b",
                                 "/api/v1/catalog/items?q=x%00y", "/api/v1/progress?number=%00&code=1"])
def test_control_characters_in_any_query_are_refused(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "control_character"


def test_nul_in_a_path_is_a_400(client):
    response = client.post("/api/v1/lockers/L%00x/pickup", {"pickup_code": "123456"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "path"


def test_nul_in_a_page_query_or_form_is_a_400_page_naming_the_field(client):
    response = client.get("/catalog/?q=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "控制字符" in page and "「q」" in page
    # The site's own page: its header and the way home, not a bare line of text.
    assert "<header" in page and 'href="/"' in page
    assert "script-src" in response["Content-Security-Policy"]
    response = client.post("/accounts/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert "username" in response.content.decode()


def test_a_json_body_is_checked_at_every_depth_with_every_problem_named():
    from yiwang.core.errors import ValidationFailed

    body = json.dumps({"form_data": {"applicant.name": "张\u0000三", "x": [1, "ok", "\u001b[31m"]},
                       "reason": "a" * (MAX_ANY_STRING + 1), "n": 2**70}).encode()
    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(body)
    fields = {e.field: e.code for e in caught.value.errors}
    assert fields == {"form_data.applicant.name": "control_character", "form_data.x.2": "control_character",
                      "reason": "string_too_long", "n": "number_out_of_range"}


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a": 1e5000}', b'{"a": NaN}',
                                  b'{"a": Infinity}', b'{"a": ' + b"9" * 5000 + b"}", b"\xff\xfe"])
def test_hostile_json_is_a_400_not_a_crash(body):
    from yiwang.core.errors import DomainError

    with pytest.raises(DomainError):
        parse_json_body(body)


def test_tab_and_line_breaks_stay_allowed_in_text():
    assert parse_json_body('{"reason": "第一行\\r\\n第二行\\t完"}'.encode()) == {"reason": "第一行\r\n第二行\t完"}


def test_the_api_renders_the_parser_error_with_the_field(client):
    from yiwang.accounts.services import api_token_create
    from yiwang.accounts.tests.factories import UserFactory

    token = api_token_create(actor=None, user=UserFactory(), name="t")[1]
    response = client.post("/api/v1/cases/1/withdraw", {"reason": "撤回\u0000"}, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.json()["detail"][0] == {"field": "reason", "code": "control_character",
                                            "message": "含有不允许的控制字符（如 NUL），请删除后重新提交"}
    response = client.post("/api/v1/cases/1/withdraw", {"reason": "x" * 2001}, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "reason"
    assert "2000" in response.json()["message"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.YIWANG_MAX_REQUEST_BYTES = 1024
    response = client.post("/api/v1/files", data=b"x" * 2048, content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_json_body_over_the_data_limit_is_a_413(client, settings):
    from yiwang.accounts.services import api_token_create
    from yiwang.accounts.tests.factories import UserFactory

    token = api_token_create(actor=None, user=UserFactory(), name="t")[1]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/api/v1/cases/1/withdraw", data=json.dumps({"reason": "x" * 4096}),
                           content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_line_pattern_is_stated_for_one_line_fields():
    spec = _openapi()
    schema = spec["components"]["schemas"]["DeliveryIn"]["properties"]["recipient_name"]
    assert schema["maxLength"] == 100
    assert schema["pattern"] == LINE_PATTERN
