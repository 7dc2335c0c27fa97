"""`analyze(journey)`: every figure of one journey, computed once for rules and reports.

`reanalyze(journey, previous, changed)` is the same analysis of an edited
journey (the what-if engine of `journeyaudit.fixes`): the parts of
`previous` that the edit cannot change are reused, the rest computed again,
so the result is exactly what `analyze` would give for the edited journey.
`changed` names what the edit touched, among `ASPECTS`:

| aspect | the edit changed | computed again |
|---|---|---|
| `structure` | steps added, removed or reordered, `next`, `end`, `start` | everything |
| `asks` | `asks`, `known`, `data` | the data flow |
| `times` | `wait`, `duration` | the worst duration, silences, the promise |
| `after` | `after` | as `times`, and contacts (a booked step begins a contact) |
| `departments` | a step's `department` | hand-offs |
| `roles` | `kind`, `actor`, `channel`, `value` | hand-offs, contacts, silences |
| `promise` | `promise` | the promise |

The metrics are always computed again (they read every part).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journeyaudit.analysis import JourneyAnalysis, SilenceWay, WorstWay
from journeyaudit.analysis.contacts import ContactResult, analyze_contacts
from journeyaudit.analysis.dataflow import DataFlowResult, analyze_dataflow
from journeyaudit.analysis.graph import JourneyGraph, build_graph, can_reach, loop_edges
from journeyaudit.analysis.handling import HandlingResult, analyze_handling
from journeyaudit.analysis.markov import MarkovResult, solve_chain
from journeyaudit.analysis.metrics import compute_metrics, stated_channels
from journeyaudit.analysis.promise import PromiseResult, promise_kept
from journeyaudit.analysis.silence import Silence, analyze_silences
from journeyaudit.analysis.worstcase import worst_way_indexed
from journeyaudit.model import Journey

ASPECTS = frozenset({"structure", "asks", "times", "after", "departments", "roles", "promise"})


@dataclass(slots=True)
class AnalysisParts:
    """The intermediate results an analysis is assembled from, kept for `reanalyze`."""

    graph: JourneyGraph
    markov: MarkovResult
    handling: HandlingResult
    contacts: ContactResult
    worst_duration: WorstWay
    silences: dict[int, Silence]
    promise: PromiseResult | None
    dataflow: DataFlowResult


def analyze(journey: Journey) -> JourneyAnalysis:
    return _analyze(journey, None, ASPECTS)


def reanalyze(journey: Journey, previous: JourneyAnalysis, changed: Iterable[str]) -> JourneyAnalysis:
    """The analysis of `journey`, an edit of the journey `previous` analysed, reusing what it could not change."""
    aspects = frozenset(changed)
    unknown = aspects - ASPECTS
    if unknown:
        raise ValueError(f"unknown aspects: {', '.join(sorted(unknown))}")
    return _analyze(journey, previous if isinstance(previous.parts, AnalysisParts) else None, aspects)


def _analyze(journey: Journey, previous: JourneyAnalysis | None, changed: frozenset[str]) -> JourneyAnalysis:
    old = previous.parts if previous is not None else None
    assert old is None or isinstance(old, AnalysisParts)

    def again(*aspects: str) -> bool:
        return old is None or "structure" in changed or not changed.isdisjoint(aspects)

    structure = again()
    graph = build_graph(journey) if structure or old is None else old.graph
    ids = graph.ids
    steps = [journey.steps[step_id] for step_id in ids]
    n = graph.size
    success = [s.end == "success" for s in steps]

    markov = solve_chain(graph, success) if structure or old is None else old.markov
    handling = analyze_handling(graph, steps, markov) if again("departments", "roles") or old is None else old.handling
    contacts = analyze_contacts(graph, steps, markov) if again("roles", "after") or old is None else old.contacts
    if again("times", "after") or old is None:
        worst_duration = worst_way_indexed(graph, [s.elapsed_s for s in steps], None, graph.absorbing)
    else:
        worst_duration = old.worst_duration
    silences = analyze_silences(graph, steps) if again("roles", "times", "after") or old is None else old.silences
    promise = None
    if journey.promise is not None and journey.promise.duration_s is not None:
        if again("times", "after", "promise") or old is None or old.promise is None:
            promise = promise_kept(graph, steps, journey.promise.duration_s)
        else:
            promise = old.promise
    stated = stated_channels(journey)
    dataflow = analyze_dataflow(journey, graph) if again("asks") or old is None else old.dataflow

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
    parts = AnalysisParts(graph, markov, handling, contacts, worst_duration, silences, promise, dataflow)

    if previous is not None and old is not None and not structure:
        # Only what the edit touched is assembled again; the rest is the previous analysis's.
        flow_again = again("asks")
        return JourneyAnalysis(
            reachable=previous.reachable,
            can_succeed=previous.can_succeed,
            dead_ends=previous.dead_ends,
            traps=previous.traps,
            loop_edges=previous.loop_edges,
            visits=previous.visits,
            transition=previous.transition,
            absorption=previous.absorption,
            success_rate=float(metrics["success_rate"] or 0.0),
            worst_handoffs=handling.worst,
            worst_duration=worst_duration,
            most_likely_way=previous.most_likely_way,
            held_must=_held(dataflow, graph, "must") if flow_again else previous.held_must,
            held_may=_held(dataflow, graph, "may") if flow_again else previous.held_may,
            first_given=dataflow.first_given,
            metrics=metrics,
            graph=graph,
            success_from=previous.success_from,
            first_asked=dataflow.first_asked,
            asked_must=_held(dataflow, graph, "asked") if flow_again else previous.asked_must,
            handoff_matrix=handling.matrix,
            handoff_edges=_edge_ids(ids, handling.handoff_edges) if handling is not old.handling else previous.handoff_edges,
            handling=handling,
            loop_back_edges=previous.loop_back_edges,
            contact_edges=_edge_ids(ids, contacts.begins_contact) if contacts is not old.contacts else previous.contact_edges,
            silences=_silence_ways(ids, silences) if silences is not old.silences else previous.silences,
            stated_channels=stated,
            parts=parts,
        )

    succeeding = can_reach(graph, [u for u in range(n) if success[u]], taken_only=True)
    return JourneyAnalysis(
        reachable=frozenset(ids[u] for u in range(n) if graph.reachable[u]),
        can_succeed=frozenset(ids[u] for u in range(n) if succeeding[u]),
        dead_ends=tuple(ids[u] for u in range(n) if graph.dead_end[u]),
        traps=frozenset(ids[u] for u in range(n) if graph.trap[u]),
        loop_edges=_edge_ids(ids, loop_edges(graph)),
        visits={ids[u]: markov.visits[u] for u in range(n)},
        transition={(ids[u], ids[v]): p for u in range(n) for v, p in graph.successors[u]},
        absorption={ids[a]: p for a, p in markov.absorption.items()},
        success_rate=float(metrics["success_rate"] or 0.0),
        worst_handoffs=handling.worst,
        worst_duration=worst_duration,
        most_likely_way=most_likely_way(graph),
        held_must=_held(dataflow, graph, "must"),
        held_may=_held(dataflow, graph, "may"),
        first_given=dataflow.first_given,
        metrics=metrics,
        graph=graph,
        success_from={ids[u]: markov.success_from[u] for u in range(n)},
        first_asked=dataflow.first_asked,
        asked_must=_held(dataflow, graph, "asked"),
        handoff_matrix=handling.matrix,
        handoff_edges=_edge_ids(ids, handling.handoff_edges),
        handling=handling,
        loop_back_edges=_edge_ids(ids, contacts.loop_back),
        contact_edges=_edge_ids(ids, contacts.begins_contact),
        silences=_silence_ways(ids, silences),
        stated_channels=stated,
        parts=parts,
    )


def _held(dataflow: DataFlowResult, graph: JourneyGraph, which: str) -> dict[str, frozenset[str]]:
    """Per step, the named items of one bitset list (held on every way, on some way, asked on every way)."""
    bits = {"must": dataflow.held_must, "may": dataflow.held_may, "asked": dataflow.asked_must}[which]
    names_cache: dict[int, frozenset[str]] = {}
    held = {}
    for u, step_id in enumerate(graph.ids):
        found = names_cache.get(bits[u])
        if found is None:  # neighbouring steps often hold the same set: share one frozenset
            found = names_cache[bits[u]] = dataflow.names(bits[u])
        held[step_id] = found
    return held


def _edge_ids(ids: list[str], edges) -> frozenset[tuple[str, str]]:
    return frozenset((ids[u], ids[v]) for u, v in edges)


def _silence_ways(ids: list[str], silences: dict[int, Silence]) -> dict[str, SilenceWay]:
    return {
        ids[t]: SilenceWay(s.seconds, None if s.origin is None else ids[s.origin], tuple(ids[q] for q in s.quiet), s.approximate)
        for t, s in silences.items()
    }


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
