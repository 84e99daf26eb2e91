"""The dependency graph among a bundle's members. Pure: no database.

Members run in parallel unless one needs another's result (the business licence before the
food-business licence). `depends_on[m]` is the set of members `m` waits for. The graph must be
acyclic — a cycle would mean no member can ever start — so a cycle is refused naming the members.
Excluding a member by a situational answer does not loosen the order among the others: a member
still waits for everything it waited for through the excluded one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

N = TypeVar("N", bound=Hashable)
D = TypeVar("D", bound=Any)  # a date (projected_finish): anything ordered


def find_cycle(nodes: Iterable[N], depends_on: Mapping[N, Iterable[N]]) -> list[N] | None:
    """A cycle as a path that starts and ends with the same member ([a, b, a]), or None.
    Deterministic: nodes are visited in the order given; edges to unknown nodes are ignored."""
    order = list(dict.fromkeys(nodes))
    known = set(order)
    state: dict[N, int] = {}  # 1 = on the current path, 2 = done
    for start in order:
        if state.get(start):
            continue
        path: list[N] = [start]
        stack = [iter([d for d in depends_on.get(start, ()) if d in known])]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter([d for d in depends_on.get(nxt, ()) if d in known]))
    return None


def prerequisites(nodes: Iterable[N], depends_on: Mapping[N, Iterable[N]], *, among: Iterable[N] | None = None) -> dict[N, frozenset[N]]:
    """For each node, everything it waits for directly or through others (the transitive closure),
    kept to `among` when given (the members that apply). Assumes no cycle."""
    order = list(dict.fromkeys(nodes))
    known = set(order)
    closure: dict[N, frozenset[N]] = {}

    def visit(node: N, seen: frozenset[N]) -> frozenset[N]:
        if node in closure:
            return closure[node]
        found: set[N] = set()
        for dep in depends_on.get(node, ()):
            if dep in known and dep not in seen:
                found.add(dep)
                found |= visit(dep, seen | {node})
        closure[node] = frozenset(found)
        return closure[node]

    for node in order:
        visit(node, frozenset())
    if among is None:
        return closure
    keep = set(among)
    return {node: frozenset(closure[node] & keep) for node in order if node in keep}


def critical_path(weights: Mapping[N, Decimal], waits_for: Mapping[N, frozenset[N]]) -> tuple[Decimal, list[N]]:
    """The longest chain of waiting (sum of weights) and the members on it, first to last.
    `waits_for` is a transitive closure (prerequisites()), kept to the nodes in `weights`; members
    with nothing to wait for start together, so parallel members cost the longest of them."""
    finish: dict[N, Decimal] = {}
    previous: dict[N, N | None] = {}

    def visit(node: N) -> Decimal:
        if node not in finish:
            best: N | None = None
            best_finish = Decimal(0)
            for dep in sorted(waits_for.get(node, frozenset()) & weights.keys(), key=repr):
                value = visit(dep)
                if best is None or value > best_finish:
                    best, best_finish = dep, value
            finish[node] = best_finish + weights[node]
            previous[node] = best
        return finish[node]

    if not weights:
        return Decimal(0), []
    end = max(sorted(weights, key=repr), key=visit)
    path: list[N] = []
    node: N | None = end
    while node is not None:
        path.append(node)
        node = previous[node]
    return finish[end], list(reversed(path))


def start_order(nodes: Iterable[N], depends_on: Mapping[N, Iterable[N]]) -> list[list[N]]:
    """Members in waves: the first wave starts at once, each later one when the waves before it
    are done (for display: "先办 … 再办 …"). Assumes no cycle; keeps the given order in a wave."""
    order = list(dict.fromkeys(nodes))
    closure = prerequisites(order, depends_on)
    level: dict[N, int] = {}

    def depth(node: N) -> int:
        if node not in level:
            level[node] = 1 + max((depth(d) for d in closure[node]), default=-1)
        return level[node]

    waves: dict[int, list[N]] = {}
    for node in order:
        waves.setdefault(depth(node), []).append(node)
    return [waves[k] for k in sorted(waves)]


def projected_finish(known: Mapping[N, D | None], waits_for: Mapping[N, frozenset[N]],
                     add: Callable[[N, D], D]) -> dict[N, D]:
    """When each member will be done: `known[m]` where it is known (concluded: the day it did;
    running: its due date), else `add(m, start)` from the day the last member it waits for is done
    (a waiting member's limit counts from then). Members left out of `known` (refused, closed) and
    those waiting for one of them are left out of the result. `waits_for` as in critical_path."""
    finish: dict[N, D] = {}
    left_out: set[N] = set()

    def visit(node: N) -> D | None:
        if node in finish:
            return finish[node]
        if node in left_out or node not in known:
            return None
        if known[node] is not None:
            finish[node] = known[node]
            return finish[node]
        starts = []
        for dep in sorted(waits_for.get(node, frozenset()), key=repr):
            value = visit(dep)
            if value is None:
                left_out.add(node)
                return None
            starts.append(value)
        if not starts:  # nothing to wait for and nothing known: not computable
            left_out.add(node)
            return None
        finish[node] = add(node, max(starts))
        return finish[node]

    for node in sorted(known, key=repr):
        visit(node)
    return finish
