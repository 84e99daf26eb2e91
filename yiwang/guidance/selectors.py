"""Reads of guided search: the index (built in memory from the tables, cached per process under a
version stamp), search with its fallback, the knowledge base, answers and staff lists."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db.models import Count, F, Max
from django.urls import reverse

from yiwang.bundles import selectors as bundle_selectors
from yiwang.catalog import selectors as catalog_selectors
from yiwang.guidance.constants import HOTLINE, ClickStatus
from yiwang.guidance.engine import Doc, Engine, Expansion, Hit, KnowledgeDoc, Passage, clean
from yiwang.guidance.models import KnowledgeEntry, SearchClick, Synonym, ZeroResultSearch

STAMP_CHECK_SECONDS = 2.0
_LOCK = threading.Lock()
_STATE: dict = {"engine": None, "stamp": None, "checked": 0.0}


def clear_cache() -> None:
    """Forget the index (tests; and every write of this app, so the next search rebuilds)."""
    _STATE.update(engine=None, stamp=None, checked=0.0)


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return "；".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(_text(v) for v in value.values())
    return str(value or "")


def _catalog_versions():
    return (catalog_selectors.published_versions().filter(implementation__current_version=F("pk"))
            .prefetch_related("materials", "faqs"))


def version_stamp() -> tuple:
    """What the index was built from: changes when a guide or bundle is published, a knowledge
    entry saved, a synonym edited or a click pattern reviewed."""
    items = _catalog_versions().aggregate(n=Count("pk"), t=Max("updated_at"))
    bundles = bundle_selectors.published_versions().aggregate(n=Count("pk"), t=Max("updated_at"))
    kb = KnowledgeEntry.objects.filter(is_current=True).aggregate(n=Count("pk"), m=Max("pk"))
    syn = Synonym.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    clicks = SearchClick.objects.filter(status=ClickStatus.APPROVED).aggregate(n=Count("pk"), t=Max("updated_at"))
    return tuple(tuple(d.values()) for d in (items, bundles, kb, syn, clicks))


def _item_docs() -> list[Doc]:
    docs = []
    for v in _catalog_versions():
        base = v.implementation.base_item.name
        passages = [Passage("事项名称", v.name)]
        if v.acceptance_conditions:
            passages.append(Passage("受理条件", _text(v.acceptance_conditions)))
        mats = "、".join(m.name for m in v.materials.all())
        if mats:
            passages.append(Passage("申请材料", mats))
        for f in v.faqs.all():
            passages.append(Passage("常见问题", f"{f.question} {f.answer}"))
        if v.result_name:
            passages.append(Passage("办理结果", v.result_name))
        docs.append(Doc(kind="item", code=v.implementation.implementation_code, id=v.implementation_id, name=v.name,
                        aliases=tuple(a for a in {base, v.result_name} if a and a != v.name), passages=tuple(passages),
                        high_frequency=v.high_frequency, url=reverse("catalog:guide", args=[v.implementation_id])))
    return docs


def _bundle_docs() -> list[Doc]:
    versions = bundle_selectors.published_bundles()
    definitions = bundle_selectors.definitions_of(versions)
    docs = []
    for v in versions:
        d = definitions.get(v.pk)
        members = "、".join(m.name for m in d.members) if d else ""
        questions = "；".join(q.text for q in d.questions) if d and d.questions and hasattr(d.questions[0], "text") else ""
        passages = [Passage("一件事", v.name)]
        if v.summary:
            passages.append(Passage("简介", v.summary))
        if members:
            passages.append(Passage("包含事项", members, indexed=False))
        if questions:
            passages.append(Passage("情形", questions, indexed=False))
        docs.append(Doc(kind="bundle", code=v.bundle.code, id=v.bundle_id, name=v.name, passages=tuple(passages),
                        high_frequency=True, url=reverse("bundles:guide", args=[v.bundle_id])))
    return docs


def _knowledge_docs(item_codes: dict[str, str]) -> list[KnowledgeDoc]:
    out = []
    rows = KnowledgeEntry.objects.filter(is_current=True).values_list(
        "key", "title", "body", "source_document", "item_code", "bundle_code").iterator(chunk_size=5000)
    for key, title, body, source, item_code, bundle_code in rows:
        target = ("bundle", bundle_code) if bundle_code else (("item", item_code) if item_code else None)
        out.append(KnowledgeDoc(key=key, title=title, body=body, source_document=source, target=target))
    return out


def _clicks() -> dict:
    out: dict = {}
    for c in SearchClick.objects.filter(status=ClickStatus.APPROVED):
        out.setdefault(c.query, {})[(c.kind, c.code)] = c.count
    return out


def build_engine() -> Engine:
    docs = _bundle_docs() + _item_docs()
    synonyms = dict(Synonym.objects.filter(active=True).values_list("phrase", "canonical"))
    return Engine(docs, _knowledge_docs({}), synonyms=synonyms, clicks=_clicks())


def engine() -> Engine:
    """The index in force; the stamp is checked at most every STAMP_CHECK_SECONDS."""
    now = time.monotonic()
    if _STATE["engine"] is not None and now - _STATE["checked"] < STAMP_CHECK_SECONDS:
        return _STATE["engine"]
    stamp = version_stamp()
    with _LOCK:
        if _STATE["engine"] is None or _STATE["stamp"] != stamp:
            _STATE.update(engine=build_engine(), stamp=stamp)
        _STATE["checked"] = now
        return _STATE["engine"]


# --- search ---


@dataclass(frozen=True)
class Result:
    kind: str
    id: int
    code: str
    name: str
    url: str
    passage_label: str
    passage: str
    score: float
    knowledge_title: str = ""
    knowledge_source: str = ""


@dataclass
class Fallback:
    """What someone is offered when nothing matched: never an empty page."""

    bundles: list[Result]
    hotline: str = HOTLINE
    outlet: dict | None = None


@dataclass
class SearchAnswer:
    query: str
    results: list[Result]
    expansion: Expansion = field(default_factory=Expansion)
    fallback: Fallback | None = None


def _result(hit: Hit) -> Result:
    p = hit.passage
    return Result(kind=hit.doc.kind, id=hit.doc.id, code=hit.doc.code, name=hit.doc.name, url=hit.doc.url,
                  passage_label=p.label if p else "", passage=(p.text if p else "")[:200], score=round(hit.score, 4),
                  knowledge_title=hit.knowledge.title if hit.knowledge else "",
                  knowledge_source=hit.knowledge.source_document if hit.knowledge else "")


def nearest_outlet_hint() -> dict | None:
    """The hall to go to when nothing matched: the city's main hall (servicemap), if any."""
    try:
        from yiwang.servicemap import selectors as servicemap_selectors

        outlets = servicemap_selectors.outlets_nearest(lat=34.2658, lng=108.9541, limit=1)
    except Exception:  # noqa: BLE001 — a hint must never break a search
        return None
    for o in getattr(outlets, "results", ()) or ():
        rec = o.record
        return {"name": getattr(rec, "name", ""), "address": getattr(rec, "address", "") or "", "id": getattr(rec, "id", None)}
    return None


def fallback_bundles(limit: int = 5) -> list[Result]:
    eng = engine()
    return [Result(kind=d.kind, id=d.id, code=d.code, name=d.name, url=d.url, passage_label="", passage="", score=0.0)
            for d in eng.docs if d.kind == "bundle"][:limit]


def search(q: str, *, limit: int = 10) -> SearchAnswer:
    """Ranked bundles and items for everyday words. With no hit, a fallback (closest bundles by
    the words' bigrams, 12345, the nearest hall) — callers log it with `services.log_zero_result`."""
    query = clean(q)
    if not query:
        return SearchAnswer(query="", results=[])
    hits, exp = engine().search(query, limit=limit)
    results = [_result(h) for h in hits]
    answer = SearchAnswer(query=query, results=results, expansion=exp)
    if not results:
        answer.fallback = Fallback(bundles=fallback_bundles(), outlet=nearest_outlet_hint())
    return answer


# --- knowledge base ---


@dataclass(frozen=True)
class KnowledgeHit:
    key: str
    title: str
    body: str
    source_document: str
    score: float


def knowledge_search(q: str, *, limit: int = 5) -> list[KnowledgeHit]:
    """The knowledge base's best current entries for a question (the hotline console uses this)."""
    query = clean(q)
    if not query:
        return []
    return [KnowledgeHit(key=k.key, title=k.title, body=k.body, source_document=k.source_document, score=round(s, 4))
            for k, s in engine().knowledge_search(query, limit=limit)]


def knowledge_entries(*, q: str = "", limit: int = 100):
    qs = KnowledgeEntry.objects.filter(is_current=True)
    if q:
        qs = qs.filter(title__icontains=q)
    return list(qs.order_by("key")[:limit])


def knowledge_history(key: str) -> list[KnowledgeEntry]:
    return list(KnowledgeEntry.objects.filter(key=key).order_by("-version"))


def synonyms() -> list[Synonym]:
    return list(Synonym.objects.order_by("phrase"))


def zero_results(limit: int = 100) -> list[ZeroResultSearch]:
    return list(ZeroResultSearch.objects.filter(resolved=False)[:limit])


def clicks_for_review(limit: int = 100) -> list[SearchClick]:
    from yiwang.guidance.constants import CLICK_REVIEW_THRESHOLD

    return list(SearchClick.objects.filter(status=ClickStatus.PENDING, count__gte=CLICK_REVIEW_THRESHOLD)[:limit])


# --- answers (Q&A) ---


@dataclass
class Answer:
    question: str
    quotes: list[Result]  # passages quoted verbatim, each with its source item
    knowledge: list[KnowledgeHit]
    generated: str = ""  # only from an enabled backend, only from the quotes, with [n] citations


def answer(question: str, *, limit: int = 3) -> Answer:
    from yiwang.guidance import generative

    found = search(question, limit=limit)
    quotes = [r for r in found.results if r.passage]
    kb = knowledge_search(question, limit=2)
    text = generative.phrase(question, [(r.name, r.passage) for r in quotes] + [(k.title, k.body) for k in kb])
    return Answer(question=found.query, quotes=quotes, knowledge=kb, generated=text)
