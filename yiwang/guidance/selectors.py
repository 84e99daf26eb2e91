"""Reads of guided search: the index (built in memory from the tables, cached per process under a
version stamp), search with its fallback, the knowledge base, answers and staff lists."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse

from yiwang.bundles import selectors as bundle_selectors
from yiwang.catalog import selectors as catalog_selectors
from yiwang.guidance.constants import HOTLINE, ClickStatus
from yiwang.guidance.engine import (
    TOKENS_VERSION,
    CatalogIndex,
    Doc,
    Engine,
    Expansion,
    Hit,
    KnowledgeDoc,
    KnowledgeIndex,
    KnowledgeRow,
    Passage,
    clean,
    knowledge_tokens,
)
from yiwang.guidance.models import KnowledgeEntry, SearchClick, Synonym, ZeroResultSearch

logger = logging.getLogger(__name__)

STAMP_CHECK_SECONDS = 2.0
_LOCK = threading.Lock()
# Per process: the catalog index, the knowledge index and the query layer, each with the stamp of
# what it was built from, and the Engine over them. `dirty` asks the next search to look at the
# stamps at once (this process's own writes); other processes look every STAMP_CHECK_SECONDS.
_STATE: dict = {"engine": None, "checked": 0.0, "dirty": False, "catalog": None, "catalog_stamp": None,
                "kb": None, "kb_stamp": None, "query": None, "query_stamp": None, "last": {}}
# Catalog documents' tokens by their text, so a republished guide re-cuts only itself.
_DOC_TOKENS: dict = {}


def clear_cache() -> None:
    """Forget every index (tests: ids are reused after a rollback). The next search builds from
    the tables — the knowledge index from the entries' stored tokens, cutting no text again."""
    _STATE.update(engine=None, checked=0.0, dirty=False, catalog=None, catalog_stamp=None, kb=None, kb_stamp=None,
                  query=None, query_stamp=None, last={})
    _DOC_TOKENS.clear()


def mark_changed() -> None:
    """This process wrote something the index is built from: the next search looks at the stamps
    now (and brings in only what changed)."""
    _STATE["dirty"] = True


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return "；".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(_text(v) for v in value.values())
    return str(value or "")


def _catalog_versions():
    return (catalog_selectors.published_versions().filter(implementation__current_version=F("pk"))
            .prefetch_related("materials", "faqs"))


def version_stamp() -> dict:
    """What the indexes were built from, per part: the catalog (published guides and bundles), the
    knowledge base (current entries: count, newest row, latest change) and the query layer
    (synonyms, approved click patterns)."""
    items = _catalog_versions().aggregate(n=Count("pk"), t=Max("updated_at"))
    bundles = bundle_selectors.published_versions().aggregate(n=Count("pk"), t=Max("updated_at"))
    kb = KnowledgeEntry.objects.aggregate(n=Count("pk", filter=Q(is_current=True)), m=Max("pk"), t=Max("updated_at"))
    syn = Synonym.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    clicks = SearchClick.objects.filter(status=ClickStatus.APPROVED).aggregate(n=Count("pk"), t=Max("updated_at"))
    return {"catalog": (tuple(items.values()), tuple(bundles.values())), "kb": tuple(kb.values()),
            "query": (tuple(syn.values()), tuple(clicks.values()))}


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


_KB_FIELDS = ("pk", "key", "title", "body", "source_document", "item_code", "bundle_code", "search_tokens", "tokens_version")


def _knowledge_rows(qs) -> list[KnowledgeRow]:
    """Index rows of the entries in `qs`, from their stored tokens; an entry without tokens of
    the current tokeniser (written in bulk, or cut by an older one) is cut now and its tokens
    stored, once."""
    out, missing = [], []
    for pk, key, title, body, source, item_code, bundle_code, stored, version in qs.values_list(*_KB_FIELDS).iterator(chunk_size=5000):
        target = ("bundle", bundle_code) if bundle_code else (("item", item_code) if item_code else None)
        if version == TOKENS_VERSION:
            toks = tuple(stored.split())
        else:
            toks = tuple(knowledge_tokens(title, body))
            missing.append((pk, " ".join(toks)))
        out.append(KnowledgeRow(pk, KnowledgeDoc(key=key, title=title, body=body, source_document=source, target=target), toks))
    if missing:
        store_tokens(missing)
    return out


def store_tokens(pairs: list[tuple[int, str]]) -> None:
    """Keep cut tokens with their entries (a cache fill: no business data changes, no audit)."""
    table, key = KnowledgeEntry._meta.db_table, KnowledgeEntry._meta.pk.column
    try:
        # One UPDATE per row, sent as a batch (bulk_update's CASE over thousands of rows is far
        # slower); updated_at stays: the version stamp does not move for a cache fill.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET search_tokens = %s, tokens_version = %s WHERE {key} = %s",  # noqa: S608
                               [(t, TOKENS_VERSION, pk) for pk, t in pairs])
    except DatabaseError:  # a read-only connection: cut again next time, search still works
        logger.warning("guidance: could not store knowledge tokens", exc_info=True)


def build_knowledge_index() -> KnowledgeIndex | None:
    rows = _knowledge_rows(KnowledgeEntry.objects.filter(is_current=True).order_by("pk"))
    return KnowledgeIndex(rows) if rows else None


def refresh_knowledge_index(index: KnowledgeIndex | None) -> tuple[KnowledgeIndex | None, str]:
    """The knowledge index brought up to the table: the current row ids are compared with the
    index's; rows gone are masked, rows new (a new entry, a new version) come in from their
    stored tokens. Correct in every process whoever wrote the change. A full build only at start,
    or when the delta has grown past its limit (from stored tokens too)."""
    if index is None:
        return build_knowledge_index(), "full"
    current = set(KnowledgeEntry.objects.filter(is_current=True).values_list("pk", flat=True))
    have = index.pks()
    removed, added_pks = have - current, current - have
    if not removed and not added_pks:
        return index, "none"
    added = _knowledge_rows(KnowledgeEntry.objects.filter(pk__in=added_pks).order_by("pk")) if added_pks else []
    index = index.changed(removed=removed, added=added)
    if index.needs_rebuild:
        rows = index.rows()
        return (KnowledgeIndex(rows) if rows else None), "rebuild"
    return index, "delta"


def _clicks() -> dict:
    out: dict = {}
    for c in SearchClick.objects.filter(status=ClickStatus.APPROVED):
        out.setdefault(c.query, {})[(c.kind, c.code)] = c.count
    return out


def build_engine() -> Engine:
    """A fresh engine from the tables, sharing nothing with the cached one."""
    synonyms = dict(Synonym.objects.filter(active=True).values_list("phrase", "canonical"))
    return Engine(CatalogIndex(_bundle_docs() + _item_docs()), build_knowledge_index(), synonyms=synonyms, clicks=_clicks())


def engine() -> Engine:
    """The index in force. The stamps are looked at every STAMP_CHECK_SECONDS (at once after this
    process's own write); only the part whose stamp moved is brought up to date: the catalog
    index rebuilt (re-cutting only changed documents), the knowledge index changed by delta, the
    synonyms and click patterns reloaded."""
    now = time.monotonic()
    if _STATE["engine"] is not None and not _STATE["dirty"] and now - _STATE["checked"] < STAMP_CHECK_SECONDS:
        return _STATE["engine"]
    with _LOCK:
        _STATE["dirty"] = False
        stamp = version_stamp()
        fresh = _STATE["engine"] is None
        timings = {}
        if fresh or _STATE["catalog_stamp"] != stamp["catalog"]:
            t = time.monotonic()
            _STATE.update(catalog=CatalogIndex(_bundle_docs() + _item_docs(), token_cache=_DOC_TOKENS),
                          catalog_stamp=stamp["catalog"])
            timings["catalog"] = time.monotonic() - t
            fresh = True
        if _STATE["engine"] is None or _STATE["kb_stamp"] != stamp["kb"]:
            t = time.monotonic()
            kb, how = refresh_knowledge_index(_STATE["kb"])
            _STATE.update(kb=kb, kb_stamp=stamp["kb"])
            timings["knowledge"] = (how, time.monotonic() - t)
            fresh = True
        if _STATE["engine"] is None or _STATE["query_stamp"] != stamp["query"]:
            _STATE.update(query=(dict(Synonym.objects.filter(active=True).values_list("phrase", "canonical")), _clicks()),
                          query_stamp=stamp["query"])
            fresh = True
        if fresh:
            synonyms, clicks = _STATE["query"]
            _STATE["engine"] = Engine(_STATE["catalog"], _STATE["kb"], synonyms=synonyms, clicks=clicks)
            _STATE["last"] = timings
        _STATE["checked"] = time.monotonic()
        return _STATE["engine"]


def last_refresh() -> dict:
    """What the last refresh did and how long it took (the benchmark prints it)."""
    return dict(_STATE["last"])


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
