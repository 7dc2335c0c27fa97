"""Hand-offs between departments measured in an event log.

Definitions (docs/event-logs.md has them with the reference figures):
- a case's department sequence is the departments of its events in order,
  events without a department left out (so a missing value neither creates
  nor breaks a hand-off);
- a hand-off is two consecutive entries of that sequence that differ; the
  matrix counts them by (from, to);
- the collapsed sequence merges consecutive repeats (A A B A -> A B A);
- a case ping-pongs when its collapsed sequence contains x, y, x at three
  consecutive positions (work comes back to a department it just left);
- shares are over all cases of the log, including cases with no department.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from journeyaudit.common.text import printable
from journeyaudit.eventlog.cases import EventLog, ReadOptions
from journeyaudit.eventlog.reader import read_log

VARIANTS = 10  # department sequences listed, most frequent first

MISSING_TREATMENT = (
    "events without a department are left out of the department sequence: "
    "they neither create nor break a hand-off"
)


@dataclass(slots=True)
class CaseHandoffs:
    case: str
    handoffs: int
    events: int
    ping_pong: bool
    path: list[str]  # collapsed department sequence


@dataclass(slots=True)
class Variant:
    path: list[str]  # the collapsed department sequence; [] for cases without any department
    cases: int
    median_throughput: float | None  # seconds from the case's first to its last timestamp (lower median)


def lower_median(values: list[float]) -> float | None:
    """The middle value, the lower of the two middle ones for an even count: always a value of the log."""
    if not values:
        return None
    return sorted(values)[(len(values) - 1) // 2]


@dataclass
class HandoffReport:
    log: str
    format: str
    department_key: str
    department_level: str
    department_fallback: bool
    cases: int
    events: int
    handoffs: int
    cases_with_handoff: int
    cases_with_ping_pong: int
    cases_without_department: int
    events_missing_department: int
    events_missing_timestamp: int
    matrix: Counter  # (from, to) -> count
    departments: list[str]  # by events, most first, then by name
    department_events: Counter
    worst: list[CaseHandoffs]
    notes: list[str] = field(default_factory=list)
    # (from, to) -> lower median of the seconds from the last event in `from` to the first in `to` (both timed)
    handoff_gaps: dict = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)  # the most frequent, most first, ties by first case
    variant_count: int = 0  # distinct department sequences in the log

    def __post_init__(self) -> None:
        # the log's path is shown in every format: a name that is not UTF-8 (or holds control
        # characters) escaped, so the JSON and HTML stay writable and inert
        self.log = printable(self.log)

    @property
    def share_with_handoff(self) -> float:
        return self.cases_with_handoff / self.cases if self.cases else 0.0

    @property
    def share_ping_pong(self) -> float:
        return self.cases_with_ping_pong / self.cases if self.cases else 0.0

    def top_pairs(self, n: int | None = None) -> list[tuple[str, str, int]]:
        pairs = sorted(self.matrix.items(), key=lambda item: (-item[1], item[0]))
        if n is not None:
            pairs = pairs[:n]
        return [(a, b, count) for (a, b), count in pairs]

    def to_dict(self, top: int | None = None) -> dict:
        return {
            "log": self.log,
            "format": self.format,
            "department_key": self.department_key,
            "department_level": self.department_level,
            "department_fallback": self.department_fallback,
            "cases": self.cases,
            "events": self.events,
            "handoffs": self.handoffs,
            "cases_with_handoff": self.cases_with_handoff,
            "share_cases_with_handoff": round(self.share_with_handoff, 6),
            "cases_with_ping_pong": self.cases_with_ping_pong,
            "share_cases_with_ping_pong": round(self.share_ping_pong, 6),
            "ping_pong_definition": "the case's department sequence, consecutive repeats collapsed, contains x, y, x",
            "missing": {
                "events_without_department": self.events_missing_department,
                "cases_without_department": self.cases_without_department,
                "events_without_timestamp": self.events_missing_timestamp,
                "treatment": MISSING_TREATMENT,
            },
            "departments": [
                {"department": name, "events": self.department_events[name]} for name in self.departments
            ],
            "matrix": [{"from": a, "to": b, "count": count} for a, b, count in self.top_pairs(top)],
            "worst_cases": [
                {"case": c.case, "handoffs": c.handoffs, "events": c.events, "ping_pong": c.ping_pong, "path": c.path}
                for c in self.worst
            ],
            "handoff_gaps": [
                {"from": a, "to": b, "median_seconds": seconds} for (a, b), seconds in sorted(self.handoff_gaps.items())
            ],
            "variants": {
                "distinct": self.variant_count,
                "top": [
                    {"path": v.path, "cases": v.cases, "share": round(v.cases / self.cases, 6) if self.cases else 0.0,
                     "median_throughput_seconds": v.median_throughput}
                    for v in self.variants
                ],
            },
            "notes": list(self.notes),
        }


def measure_handoffs(log: EventLog, worst: int = 10, variants: int = VARIANTS) -> HandoffReport:
    matrix: Counter = Counter()
    department_events: Counter = Counter()
    per_case: list[CaseHandoffs] = []
    gaps: dict[tuple[str, str], list[float]] = {}
    by_variant: dict[tuple[str, ...], list] = {}  # path -> [cases, throughput times], in order of first case
    with_handoff = ping_pong = without_department = 0
    for case in log.cases:
        path: list[str] = []
        last_time = None  # of the last event of the current department's run
        for event in case.events:
            department = event.department
            if department is None:
                continue
            department_events[department] += 1
            if not path:
                path.append(department)
            elif path[-1] != department:
                matrix[path[-1], department] += 1
                if last_time is not None and event.timestamp is not None:
                    gaps.setdefault((path[-1], department), []).append(event.timestamp - last_time)
                path.append(department)
            last_time = event.timestamp
        times = [event.timestamp for event in case.events if event.timestamp is not None]
        entry = by_variant.setdefault(tuple(path), [0, []])
        entry[0] += 1
        if times:
            entry[1].append(max(times) - min(times))
        count = len(path) - 1
        if not path:
            without_department += 1
            count = 0
        pong = any(path[i] == path[i + 2] for i in range(len(path) - 2))
        if count:
            with_handoff += 1
        if pong:
            ping_pong += 1
        per_case.append(CaseHandoffs(case.id, count, len(case.events), pong, path))
    # worst first; equal counts keep log order (sorted is stable)
    ranked = sorted((c for c in per_case if c.handoffs), key=lambda c: -c.handoffs)[:worst]
    departments = sorted(department_events, key=lambda d: (-department_events[d], d))
    return HandoffReport(
        log=log.path,
        format=log.format,
        department_key=log.department_key,
        department_level=log.department_level,
        department_fallback=log.department_fallback,
        cases=log.n_cases,
        events=log.n_events,
        handoffs=sum(matrix.values()),
        cases_with_handoff=with_handoff,
        cases_with_ping_pong=ping_pong,
        cases_without_department=without_department,
        events_missing_department=log.events_missing_department,
        events_missing_timestamp=log.events_missing_timestamp,
        matrix=matrix,
        departments=departments,
        department_events=department_events,
        worst=ranked,
        notes=list(log.notes),
        handoff_gaps={pair: lower_median(seconds) for pair, seconds in gaps.items()},
        variants=[Variant(list(path), count, lower_median(times))
                  for path, (count, times) in sorted(by_variant.items(), key=lambda item: -item[1][0])[:variants]],
        variant_count=len(by_variant),
    )


def handoffs_from_file(
    path: str | os.PathLike, options: ReadOptions | None = None, worst: int = 10
) -> HandoffReport:
    """Read a log and measure its hand-offs: the library entry point."""
    return measure_handoffs(read_log(path, options), worst=worst)
