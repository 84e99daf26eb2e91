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

import math
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
_STOP_CHARS = "".join(sorted(w for w in STOP_WORDS if len(w) == 1))
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


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one character changed, or one character more or less."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and short in _deletions(long_)


class CatalogIndex:
    """BM25 over the catalog documents (bundles and items) with the typo table of its words. Small
    (a few hundred documents); rebuilt when a guide or bundle is published — each document's
    tokens come from `token_cache` when its text is unchanged."""

    def __init__(self, docs: Sequence[Doc], *, token_cache: dict | None = None):
        self.docs = list(docs)
        self.by_target = {(d.kind, d.code): i for i, d in enumerate(self.docs)}
        cache = token_cache if token_cache is not None else {}
        corpus, used = [], set()
        for d in self.docs:
            key = _doc_key(d)
            if key not in cache:
                cache[key] = self.doc_tokens(d)
            corpus.append(cache[key])
            used.add(key)
        for key in [k for k in cache if k not in used]:  # texts no longer published
            del cache[key]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus or [[""]], show_progress=False)
        self.vocab = set(self.bm25.vocab_dict)
        self.multiplier = np.array([(BUNDLE_BOOST if d.kind == "bundle" else 1.0)
                                    * (HIGH_FREQUENCY_BOOST if d.high_frequency else 1.0) for d in self.docs] or [1.0])
        # Typo layer: every plain word of the catalog (2–6 characters) under its one-deletion forms.
        self.typo: dict[str, set[str]] = defaultdict(set)
        for term in self.vocab:
            if not term.startswith("#") and 2 <= len(term) <= 6 and _CJK_RUN.fullmatch(term):
                self.typo[term].add(term)
                for d in _deletions(term):
                    self.typo[d].add(term)

    @staticmethod
    def doc_tokens(doc: Doc) -> list[str]:
        # The name counts three times and aliases twice: a word in the name says more than the
        # same word somewhere in a guide's conditions.
        toks = tokens(doc.name) * 3
        for alias in doc.aliases:
            toks += tokens(alias) * 2
        for passage in doc.passages:
            if passage.indexed:
                toks += tokens(passage.text)
        return toks


def _doc_key(doc: Doc) -> tuple:
    return (doc.name, doc.aliases, tuple(p.text for p in doc.passages if p.indexed))


# --- the knowledge index: stored tokens, a base index and a delta ---

# Bump when tokens() changes (stop words, bigrams, jieba's dictionary): stored tokens of another
# version are cut again at the next build.
TOKENS_VERSION = 1
# bm25s' defaults (method "lucene"); the delta is scored with the same formula.
_K1, _B = 1.5, 0.75


def knowledge_tokens(title: str, body: str) -> list[str]:
    """What a knowledge entry is indexed under (the title counts twice). Stored with the entry."""
    return tokens(title + " " + title + " " + body)


@dataclass(frozen=True)
class KnowledgeRow:
    """A knowledge entry as the index holds it: its row id, the entry, its stored tokens."""

    pk: int
    doc: KnowledgeDoc
    tokens: tuple[str, ...]


def bm25_from_tokens(corpus: Sequence[Sequence[str]]) -> bm25s.BM25:
    """A bm25s index (method "lucene", as `BM25().index` builds it) over already-cut documents,
    built with array operations: bm25s' own build loops over every document in Python several
    times, which is most of the time for 100,000 entries. The scores are the same
    (`test_index.py` compares them)."""
    n = len(corpus)
    vocab: dict[str, int] = {}
    ids: list[int] = []
    lengths = np.zeros(max(n, 1), dtype=np.int64)
    for i, doc in enumerate(corpus):
        ids.extend([vocab.setdefault(t, len(vocab)) for t in doc])
        lengths[i] = len(doc)
    n_vocab = max(len(vocab), 1)
    tok = np.asarray(ids, dtype=np.int64)
    docs = np.repeat(np.arange(len(corpus), dtype=np.int64), lengths[:len(corpus)])
    # One key per (token, document): sorted by token, then document — the CSC order bm25s keeps.
    keys, tf = np.unique(tok * max(n, 1) + docs, return_counts=True)
    col, row = keys // max(n, 1), keys % max(n, 1)
    df = np.bincount(col, minlength=n_vocab)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    avg = float(lengths[:n].mean()) if n else 1.0
    data = idf[col] * tf / (tf + _K1 * ((1 - _B) + _B * lengths[row] / (avg or 1.0)))
    bm25 = bm25s.BM25(k1=_K1, b=_B)
    bm25.scores = {"data": data.astype(np.float32), "indices": row.astype(np.int32),
                   "indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64), "num_docs": max(n, 1)}
    bm25.vocab_dict = vocab
    bm25.unique_token_ids_set = set(vocab.values())
    bm25.nonoccurrence_array = None
    return bm25


class KnowledgeIndex:
    """BM25 over up to 100,000 knowledge entries, changeable without cutting any text again.

    The base is a bm25s index over the entries' stored tokens. A change (an entry added, a new
    version, an entry withdrawn) makes a new KnowledgeIndex that shares the base: withdrawn rows
    are masked out, and the added rows form a small delta scored at query time with the same
    BM25 formula and the base's statistics (document frequencies and average length, counting
    the delta in). Once the delta grows past `delta_limit`, `needs_rebuild` says so and the
    caller builds a fresh base from the stored tokens. Instances are never changed in place:
    a search in another thread keeps the one it started with.
    """

    def __init__(self, rows: Sequence[KnowledgeRow], *, delta_limit: int | None = None):
        self.base = list(rows)
        self.bm25 = bm25_from_tokens([r.tokens for r in self.base])
        self.vocab_ids = self.bm25.vocab_dict
        self.n_base = len(self.base)
        indptr = self.bm25.scores["indptr"]
        self.base_df = np.diff(indptr)  # per vocabulary id: how many base entries hold the token
        self.base_len = float(np.mean([len(r.tokens) for r in self.base])) if self.base else 1.0
        self.base_pos = {r.pk: i for i, r in enumerate(self.base)}
        self.alive = np.ones(max(self.n_base, 1), dtype=bool)
        if not self.base:
            self.alive[:] = False
        self.delta: dict[int, tuple[KnowledgeRow, dict[str, int]]] = {}
        self.delta_df: dict[str, int] = {}
        self.delta_limit = delta_limit if delta_limit is not None else max(500, self.n_base // 50)

    # --- changes ---

    def changed(self, *, removed: Iterable[int] = (), added: Iterable[KnowledgeRow] = ()) -> KnowledgeIndex:
        """A new index: this one without the `removed` row ids, with the `added` rows."""
        new = object.__new__(KnowledgeIndex)
        new.__dict__.update(self.__dict__)
        new.alive = self.alive.copy()
        new.delta = dict(self.delta)
        new.delta_df = dict(self.delta_df)
        for pk in removed:
            if pk in new.base_pos:
                new.alive[new.base_pos[pk]] = False
            old = new.delta.pop(pk, None)
            if old:
                for t in old[1]:
                    new.delta_df[t] -= 1
        for row in added:
            if row.pk in new.delta or (row.pk in new.base_pos and new.alive[new.base_pos[row.pk]]):
                continue
            if row.pk in new.base_pos:  # back after a withdrawal: the base still holds its tokens
                new.alive[new.base_pos[row.pk]] = True
                continue
            tf: dict[str, int] = defaultdict(int)
            for t in row.tokens:
                tf[t] += 1
            new.delta[row.pk] = (row, dict(tf))
            for t in tf:
                new.delta_df[t] = new.delta_df.get(t, 0) + 1
        return new

    @property
    def needs_rebuild(self) -> bool:
        return len(self.delta) + int(self.n_base - self.alive[:self.n_base].sum()) > self.delta_limit

    def pks(self) -> set[int]:
        live = {r.pk for r, a in zip(self.base, self.alive, strict=False) if a}
        return live | set(self.delta)

    def rows(self) -> list[KnowledgeRow]:
        """Every live row (to build a fresh base from, no text cut again)."""
        return [r for r, a in zip(self.base, self.alive, strict=False) if a] + [r for r, _ in self.delta.values()]

    def __len__(self) -> int:
        return int(self.alive[:self.n_base].sum()) + len(self.delta)

    def __contains__(self, term: str) -> bool:
        return term in self.vocab_ids or self.delta_df.get(term, 0) > 0

    # --- scoring ---

    def top(self, toks: Sequence[str], k: int) -> list[tuple[KnowledgeDoc, float]]:
        """The k best live entries for the query tokens (repeated tokens count again, as in bm25s)."""
        ids = [self.vocab_ids[t] for t in toks if t in self.vocab_ids]
        out: list[tuple[float, int, KnowledgeDoc]] = []
        if ids and self.n_base:
            scores = self.bm25.get_scores(ids)
            scores = np.where(self.alive[:len(scores)], scores, 0)
            kk = min(k, len(scores))
            idx = np.argpartition(-scores, kk - 1)[:kk]
            for i in idx:
                if scores[i] > 0:
                    out.append((float(scores[i]), -int(i), self.base[int(i)].doc))
        if self.delta:
            n = self.n_base + len(self.delta)
            avg = (self.base_len * self.n_base + sum(len(r.tokens) for r, _ in self.delta.values())) / max(n, 1)
            idf = {}
            for t in set(toks):
                df = (int(self.base_df[self.vocab_ids[t]]) if t in self.vocab_ids else 0) + self.delta_df.get(t, 0)
                if df:
                    idf[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for pk, (row, tf) in self.delta.items():
                norm = _K1 * ((1 - _B) + _B * len(row.tokens) / avg)
                s = sum(idf[t] * tf[t] / (norm + tf[t]) for t in toks if t in tf and t in idf)
                if s > 0:
                    out.append((s, -(self.n_base + pk), row.doc))
        out.sort(key=lambda x: (-x[0], -x[1]))
        return [(doc, s) for s, _, doc in out[:k]]


class Engine:
    """Query reading (synonyms, typos) and ranking over a catalog index and a knowledge index.
    Cheap to make: the indexes are built elsewhere and shared."""

    def __init__(self, catalog: CatalogIndex | Sequence[Doc], knowledge: KnowledgeIndex | Sequence[KnowledgeDoc] | None = None, *,
                 synonyms: Mapping[str, str] | None = None, clicks: Mapping[str, Mapping[tuple[str, str], int]] | None = None):
        if not isinstance(catalog, CatalogIndex):
            catalog = CatalogIndex(catalog)
        if knowledge is not None and not isinstance(knowledge, KnowledgeIndex):
            knowledge = KnowledgeIndex([KnowledgeRow(i, k, tuple(knowledge_tokens(k.title, k.body)))
                                        for i, k in enumerate(knowledge)]) if knowledge else None
        self.catalog_index = catalog
        self.docs = catalog.docs
        self.kb = knowledge
        self.synonyms = dict(synonyms or {})
        # Longest phrase first, so 小吃店 applies before 吃.
        self._synonym_order = sorted(self.synonyms, key=len, reverse=True)
        self.clicks = {q: dict(v) for q, v in (clicks or {}).items()}
        self._by_target = catalog.by_target
        self.catalog = catalog.bm25
        self.catalog_vocab = catalog.vocab
        self._multiplier = catalog.multiplier
        self._typo = catalog.typo

    def _known(self, term: str) -> bool:
        return term in self.catalog_vocab or (self.kb is not None and term in self.kb)

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
            if t.startswith("#") or self._known(t):
                out.append(t)
                continue
            core = t.strip(_STOP_CHARS)
            if core != t:
                # jieba glued a filler to a word (我想开个饭馆 → 想开): read the word, correct nothing
                # (想开 is not a typo of 离开).
                if core and self._known(core):
                    out.append(core)
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
        # Two deletions meeting can be two edits apart (想开 / 开具 share 开): keep one-edit words.
        candidates = {c for c in candidates if _one_edit(term, c)}
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
        if self.kb is not None:
            for entry, s in self.kb.top(toks, 10):
                if entry.target is None or entry.target not in self._by_target:
                    continue
                i = self._by_target[entry.target]
                # Knowledge lends a share of its score: it explains the item, it is not the item.
                scores[i] += 0.3 * s
                if i not in kb_best or kb_best[i][0] < s:
                    kb_best[i] = (s, entry)
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
        if self.kb is None:
            return []
        toks, _ = self.expand(query)
        return self.kb.top(toks, limit)
