"""The replay of every case on the journey (shared/spec/evidence.md, "Replay").

1. a case's events come ordered (timestamp, ties in log order: `source.py`);
2. each event's activity maps to a step; ignored activities are dropped;
   activities neither mapped nor ignored are dropped and counted as unmapped;
3. consecutive events that map to the same step are one visit;
4. a move is a pair of consecutive visits, allowed when the second step is
   among the first's `next`;
5. a case fits when its first visit is the start step, every move is
   allowed, and its last visit is a step with `end`.

Everything here is a count; `figures.py` turns counts into shares.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from journeyaudit.evidence.mapping import EvidenceMap
from journeyaudit.evidence.source import LogCase
from journeyaudit.model import Journey


def is_automated_message(step) -> bool:
    """An automated message (journey-format.md): a notification sent by the system; it handles nothing."""
    return step.kind == "notification" and step.actor == "system"


@dataclass
class Replay:
    cases: int = 0  # cases with at least one mapped event
    cases_without_mapped_events: int = 0
    fitting_cases: int = 0
    moves: int = 0
    allowed_moves: int = 0
    visits: int = 0
    events_without_activity: int = 0
    ignored_events: int = 0
    unmapped: Counter = field(default_factory=Counter)  # activity -> events
    move_counts: Counter = field(default_factory=Counter)  # (from, to) -> moves
    move_cases: Counter = field(default_factory=Counter)  # (from, to) -> cases with that move
    leaving: Counter = field(default_factory=Counter)  # step -> moves leaving it (allowed or not)
    allowed_leaving: Counter = field(default_factory=Counter)  # step -> allowed moves leaving it
    leaving_cases: Counter = field(default_factory=Counter)  # step -> cases with an allowed move leaving it
    first_steps: Counter = field(default_factory=Counter)
    last_steps: Counter = field(default_factory=Counter)
    handoffs: int = 0  # department changes between consecutive handling visits, all cases
    success_cases: int = 0
    durations: list[float] = field(default_factory=list)  # first to last event, per case with two timestamps
    cases_without_duration: int = 0  # cases none of whose events has a timestamp
    # wait before each visit: from the previous visit's last event to its first event
    waits: dict[str, list[float]] = field(default_factory=dict)
    wait_cases: Counter = field(default_factory=Counter)  # step -> cases with at least one wait sample


def replay(journey: Journey, cases: Iterable[LogCase], evidence_map: EvidenceMap) -> Replay:
    """Replay every case; one pass, memory per case only (plus the per-step wait samples)."""
    result = Replay()
    mapping = evidence_map.steps
    ignore = evidence_map.ignore
    allowed = {step_id: frozenset(edge.target for edge in step.next) for step_id, step in journey.steps.items()}
    ends = {step_id for step_id, step in journey.steps.items() if step.end is not None}
    successes = {step_id for step_id, step in journey.steps.items() if step.end == "success"}
    department = {step_id: (None if is_automated_message(step) else step.department) for step_id, step in journey.steps.items()}
    start = journey.start
    unmapped = result.unmapped
    move_counts = result.move_counts
    leaving = result.leaving
    waits = result.waits
    for case in cases:
        # visits as [step, first timestamp, last timestamp]
        visits: list[list] = []
        first_stamp = last_stamp = None
        for activity, stamp, _department in case.events:
            if stamp is not None:
                if first_stamp is None:
                    first_stamp = stamp
                last_stamp = stamp
            if activity is None:
                result.events_without_activity += 1
                continue
            step = mapping.get(activity)
            if step is None:
                if activity in ignore:
                    result.ignored_events += 1
                else:
                    unmapped[activity] += 1
                continue
            if visits and visits[-1][0] == step:
                if stamp is not None:
                    if visits[-1][1] is None:
                        visits[-1][1] = stamp
                    visits[-1][2] = stamp
            else:
                visits.append([step, stamp, stamp])
        if not visits:
            result.cases_without_mapped_events += 1
            continue
        result.cases += 1
        result.visits += len(visits)
        result.first_steps[visits[0][0]] += 1
        result.last_steps[visits[-1][0]] += 1
        fits = visits[0][0] == start and visits[-1][0] in ends
        case_moves: set[tuple[str, str]] = set()
        case_leaving: set[str] = set()
        case_waits: set[str] = set()
        previous_department = department[visits[0][0]]
        handoffs = 0
        allowed_moves = 0
        for index in range(1, len(visits)):
            source, target = visits[index - 1][0], visits[index][0]
            pair = (source, target)
            move_counts[pair] += 1
            case_moves.add(pair)
            leaving[source] += 1
            if target in allowed[source]:
                allowed_moves += 1
                result.allowed_leaving[source] += 1
                case_leaving.add(source)
            else:
                fits = False
            before, begins = visits[index - 1][2], visits[index][1]
            if before is not None and begins is not None:
                waits.setdefault(target, []).append(begins - before)
                case_waits.add(target)
            target_department = department[target]
            if target_department is not None:
                if previous_department is not None and target_department != previous_department:
                    handoffs += 1
                previous_department = target_department
        result.moves += len(visits) - 1
        result.allowed_moves += allowed_moves
        result.move_cases.update(case_moves)
        result.leaving_cases.update(case_leaving)
        result.wait_cases.update(case_waits)
        result.handoffs += handoffs
        if fits:
            result.fitting_cases += 1
        if visits[-1][0] in successes:
            result.success_cases += 1
        if first_stamp is not None:
            result.durations.append(last_stamp - first_stamp)  # type: ignore[operator]
        else:
            result.cases_without_duration += 1
    return result
