"""Open311 GeoReport v2 under /open311/v2/ (STANDARDS §8; the frozen specification).

Catalogue items of the dispatch catalogue are the services. Each resource answers in XML (required
by the spec) or JSON, chosen by the extension (`services.xml`, `requests/{id}.json`). Status is
strictly open|closed; status_notes is the latest public reply; agency_responsible is the primary
unit's name; datetimes are ISO 8601 with the +08:00 offset; errors are a list of {code,
description} with 404 (unknown resource), 403 (missing or bad api_key) or 400 (everything else).
Callers' identities never leave: contact fields posted are stored encrypted and never returned.
These are plain Django views (not the ninja API): the spec's formats and error shapes are its own.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from yiwang.accounts.services import api_token_use
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.hotline import emergency, services
from yiwang.hotline.constants import TERMINAL_STATUSES, Channel, TicketType
from yiwang.hotline.models import MAX_DESCRIPTION, Open311Token, Ticket
from yiwang.hotline.selectors import active_items, item_by_code

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# ---------------------------------------------------------------------------------- rendering

def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml(tag: str, value) -> str:
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):  # a list field: the plural tag holds singular children
        child = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}.get(tag, "item")
        return f"<{tag}>" + "".join(_xml(child, v) for v in value) + f"</{tag}>"
    return f"<{tag}>{_xml_value(value)}</{tag}>" if value not in (None, "") else f"<{tag}/>"


def render(data, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        inner = "".join(_xml(item, row) for row in data) if item else "".join(_xml(k, v) for k, v in data.items())
        body = f'<?xml version="1.0" encoding="utf-8"?>\n<{root}>{inner}</{root}>'
    return HttpResponse(body.encode("utf-8"), status=status, content_type=FORMATS[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt if fmt in FORMATS else "xml",
                  root="errors", item="error", status=status)


def w3(dt: datetime | None) -> str | None:
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _handle(view):
    def wrapper(request, *args, fmt: str = "xml", **kwargs):
        jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if jurisdiction and jurisdiction != settings.HOTLINE_OPEN311_JURISDICTION:
            return error(fmt, 404, f"jurisdiction_id {jurisdiction[:40]} not found; this endpoint serves "
                                   f"{settings.HOTLINE_OPEN311_JURISDICTION}.")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except ValidationFailed as exc:
            return render([{"code": 400, "description": f"{e.field}: {e.message}"} for e in exc.errors], fmt,
                          root="errors", item="error", status=400)
        except DomainError as exc:
            return error(fmt, 404 if exc.http_status == 404 else 400, exc.message)
    wrapper.__name__ = view.__name__
    return wrapper


# ---------------------------------------------------------------------------------- resources

def _service(item) -> dict:
    group = item.classification.top.name if item.classification_id else ""
    return {"service_code": item.service_code, "service_name": item.name, "description": item.description,
            "metadata": bool(item.attributes), "type": settings.HOTLINE_OPEN311_SERVICE_TYPE,
            "keywords": ", ".join(w.strip() for w in item.keywords.replace("，", ",").split(",") if w.strip()),
            "group": group}


def _attributes(item) -> list[dict]:
    out = []
    for order, attr in enumerate(item.attributes or [], start=1):
        out.append({"variable": attr.get("variable", True), "code": attr["code"], "datatype": attr.get("datatype", "string"),
                    "required": bool(attr.get("required")), "datatype_description": attr.get("datatype_description"),
                    "order": attr.get("order", order), "description": attr.get("description", ""),
                    "values": [{"key": v["key"], "name": v["name"]} for v in attr.get("values", [])]})
    return out


def request_row(ticket: Ticket) -> dict:
    subject = ticket.merged_into if ticket.merged_into_id else ticket
    closed = subject.status in TERMINAL_STATUSES
    notes = subject.public_reply or (f"已与工单 {subject.number} 合并办理" if subject is not ticket else None)
    expected = None
    if subject.due_on and not closed:
        tz = timezone.get_current_timezone()
        expected = w3(datetime.combine(subject.due_on, datetime.max.time().replace(microsecond=0), tzinfo=tz))
    return {
        "service_request_id": ticket.number, "status": "closed" if closed else "open", "status_notes": notes,
        "service_name": ticket.item.name if ticket.item_id else None,
        "service_code": ticket.item.service_code if ticket.item_id else None,
        "description": None if ticket.confidential else ticket.description,
        "agency_responsible": subject.primary_unit.name if subject.primary_unit_id else None,
        "service_notice": _notice(subject), "requested_datetime": w3(ticket.received_at),
        "updated_datetime": w3(subject.closed_at if closed and subject.closed_at else max(ticket.updated_at, subject.updated_at)),
        "expected_datetime": expected, "address": None if ticket.confidential else (ticket.address or None),
        "address_id": None, "zipcode": None,
        "lat": None if ticket.confidential or ticket.lat is None else round(ticket.lat, 6),
        "long": None if ticket.confidential or ticket.lng is None else round(ticket.lng, 6),
        "media_url": ticket.media_url or None,
    }


def _notice(ticket: Ticket) -> str | None:
    if ticket.handling_limit_days is None:
        return None
    days = ticket.handling_limit_days
    return "当日办理" if days == 0 else f"承办单位将在 {days} 个{'工作日' if ticket.handling_limit_unit != 'natural' else '自然日'}内办理答复"


@_handle
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    changeset = w3(active_items().order_by("-updated_at").values_list("updated_at", flat=True).first() or timezone.now())
    data = {"changeset": changeset, "contact": settings.HOTLINE_OPEN311_CONTACT, "key_service": settings.HOTLINE_OPEN311_KEY_SERVICE,
            "endpoints": [{"specification": SPEC_URL, "url": base, "changeset": changeset, "type": "production",
                           "formats": ["text/xml", "application/json"]}]}
    return render(data, fmt, root="discovery")


@_handle
def service_list(request, fmt):
    return render([_service(i) for i in active_items()], fmt, root="services", item="service")


@_handle
def service_definition(request, service_code, fmt):
    item = item_by_code(service_code)
    if item is None:
        raise Open311Error(404, f"service_code {service_code[:40]} not found")
    return render({"service_code": item.service_code, "attributes": _attributes(item)}, fmt, root="service_definition")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt):
    return (_post_request if request.method == "POST" else _get_requests)(request, fmt=fmt)


def _float(value: str, field: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Open311Error(400, f"{field} must be a number (WGS84 degrees)") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise Open311Error(400, f"{field} must be a finite number")
    return number


def _posted_attributes(post) -> dict:
    values: dict[str, object] = {}
    for key in post:
        m = re.fullmatch(r"attribute\[([^\]]{1,50})\](\[\])?", key)
        if m:
            values[m.group(1)] = post.getlist(key) if m.group(2) else post.get(key)
    return values


def _check_attributes(item, given: dict) -> dict:
    defined = {a["code"]: a for a in item.attributes or []}
    for code, attr in defined.items():
        value = given.get(code)
        if attr.get("required") and (value in (None, "", [])):
            raise Open311Error(400, f"attribute[{code}] is required: {attr.get('description', '')}")
        keys = {str(v["key"]) for v in attr.get("values", [])}
        if value and attr.get("datatype") in ("singlevaluelist", "multivaluelist"):
            for v in value if isinstance(value, list) else [value]:
                if str(v) not in keys:
                    raise Open311Error(400, f"attribute[{code}] value {str(v)[:40]} is not one of {', '.join(sorted(keys))}")
    return {k: v for k, v in given.items() if k in defined}


@_handle
def _post_request(request, fmt):
    post = request.POST
    key = post.get("api_key", "")
    user = api_token_use(token=key.strip()) if key else None
    if user is None:
        raise Open311Error(403, "api_key missing or invalid -- can't proceed with create_request.")
    code = post.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code was not provided")
    item = item_by_code(code)
    if item is None:
        raise Open311Error(404, f"service_code {code[:40]} not found")
    lat, lng = post.get("lat"), post.get("long")
    address, address_id = post.get("address_string", ""), post.get("address_id", "")
    if (lat in (None, "")) != (lng in (None, "")):
        raise Open311Error(400, "lat and long must be sent together")
    if lat in (None, "") and not address and not address_id:
        raise Open311Error(400, "a location is required: lat & long, address_string or address_id")
    location = services.Location(_float(lat, "lat"), _float(lng, "long")) if lat not in (None, "") else None
    description = post.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is limited to {MAX_DESCRIPTION} characters")
    attributes = _check_attributes(item, _posted_attributes(post))
    name = f"{post.get('last_name', '')}{post.get('first_name', '')}".strip()
    found = emergency.detect(description)
    ticket = services.ticket_submit(
        actor=user, channel=Channel.OPEN311, ticket_type=(item.allowed_types or [TicketType.HELP])[0],
        description=description or item.name, title=item.name, item=item,
        address=(address or (f"地址编号 {address_id}" if address_id else ""))[:255], location=location,
        caller_name=name[:50], caller_phone=post.get("phone", "")[:20], attributes=attributes,
        media_url=post.get("media_url", "")[:500] if post.get("media_url", "").startswith(("http://", "https://")) else "",
        external_account=(post.get("account_id") or post.get("device_id") or "")[:100],
        emergency_confirmed=True, dispatch=not found)
    notice = _notice(ticket) or "已受理，将尽快派单办理"
    if found:
        notice = emergency.message_for([line for line, _ in found]) + "已转人工核实。"
    row = {"service_notice": notice, "account_id": post.get("account_id") or None}
    if settings.HOTLINE_OPEN311_SERVICE_TYPE == "batch":
        token = Open311Token.objects.create(token=f"t{ticket.pk}{ticket.lookup_code}", ticket=ticket, created_at=timezone.now())
        row = {"token": token.token, **row}
    else:
        row = {"service_request_id": ticket.number, **row}
    return render([row], fmt, root="service_requests", item="request", status=200)


def _parse_w3(value: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{field} must be a w3 datetime such as 2026-01-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise Open311Error(400, f"{field} must include a timezone (Z or ±HH:MM)")
    return parsed


@_handle
def _get_requests(request, fmt):
    qs = Ticket.objects.select_related("item", "primary_unit", "merged_into", "merged_into__primary_unit")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # "This overrides all other arguments."
        qs = qs.filter(number__in=ids[:MAX_RESULTS])
    else:
        start_raw, end_raw = request.GET.get("start_date"), request.GET.get("end_date")
        start = _parse_w3(start_raw, "start_date") if start_raw else None
        end = _parse_w3(end_raw, "end_date") if end_raw else None
        if start and end and end < start:
            raise Open311Error(400, "end_date is before start_date")
        if start and end and end - start > WINDOW:
            raise Open311Error(400, "start_date and end_date may not span more than 90 days")
        end = end or (start + WINDOW if start else timezone.now())
        start = start or end - WINDOW
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(item__service_code__in=codes)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed (comma delimited)")
        if statuses == {"open"} or statuses == {"closed"}:
            closed_q = (Q(merged_into__isnull=True, status__in=TERMINAL_STATUSES - {"merged"})
                        | Q(merged_into__isnull=False, merged_into__status__in=TERMINAL_STATUSES))
            qs = qs.filter(closed_q) if statuses == {"closed"} else qs.exclude(closed_q)
    rows = [request_row(t) for t in qs.order_by("-received_at")[:MAX_RESULTS]]
    return render(rows, fmt, root="service_requests", item="request")


@_handle
def request_detail(request, service_request_id, fmt):
    ticket = Ticket.objects.select_related("item", "primary_unit", "merged_into").filter(number=service_request_id[:24]).first()
    if ticket is None:
        raise Open311Error(404, f"service_request_id {service_request_id[:24]} not found")
    return render([request_row(ticket)], fmt, root="service_requests", item="request")


@_handle
def token_detail(request, token, fmt):
    row = Open311Token.objects.select_related("ticket").filter(token=token[:40]).first()
    if row is None:
        raise Open311Error(404, f"token {token[:40]} not found")
    return render([{"service_request_id": row.ticket.number, "token": row.token}], fmt, root="service_requests", item="request")


def not_found(request, rest=""):
    fmt = "json" if rest.endswith(".json") else "xml"
    return error(fmt, 404, "unknown resource; see discovery.xml for the endpoints")
