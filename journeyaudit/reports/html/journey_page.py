"""The page of one journey: what `journey.html` shows, laid out from the audit and its breakdowns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from journeyaudit.analysis import breakdowns
from journeyaudit.common.durations import format_shares
from journeyaudit.model.findings import Finding
from journeyaudit.reports.html import diagrams
from journeyaudit.reports.html.blueprint import edge_id, render_blueprint
from journeyaudit.reports.html.department_map import render_department_map
from journeyaudit.reports.html.parts import related_journey, rule_info, score_band

if TYPE_CHECKING:
    from journeyaudit.audit.run import JourneyResult
    from journeyaudit.rules.base import Rule

# Above this many steps the journey page shows the department map instead of
# the step graph (unreadable, and slow to lay out); `report --full-diagram`
# draws both.
LARGE_JOURNEY_STEPS = 300


@dataclass(slots=True)
class FindingView:
    finding: Finding
    anchor: str
    step_title: str | None
    steps: list[tuple[str, str]]  # (step id, title) involved
    edges: list[str]  # diagram edge ids along the involved steps
    fix: str
    related: list[dict]


def _finding_views(journey_result: JourneyResult, by_id: Mapping[str, JourneyResult]) -> list[FindingView]:
    journey = journey_result.journey
    views = []
    for number, finding in enumerate(journey_result.findings):
        involved = [s for s in (finding.steps or ((finding.step,) if finding.step else ())) if s in journey.steps]
        edges = []
        for a, b in pairwise(involved):
            if any(edge.target == b for edge in journey.steps[a].next):
                edges.append(edge_id(journey, a, b))
        views.append(
            FindingView(
                finding=finding,
                anchor=f"f-{finding.fingerprint or number}",
                step_title=journey.steps[finding.step].title if finding.step in journey.steps else None,
                steps=[(s, journey.steps[s].title) for s in involved],
                edges=edges,
                fix=finding.fix,
                related=[related_journey(other, by_id) for other in finding.related_journeys],
            )
        )
    return views


def _rule_groups(views: list[FindingView], rules: Mapping[str, Rule]) -> list[dict]:
    groups: dict[str, dict] = {}
    for view in views:
        group = groups.setdefault(view.finding.rule, {"rule": rule_info(rules, view.finding.rule), "findings": []})
        group["findings"].append(view)
    for group in groups.values():
        group["severity"] = breakdowns.worst_severity([v.finding for v in group["findings"]])
        group["counts"] = breakdowns.severity_counts([v.finding for v in group["findings"]])
    # worst first (error, warning, info, only waived), then by rule id
    return sorted(groups.values(), key=lambda g: (-breakdowns.severity_rank(g["severity"]), g["rule"]["id"]))


def _draw(render: Callable[[], diagrams.DiagramResult]) -> diagrams.DiagramResult:
    try:
        return render()
    except diagrams.GraphvizMissing:
        return diagrams.DiagramResult(None, note=diagrams.MISSING_GRAPHVIZ)
    except Exception as error:  # a drawing failure must not cost the reader the rest of the page
        return diagrams.DiagramResult(None, note=f"The diagram could not be drawn ({type(error).__name__}: {error}).")


def _time_rows(journey, departments: list[str], times: dict[str, tuple[float, float]]) -> list[dict]:
    """One bar per department with time: waiting and active, as shares of the busiest department."""
    rows = []
    biggest = max((wait + work for wait, work in times.values()), default=0.0) or 1.0
    for department in departments:
        if department not in times:
            continue
        wait, work = times[department]
        rows.append(
            {
                "id": department,
                "title": journey.department_title(department),
                "customer_facing": journey.departments[department].customer_facing
                if department in journey.departments
                else True,
                "wait": wait,
                "work": work,
                "wait_pct": 100.0 * wait / biggest,
                "work_pct": 100.0 * work / biggest,
            }
        )
    return rows


def _step_rows(journey, analysis, findings_by_step, step_severity, view_by_finding) -> list[dict]:
    rows = []
    for step_id, step in journey.steps.items():
        shares = format_shares([edge.probability for edge in step.next])
        found = findings_by_step.get(step_id, [])
        rows.append(
            {
                "step": step,
                "department": journey.department_title(step.department),
                "visits": analysis.visits.get(step_id, 0.0),
                "severity": step_severity.get(step_id),
                "findings": [view_by_finding[id(f)] for f in found],
                "asks": [journey.data_title(d) for d in step.asks],
                "next": [
                    {
                        "id": edge.target,
                        "title": journey.steps[edge.target].title if edge.target in journey.steps else edge.target,
                        "p": analysis.transition.get((step_id, edge.target), edge.probability),
                        # each `next` entry its own chance (two reasons to go to one step are two rows)
                        "chance": shares[index],
                        "when": edge.when,
                        "handoff": breakdowns.is_handoff_edge(journey, analysis, step_id, edge.target),
                        "loop": (step_id, edge.target) in analysis.loop_edges,
                    }
                    for index, edge in enumerate(step.next)
                ],
                "reachable": step_id in analysis.reachable,
            }
        )
    return rows


def journey_context(
    journey_result: JourneyResult,
    by_id: Mapping[str, JourneyResult],
    rules: Mapping[str, Rule],
    *,
    full_diagram: bool,
) -> dict[str, Any]:
    journey = journey_result.journey
    analysis = journey_result.analysis
    metrics = journey_result.metrics
    findings_by_step: dict[str, list[Finding]] = {}
    for finding in journey_result.findings:
        if finding.step:
            findings_by_step.setdefault(finding.step, []).append(finding)
    step_severity = {step_id: breakdowns.worst_severity(found) for step_id, found in findings_by_step.items()}
    views = _finding_views(journey_result, by_id)
    view_by_finding = {id(v.finding): v for v in views}

    order = diagrams.lane_order(journey)
    # Departments that own no step still appear in the tables (after the lanes).
    departments = order + [d for d in journey.departments if d not in order]
    matrix = breakdowns.handoff_matrix(journey, analysis)
    times = breakdowns.time_by_department(journey, analysis)

    # Diagrams: the step swimlane unless the journey is large (then the
    # department map, and the swimlane too when asked for).
    large = len(journey.steps) > LARGE_JOURNEY_STEPS
    diagram_list = []
    if large:
        dept_severity = breakdowns.worst_by_department(journey, step_severity)
        dept_steps = breakdowns.steps_by_department(journey)
        diagram_list.append(
            ("departments", _draw(lambda: render_department_map(journey, matrix, dept_severity, dept_steps)))
        )
    if not large or full_diagram:
        diagram_list.append(("steps", _draw(lambda: render_blueprint(journey, analysis, step_severity))))
    facing, back_office = breakdowns.facing_and_back_office(journey)

    return {
        "journey": journey,
        "analysis": analysis,
        "metrics": metrics,
        "waiting_share": breakdowns.waiting_share(metrics),
        "score_band": score_band(metrics.get("score")),
        "counts": breakdowns.severity_counts(journey_result.findings),
        "groups": _rule_groups(views, rules),
        "findings": views,
        "journey_findings": [v for v in views if not v.finding.step],
        "diagrams": diagram_list,
        "step_diagram": any(kind == "steps" and d.svg for kind, d in diagram_list),
        "large": large,
        "full_diagram": full_diagram,
        "handoff_edges": breakdowns.handoff_edges(journey, analysis),
        "departments": [
            {
                "id": d,
                "title": journey.department_title(d),
                "customer_facing": journey.departments[d].customer_facing if d in journey.departments else True,
            }
            for d in departments
        ],
        # The key figure's split: only departments owning steps, as `departments` counts them.
        "facing_departments": facing,
        "back_office_departments": back_office,
        "matrix": matrix,
        "matrix_departments": [d for d in departments if any(d in pair for pair in matrix)],
        "matrix_max": max(matrix.values(), default=0.0),
        "matrix_total": sum(matrix.values()),
        "time_rows": _time_rows(journey, departments, times),
        "time_total": (sum(w for w, _ in times.values()), sum(a for _, a in times.values())),
        "information": breakdowns.information_rows(journey, analysis),
        "steps": _step_rows(journey, analysis, findings_by_step, step_severity, view_by_finding),
        "promise": journey.promise,
    }
