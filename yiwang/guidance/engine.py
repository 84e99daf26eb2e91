"""The in-memory guided-search engine: no database, no Django models — documents in, ranked hits out.

Text is cut with jieba (search mode) and, for every run of Chinese characters, into character
bigrams too: a colloquial fragment ("饭馆执照") still shares bigrams with the catalog's words when
jieba cuts it differently. Scoring is BM25 (bm25s). Before scoring, the query goes through the
synonym layer (口语 → 规范用语, maintained by staff) and the typo layer: a query word the index has
never seen is replaced by the index words one edit away (same length, one character different, or
one character missing/extra), so 社宝卡 finds 社保卡.

Catalog documents (bundles, items) and knowledge entries live in two indexes: the catalog one is
small and scored in full; the knowledge one can hold 100,000 entries and only its top hits are
taken, each lending its score to the item or bundle it is linked to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import bm25s
import jieba
import numpy as np

from yiwang.guidance.constants import BUNDLE_BOOST, CLICK_BOOST, HIGH_FREQUENCY_BOOST

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Words that say nothing about what someone wants to do; kept out of queries and documents.
STOP_WORDS = frozenset({
    "的", "了", "吗", "呢", "吧", "啊", "呀", "我", "我们", "你", "要", "想", "想要", "需要", "怎么", "怎么办", "怎样", "如何", "什么", "啥",
    "哪些", "哪里", "在", "去", "给", "把", "和", "与", "及", "或", "是", "有", "能", "可以", "一个", "一家", "个", "家", "办", "办理",
    "手续", "请问", "问", "下", "一下", "该", "应该", "都", "还", "就", "做", "弄", "搞", "申请", "自己", "这", "那", "吗？"
})
_BIGRAM_STOP = frozenset({"怎么", "什么", "可以", "需要", "一下", "办理"})


def clean(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())[:100]


def words(text: str) -> list[str]:
    """jieba search-mode words, stop words and punctuation dropped."""
    out = []
    for token in jieba.lcut_for_search(text or ""):
        token = token.strip().lower()
        if token and _WORD.search(token) and token not in STOP_WORDS:
            out.append(token)
    return out


def bigrams(text: str) -> list[str]:
    out = []
    for run in _CJK_RUN.findall(text or ""):
        out.extend(b for b in (run[i:i + 2] for i in range(len(run) - 1)) if b not in _BIGRAM_STOP)
    return out


def tokens(text: str) -> list[str]:
    return words(text) + ["#" + b for b in bigrams(text)]


@dataclass(frozen=True)
class Passage:
    label: str  # 事项名称, 受理条件, 常见问题 …
    text: str
    indexed: bool = True  # False: shown as context, not searched (a bundle's member list)


@dataclass(frozen=True)
class Doc:
    kind: str  # "bundle" | "item"
    code: str  # bundle code / implementation code
    id: int  # bundle id / implementation id (the public page's key)
    name: str
    aliases: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    high_frequency: bool = False
    url: str = ""


@dataclass(frozen=True)
class KnowledgeDoc:
    key: str
    title: str
    body: str
    source_document: str
    target: tuple[str, str] | None = None  # (kind, code) it explains


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float
    passage: Passage | None
    knowledge: KnowledgeDoc | None = None


@dataclass
class Expansion:
    """How the query was read: synonyms applied, typos corrected (shown to the user)."""

    synonyms: list[tuple[str, str]] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1:] for i in range(len(term))}


class Engine:
    def __init__(self, docs: Sequence[Doc], knowledge: Sequence[KnowledgeDoc] = (), *,
                 synonyms: Mapping[str, str] | None = None, clicks: Mapping[str, Mapping[tuple[str, str], int]] | None = None):
        self.docs = list(docs)
        self.knowledge = list(knowledge)
        self.synonyms = dict(synonyms or {})
        # Longest phrase first, so 小吃店 applies before 吃.
        self._synonym_order = sorted(self.synonyms, key=len, reverse=True)
        self.clicks = {q: dict(v) for q, v in (clicks or {}).items()}
        self._by_target = {(d.kind, d.code): i for i, d in enumerate(self.docs)}
        corpus = [self._doc_tokens(d) for d in self.docs]
        self.catalog = bm25s.BM25()
        self.catalog.index(corpus or [[""]], show_progress=False)
        self.catalog_vocab = set(self.catalog.vocab_dict)
        self._multiplier = np.array([(BUNDLE_BOOST if d.kind == "bundle" else 1.0)
                                     * (HIGH_FREQUENCY_BOOST if d.high_frequency else 1.0) for d in self.docs] or [1.0])
        self._kb = None
        self.kb_vocab: set[str] = set()
        if self.knowledge:
            self._kb = bm25s.BM25()
            self._kb.index([tokens(k.title + " " + k.title + " " + k.body) for k in self.knowledge], show_progress=False)
            self.kb_vocab = set(self._kb.vocab_dict)
        # Typo layer: every plain word of the catalog (2–6 characters) under its one-deletion forms.
        self._typo: dict[str, set[str]] = defaultdict(set)
        for term in self.catalog_vocab:
            if not term.startswith("#") and 2 <= len(term) <= 6 and _CJK_RUN.fullmatch(term):
                self._typo[term].add(term)
                for d in _deletions(term):
                    self._typo[d].add(term)

    @staticmethod
    def _doc_tokens(doc: Doc) -> list[str]:
        # The name counts three times and aliases twice: a word in the name says more than the
        # same word somewhere in a guide's conditions.
        toks = tokens(doc.name) * 3
        for alias in doc.aliases:
            toks += tokens(alias) * 2
        for passage in doc.passages:
            if passage.indexed:
                toks += tokens(passage.text)
        return toks

    # --- query reading ---

    def expand(self, query: str) -> tuple[list[str], Expansion]:
        q = clean(query)
        exp = Expansion()
        extra: list[str] = []
        rest = q
        for phrase in self._synonym_order:
            if phrase and phrase in rest:
                exp.synonyms.append((phrase, self.synonyms[phrase]))
                extra.append(self.synonyms[phrase])
                rest = rest.replace(phrase, " ")
        toks = tokens(rest)
        for text in extra:
            # The canonical words count double: they are what the phrase means.
            toks += tokens(text) * 2
        out = []
        for t in toks:
            if t.startswith("#") or t in self.catalog_vocab or t in self.kb_vocab:
                out.append(t)
                continue
            fixes = self.corrections_for(t)
            if fixes:
                exp.corrections.append((t, fixes[0]))
                out.extend(fixes)
                out.extend("#" + b for f in fixes for b in bigrams(f))
        return out, exp

    def corrections_for(self, term: str) -> list[str]:
        if not (2 <= len(term) <= 6 and _CJK_RUN.fullmatch(term)):
            return []
        candidates = set(self._typo.get(term, ()))
        for d in _deletions(term):
            candidates |= self._typo.get(d, set())
        candidates.discard(term)
        # Same-length substitutions first (社宝卡 → 社保卡), then one missing or extra character.
        return sorted(candidates, key=lambda c: (abs(len(c) - len(term)), c))[:3]

    # --- scoring ---

    def search(self, query: str, *, limit: int = 10) -> tuple[list[Hit], Expansion]:
        toks, exp = self.expand(query)
        if not toks or not self.docs:
            return [], exp
        known = [t for t in toks if t in self.catalog_vocab]
        scores = self.catalog.get_scores(known).astype(float) if known else np.zeros(len(self.docs))
        kb_best: dict[int, tuple[float, KnowledgeDoc]] = {}
        if self._kb is not None:
            kb_known = [t for t in toks if t in self.kb_vocab]
            if kb_known:
                res = self._kb.retrieve([kb_known], k=min(10, len(self.knowledge)), show_progress=False, n_threads=1)
                for idx, s in zip(res.documents[0], res.scores[0], strict=True):
                    entry = self.knowledge[int(idx)]
                    if s <= 0 or entry.target is None or entry.target not in self._by_target:
                        continue
                    i = self._by_target[entry.target]
                    # Knowledge lends a share of its score: it explains the item, it is not the item.
                    scores[i] += 0.3 * float(s)
                    if i not in kb_best or kb_best[i][0] < s:
                        kb_best[i] = (float(s), entry)
        scores = scores * self._multiplier
        top = float(scores.max()) if len(scores) else 0.0
        for target, n in self.clicks.get(clean(query), {}).items():
            i = self._by_target.get(target)
            if i is not None and n > 0 and top > 0:
                scores[i] += CLICK_BOOST * top
        order = np.argsort(-scores, kind="stable")[:limit]
        hits = []
        for i in order:
            if scores[i] <= 0:
                break
            doc = self.docs[int(i)]
            kb = kb_best.get(int(i))
            hits.append(Hit(doc=doc, score=float(scores[i]), passage=self.best_passage(doc, toks),
                            knowledge=kb[1] if kb else None))
        return hits, exp

    @staticmethod
    def best_passage(doc: Doc, toks: Iterable[str]) -> Passage | None:
        wanted = {t for t in toks if not t.startswith("#")}
        grams = {t[1:] for t in toks if t.startswith("#")}
        best, best_score = None, 0.0
        for p in doc.passages:
            s = sum(2 for w in wanted if w in p.text) + sum(1 for g in grams if g in p.text)
            if s > best_score:
                best, best_score = p, s
        return best

    def knowledge_search(self, query: str, *, limit: int = 5) -> list[tuple[KnowledgeDoc, float]]:
        if self._kb is None:
            return []
        toks, _ = self.expand(query)
        kb_known = [t for t in toks if t in self.kb_vocab]
        if not kb_known:
            return []
        res = self._kb.retrieve([kb_known], k=min(limit, len(self.knowledge)), show_progress=False, n_threads=1)
        return [(self.knowledge[int(i)], float(s)) for i, s in zip(res.documents[0], res.scores[0], strict=True) if s > 0]
