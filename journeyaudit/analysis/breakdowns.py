"""The breakdowns the HTML report draws, from a journey, its analysis and its findings.

Pure functions: the reporters only lay them out. docs/report.md says what
each shows and docs/metrics.md how the figures behind them are computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from journeyaudit.analysis import JourneyAnalysis
from journeyaudit.model import Journey
from journeyaudit.model.findings import SEVERITIES, SEVERITY_RANK, Finding


def handoff_matrix(journey: Journey, analysis: JourneyAnalysis) -> dict[tuple[str, str], float]:
    """Expected hand-offs per ordered department pair, between handling steps (automated
    messages transparent): the analysis's, which adds up to `expected_handoffs`."""
    del journey  # the analysis already follows the journey's departments
    return dict(analysis.handoff_matrix)


def is_handoff_edge(journey: Journey, analysis: JourneyAnalysis, source: str, target: str) -> bool:
    """Does the edge hand the case to another department? The diagram's hand-off arrows.

    On a reachable step, when some way enters `target` (a handling step) from another
    department, messages in between transparent (the analysis's `handoff_edges`); an
    edge into an automated message never is. No way walks an unreachable step, so there
    an edge between two handling steps of different departments is one.
    """
    if source in analysis.reachable:
        return (source, target) in analysis.handoff_edges
    before, after = journey.steps.get(source), journey.steps.get(target)
    return (
        before is not None
        and after is not None
        and before.is_handling
        and after.is_handling
        and before.department != after.department
    )


def time_by_department(journey: Journey, analysis: JourneyAnalysis) -> dict[str, tuple[float, float]]:
    """Expected seconds per department: (waiting, active), weighted by expected visits."""
    totals: dict[str, list[float]] = {}
    for step_id, step in journey.steps.items():
        visits = analysis.visits.get(step_id, 0.0)
        entry = totals.setdefault(step.department, [0.0, 0.0])
        entry[0] += visits * step.wait_s
        entry[1] += visits * step.duration_s
    return {department: (wait, work) for department, (wait, work) in totals.items()}


def waiting_share(metrics: Mapping[str, Any]) -> float:
    """The customer's waiting share: expected_wait_s / expected_duration_s (0 for a journey taking no time)."""
    total = metrics.get("expected_duration_s") or 0.0
    return (metrics.get("expected_wait_s") or 0.0) / total if total > 0 else 0.0


def steps_by_department(journey: Journey) -> dict[str, int]:
    """How many steps each department owns (departments owning none are left out)."""
    counts: dict[str, int] = {}
    for step in journey.steps.values():
        counts[step.department] = counts.get(step.department, 0) + 1
    return counts


def facing_and_back_office(journey: Journey) -> tuple[int, int]:
    """Departments owning steps: how many are customer-facing, how many back office
    (an undeclared department counts as customer-facing)."""
    used = {step.department for step in journey.steps.values()}
    back = sum(1 for d in used if d in journey.departments and not journey.departments[d].customer_facing)
    return len(used) - back, back


def handoff_edges(journey: Journey, analysis: JourneyAnalysis) -> int:
    """Edges (source and target, counted once) that hand the case to another department (`is_handoff_edge`)."""
    return sum(
        1
        for source, target in {(e.source, e.target) for e in journey.edges()}
        if is_handoff_edge(journey, analysis, source, target)
    )


def information_rows(journey: Journey, analysis: JourneyAnalysis) -> list[dict[str, Any]]:
    """One row per data item asked or known: each step asking it, and whether it was held already."""
    asked_by: dict[str, list[str]] = {}
    for step_id, step in journey.steps.items():
        for data_id in step.asks:
            asked_by.setdefault(data_id, []).append(step_id)
    order = list(journey.data) + sorted(set(asked_by) - set(journey.data))
    rows = []
    for data_id in order:
        if data_id not in asked_by and data_id not in journey.known:
            continue
        asks = []
        for step_id in asked_by.get(data_id, []):
            if step_id not in analysis.reachable:
                status = "unreachable"  # no customer gets there: neither a first ask nor a repeat
            elif data_id in analysis.held_must.get(step_id, frozenset()):
                status = "repeated"
            elif data_id in analysis.held_may.get(step_id, frozenset()):
                status = "possibly"
            else:
                status = "first"
            first = analysis.first_given.get((step_id, data_id), "" if status == "first" else None)
            asks.append(
                {
                    "step": step_id,
                    "title": journey.steps[step_id].title,
                    "status": status,
                    # None: held from the start (`known`); "": not held before
                    "first_given": first,
                    "first_title": journey.steps[first].title if first in journey.steps else None,
                }
            )
        item = journey.data.get(data_id)
        rows.append(
            {
                "id": data_id,
                "title": journey.data_title(data_id),
                "sensitive": bool(item and item.sensitive),
                "known": data_id in journey.known,
                "asks": asks,
                "repeats": sum(1 for a in asks if a["status"] == "repeated"),
                "possible": sum(1 for a in asks if a["status"] == "possibly"),
            }
        )
    return rows


# --------------------------------------------------------------------------
# findings tallied: what colours a step, a department, a rule


def severity_rank(severity: str | None) -> float:
    """How bad a worst severity is (findings.SEVERITY_RANK: error 3, warning 2, info 1);
    only waived findings 0.5, no finding 0."""
    if severity is None:
        return 0.0
    if severity == "waived":
        return 0.5
    return SEVERITY_RANK[severity]


def worst_severity(findings: Iterable[Finding]) -> str | None:
    """The worst severity of the findings that are not waived; "waived" when all are, None for none."""
    findings = list(findings)
    active = [f.severity for f in findings if not f.waived]
    if active:
        return max(active, key=SEVERITY_RANK.__getitem__)
    return "waived" if findings else None


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, most severe first, then the waived ones (whatever their severity)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    counts["waived"] = 0
    for finding in findings:
        counts["waived" if finding.waived else finding.severity] += 1
    return counts


def worst_by_department(journey: Journey, step_severity: Mapping[str, str | None]) -> dict[str, str | None]:
    """The worst severity on each department's steps (departments without a finding left out)."""
    worst: dict[str, str | None] = {}
    for step_id, step in journey.steps.items():
        severity = step_severity.get(step_id)
        if severity_rank(severity) > severity_rank(worst.get(step.department)):
            worst[step.department] = severity
    return worst


# --------------------------------------------------------------------------
# the friction curve: what each step of the most likely way costs the customer


@dataclass(slots=True)
class FrictionPoint:
    """One step of the most likely way and the effort points it costs (docs/metrics.md, "Friction")."""

    step: str
    title: str
    phase: str | None
    feeling: int | None  # authored (`feeling`), None where the file gives none
    handoff: bool  # entering the step hands the case to another department
    switch: bool  # a forced channel switch into the step
    asks: int
    repeated: int  # asks of data held already on this way
    hold_s: float  # waiting on hold (phone, chat, branch), at most an hour
    delay_s: float  # other waiting and time booked (`after`)
    active_s: float
    parts: dict[str, float]  # points: waiting, asks, hand-offs, switches, active time

    @property
    def points(self) -> float:
        return sum(self.parts.values())

    @property
    def waiting_s(self) -> float:
        return self.hold_s + self.delay_s


def friction_curve(journey: Journey, analysis: JourneyAnalysis) -> list[FrictionPoint]:
    """Along the most likely way, each step's effort points with the weights of `effort`.

    The way's hand-offs follow the last handling department on it (automated messages
    transparent), a repeated ask is one of data `known` or asked earlier on the way, and
    the points add up to the effort of a customer walking exactly that way.
    """
    from journeyaudit.analysis import metrics as effort
    from journeyaudit.model import HOLD_CHANNELS, MAX_HOLD_S

    points: list[FrictionPoint] = []
    held = set(journey.known)
    last_department: str | None = None
    previous = None
    for step_id in analysis.most_likely_way:
        step = journey.steps.get(step_id)
        if step is None:
            continue
        handoff = step.is_handling and last_department is not None and step.department != last_department
        if step.is_handling:
            last_department = step.department
        switch = previous is not None and effort.channel_switch(previous, step, analysis.stated_channels)
        repeated = sum(1 for item in set(step.asks) if item in held)
        held.update(step.asks)
        hold = min(step.wait_s, MAX_HOLD_S) if step.channel in HOLD_CHANNELS else 0.0
        delay = step.wait_s - hold + step.after_s
        parts = {
            "waiting": effort.EFFORT_PER_HOLD_10_MINUTES * hold / 600.0 + effort.EFFORT_PER_DELAY_DAY * delay / 86400.0,
            "asks": effort.EFFORT_PER_ASK * len(step.asks) + effort.EFFORT_PER_REPEATED_ASK * repeated,
            "handoffs": effort.EFFORT_PER_HANDOFF * handoff,
            "switches": effort.EFFORT_PER_CHANNEL_SWITCH * switch,
            "active": effort.EFFORT_PER_ACTIVE_10_MINUTES * step.duration_s / 600.0,
        }
        points.append(
            FrictionPoint(step_id, step.title, step.phase, step.feeling, handoff, switch, len(step.asks), repeated,
                          hold, delay, step.duration_s, parts)
        )
        previous = step
    return points


def feelings_summary(journey: Journey, curve: list[FrictionPoint]) -> dict[str, Any]:
    """What customers feel: the authored feelings (lowest first) and the steps of most friction."""
    felt = [(s.feeling, s.index, s.id, s.title) for s in journey.steps.values() if s.feeling is not None]
    worst = sorted(felt)[:3]
    peaks = sorted(curve, key=lambda p: (-p.points, journey.steps[p.step].index))[:3]
    return {
        "authored": len(felt),
        "mean": sum(f[0] for f in felt) / len(felt) if felt else None,
        "lowest": [{"step": step_id, "title": title, "feeling": feeling} for feeling, _, step_id, title in worst],
        "peaks": [p for p in peaks if p.points > 0],
    }
