"""Event logs walked from a journey's chain with a seed: the ground truth of the known-answer tests.

`walk(journey, n_cases, seed)` draws each case's way through the journey (each
branch with its probability) and returns the ways with their counts; `to_csv`
writes the ways as an event log (one `complete` event per visit, or `start`
and `complete` with `lifecycle=True`), timestamps strictly increasing within a
case unless asked otherwise.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

BASE = datetime(2024, 1, 1, tzinfo=UTC).timestamp()


@dataclass
class Walk:
    ways: list[list[str]]  # step ids per case
    waits: list[list[float]] = field(default_factory=list)  # seconds before each visit (0 for the first)
    moves: Counter = field(default_factory=Counter)
    leaving: Counter = field(default_factory=Counter)

    @property
    def events(self) -> int:
        return sum(len(way) for way in self.ways)


def walk(journey, n_cases: int, seed: int, max_visits: int = 200) -> Walk:
    rng = random.Random(seed)
    ways, waits = [], []
    moves: Counter = Counter()
    leaving: Counter = Counter()
    for _ in range(n_cases):
        step = journey.start
        way, wait = [step], [0.0]
        while journey.steps[step].next and len(way) < max_visits:
            draw, chosen = rng.random(), None
            for edge in journey.steps[step].next:
                draw -= edge.probability
                if draw < 0:
                    chosen = edge.target
                    break
            chosen = chosen or journey.steps[step].next[-1].target
            if chosen == step:  # a self-loop is one visit in a log: the walk stays
                continue
            moves[(step, chosen)] += 1
            leaving[step] += 1
            way.append(chosen)
            wait.append(float(rng.randint(60, 7200)))
            step = chosen
        ways.append(way)
        waits.append(wait)
    return Walk(ways, waits, moves, leaving)


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


def to_csv(journey, result: Walk, activity=None, lifecycle: bool = False, work_s: float = 300.0) -> str:
    """The walk as a CSV event log; `activity(step)` names the step's events (default: its title)."""
    name = activity or (lambda step_id: journey.steps[step_id].title)
    rows = ["case:concept:name,concept:name,time:timestamp,lifecycle:transition"]
    for index, (way, waits) in enumerate(zip(result.ways, result.waits)):
        moment = BASE + index * 86400.0
        for step_id, wait in zip(way, waits):
            moment += wait
            text = _csv(name(step_id))
            if lifecycle:
                rows.append(f"c{index},{text},{stamp(moment)},start")
                moment += work_s
            rows.append(f"c{index},{text},{stamp(moment)},complete")
    return "\n".join(rows) + "\n"


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text
