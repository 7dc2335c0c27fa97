"""`analyze(journey)`: every figure of one journey, computed once for rules and reports."""

from __future__ import annotations

from journeyaudit.analysis import JourneyAnalysis, SilenceWay
from journeyaudit.analysis.contacts import analyze_contacts
from journeyaudit.analysis.dataflow import analyze_dataflow
from journeyaudit.analysis.graph import JourneyGraph, build_graph, can_reach, loop_edges
from journeyaudit.analysis.handling import analyze_handling
from journeyaudit.analysis.markov import solve_chain
from journeyaudit.analysis.metrics import compute_metrics, stated_channels
from journeyaudit.analysis.promise import promise_kept
from journeyaudit.analysis.silence import analyze_silences
from journeyaudit.analysis.worstcase import worst_way_indexed
from journeyaudit.model import Journey


def analyze(journey: Journey) -> JourneyAnalysis:
    graph = build_graph(journey)
    ids = graph.ids
    steps = [journey.steps[step_id] for step_id in ids]
    n = graph.size
    success = [s.end == "success" for s in steps]

    markov = solve_chain(graph, success)
    handling = analyze_handling(graph, steps, markov)
    contacts = analyze_contacts(graph, steps, markov)
    worst_duration = worst_way_indexed(graph, [s.elapsed_s for s in steps], None, graph.absorbing)
    silences = analyze_silences(graph, steps)
    promise = None
    if journey.promise is not None and journey.promise.duration_s is not None:
        promise = promise_kept(graph, steps, journey.promise.duration_s)
    stated = stated_channels(journey)

    dataflow = analyze_dataflow(journey, graph)
    metrics = compute_metrics(
        journey,
        graph,
        markov,
        handling,
        contacts,
        worst_duration,
        dataflow,
        stated,
        max((s.seconds for s in silences.values()), default=0.0),
        any(s.approximate for s in silences.values()),
        promise,
    )

    names_cache: dict[int, frozenset[str]] = {}

    def names(bits: int) -> frozenset[str]:
        # Neighbouring steps often hold the same set: share one frozenset.
        found = names_cache.get(bits)
        if found is None:
            found = names_cache[bits] = dataflow.names(bits)
        return found

    def edge_ids(edges) -> frozenset[tuple[str, str]]:
        return frozenset((ids[u], ids[v]) for u, v in edges)

    succeeding = can_reach(graph, [u for u in range(n) if success[u]], taken_only=True)
    return JourneyAnalysis(
        reachable=frozenset(ids[u] for u in range(n) if graph.reachable[u]),
        can_succeed=frozenset(ids[u] for u in range(n) if succeeding[u]),
        dead_ends=tuple(ids[u] for u in range(n) if graph.dead_end[u]),
        traps=frozenset(ids[u] for u in range(n) if graph.trap[u]),
        loop_edges=edge_ids(loop_edges(graph)),
        visits={ids[u]: markov.visits[u] for u in range(n)},
        transition={(ids[u], ids[v]): p for u in range(n) for v, p in graph.successors[u]},
        absorption={ids[a]: p for a, p in markov.absorption.items()},
        success_rate=float(metrics["success_rate"] or 0.0),
        worst_handoffs=handling.worst,
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
        handoff_matrix=handling.matrix,
        handoff_edges=edge_ids(handling.handoff_edges),
        handling=handling,
        loop_back_edges=edge_ids(contacts.loop_back),
        contact_edges=edge_ids(contacts.begins_contact),
        silences={
            ids[t]: SilenceWay(s.seconds, None if s.origin is None else ids[s.origin], tuple(ids[q] for q in s.quiet), s.approximate)
            for t, s in silences.items()
        },
        stated_channels=stated,
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
