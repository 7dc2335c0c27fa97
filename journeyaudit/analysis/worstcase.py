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
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from journeyaudit.analysis import WorstWay
from journeyaudit.analysis.graph import JourneyGraph, build_graph
from journeyaudit.model import Journey, Step

EXACT_REGION_LIMIT = 16
EXACT_STATE_BUDGET = 400_000

NEG_INF = float("-inf")

NodeWeight = Callable[[Step], float]
EdgeWeight = Callable[[Step, Step], float]


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
    if edge_weight is None:
        edge_values = None
    else:
        edge_values = {}
        for u in range(graph.size):
            if graph.reachable[u]:
                for v, _ in graph.walk_successors(u):
                    edge_values[(u, v)] = float(edge_weight(steps[u], steps[v]))
    if ends is None:
        stop = graph.absorbing
    else:
        wanted = set(ends)
        stop = [step_id in wanted for step_id in graph.ids]
    return worst_way_indexed(graph, node_values, edge_values, stop)


def worst_way_indexed(
    graph: JourneyGraph,
    node_values: list[float],
    edge_values: dict[tuple[int, int], float] | None,
    stop: list[bool],
) -> WorstWay:
    """`worst_way` on step indices: `edge_values[(u, v)]` (None: all 0), `stop[u]`: a way may end at u."""
    n = graph.size
    if n == 0:
        return WorstWay(0.0, ())

    def edge(u: int, v: int) -> float:
        return edge_values.get((u, v), 0.0) if edge_values is not None else 0.0

    best = [NEG_INF] * n  # best weight of a way from u (u included) to a stop
    # How the best way from u continues: the steps walked inside u's
    # component (u first), then the step outside it (None: the way stops).
    inner_way: list[tuple[int, ...] | None] = [None] * n
    then: list[int | None] = [None] * n
    # The best way from u goes through a region whose figure is only a bound.
    # A bound that loses a comparison does not matter: the true value behind
    # it is even lower, so the winner is exact.
    approximate = [False] * n

    components = graph.component_members
    for cid in range(len(components) - 1, -1, -1):
        members = [u for u in components[cid] if graph.reachable[u]]
        if not members:
            continue
        if not graph.cyclic_component[cid]:
            u = members[0]
            choice, value = _best_exit(graph, u, cid, best, edge, stop)
            if value > NEG_INF:
                best[u] = node_values[u] + value
                inner_way[u] = (u,)
                then[u] = choice
                approximate[u] = choice is not None and approximate[choice]
            continue
        _solve_region(graph, cid, members, node_values, edge, stop, best, inner_way, then, approximate)

    start = graph.start
    if best[start] == NEG_INF:
        return WorstWay(0.0, ())
    way: list[int] = []
    u: int | None = start
    while u is not None:
        way.extend(inner_way[u])
        u = then[u]
    return WorstWay(best[start], tuple(graph.ids[i] for i in way), approximate[start])


def _best_exit(graph, y, cid, best, edge, stop) -> tuple[int | None, float]:
    """Best continuation after y leaving component `cid`: (next step or None to stop, weight)."""
    choice = None
    value = 0.0 if stop[y] else NEG_INF
    for v, _ in graph.walk_successors(y):
        if graph.component[v] == cid or best[v] == NEG_INF:
            continue
        candidate = edge(y, v) + best[v]
        if candidate > value:
            value, choice = candidate, v
    return choice, value


def _solve_region(graph, cid, members, node_values, edge, stop, best, inner_way, then, approximate) -> None:
    """Fill best/inner_way/then/approximate for the entry steps of one loop region."""
    member_set = set(members)
    entries = [
        u
        for u in members
        if u == graph.start or any(graph.reachable[p] and p not in member_set for p in graph.predecessors[u])
    ]
    exits = {y: _best_exit(graph, y, cid, best, edge, stop) for y in members}
    inside = {y: [v for v, _ in graph.walk_successors(y) if v in member_set and v != y] for y in members}

    exact = len(members) <= EXACT_REGION_LIMIT
    results = {}
    if exact:
        budget = [EXACT_STATE_BUDGET]
        for x in entries:
            found = _exact_from(x, members, inside, exits, node_values, edge, budget)
            if found is None:
                exact = False
                break
            results[x] = found
    if not exact:
        results = {x: _bound_from(x, members, inside, exits, node_values, edge) for x in entries}

    for x, (value, path, exit_to) in results.items():
        if value > NEG_INF:
            best[x] = value
            inner_way[x] = path
            then[x] = exit_to
            approximate[x] = not exact or (exit_to is not None and approximate[exit_to])


def _exact_from(x, members, inside, exits, node_values, edge, budget):
    """Best simple path x ... y inside the region plus y's best exit; None when over budget.

    States are (visited set as a bitmask, last step), encoded in one int; for
    each the heaviest prefix is kept, which is exact since what can follow
    depends only on the state. States grow one step per round.
    """
    local = {u: i for i, u in enumerate(members)}
    shift = len(members).bit_length()
    last_mask = (1 << shift) - 1
    moves = [
        [(local[z], edge(y, z) + node_values[z]) for z in inside[y]] for y in members
    ]  # per local step: (next local step, weight added)
    exit_values = [exits[y][1] for y in members]
    x_local = local[x]
    start_state = ((1 << x_local) << shift) | x_local
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
                if mask >> z & 1:
                    continue
                successor = ((mask | 1 << z) << shift) | z
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


def _bound_from(x, members, inside, exits, node_values, edge):
    """Upper bound of the best way from x through a large region, with the best way found greedily.

    Bound: x's weight, every other step of the region at most once (only
    positive weights), every internal transition at the heaviest internal
    transition's weight, then the best exit of the region.
    """
    others = sum(max(node_values[u], 0.0) for u in members if u != x)
    heaviest_edge = max((edge(y, z) for y in members for z in inside[y]), default=0.0)
    best_exit = max((value for _, value in exits.values()), default=NEG_INF)
    if best_exit == NEG_INF:
        return NEG_INF, None, None
    bound = node_values[x] + others + (len(members) - 1) * max(heaviest_edge, 0.0) + best_exit

    # A real way for the report: walk greedily to the heaviest unvisited step,
    # keep the prefix whose exit is best; else the shortest walk to an exit.
    visited = {x}
    path = [x]
    prefix = node_values[x]
    found_value, found_length = NEG_INF, 0
    y = x
    while True:
        exit_value = exits[y][1]
        if exit_value > NEG_INF and prefix + exit_value > found_value:
            found_value, found_length = prefix + exit_value, len(path)
        candidates = [z for z in inside[y] if z not in visited]
        if not candidates:
            break
        z = max(candidates, key=lambda c: edge(y, c) + node_values[c])
        prefix += edge(y, z) + node_values[z]
        visited.add(z)
        path.append(z)
        y = z
    if found_length:
        path = path[:found_length]
    else:
        path = _shortest_to_exit(x, inside, exits)
        if path is None:
            return NEG_INF, None, None
    return bound, tuple(path), exits[path[-1]][0]


def _shortest_to_exit(x, inside, exits):
    previous = {x: None}
    queue = deque([x])
    while queue:
        y = queue.popleft()
        if exits[y][1] > NEG_INF:
            path = []
            while y is not None:
                path.append(y)
                y = previous[y]
            return path[::-1]
        for z in inside[y]:
            if z not in previous:
                previous[z] = y
                queue.append(z)
    return None
