"""The dependency graph: cycles named, waiting through excluded members, the critical path."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.bundles.graph import critical_path, find_cycle, prerequisites, start_order


def test_parallel_by_default_has_no_cycle_and_one_wave():
    assert find_cycle([1, 2, 3], {}) is None
    assert start_order([1, 2, 3], {}) == [[1, 2, 3]]


def test_a_cycle_is_found_with_its_members_in_order():
    assert find_cycle([1, 2, 3, 4], {1: {2}, 2: {3}, 3: {1}, 4: {1}}) == [1, 2, 3, 1]
    assert find_cycle([1, 2], {1: {1}}) == [1, 1]
    assert find_cycle([1, 2], {1: {2}, 2: {9}}) is None  # an edge to an unknown member is ignored here (rules.py names it)


def test_prerequisites_are_transitive_and_survive_an_excluded_member():
    depends = {3: {2}, 2: {1}}
    assert prerequisites([1, 2, 3], depends) == {1: frozenset(), 2: frozenset({1}), 3: frozenset({1, 2})}
    # 2 does not apply: 3 still waits for 1 (through 2)
    assert prerequisites([1, 2, 3], depends, among=[1, 3]) == {1: frozenset(), 3: frozenset({1})}


def test_critical_path_is_the_longest_chain():
    weights = {1: Decimal(0), 2: Decimal(10), 3: Decimal(3), 4: Decimal(1)}
    waits = prerequisites([1, 2, 3, 4], {2: {1}, 3: {1}})
    assert critical_path(weights, waits) == (Decimal(10), [1, 2])
    chain = prerequisites([1, 2, 3], {2: {1}, 3: {2}})
    assert critical_path({1: Decimal(2), 2: Decimal(3), 3: Decimal("0.5")}, chain) == (Decimal("5.5"), [1, 2, 3])
    assert critical_path({}, {}) == (Decimal(0), [])


def test_start_order_in_waves():
    assert start_order([1, 2, 3, 4], {2: {1}, 3: {1}, 4: {2, 3}}) == [[1], [2, 3], [4]]


@st.composite
def dags(draw):
    """A random acyclic graph: a member may only wait for members listed before it."""
    n = draw(st.integers(1, 8))
    nodes = list(range(1, n + 1))
    depends = {node: set(draw(st.lists(st.sampled_from(nodes[: i]), max_size=3))) if i else set() for i, node in enumerate(nodes)}
    weights = {node: Decimal(draw(st.integers(0, 30))) for node in nodes}
    return nodes, depends, weights


# No deadline on the properties: the time an example takes on a shared machine is not what they check.
@settings(deadline=None)
@given(dags())
def test_critical_path_lies_between_the_longest_member_and_the_sum(graph):
    nodes, depends, weights = graph
    assert find_cycle(nodes, depends) is None
    length, path = critical_path(weights, prerequisites(nodes, depends))
    assert max(weights.values()) <= length <= sum(weights.values())
    assert sum(weights[n] for n in path) == length
    for earlier, later in zip(path, path[1:], strict=False):  # the path follows the waiting order
        assert earlier in prerequisites(nodes, depends)[later]


@settings(deadline=None)
@given(dags(), st.data())
def test_adding_a_back_edge_makes_a_cycle_that_is_found(graph, data):
    nodes, depends, _ = graph
    waits = prerequisites(nodes, depends)
    candidates = [(a, b) for a in nodes for b in waits[a]]
    if not candidates:
        return
    a, b = data.draw(st.sampled_from(candidates))
    depends = {**depends, b: depends[b] | {a}}  # b now waits for a, which waits for b
    cycle = find_cycle(nodes, depends)
    assert cycle and cycle[0] == cycle[-1]
    for x, y in zip(cycle, cycle[1:], strict=False):
        assert y in depends[x]
