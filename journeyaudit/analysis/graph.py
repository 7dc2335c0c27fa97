"""The journey as an indexed graph: aggregated transitions, reachability, loops, traps.

Steps are numbered in file order (0 .. n-1). Several branches of one step to
the same target add up into one transition. An end step is final: branches
written under it are ignored (the customer is done), so every figure sees the
same graph. Branches to a step that does not exist are ignored here (the
loader reports them).

Absorbing steps (where a way stops) are end steps, dead ends (no usable
`next`) and traps: steps from which no end and no dead end can be reached
(along branches with p > 0), which only happens inside or in front of a
closed loop. A trap is cut: the
customer entering it is counted as stuck at the first trap step they enter.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from journeyaudit.model import Journey

# Branch probabilities of one step must add up to 1 within this tolerance;
# beyond it (a file the loader already complained about) they are rescaled.
PROBABILITY_TOLERANCE = 1e-6
NEVER_TAKEN = 1e-12  # a branch this unlikely is no way out of a loop (see the traps below)


@dataclass(slots=True)
class JourneyGraph:
    ids: list[str]  # step ids in file order
    index: dict[str, int]
    start: int
    # successors[u]: [(v, probability)], one entry per distinct target, in
    # order of first appearance in u's `next` list.
    successors: list[list[tuple[int, float]]]
    predecessors: list[list[int]]  # distinct, ascending
    is_end: list[bool]
    dead_end: list[bool]  # neither a usable `next` nor `end`
    reachable: list[bool]  # some way from the start reaches it
    trap: list[bool]  # reachable, and no end or dead end can be reached from it
    absorbing: list[bool]  # end, dead end or trap
    component: list[int]  # strongly connected component id; ids are in topological order
    component_members: list[list[int]]
    cyclic_component: list[bool]  # the component holds a loop (size > 1 or a self-loop)

    @property
    def size(self) -> int:
        return len(self.ids)

    def walk_successors(self, u: int) -> list[tuple[int, float]]:
        """Successors in the walked graph: an absorbing step has none (traps are cut)."""
        return [] if self.absorbing[u] else self.successors[u]


def build_graph(journey: Journey) -> JourneyGraph:
    ids = list(journey.steps)
    index = {step_id: i for i, step_id in enumerate(ids)}
    n = len(ids)
    successors: list[list[tuple[int, float]]] = []
    is_end = []
    dead_end = []
    for step_id in ids:
        step = journey.steps[step_id]
        ended = step.end is not None
        is_end.append(ended)
        aggregated: dict[int, float] = {}
        if not ended:
            for edge in step.next:
                target = index.get(edge.target)
                if target is None:
                    continue
                aggregated[target] = aggregated.get(target, 0.0) + max(float(edge.probability), 0.0)
        total = sum(aggregated.values())
        # chances that add up to 1 within the format's tolerance (three branches of 0.3333333) are scaled to add
        # up to 1 exactly, so a success rate is 1, not 0.9999999 (further off, the loader has refused them)
        if aggregated and total != 1.0:
            if total > 0:
                aggregated = {t: p / total for t, p in aggregated.items()}
            else:  # every branch says p = 0: read it as equal chances
                aggregated = {t: 1.0 / len(aggregated) for t in aggregated}
        successors.append(list(aggregated.items()))
        dead_end.append(not ended and not aggregated)

    predecessor_sets: list[set[int]] = [set() for _ in range(n)]
    for u in range(n):
        for v, _ in successors[u]:
            predecessor_sets[v].add(u)
    predecessors = [sorted(s) for s in predecessor_sets]

    start = index.get(journey.start, 0)
    reachable = [False] * n
    if n:
        reachable[start] = True
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for v, _ in successors[u]:
                if not reachable[v]:
                    reachable[v] = True
                    queue.append(v)

    # Steps that can reach an end or a dead end: backwards from them, along branches
    # that are ever taken. A loop whose only way out has p = 0 (or p = 1e-300, below
    # NEVER_TAKEN: a loop walked 1/p times, beyond what floating point can hold) is a
    # trap: the customer never leaves it, and the chain's I - Q would be singular.
    taken_predecessors: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for v, p in successors[u]:
            if p > NEVER_TAKEN:
                taken_predecessors[v].append(u)
    can_stop = [False] * n
    queue = deque(u for u in range(n) if is_end[u] or dead_end[u])
    for u in queue:
        can_stop[u] = True
    while queue:
        v = queue.popleft()
        for u in taken_predecessors[v]:
            if not can_stop[u]:
                can_stop[u] = True
                queue.append(u)
    trap = [reachable[u] and not can_stop[u] for u in range(n)]
    absorbing = [is_end[u] or dead_end[u] or trap[u] for u in range(n)]

    component, members = strongly_connected_components(n, [[v for v, _ in targets] for targets in successors])
    cyclic = [len(m) > 1 for m in members]
    for u in range(n):
        if any(v == u for v, _ in successors[u]):
            cyclic[component[u]] = True

    return JourneyGraph(
        ids=ids,
        index=index,
        start=start,
        successors=successors,
        predecessors=predecessors,
        is_end=is_end,
        dead_end=dead_end,
        reachable=reachable,
        trap=trap,
        absorbing=absorbing,
        component=component,
        component_members=members,
        cyclic_component=cyclic,
    )


def strongly_connected_components(n: int, successors: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """Tarjan's algorithm, iterative (journeys of 10,000 steps overflow recursion).

    Returns the component of each node and the members of each component
    (ascending), with component ids in topological order: every edge goes
    from a component to one with the same or a larger id.

    Hand-written rather than networkx's: on the 10,000-step benchmark journey
    this takes 9 ms, while building a networkx DiGraph and running
    `strongly_connected_components` takes 28 ms alone and 90 ms inside an
    analysis (allocation and garbage collection), before the topological
    numbering networkx does not give; it runs twice per analysis (the journey,
    the silence search). networkx does what is not a few lines: dominators
    (analysis/contacts.py).
    """
    order_index = [-1] * n
    lowlink = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    found: list[list[int]] = []  # Tarjan emits components in reverse topological order
    counter = 0
    for root in range(n):
        if order_index[root] != -1:
            continue
        work = [(root, 0)]
        order_index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            u, position = work[-1]
            edges = successors[u]
            if position < len(edges):
                work[-1] = (u, position + 1)
                v = edges[position]
                if order_index[v] == -1:
                    order_index[v] = lowlink[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack[v] = True
                    work.append((v, 0))
                elif on_stack[v]:
                    lowlink[u] = min(lowlink[u], order_index[v])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[u])
            if lowlink[u] == order_index[u]:
                members = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    members.append(w)
                    if w == u:
                        break
                found.append(sorted(members))
    found.reverse()
    component = [0] * n
    for cid, members in enumerate(found):
        for u in members:
            component[u] = cid
    return component, found


def loop_edges(graph: JourneyGraph) -> set[tuple[int, int]]:
    """Edges inside a strongly connected region: the ones a customer can walk again."""
    result = set()
    for u in range(graph.size):
        for v, _ in graph.successors[u]:
            if graph.component[u] == graph.component[v] and graph.cyclic_component[graph.component[u]]:
                result.add((u, v))
    return result


def bfs_distance(graph: JourneyGraph) -> list[int]:
    """Fewest transitions from the start to each step (-1: unreachable)."""
    distance = [-1] * graph.size
    if not graph.size:
        return distance
    distance[graph.start] = 0
    queue = deque([graph.start])
    while queue:
        u = queue.popleft()
        for v, _ in graph.successors[u]:
            if distance[v] == -1:
                distance[v] = distance[u] + 1
                queue.append(v)
    return distance


def can_reach(graph: JourneyGraph, targets: Iterable[int], taken_only: bool = False) -> list[bool]:
    """Steps from which some step of `targets` can be reached (targets included).

    With `taken_only`, only along branches that are ever taken (p > NEVER_TAKEN),
    as for traps: an exit with `p: 0` is no way out.
    """
    if taken_only:
        backwards: list[list[int]] = [[] for _ in range(graph.size)]
        for u in range(graph.size):
            for v, p in graph.successors[u]:
                if p > NEVER_TAKEN:
                    backwards[v].append(u)
    else:
        backwards = graph.predecessors
    result = [False] * graph.size
    queue = deque(targets)
    for u in queue:
        result[u] = True
    while queue:
        v = queue.popleft()
        for u in backwards[v]:
            if not result[u]:
                result[u] = True
                queue.append(u)
    return result


def reverse_post_order(graph: JourneyGraph) -> list[int]:
    """Reachable steps in reverse post-order of a depth-first walk from the start."""
    if not graph.size:
        return []
    seen = [False] * graph.size
    post: list[int] = []
    seen[graph.start] = True
    work = [(graph.start, 0)]
    while work:
        u, position = work[-1]
        edges = graph.successors[u]
        if position < len(edges):
            work[-1] = (u, position + 1)
            v = edges[position][0]
            if not seen[v]:
                seen[v] = True
                work.append((v, 0))
            continue
        work.pop()
        post.append(u)
    post.reverse()
    return post


def ancestor_bits(graph: JourneyGraph, bit_of: list[int] | None = None) -> list[int]:
    """Per step, its reachable ancestors as a bitset (by default bit i = graph.ids[i]).

    An ancestor has a way of one edge or more to the step, so a step on a loop
    is its own ancestor. Computed once per strongly connected component in
    topological order: one pass over the edges, no walk per step. `bit_of`
    gives each step another bit (e.g. ranked by distance from the start).
    """
    bit_of = bit_of or [1 << u for u in range(graph.size)]
    components = graph.component_members
    member_bits = [0] * len(components)
    for cid, members in enumerate(components):
        for u in members:
            if graph.reachable[u]:
                member_bits[cid] |= bit_of[u]
    reaching = [0] * len(components)
    for cid, members in enumerate(components):
        bits = 0
        for u in members:
            for p in graph.predecessors[u]:
                pc = graph.component[p]
                if pc != cid and graph.reachable[p]:
                    bits |= reaching[pc] | member_bits[pc]
        reaching[cid] = bits
    return [
        reaching[graph.component[u]] | (member_bits[graph.component[u]] if graph.cyclic_component[graph.component[u]] else 0)
        for u in range(graph.size)
    ]
