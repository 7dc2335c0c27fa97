"""The figures of a conformance check: shares, rankings, designed beside measured.

`conformance(journey, cases, evidence_map)` replays the log (`replay.py`) and
returns a `Conformance` whose `document` is the JSON of `conform --format
json` (shared/spec/evidence.md, "Output"): every key there, in that order,
then a few extras. Shares keep 6 decimals, seconds 3; renderers only format
what is here.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from journeyaudit.common.text import display_path
from journeyaudit.evidence.mapping import EvidenceMap
from journeyaudit.evidence.replay import Replay, replay
from journeyaudit.evidence.source import LogCases
from journeyaudit.model import Journey

SHARE_DIGITS = 6
SECONDS_DIGITS = 3
OUTPUT_VERSION = 1

# Designed figure (the audit's `metrics` key) beside the measured one (a key of
# `measured`, or measured.duration_s.<statistic>): what text and HTML show side by side.
SIDE_BY_SIDE = (
    ("Hand-offs per case", "expected_handoffs", "handoffs_per_case"),
    ("Steps per case", "expected_steps", "steps_per_case"),
    ("Duration (mean)", "expected_duration_s", "duration_s.mean"),
    ("Success rate", "success_rate", "success_rate"),
)


def share(part: float, whole: float) -> float | None:
    return round(part / whole, SHARE_DIGITS) if whole else None


def quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC)."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def duration_figures(durations: list[float]) -> dict[str, float] | None:
    if not durations:
        return None
    ordered = sorted(durations)
    return {
        "mean": round(math.fsum(ordered) / len(ordered), SECONDS_DIGITS),
        "median": round(quantile(ordered, 0.5), SECONDS_DIGITS),
        "p90": round(quantile(ordered, 0.9), SECONDS_DIGITS),
    }


def _ranked(counter: Counter, key_name: str) -> list[dict[str, Any]]:
    return [{key_name: key, "cases": count} for key, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]


@dataclass
class Conformance:
    journey: Journey
    log: LogCases
    evidence_map: EvidenceMap
    replay: Replay
    designed: dict[str, Any]
    document: dict[str, Any]

    @property
    def unmapped(self) -> dict[str, int]:
        return dict(self.replay.unmapped)

    @property
    def side_by_side(self) -> list[tuple[str, str, Any, str, Any]]:
        """(label, designed key, designed value, measured key, measured value) of SIDE_BY_SIDE, as far as known."""
        designed = self.document["designed"]
        rows = []
        for label, designed_key, measured_key in SIDE_BY_SIDE:
            measured = measured_value(self.document, measured_key)
            if designed_key in designed or measured is not None:
                rows.append((label, designed_key, designed.get(designed_key), measured_key, measured))
        return rows


def aggregated_edges(journey: Journey) -> list[tuple[str, str, float]]:
    """(from, to, designed p) per distinct edge, in file order; two branches to one step add up."""
    edges: dict[tuple[str, str], float] = {}
    for step in journey.steps.values():
        for edge in step.next:
            edges[(edge.source, edge.target)] = edges.get((edge.source, edge.target), 0.0) + edge.probability
    return [(source, target, p) for (source, target), p in edges.items()]


def conformance(journey: Journey, cases: LogCases, evidence_map: EvidenceMap, designed: dict[str, Any] | None = None) -> Conformance:
    """Replay `cases` on `journey`; `designed` is the audit's metrics (computed when not given)."""
    if designed is None:
        from journeyaudit.analysis import analyze

        designed = dict(analyze(journey).metrics)
    counts = replay(journey, cases, evidence_map)
    return Conformance(journey, cases, evidence_map, counts, designed, build_document(journey, cases, evidence_map, counts, designed))


def build_document(journey: Journey, cases: LogCases, evidence_map: EvidenceMap, counts: Replay, designed: dict[str, Any]) -> dict[str, Any]:
    allowed = {step_id: {edge.target for edge in step.next} for step_id, step in journey.steps.items()}
    unexpected = [
        {"from": source, "to": target, "count": count, "cases": counts.move_cases[(source, target)],
         "share_of_cases": share(counts.move_cases[(source, target)], counts.cases)}
        for (source, target), count in counts.move_counts.items()
        if target not in allowed[source]
    ]
    unexpected.sort(key=lambda move: (-move["count"], move["from"], move["to"]))
    edges = []
    for source, target, designed_p in aggregated_edges(journey):
        count = counts.move_counts.get((source, target), 0)
        edges.append({
            "from": source,
            "to": target,
            "designed_p": round(designed_p, SHARE_DIGITS),
            "count": count,
            "measured_p": share(count, counts.leaving.get(source, 0)),
            "cases": counts.move_cases.get((source, target), 0),
        })
    measured: dict[str, Any] = {
        "handoffs_per_case": share(counts.handoffs, counts.cases),
        "duration_s": duration_figures(counts.durations),
        "success_rate": share(counts.success_cases, counts.cases),
        # extras
        "steps_per_case": share(counts.visits, counts.cases),
        "handoffs": counts.handoffs,
        "success_cases": counts.success_cases,
        "cases_with_duration": len(counts.durations),
    }
    return {
        "version": OUTPUT_VERSION,
        "journey": journey.id,
        "file": journey.file,
        "log": display_path(cases.path),
        "map": evidence_map.file,
        "events": cases.events,
        "cases": counts.cases,
        "cases_without_mapped_events": counts.cases_without_mapped_events,
        "fitting_cases": counts.fitting_cases,
        "fitness": share(counts.fitting_cases, counts.cases),
        "moves": counts.moves,
        "allowed_moves": counts.allowed_moves,
        "move_fitness": share(counts.allowed_moves, counts.moves),
        "unmapped": [
            {"activity": activity, "events": events}
            for activity, events in sorted(counts.unmapped.items(), key=lambda item: (-item[1], item[0]))
        ],
        "unexpected": unexpected,
        "edges": edges,
        "first_steps": _ranked(counts.first_steps, "step"),
        "last_steps": _ranked(counts.last_steps, "step"),
        "designed": designed,
        "measured": measured,
        # extras
        "visits": counts.visits,
        "ignored_events": counts.ignored_events,
        "unmapped_events": sum(counts.unmapped.values()),
        "events_without_activity": counts.events_without_activity,
        "events_without_timestamp": cases.events_missing_timestamp,
        "steps_never_visited": [step_id for step_id in journey.steps if step_id not in _visited(counts)],
        "notes": list(cases.notes),
    }


def _visited(counts: Replay) -> set[str]:
    seen = set(counts.first_steps) | set(counts.last_steps)
    for source, target in counts.move_counts:
        seen.add(source)
        seen.add(target)
    return seen


def measured_value(document: dict[str, Any], key: str) -> Any:
    """A measured figure by SIDE_BY_SIDE key (`duration_s.mean` reaches inside)."""
    value: Any = document["measured"]
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
