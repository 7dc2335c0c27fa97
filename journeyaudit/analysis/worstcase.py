"""Worst loop-free ways: the way from the start that maximises a measure.

A way starts at the start step, visits no step twice and stops at an
absorbing step (an end, a dead end, or the first trap step entered). Its
weight is the sum of the node weights of all its steps (start and last step
included) plus the edge weights of the transitions it takes.

The longest simple path is hard in general, so the search follows the
structure of the journey:

* Strongly connected components (loop regions) are condensed into a DAG;
  once a way leaves a component it can never come back, so the best way
  from each step is a dynamic programme over the components in reverse
  topological order: linear on the acyclic parts (a ladder of 60 two-way
  decisions, 2^60 ways, takes microseconds per step).
* Inside a loop region of at most `EXACT_REGION_LIMIT` steps the search is
  exact: for each entry step, every simple path inside the region (a
  dynamic programme over (visited set, last step)) followed by its best exit.
  If the region is larger, or the search would exceed `EXACT_STATE_BUDGET`
  states, the value is an upper bound instead (every step of the region
  visited once, every internal transition at its heaviest, the best exit),
  the way returned is the best one found, and the result is marked
  `approximate`.

The search runs on a `SearchSpace`: the journey's steps themselves, or a
graph whose nodes stand for steps in some state (the hand-off search's
"step, last handling department", analysis/handling.py) or for other things
(the silence search's virtual touchpoint nodes, analysis/silence.py). A way
never visits two nodes of the same step, and nodes are grouped into loop
regions by their step, so the search stays exact on such graphs too.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from journeyaudit.analysis import WorstWay
from journeyaudit.analysis.graph import JourneyGraph, build_graph
from journeyaudit.model import Journey, Step

EXACT_REGION_LIMIT = 16
EXACT_STATE_BUDGET = 400_000

NEG_INF = float("-inf")

NodeWeight = Callable[[Step], float]
EdgeWeight = Callable[[Step, Step], float]


@dataclass(slots=True)
class SearchSpace:
    """The graph a worst-way search walks.

    `groups` are the loop regions in topological order (every edge goes to
    the same or a later group); a way never visits two nodes with the same
    `step_of`, and two nodes of one step are always in one group.
    """

    successors: list[list[int]]
    step_of: list[int]
    groups: list[list[int]]
    group_of: list[int]
    cyclic: list[bool]  # per group: it holds a loop (more than one step, or a self-loop)
    live: list[bool]  # the node can be on a way (reachable from where ways begin)

    @property
    def size(self) -> int:
        return len(self.successors)


@dataclass(slots=True)
class SearchResult:
    """Best way from every node that can begin one: its weight, its nodes, whether it is a bound."""

    best: list[float]  # NEG_INF: no way from the node reaches a stop
    inner_way: list[tuple[int, ...] | None]  # the nodes walked inside the node's group, the node first
    then: list[int | None]  # the node after the group (None: the way stops)
    approximate: list[bool]

    def way(self, node: int) -> tuple[int, ...]:
        nodes: list[int] = []
        current: int | None = node
        while current is not None:
            inner = self.inner_way[current]
            if inner is None:
                break
            nodes.extend(inner)
            current = self.then[current]
        return tuple(nodes)


def journey_space(graph: JourneyGraph) -> SearchSpace:
    """The journey's own steps as a search space (ways follow the walked graph: traps are cut)."""
    return SearchSpace(
        successors=[[v for v, _ in graph.walk_successors(u)] for u in range(graph.size)],
        step_of=list(range(graph.size)),
        groups=graph.component_members,
        group_of=graph.component,
        cyclic=graph.cyclic_component,
        live=graph.reachable,
    )


def worst_way(
    journey: Journey,
    graph: JourneyGraph | None = None,
    node_weight: NodeWeight | None = None,
    edge_weight: EdgeWeight | None = None,
    ends: Iterable[str] | None = None,
) -> WorstWay:
    """The loop-free way from the start with the largest total weight.

    `node_weight(step)` counts once for every step on the way (start and last
    step included); `edge_weight(source_step, target_step)` once for every
    transition taken. `ends`: step ids a way may stop at (default: the
    absorbing steps, i.e. ends, dead ends and trap entries). When no way
    reaches `ends`, the result has no steps and value 0.

    Example, the most `verification` steps on a loop-free way::

        worst_way(journey, analysis.graph, lambda s: s.kind == "verification")
    """
    if graph is None:
        graph = build_graph(journey)
    steps = [journey.steps[step_id] for step_id in graph.ids]
    node_values = [float(node_weight(step)) if node_weight else 0.0 for step in steps]
    space = journey_space(graph)
    edge_values = None
    if edge_weight is not None:
        edge_values = [[float(edge_weight(steps[u], steps[v])) for v in space.successors[u]] for u in range(graph.size)]
    if ends is None:
        stop = graph.absorbing
    else:
        wanted = set(ends)
        stop = [step_id in wanted for step_id in graph.ids]
    return worst_way_indexed(graph, node_values, edge_values, stop, space)


def worst_way_indexed(
    graph: JourneyGraph,
    node_values: list[float],
    edge_values: list[list[float]] | None,
    stop: list[bool],
    space: SearchSpace | None = None,
) -> WorstWay:
    """`worst_way` on step indices: `edge_values[u][i]` weighs u's i-th walked successor (None: all 0)."""
    if graph.size == 0:
        return WorstWay(0.0, ())
    space = space or journey_space(graph)
    result = search(space, node_values, edge_values, stop, [graph.start])
    start = graph.start
    if result.best[start] == NEG_INF:
        return WorstWay(0.0, ())
    return WorstWay(result.best[start], tuple(graph.ids[u] for u in result.way(start)), result.approximate[start])


def search(
    space: SearchSpace,
    node_values: list[float],
    edge_values: list[list[float]] | None,
    stop: list[bool],
    sources: Iterable[int],
) -> SearchResult:
    """The best way from every source (and every node a way can enter a loop region at).

    `edge_values[u][i]` weighs the edge to `space.successors[u][i]` (None:
    all 0); `stop[u]`: a way may end at u.
    """
    n = space.size
    best = [NEG_INF] * n
    inner_way: list[tuple[int, ...] | None] = [None] * n
    then: list[int | None] = [None] * n
    # The best way from u goes through a region whose figure is only a bound.
    # A bound that loses a comparison does not matter: the true value behind
    # it is even lower, so the winner is exact.
    approximate = [False] * n
    result = SearchResult(best, inner_way, then, approximate)
    weights = edge_values if edge_values is not None else _Zeros()
    source_set = set(sources)

    entered = [False] * n  # has a live predecessor in another group
    for u in range(n):
        if space.live[u]:
            for v in space.successors[u]:
                if space.group_of[v] != space.group_of[u]:
                    entered[v] = True

    for gid in range(len(space.groups) - 1, -1, -1):
        members = [u for u in space.groups[gid] if space.live[u]]
        if not members:
            continue
        if not space.cyclic[gid]:
            for u in members:  # nodes of one step without a loop: no edges among them
                choice, value = _best_exit(space, u, gid, best, weights, stop)
                if value > NEG_INF:
                    best[u] = node_values[u] + value
                    inner_way[u] = (u,)
                    then[u] = choice
                    approximate[u] = choice is not None and approximate[choice]
            continue
        entries = [u for u in members if u in source_set or entered[u]]
        _solve_region(space, gid, members, entries, node_values, weights, stop, result)
    return result


class _Zeros:
    """Edge weights that are all 0, without a list per node: `weights[u]` repeats 0.0."""

    def __getitem__(self, _node: int) -> itertools.repeat[float]:
        return itertools.repeat(0.0)


def _best_exit(space, y, gid, best, weights, stop) -> tuple[int | None, float]:
    """Best continuation after y leaving group `gid`: (next node or None to stop, weight)."""
    choice = None
    value = 0.0 if stop[y] else NEG_INF
    for v, weight in zip(space.successors[y], weights[y]):
        if space.group_of[v] == gid or best[v] == NEG_INF:
            continue
        candidate = weight + best[v]
        if candidate > value:
            value, choice = candidate, v
    return choice, value


def _solve_region(space, gid, members, entries, node_values, weights, stop, result: SearchResult) -> None:
    """Fill the result for the entry nodes of one loop region."""
    member_set = set(members)
    exits = {y: _best_exit(space, y, gid, result.best, weights, stop) for y in members}
    inside = {
        y: [(v, w) for v, w in zip(space.successors[y], weights[y]) if v in member_set and space.step_of[v] != space.step_of[y]]
        for y in members
    }
    region_steps = sorted({space.step_of[u] for u in members})

    exact = len(region_steps) <= EXACT_REGION_LIMIT
    results = {}
    if exact:
        budget = [EXACT_STATE_BUDGET]
        step_bit = {step: i for i, step in enumerate(region_steps)}
        for x in entries:
            found = _exact_from(x, members, step_bit, space.step_of, inside, exits, node_values, budget)
            if found is None:
                exact = False
                break
            results[x] = found
    if not exact:
        results = {x: _bound_from(x, members, space.step_of, inside, exits, node_values) for x in entries}

    for x, (value, path, exit_to) in results.items():
        if value > NEG_INF:
            result.best[x] = value
            result.inner_way[x] = path
            result.then[x] = exit_to
            result.approximate[x] = not exact or (exit_to is not None and result.approximate[exit_to])


def _exact_from(x, members, step_bit, step_of, inside, exits, node_values, budget):
    """Best simple path x ... y inside the region plus y's best exit; None when over budget.

    States are (steps visited as a bitmask, last node), encoded in one int;
    for each the heaviest prefix is kept, which is exact since what can follow
    depends only on the state. States grow one step per round.
    """
    local = {u: i for i, u in enumerate(members)}
    shift = len(members).bit_length()
    last_mask = (1 << shift) - 1
    bit = [1 << step_bit[step_of[u]] for u in members]
    moves = [[(local[z], added + node_values[z]) for z, added in inside[y]] for y in members]
    exit_values = [exits[y][1] for y in members]
    x_local = local[x]
    start_state = (bit[x_local] << shift) | x_local
    weight = {start_state: node_values[x]}
    parent = {start_state: -1}
    best_value, best_state = NEG_INF, -1
    frontier = [start_state]
    while frontier:
        budget[0] -= len(frontier)
        if budget[0] < 0:
            return None
        next_frontier = []
        for state in frontier:
            y = state & last_mask
            mask = state >> shift
            prefix = weight[state]
            exit_value = exit_values[y]
            if exit_value > NEG_INF and prefix + exit_value > best_value:
                best_value, best_state = prefix + exit_value, state
            for z, added in moves[y]:
                if mask & bit[z]:
                    continue
                successor = ((mask | bit[z]) << shift) | z
                candidate = prefix + added
                known = weight.get(successor)
                if known is None:
                    next_frontier.append(successor)
                if known is None or candidate > known:
                    weight[successor] = candidate
                    parent[successor] = state
        frontier = next_frontier
    if best_state < 0:
        return NEG_INF, None, None
    path = []
    state = best_state
    while state >= 0:
        path.append(members[state & last_mask])
        state = parent[state]
    path.reverse()
    return best_value, tuple(path), exits[path[-1]][0]


def _bound_from(x, members, step_of, inside, exits, node_values):
    """Upper bound of the best way from x through a large region, with the best way found greedily.

    Bound: x's weight, every other step of the region at most once (at its
    heaviest node, only positive weights), every internal transition at the
    heaviest internal transition's weight, then the best exit of the region.
    """
    heaviest_node: dict[int, float] = {}
    for u in members:
        if step_of[u] != step_of[x]:
            heaviest_node[step_of[u]] = max(heaviest_node.get(step_of[u], 0.0), node_values[u])
    others = sum(max(value, 0.0) for value in heaviest_node.values())
    heaviest_edge = max((w for y in members for _, w in inside[y]), default=0.0)
    best_exit = max((value for _, value in exits.values()), default=NEG_INF)
    if best_exit == NEG_INF:
        return NEG_INF, None, None
    region_steps = len(heaviest_node) + 1
    bound = node_values[x] + others + (region_steps - 1) * max(heaviest_edge, 0.0) + best_exit

    # A real way for the report: walk greedily to the heaviest step not yet
    # visited, keep the prefix whose exit is best; else the shortest walk to an exit.
    visited = {step_of[x]}
    path = [x]
    prefix = node_values[x]
    found_value, found_length = NEG_INF, 0
    y = x
    while True:
        exit_value = exits[y][1]
        if exit_value > NEG_INF and prefix + exit_value > found_value:
            found_value, found_length = prefix + exit_value, len(path)
        candidates = [(z, w) for z, w in inside[y] if step_of[z] not in visited]
        if not candidates:
            break
        z, w = max(candidates, key=lambda c: c[1] + node_values[c[0]])
        prefix += w + node_values[z]
        visited.add(step_of[z])
        path.append(z)
        y = z
    if found_length:
        path = path[:found_length]
    else:
        shortest = _shortest_to_exit(x, step_of, inside, exits)
        if shortest is None:
            return NEG_INF, None, None
        path = shortest
    return bound, tuple(path), exits[path[-1]][0]


def _shortest_to_exit(x, step_of, inside, exits):
    """Fewest moves from x to a node with an exit, never two nodes of one step."""
    previous: dict[int, int | None] = {x: None}
    queue = deque([(x, frozenset([step_of[x]]))])
    while queue:
        y, steps = queue.popleft()
        if exits[y][1] > NEG_INF:
            path = []
            current: int | None = y
            while current is not None:
                path.append(current)
                current = previous[current]
            return path[::-1]
        for z, _ in inside[y]:
            if z not in previous and step_of[z] not in steps:
                previous[z] = y
                queue.append((z, steps | {step_of[z]}))
    return None
