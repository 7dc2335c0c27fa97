"""Hand-offs over handling steps: automated messages are transparent.

A hand-off is a change of department between two handling steps that follow
each other on a way; an automated message (`notification` by `system`) in
between neither creates nor breaks one (shared/spec/journey-format.md, "What
counts as what"). Whether entering a step is a hand-off therefore depends on
the *last handling department* of the way so far, which a message carries
through unchanged. Every figure here is computed on the chain of pairs

    (step, last handling department)

without building all of it: a handling step fixes the label (its own
department), so only messages have several states, one per department that
can reach them through messages only (`labels`, found by propagating
bitsets). The pair chain is the product of the step chain with that label,
so it is exact: no sampling, no way enumerated.

Expected hand-offs (and the hand-off matrix): with v(u) the visits of the
step chain (markov.py), a handling step u hands the case from dept(u) to a
handling successor w with weight v(u)·p(u, w) when the departments differ.
For messages, W(m, d), the expected visits of message m with last handling
department d, solve one sparse system over the transient messages (one
column per department, `NO_DEPARTMENT` for ways that have met no handling
step yet; when no messages loop among themselves, as in nearly every
journey, the same equations are solved by passing W on in order, without a
factorisation):

    W(m, d) = Σ_{handling u, dept(u) = d} v(u)·p(u, m) + [m = start, d = none]
              + Σ_{message m'} W(m', d)·p(m', m)

and m hands the case from d to a handling successor w with weight
W(m, d)·p(m, w) when d is a department other than dept(w). Linear in the
edges for each column; columns are solved in blocks so memory stays bounded.

Worst loop-free hand-offs: the worst-way search (worstcase.py) on the pair
graph, whose nodes are grouped into loop regions by their step, so a way
never visits a step twice even in two states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix, identity
from scipy.sparse.linalg import splu

from journeyaudit.analysis import WorstWay
from journeyaudit.analysis.graph import JourneyGraph
from journeyaudit.analysis.markov import MarkovResult
from journeyaudit.analysis.worstcase import NEG_INF, SearchSpace, journey_space, search, worst_way_indexed
from journeyaudit.model import Step

NO_DEPARTMENT = 0  # label bit 0: the way has met no handling step yet; department i is bit i + 1
# Beyond this many (message, department) states, the worst-way search and
# ping-pong on the pair graph are bounded instead of exact (flagged).
LABEL_STATE_LIMIT = 200_000
SOLVE_BLOCK = 256  # departments solved at once for the expected hand-offs of messages


@dataclass(slots=True)
class PairGraph:
    """The graph of (step, last handling department) pairs, on reachable steps.

    Node i stands for step `step_of[i]` with label `label_of[i]` (a department
    index, or -1 before any handling step). A handling step has one node, its
    own department as label; a message one node per label that can reach it.
    `handoff[i][k]` is 1.0 when the edge to `successors[i][k]` hands the case
    to another department.
    """

    step_of: list[int]
    label_of: list[int]
    successors: list[list[int]]
    handoff: list[list[float]]
    node_of_step: list[int]  # the node of a handling step (-1 for messages and unreachable steps)


@dataclass(slots=True)
class HandlingResult:
    departments: list[str]  # department index -> id
    labels: list[int]  # per step: bitset of labels that can reach it (bit 0: none yet; bit i+1: department i)
    expected_handoffs: float
    matrix: dict[tuple[str, str], float]  # (from department, to department) -> expected hand-offs
    handoff_edges: frozenset[tuple[int, int]]  # walked edges that hand the case on some way
    pairs: PairGraph | None  # None when over LABEL_STATE_LIMIT
    worst: WorstWay


def own_departments(steps: list[Step], department_index: dict[str, int]) -> list[int]:
    """Per step, the index of its department when it is a handling step, -1 for an automated message."""
    return [department_index[s.department] if s.is_handling else -1 for s in steps]


def label_bits(graph: JourneyGraph, own: list[int]) -> list[int]:
    """Per step, the labels a way can arrive with: handling steps carry their own, messages pass theirs on."""
    n = graph.size
    own_bit = [1 << (d + 1) if d >= 0 else 0 for d in own]
    labels = [own_bit[u] if graph.reachable[u] else 0 for u in range(n)]
    if not n:
        return labels
    pending = []
    if not own_bit[graph.start]:
        labels[graph.start] |= 1 << NO_DEPARTMENT
    for u in range(n):
        if graph.reachable[u]:
            out = labels[u]
            for v, _ in graph.walk_successors(u):
                if not own_bit[v] and out & ~labels[v]:
                    labels[v] |= out
                    pending.append(v)
    while pending:  # messages after messages: grow until nothing changes
        u = pending.pop()
        for v, _ in graph.walk_successors(u):
            if not own_bit[v] and labels[u] & ~labels[v]:
                labels[v] |= labels[u]
                pending.append(v)
    return labels


def analyze_handling(graph: JourneyGraph, steps: list[Step], markov: MarkovResult) -> HandlingResult:
    departments = sorted({s.department for s in steps if s.is_handling})
    own = own_departments(steps, {d: i for i, d in enumerate(departments)})
    labels = label_bits(graph, own)
    matrix = _expected_matrix(graph, own, markov, labels, departments)
    edges = _handoff_edges(graph, own, labels)
    state_count = sum(bits.bit_count() for bits, d in zip(labels, own) if d < 0)
    pairs = build_pairs(graph, own, labels) if state_count <= LABEL_STATE_LIMIT else None
    worst = _worst(graph, own, pairs, edges)
    return HandlingResult(
        departments=departments,
        labels=labels,
        expected_handoffs=sum(matrix.values()),
        matrix=dict(sorted(matrix.items())),
        handoff_edges=frozenset(edges),
        pairs=pairs,
        worst=worst,
    )


def _expected_matrix(graph, own, markov, labels, departments) -> dict[tuple[str, str], float]:
    visits = markov.visits
    counts: dict[tuple[int, int], float] = {}  # (from department, to department) by index

    def add(a: int, b: int, amount: float) -> None:
        if amount:
            counts[(a, b)] = counts.get((a, b), 0.0) + amount

    transient = [u for u in range(graph.size) if graph.reachable[u] and not graph.absorbing[u]]
    for u in transient:
        a = own[u]
        if a >= 0 and visits[u]:
            for v, p in graph.successors[u]:
                b = own[v]
                if b >= 0 and b != a:
                    add(a, b, visits[u] * p)

    messages = [u for u in transient if own[u] < 0]
    into_handling = [(m, v, p) for m in messages for v, p in graph.successors[m] if own[v] >= 0]
    if into_handling:
        order = _acyclic_order(graph, messages)
        if order is not None:
            _add_after_message_chains(graph, own, visits, order, into_handling, add)
        else:
            _add_after_messages(graph, own, visits, labels, len(departments), transient, messages, into_handling, add)
    return {(departments[a], departments[b]): amount for (a, b), amount in counts.items()}


def _acyclic_order(graph, messages) -> list[int] | None:
    """The transient messages in an order where a message comes after every message leading to it; None on a loop."""
    inside = set(messages)
    incoming = dict.fromkeys(messages, 0)
    for m in messages:
        for v, _ in graph.successors[m]:
            if v in inside:
                incoming[v] += 1
    ready = [m for m in messages if not incoming[m]]
    order = []
    while ready:
        m = ready.pop()
        order.append(m)
        for v, _ in graph.successors[m]:
            if v in inside:
                incoming[v] -= 1
                if not incoming[v]:
                    ready.append(v)
    return order if len(order) == len(messages) else None


def _add_after_message_chains(graph, own, visits, order, into_handling, add) -> None:
    """W(m, d) without a linear system when no messages loop among themselves (the usual case):
    each message passes on what reaches it, in order. Same figures as `_add_after_messages`."""
    carried: dict[int, dict[int, float]] = {m: {} for m in order}  # message -> department (-1: none) -> visits
    if graph.start in carried:
        carried[graph.start][-1] = 1.0
    for u in range(graph.size):
        if own[u] >= 0 and visits[u] and not graph.absorbing[u]:
            for v, p in graph.successors[u]:
                if v in carried:
                    carried[v][own[u]] = carried[v].get(own[u], 0.0) + visits[u] * p
    for m in order:
        for v, p in graph.successors[m]:
            if v in carried:
                into = carried[v]
                for department, amount in carried[m].items():
                    into[department] = into.get(department, 0.0) + amount * p
    for m, v, p in into_handling:
        for department, amount in carried[m].items():
            if department >= 0 and department != own[v]:
                add(department, own[v], amount * p)


def _add_after_messages(graph, own, visits, labels, department_count, transient, messages, into_handling, add) -> None:
    """The hand-offs on edges out of messages: W(m, d), solved block by block (see the module docstring)."""
    position = {m: i for i, m in enumerate(messages)}
    size = len(messages)
    rows, cols, values = [], [], []
    for m in messages:
        for v, p in graph.successors[m]:
            j = position.get(v)
            if j is not None:
                rows.append(j)
                cols.append(position[m])
                values.append(-p)
    # (I - Q_MM)^T, factorised once: row j collects what flows into message j
    system = (identity(size, format="csc") + csc_matrix((values, (rows, cols)), shape=(size, size))).tocsc()
    lu = splu(system)
    used = 0
    for m in messages:
        used |= labels[m]
    label_list = [bit for bit in range(department_count + 1) if used >> bit & 1]
    feeding = [u for u in transient if own[u] >= 0 and visits[u] and any(v in position for v, _ in graph.successors[u])]
    for block_start in range(0, len(label_list), SOLVE_BLOCK):
        block = label_list[block_start : block_start + SOLVE_BLOCK]
        column = {bit: k for k, bit in enumerate(block)}
        rhs = np.zeros((size, len(block)))
        if graph.start in position and NO_DEPARTMENT in column:
            rhs[position[graph.start], column[NO_DEPARTMENT]] += 1.0
        for u in feeding:
            k = column.get(own[u] + 1)
            if k is None:
                continue
            for v, p in graph.successors[u]:
                j = position.get(v)
                if j is not None:
                    rhs[j, k] += visits[u] * p
        w = lu.solve(rhs)
        for m, v, p in into_handling:
            row = w[position[m]]
            target = own[v] + 1
            for bit, k in column.items():
                if bit != NO_DEPARTMENT and bit != target and row[k] > 0:
                    add(bit - 1, own[v], row[k] * p)


def _handoff_edges(graph, own, labels) -> set[tuple[int, int]]:
    """Walked edges into a handling step that some way enters from another department."""
    none = 1 << NO_DEPARTMENT
    edges = set()
    for u in range(graph.size):
        if not graph.reachable[u]:
            continue
        out = labels[u] & ~none  # a handling step's label is its own department
        for v, _ in graph.walk_successors(u):
            if own[v] >= 0 and out & ~(1 << (own[v] + 1)):
                edges.add((u, v))
    return edges


def build_pairs(graph: JourneyGraph, own: list[int], labels: list[int]) -> PairGraph:
    step_of: list[int] = []
    label_of: list[int] = []
    node_of_step = [-1] * graph.size
    message_nodes: dict[tuple[int, int], int] = {}
    for u in range(graph.size):
        if not graph.reachable[u]:
            continue
        if own[u] >= 0:
            node_of_step[u] = len(step_of)
            step_of.append(u)
            label_of.append(own[u])
        else:
            bits = labels[u]
            while bits:
                low = bits & -bits
                message_nodes[(u, low.bit_length() - 2)] = len(step_of)
                step_of.append(u)
                label_of.append(low.bit_length() - 2)
                bits ^= low
    successors: list[list[int]] = []
    handoff: list[list[float]] = []
    for u, label in zip(step_of, label_of):
        targets, weights = [], []
        for v, _ in graph.walk_successors(u):
            if own[v] >= 0:
                targets.append(node_of_step[v])
                weights.append(1.0 if label >= 0 and label != own[v] else 0.0)
            else:
                targets.append(message_nodes[(v, label)])
                weights.append(0.0)
        successors.append(targets)
        handoff.append(weights)
    return PairGraph(step_of, label_of, successors, handoff, node_of_step)


def pair_space(graph: JourneyGraph, pairs: PairGraph) -> SearchSpace:
    """The pair graph as a search space: nodes grouped by their step's loop region."""
    groups: list[list[int]] = [[] for _ in graph.component_members]
    for node, u in enumerate(pairs.step_of):
        groups[graph.component[u]].append(node)
    return SearchSpace(
        successors=pairs.successors,
        step_of=pairs.step_of,
        groups=groups,
        group_of=[graph.component[u] for u in pairs.step_of],
        cyclic=graph.cyclic_component,
        live=[True] * len(pairs.step_of),
    )


def start_node(graph: JourneyGraph, pairs: PairGraph) -> int:
    if pairs.node_of_step[graph.start] >= 0:
        return pairs.node_of_step[graph.start]
    return next(i for i, (u, label) in enumerate(zip(pairs.step_of, pairs.label_of)) if u == graph.start and label < 0)


def _worst(graph, own, pairs, edges) -> WorstWay:
    if not graph.size:
        return WorstWay(0.0, ())
    if pairs is None:
        return _bounded_worst(graph, edges)
    space = pair_space(graph, pairs)
    stop = [graph.absorbing[u] for u in pairs.step_of]
    source = start_node(graph, pairs)
    result = search(space, [0.0] * len(pairs.step_of), pairs.handoff, stop, [source])
    if result.best[source] == NEG_INF:
        return WorstWay(0.0, ())
    way = tuple(graph.ids[pairs.step_of[node]] for node in result.way(source))
    return WorstWay(result.best[source], way, result.approximate[source])


def _bounded_worst(graph, edges) -> WorstWay:
    """Too many message states for the exact search: count every possible hand-off edge (a bound)."""
    space = journey_space(graph)
    weights = [[1.0 if (u, v) in edges else 0.0 for v in space.successors[u]] for u in range(graph.size)]
    found = worst_way_indexed(graph, [0.0] * graph.size, weights, graph.absorbing, space)
    return WorstWay(found.value, found.steps, True)
