"""`analyze(journey)`: every figure of one journey, computed once for rules and reports."""

from __future__ import annotations

from journeyaudit.analysis import JourneyAnalysis
from journeyaudit.analysis.dataflow import analyze_dataflow
from journeyaudit.analysis.graph import JourneyGraph, build_graph, can_reach, loop_edges
from journeyaudit.analysis.markov import solve_chain
from journeyaudit.analysis.metrics import compute_metrics, handoff
from journeyaudit.analysis.worstcase import worst_way_indexed
from journeyaudit.model import Journey


def analyze(journey: Journey) -> JourneyAnalysis:
    graph = build_graph(journey)
    ids = graph.ids
    steps = [journey.steps[step_id] for step_id in ids]
    n = graph.size
    success = [s.end == "success" for s in steps]

    markov = solve_chain(graph, success)

    handoff_edges = {}
    for u in range(n):
        for v, _ in graph.walk_successors(u):
            if handoff(steps[u], steps[v]):
                handoff_edges[(u, v)] = 1.0
    worst_handoffs = worst_way_indexed(graph, [0.0] * n, handoff_edges, graph.absorbing)
    worst_duration = worst_way_indexed(
        graph, [s.wait_s + s.duration_s for s in steps], None, graph.absorbing
    )

    dataflow = analyze_dataflow(journey, graph)
    metrics = compute_metrics(journey, graph, markov, worst_handoffs, worst_duration, dataflow)

    names_cache: dict[int, frozenset[str]] = {}

    def names(bits: int) -> frozenset[str]:
        # Neighbouring steps often hold the same set: share one frozenset.
        found = names_cache.get(bits)
        if found is None:
            found = names_cache[bits] = dataflow.names(bits)
        return found

    succeeding = can_reach(graph, [u for u in range(n) if success[u]], taken_only=True)
    return JourneyAnalysis(
        reachable=frozenset(ids[u] for u in range(n) if graph.reachable[u]),
        can_succeed=frozenset(ids[u] for u in range(n) if succeeding[u]),
        dead_ends=tuple(ids[u] for u in range(n) if graph.dead_end[u]),
        traps=frozenset(ids[u] for u in range(n) if graph.trap[u]),
        loop_edges=frozenset((ids[u], ids[v]) for u, v in loop_edges(graph)),
        visits={ids[u]: markov.visits[u] for u in range(n)},
        transition={(ids[u], ids[v]): p for u in range(n) for v, p in graph.successors[u]},
        absorption={ids[a]: p for a, p in markov.absorption.items()},
        success_rate=metrics["success_rate"],
        worst_handoffs=worst_handoffs,
        worst_duration=worst_duration,
        most_likely_way=most_likely_way(graph),
        held_must={ids[u]: names(dataflow.held_must[u]) for u in range(n)},
        held_may={ids[u]: names(dataflow.held_may[u]) for u in range(n)},
        first_given=dataflow.first_given,
        metrics=metrics,
        graph=graph,
        success_from={ids[u]: markov.success_from[u] for u in range(n)},
        first_asked=dataflow.first_asked,
        asked_must={ids[u]: names(dataflow.asked_must[u]) for u in range(n)},
    )


def most_likely_way(graph: JourneyGraph) -> tuple[str, ...]:
    """From the start, always the likeliest branch (ties: order of the `next` list).

    Stops at an absorbing step (an end, a dead end, or the first trap step
    entered: the customer is stuck there), or before a step already on the way.
    """
    if not graph.size:
        return ()
    way = [graph.start]
    seen = {graph.start}
    u = graph.start
    while True:
        best = None
        best_p = -1.0
        for v, p in graph.walk_successors(u):
            if p > best_p:
                best, best_p = v, p
        if best is None or best in seen:
            break
        way.append(best)
        seen.add(best)
        u = best
    return tuple(graph.ids[u] for u in way)
