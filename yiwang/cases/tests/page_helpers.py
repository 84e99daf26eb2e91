"""Helpers shared by the page tests (test_pages_*.py) and the browser tests: cases filed today
(the pages use the real date), HTML checks of the error summary and of one input's errors."""

from __future__ import annotations

import re
from html import unescape

from django.utils import timezone

from yiwang.cases.models import Locker


def today():
    return timezone.localdate()


def file_case(submit, **kwargs):
    """A case filed today through the intake service (the `submit` fixture of conftest.py)."""
    return submit(today=today(), **kwargs)


def accept(world, case):
    from yiwang.cases.services import case_accept

    case_accept(actor=world.clerk, case=case)
    case.refresh_from_db()
    return case


def locker(world):
    return Locker.objects.create(outlet=world.hall, code="XA-0001", location="市政务服务中心东门")


def html(response) -> str:
    return response.content.decode()


def summary_links(response) -> list[tuple[str, str]]:
    """(href, text) of every link in the error summary at the top."""
    body = html(response)
    match = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    assert match, "no error summary on the page"
    return [(href, unescape(re.sub(r"<[^>]+>", "", text)).strip())
            for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', match.group(0), re.S)]


def field_error(response, element_id: str) -> str:
    """The error text shown beside the input `element_id` (its `<id>-error` / `<id>_error`)."""
    body = html(response)
    match = re.search(rf'id="{re.escape(element_id)}[-_]error">(.*?)</p>', body, re.S)
    assert match, f"no error beside #{element_id}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("错误：", "").strip()
