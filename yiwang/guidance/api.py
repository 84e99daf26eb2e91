"""The guided-search API, mounted at /api/v1/guidance.

- `GET /search?q=…` ranked bundles and items (name, kind, id, code, url, the matched passage),
  how the words were read (synonyms, corrected typos), and when nothing matched a fallback: the
  closest bundles, 12345 and the nearest hall. A query with no match is logged for staff.
- `POST /clicks` what someone opened after a search (counted; staff review before it counts).
- `GET /knowledge?q=…` the best knowledge-base entries.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import StringConstraints

from yiwang.core.inputs import Int
from yiwang.guidance import selectors, services
from yiwang.guidance.constants import ResultKind

router = Router(tags=["guidance"])
Q = Annotated[str, StringConstraints(max_length=200)]


class SearchQuery(Schema):
    q: Q = ""
    limit: Int(1, 50) = 10


class ResultOut(Schema):
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


class OutletOut(Schema):
    name: str
    address: str = ""
    id: int | None = None


class FallbackOut(Schema):
    message: str
    bundles: list[ResultOut]
    hotline: str
    outlet: OutletOut | None = None


class ReadingOut(Schema):
    synonyms: list[list[str]]
    corrections: list[list[str]]


class SearchOut(Schema):
    query: str
    results: list[ResultOut]
    reading: ReadingOut
    fallback: FallbackOut | None = None


FALLBACK_MESSAGE = ("没有找到与您的描述直接对应的事项。您可以看看下面的“一件事”，拨打 12345 政务服务便民热线咨询，"
                    "或到就近的政务服务大厅窗口办理。")


def search_payload(q: str, limit: int = 10) -> dict:
    found = selectors.search(q, limit=max(1, min(limit, 50)))
    if found.query and found.fallback is not None:
        services.log_zero_result(found.query, [b.name for b in found.fallback.bundles])
    fallback = None
    if found.fallback is not None and found.query:
        fallback = {"message": FALLBACK_MESSAGE,
                    "bundles": [r.__dict__ for r in found.fallback.bundles], "hotline": found.fallback.hotline,
                    "outlet": found.fallback.outlet}
    return {"query": found.query, "results": [r.__dict__ for r in found.results],
            "reading": {"synonyms": [list(s) for s in found.expansion.synonyms],
                        "corrections": [list(c) for c in found.expansion.corrections]},
            "fallback": fallback}


@router.get("/search", response=SearchOut, summary="智能导办搜索：日常用语 → 一件事和事项")
def search(request, query: Query[SearchQuery]):
    return search_payload(query.q, query.limit)


class ClickIn(Schema):
    q: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    kind: ResultKind
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(max_length=200)] = ""


@router.post("/clicks", response={204: None}, summary="记录搜索后的点击（经审核后才影响排序）")
def clicks(request, payload: ClickIn):
    services.record_click(query=payload.q, kind=payload.kind.value, code=payload.code, name=payload.name)
    return 204, None


class KnowledgeOut(Schema):
    key: str
    title: str
    body: str
    source_document: str
    score: float


@router.get("/knowledge", response=list[KnowledgeOut], summary="知识库检索")
def knowledge(request, q: Q = ""):
    return [k.__dict__ for k in selectors.knowledge_search(q)]
