"""What planners share: new step ids, who handles the case where, dominance, department plans."""

from __future__ import annotations

from collections import deque

from journeyaudit.analysis import JourneyAnalysis
from journeyaudit.fixes.model import Plan
from journeyaudit.fixes.ops import Draft, SetDepartment
from journeyaudit.fixes.whatif import Baseline
from journeyaudit.model import Journey
from journeyaudit.model.findings import Finding
from journeyaudit.rules._common import join, q


def new_step_id(base: Baseline, stem: str) -> str:
    """An id no step of the journey has and no other plan of it took: `stem`, `stem-2`, ..."""
    taken = base.taken_ids
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate)
    return candidate


def likeliest_predecessor(analysis: JourneyAnalysis, candidates: list[str], target: str) -> str | None:
    """Among `candidates`, the step most customers come to `target` from (ties: the first)."""
    best, best_flow = None, -1.0
    for source in candidates:
        flow = analysis.visits.get(source, 0.0) * analysis.transition.get((source, target), 0.0)
        if flow > best_flow:
            best, best_flow = source, flow
    return best


def last_department(base: Baseline, step_id: str) -> str:
    """The department handling the case at a step: its own, or for an automated message the
    department of the handling step most customers come from."""
    journey, analysis = base.journey, base.analysis
    seen = set()
    current = step_id
    while current not in seen:
        seen.add(current)
        step = journey.steps[current]
        if step.is_handling:
            return step.department
        sources = [s for s, other in journey.steps.items() if any(edge.target == current for edge in other.next)]
        previous = likeliest_predecessor(analysis, sources, current)
        if previous is None:
            break
        current = previous
    return journey.steps[step_id].department


def dominates(journey: Journey, first: str, step_id: str) -> bool:
    """Does every way from the start to `step_id` pass `first`?"""
    if journey.start == first:
        return True
    seen = {journey.start}
    queue = deque([journey.start])
    while queue:
        current = queue.popleft()
        if current == step_id:
            return False
        for edge in journey.steps[current].next:
            if edge.target in journey.steps and edge.target != first and edge.target not in seen:
                seen.add(edge.target)
                queue.append(edge.target)
    return True


def department_plan(base: Baseline, plan_id: str, kind: str, finding: Finding, assignments: dict[str, str],
                    reason: str, estimate: float = 0.0) -> Plan:
    """A plan that gives steps to other departments: "Let Loans do 'compliance-check'"."""
    journey = base.journey
    by_department: dict[str, list[str]] = {}
    for step_id, department in assignments.items():
        by_department.setdefault(department, []).append(step_id)
    title = "Let " + "; ".join(
        f"{journey.department_title(department)} do {join(q(s) for s in steps)}" for department, steps in by_department.items()
    )
    ops = tuple(
        SetDepartment(step_id, department, f"done by {department} (was {journey.steps[step_id].department})")
        for step_id, department in assignments.items()
    )
    return Plan(plan_id, kind, finding.rule, title, reason, (finding.fingerprint,), ops, estimate=estimate)


def worst_handoff_way(base: Baseline, assignments: dict[str, str]) -> tuple[Journey, tuple[str, ...]]:
    """The worst loop-free way for hand-offs once these steps change department: only the
    hand-offs are computed again (the chain and the graph do not change)."""
    from journeyaudit.analysis.engine import AnalysisParts
    from journeyaudit.analysis.handling import analyze_handling

    draft = Draft(base.journey)
    draft.apply("plan", tuple(SetDepartment(step, department, "") for step, department in assignments.items()))
    journey = draft.journey()
    parts = base.analysis.parts
    if not assignments or not isinstance(parts, AnalysisParts):
        return journey, base.analysis.worst_handoffs.steps
    base.charge(0.5)
    handling = analyze_handling(parts.graph, [journey.steps[step_id] for step_id in parts.graph.ids], parts.markov)
    return journey, handling.worst.steps
