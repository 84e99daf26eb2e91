"""The same rules as `rules.evaluate`, compiled to predicates over columns of many subjects
(numpy), for matching a whole population at once: 2,000,000 enterprises against 500 policies in
minutes (benchmarks/policies.py).

Columns: numbers as float64 with NaN for "not registered"; options as int8 codes (-1 missing);
codes as fixed-width bytes (b"" missing), whose prefixes of each length are cut once per frame.
Three-valued logic is kept as a pair of masks (true, false); unknown is neither — so `not`
swaps them, `all` ands the trues and ors the falses, `any` the other way round.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable

import numpy as np

from yiwang.policies.constants import ATTRIBUTES, AttrType

CODE_WIDTH = 12


class Frame:
    """Columns of n subjects of one kind."""

    def __init__(self, columns: dict[str, np.ndarray], *, cached_conditions: int = 256):
        self.columns = columns
        self.n = len(next(iter(columns.values()))) if columns else 0
        self._prefixes: dict[tuple[str, int], np.ndarray] = {}
        self._known: dict[str, np.ndarray] = {}
        # Condition -> masks, shared by the policies that repeat a condition ("small or micro",
        # "in Xi'an"); least recently used first out, so memory stays bounded (2 bytes a subject each).
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cache_limit = cached_conditions

    def cached(self, key: str, compute: Callable[[], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        masks = compute()
        self._cache[key] = masks
        if len(self._cache) > self._cache_limit:
            self._cache.popitem(last=False)
        return masks

    @classmethod
    def from_subjects(cls, subjects: Iterable[dict], names: Iterable[str]) -> Frame:
        subjects = list(subjects)
        columns = {}
        for name in names:
            attribute = ATTRIBUTES[name]
            values = [s.get(name) for s in subjects]
            if attribute.type == AttrType.NUMBER:
                columns[name] = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
            elif attribute.type == AttrType.ENUM:
                index = {c: i for i, (c, _) in enumerate(attribute.choices)}
                columns[name] = np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int8)
            else:
                columns[name] = np.array([(v or "").encode() for v in values], dtype=f"S{CODE_WIDTH}")
        return cls(columns)

    def known(self, name: str) -> np.ndarray:
        if name not in self._known:
            column, kind = self.columns[name], ATTRIBUTES[name].type
            if kind == AttrType.NUMBER:
                self._known[name] = ~np.isnan(column)
            elif kind == AttrType.ENUM:
                self._known[name] = column >= 0
            else:
                self._known[name] = column != b""
        return self._known[name]

    def prefix(self, name: str, length: int) -> np.ndarray:
        key = (name, length)
        if key not in self._prefixes:
            self._prefixes[key] = self.columns[name].astype(f"S{length}")
        return self._prefixes[key]


Masks = tuple[np.ndarray, np.ndarray]
Predicate = Callable[[Frame], Masks]


def _condition(node: dict) -> Predicate:
    name, op, value = node["attr"], node["op"], node.get("value")
    attribute = ATTRIBUTES[name]
    key = repr((name, op, value))

    def holds(frame: Frame) -> np.ndarray:
        column = frame.columns[name]
        if attribute.type == AttrType.ENUM:
            codes = {c: i for i, (c, _) in enumerate(attribute.choices)}
            wanted = [codes[v] for v in (value if isinstance(value, list) else [value])]
            hit = np.isin(column, np.array(wanted, dtype=np.int8))
            return ~hit if op in ("not_in", "!=") else hit
        if attribute.type == AttrType.CODE:
            if op in ("prefix", "not_prefix"):
                hit = np.zeros(frame.n, dtype=bool)
                for p in value:
                    hit |= frame.prefix(name, len(p)) == p.encode()
                return ~hit if op == "not_prefix" else hit
            wanted = [v.encode() for v in (value if isinstance(value, list) else [value])]
            return np.isin(column, np.array(wanted, dtype=f"S{CODE_WIDTH}"))
        if op == "between":
            return (column >= value[0]) & (column <= value[1])
        if op == "in":
            return np.isin(column, np.array(value, dtype=np.float64))
        return {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
                ">=": np.greater_equal}[op](column, value)

    def compute(frame: Frame) -> Masks:
        known = frame.known(name)
        if op == "known":
            return known, ~known
        hit = holds(frame) & known
        return hit, known & ~hit

    def predicate(frame: Frame) -> Masks:
        return frame.cached(key, lambda: compute(frame))

    return predicate


def compile_rule(rule: dict) -> Predicate:
    """A validated rule as a function Frame -> (true mask, false mask)."""
    if "all" in rule or "any" in rule:
        is_all = "all" in rule
        parts = [compile_rule(r) for r in rule["all" if is_all else "any"]]

        def combine(frame: Frame) -> Masks:
            if not parts:
                return (np.ones(frame.n, bool), np.zeros(frame.n, bool)) if is_all else \
                       (np.zeros(frame.n, bool), np.ones(frame.n, bool))
            t, f = parts[0](frame)
            t, f = t.copy(), f.copy()
            for part in parts[1:]:
                pt, pf = part(frame)
                if is_all:
                    t &= pt
                    f |= pf
                else:
                    t |= pt
                    f &= pf
            return t, f

        return combine
    if "not" in rule:
        inner = compile_rule(rule["not"])

        def negate(frame: Frame) -> Masks:
            t, f = inner(frame)
            return f, t

        return negate
    return _condition(rule)


def eligible_mask(rule: dict, frame: Frame) -> np.ndarray:
    return compile_rule(rule)(frame)[0]
