"""Public text of the loaded Xi'an catalog carries no provenance: every public guide page, guide PDF
and life-event page is rendered and searched for the marks of internal notes (seed numbers, data
file names, "unverified", "not adopted", "third-party copy", commands). Provenance lives in
ImplementationVersion.provenance_note, which only catalog staff see."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils.html import strip_tags
from pypdf import PdfReader

from yiwang.catalog.models import ItemImplementation, LifeEvent
from yiwang.catalog.seed.loader import load_xian

# Each pattern is a way an internal remark has leaked before, or a close cousin of one.
MARKERS = re.compile(
    r"seed|种子数据|guides\.json|\w+\.(?:json|py|csv|xlsx)\b|manage\.py|load_xian|第三方转载|转载|未核实|"
    r"不采用(?!告知承诺)|出自|示例）|经验）|TODO|FIXME|待核实|待确认",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            load_xian()
            yield
            transaction.set_rollback(True)
        connection.close()


def _leaks(text: str) -> list[str]:
    return sorted({m.group(0) for m in MARKERS.finditer(text)})


def _public_implementations():
    return list(ItemImplementation.objects.filter(current_version__isnull=False).values_list("id", "implementation_code"))


def test_marker_pattern_catches_the_reported_notes():
    for note in ("guides.json 的60个工作日出自广西浦北县，不采用", "延安市企业开办清单（seed 004）", "（seed 004 莲湖区经验）",
                 "guides.json：未核实", "上海示例（第三方转载）"):
        assert _leaks(note), note
    assert not _leaks("不采用告知承诺方式的：受理后10个工作日内检查")


def test_no_public_guide_page_shows_provenance(seeded, db, client):
    leaks = {}
    implementations = _public_implementations()
    assert len(implementations) > 100
    for implementation_id, name in implementations:
        response = client.get(reverse("catalog:guide", args=[implementation_id]))
        assert response.status_code == 200, name
        found = _leaks(strip_tags(response.content.decode()))
        if found:
            leaks[name] = found
    assert leaks == {}


def test_no_guide_pdf_shows_provenance(seeded, db, client):
    leaks = {}
    for implementation_id, name in _public_implementations():
        response = client.get(reverse("catalog:guide_pdf", args=[implementation_id]))
        assert response.status_code == 200, name
        reader = PdfReader(io.BytesIO(response.content))
        # Lines wrap anywhere in Chinese text; search the text with the white space taken out too.
        text = "\n".join(page.extract_text() for page in reader.pages)
        found = _leaks(text) + _leaks("".join(text.split()))
        if found:
            leaks[name] = sorted(set(found))
    assert leaks == {}


def test_no_life_event_page_shows_provenance(seeded, db, client):
    leaks = {}
    events = list(LifeEvent.objects.values_list("id", "name"))
    assert events
    for event_id, name in events:
        response = client.get(reverse("catalog:life_event", args=[event_id]))
        assert response.status_code == 200, name
        found = _leaks(strip_tags(response.content.decode()))
        if found:
            leaks[name] = found
    assert leaks == {}
