"""What the company already holds when a step asks: a data-flow analysis on bitsets.

Each data item is one bit of a Python int. For every reachable step s:

    OUT(s) = IN(s) | asks(s)
    IN_must(s) = AND of OUT(p) over the predecessors p of s   (held on every way)
    IN_may(s)  = OR  of OUT(p) over the predecessors p of s   (held on some way)

The start also has a virtual entry whose OUT is the journey's `known` list.
Must starts from "everything" and may from "nothing"; both are iterated in
reverse post-order until nothing changes (loops need more than one pass). No
way is enumerated.

Where a held item was first given: the asking step closest to the start (by
fewest transitions, ties by file order) among the steps from which s can be
reached (s itself when it lies on a loop); None when the item is `known`.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyaudit.analysis.graph import (
    JourneyGraph,
    ancestor_bits,
    bfs_distance,
    reverse_post_order,
)
from journeyaudit.model import Journey


@dataclass(slots=True)
class DataFlowResult:
    items: list[str]  # bit i is items[i]
    asks: list[int]  # bitset of what each step asks
    known: int
    held_must: list[int]  # IN_must per step (0 for unreachable steps)
    held_may: list[int]
    first_given: dict[tuple[str, str], str | None]
    first_asked: dict[tuple[str, str], str]  # like first_given, ignoring `known`
    # IN_must computed as if `known` were empty: the items asked on every way
    # into the step. A step asking an item outside it is a first asker.
    asked_must: list[int]

    def names(self, bits: int) -> frozenset[str]:
        return frozenset(self.items[i] for i in iter_bits(bits))


def iter_bits(bits: int):
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def analyze_dataflow(journey: Journey, graph: JourneyGraph) -> DataFlowResult:
    items = list(journey.data)
    position = {item: i for i, item in enumerate(items)}

    def bits_of(ids) -> int:
        result = 0
        for item in ids:
            if item not in position:  # asked or known but not declared: still tracked
                position[item] = len(items)
                items.append(item)
            result |= 1 << position[item]
        return result

    known = bits_of(journey.known)
    asks = [bits_of(journey.steps[step_id].asks) for step_id in graph.ids]
    n = graph.size
    everything = (1 << len(items)) - 1
    order = reverse_post_order(graph)
    predecessors = [[p for p in graph.predecessors[u] if graph.reachable[p]] for u in range(n)]

    must_in = [0] * n
    may_in = [0] * n
    must_out = [everything] * n  # the top of the must lattice, lowered by the iteration
    may_out = [0] * n
    asked_in = [0] * n
    asked_out = [everything] * n
    changed = True
    while changed:
        changed = False
        for u in order:
            must = everything
            may = 0
            asked = everything
            for p in predecessors[u]:
                must &= must_out[p]
                may |= may_out[p]
                asked &= asked_out[p]
            if u == graph.start:
                must &= known
                may |= known
                asked = 0
            out_must = must | asks[u]
            out_may = may | asks[u]
            out_asked = asked | asks[u]
            if out_must != must_out[u] or out_may != may_out[u] or out_asked != asked_out[u]:
                changed = True
            must_in[u], may_in[u], asked_in[u] = must, may, asked
            must_out[u], may_out[u], asked_out[u] = out_must, out_may, out_asked

    first_given, first_asked = _first_given(graph, items, asks, known, may_in)
    asked_in = [bits if graph.reachable[u] else 0 for u, bits in enumerate(asked_in)]
    return DataFlowResult(items, asks, known, must_in, may_in, first_given, first_asked, asked_in)


def _first_given(graph, items, asks, known, may_in):
    """(step, item) -> the first asking step, for each held item a reachable step asks.

    Returns (first_given, first_asked): the first with None for `known`
    items, the second the closest asking step even for `known` items (when
    there is one), for messages like "already given at 'call'".
    """
    n = graph.size
    needed = [u for u in range(n) if graph.reachable[u] and asks[u] & may_in[u]]
    result: dict[tuple[str, str], str | None] = {}
    asked: dict[tuple[str, str], str] = {}
    if not needed:
        return result, asked
    distance = bfs_distance(graph)
    ranked = sorted((u for u in range(n) if graph.reachable[u]), key=lambda u: (distance[u], u))
    rank_bit = [0] * n
    for rank, u in enumerate(ranked):
        rank_bit[u] = 1 << rank
    askers = [0] * len(items)  # per item, the rank bits of the reachable steps asking it
    for u in ranked:
        for i in iter_bits(asks[u]):
            askers[i] |= rank_bit[u]

    # Ancestors as rank bitsets: the closest asker is the lowest set bit of
    # (askers & ancestors).
    ancestors_of = ancestor_bits(graph, rank_bit)
    for u in needed:
        for i in iter_bits(asks[u] & may_in[u]):
            key = (graph.ids[u], items[i])
            candidates = askers[i] & ancestors_of[u]
            first = graph.ids[ranked[(candidates & -candidates).bit_length() - 1]] if candidates else None
            if first is not None:
                asked[key] = first
            result[key] = None if known >> i & 1 else first
    return result, asked
