"""The page of one journey: what `journey.html` shows, laid out from the audit and its breakdowns."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from journeyaudit.analysis import breakdowns
from journeyaudit.common.durations import format_shares
from journeyaudit.model.findings import Finding
from journeyaudit.reports.fix_effect import fix_view
from journeyaudit.reports.html import diagrams
from journeyaudit.reports.html.blueprint import edge_id, render_blueprint
from journeyaudit.reports.html.department_map import render_department_map
from journeyaudit.reports.html.parts import client_message, page_file, related_journey, rule_info, score_band

if TYPE_CHECKING:
    from journeyaudit.audit.run import JourneyResult
    from journeyaudit.rules.base import Rule

# Above this many steps, or this many arrows between steps, the journey page shows the
# department map instead of the step graph (unreadable, and slow to lay out and heavy:
# 150 steps all linked, 22,201 arrows, drew a 35 MB blueprint); `report --full-diagram`
# draws both. Such a page also shows the first FINDINGS_PER_RULE findings of each rule
# and the STEPS_SHOWN steps of most friction: every finding and step is in the files
# beside the page (report.py), so the page stays small and quick to open.
LARGE_JOURNEY_STEPS = 300
LARGE_JOURNEY_ARROWS = 1000
FINDINGS_PER_RULE = 10
STEPS_SHOWN = 100
ASKS_SHOWN = 40
TIME_TICKS = ((1, "1s"), (10, "10s"), (60, "1m"), (600, "10m"), (3600, "1h"), (36000, "10h"), (86400, "1d"),
              (604800, "1w"), (2592000, "30d"), (31536000, "1y"))


@dataclass(slots=True)
class FindingView:
    finding: Finding
    anchor: str
    step_title: str | None
    steps: list[tuple[str, str]]  # (step id, title) involved
    edges: list[str]  # diagram edge ids along the involved steps
    fix: str
    related: list[dict]
    message: str = ""  # as the page's audience reads it
    skipped: int = 0  # steps of the way left out of `steps` in the middle (a large journey's page)
    shown: bool = True  # on the page (a large journey's page shows the first of each rule)


WAY_SHOWN = 12  # steps of a way a large journey's finding names (the first and last halves)


def _finding_views(journey_result: JourneyResult, by_id: Mapping[str, JourneyResult], client: bool,
                   large: bool = False) -> list[FindingView]:
    journey = journey_result.journey
    titles = {other: result.journey.title for other, result in by_id.items()}
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
                steps=[(s, journey.steps[s].title) for s in _shortened(involved, large)],
                skipped=max(0, len(involved) - WAY_SHOWN) if large else 0,
                edges=edges,
                fix=finding.fix,
                related=[related_journey(other, by_id) for other in finding.related_journeys],
                message=client_message(finding.message, journey, titles) if client else finding.message,
            )
        )
    return views


def _shortened(way: list[str], large: bool) -> list[str]:
    if not large or len(way) <= WAY_SHOWN:
        return way
    return way[: WAY_SHOWN // 2] + way[-WAY_SHOWN // 2 :]


def _rule_groups(views: list[FindingView], rules: Mapping[str, Rule], limit: int | None) -> list[dict]:
    groups: dict[str, dict] = {}
    for view in views:
        group = groups.setdefault(view.finding.rule, {"rule": rule_info(rules, view.finding.rule), "findings": []})
        group["findings"].append(view)
    for group in groups.values():
        group["severity"] = breakdowns.worst_severity([v.finding for v in group["findings"]])
        group["counts"] = breakdowns.severity_counts([v.finding for v in group["findings"]])
        group["shown"] = group["findings"][:limit] if limit is not None else group["findings"]
        for hidden in group["findings"][len(group["shown"]):]:
            hidden.shown = False
    # worst first (error, warning, info, only waived), then by rule id
    return sorted(groups.values(), key=lambda g: (-breakdowns.severity_rank(g["severity"]), g["rule"]["id"]))


def arrow_count(journey) -> int:
    """The arrows a blueprint draws: one per distinct (step, next step), ends outside the journey left out."""
    return len({(edge.source, edge.target) for edge in journey.edges() if edge.target in journey.steps})


def is_large(journey) -> bool:
    """A journey whose page draws the department map and shows a selection (see LARGE_JOURNEY_STEPS)."""
    return len(journey.steps) > LARGE_JOURNEY_STEPS or arrow_count(journey) > LARGE_JOURNEY_ARROWS


def large_by_arrows(journey) -> int | None:
    """The arrows of a journey large by them alone (the page says why it draws no step graph)."""
    if len(journey.steps) > LARGE_JOURNEY_STEPS:
        return None
    arrows = arrow_count(journey)
    return arrows if arrows > LARGE_JOURNEY_ARROWS else None


def draw_safely(render: Callable[[], diagrams.DiagramResult]) -> diagrams.DiagramResult:
    try:
        return render()
    except diagrams.GraphvizMissing:
        return diagrams.DiagramResult(None, note=diagrams.MISSING_GRAPHVIZ)
    except Exception as error:  # a drawing failure must not cost the reader the rest of the page
        return diagrams.DiagramResult(None, note=f"The diagram could not be drawn ({type(error).__name__}: {error}).")


def time_axis(times: dict[str, tuple[float, float]]) -> tuple[float, float, list[dict]]:
    """The time chart's logarithmic axis: from the tick at or below the shortest time shown
    to the tick at or above the longest, and the ticks between (position in %)."""
    values = [v for pair in times.values() for v in pair if v > 0]
    if not values:
        return 1.0, 60.0, []
    low = max((t for t, _ in TIME_TICKS if t <= min(values)), default=1)
    high = min((t for t, _ in TIME_TICKS if t >= max(values)), default=TIME_TICKS[-1][0])
    if high <= low:
        high = low * 10
    span = math.log(high / low)
    ticks = [{"label": label, "pct": 100.0 * math.log(t / low) / span} for t, label in TIME_TICKS if low <= t <= high]
    return low, high, ticks


def log_share(seconds: float, low: float, high: float) -> float:
    """Where `seconds` ends on the log axis, in % (a time below the axis start: a sliver, never nothing)."""
    if seconds <= 0:
        return 0.0
    return max(0.8, min(100.0, 100.0 * math.log(max(seconds, low) / low) / math.log(high / low)))


def _time_rows(journey, departments: list[str], times: dict[str, tuple[float, float]]) -> list[dict]:
    """One bar per department with time: waiting and active, as shares of the busiest department
    (`wait_pct`, `work_pct`) and on the chart's logarithmic axis (`wait_log`, `work_log`)."""
    rows = []
    low, high, _ = time_axis(times)
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
                "wait_log": log_share(wait, low, high),
                "work_log": log_share(work, low, high),
            }
        )
    return rows


def _step_rows(journey, analysis, findings_by_step, step_severity, view_by_finding, shown: list[str]) -> list[dict]:
    rows = []
    on_page = set(shown)
    for step_id in shown:
        step = journey.steps[step_id]
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
                        "shown": edge.target in on_page,
                    }
                    for index, edge in enumerate(step.next)
                ],
                "reachable": step_id in analysis.reachable,
            }
        )
    return rows


def _steps_shown(journey, analysis, large: bool) -> list[str]:
    """Every step; on a large journey's page the STEPS_SHOWN steps costing the average customer
    the most time (visits × elapsed time), then those with the most visits, in file order."""
    if not large:
        return list(journey.steps)
    ranked = sorted(
        journey.steps.values(),
        key=lambda s: (-analysis.visits.get(s.id, 0.0) * s.elapsed_s, -analysis.visits.get(s.id, 0.0), s.index),
    )
    chosen = {s.id for s in ranked[:STEPS_SHOWN]}
    return [s for s in journey.steps if s in chosen]


def journey_context(
    journey_result: JourneyResult,
    by_id: Mapping[str, JourneyResult],
    rules: Mapping[str, Rule],
    *,
    full_diagram: bool,
    client: bool = False,
    fixes: list[dict] | None = None,
) -> dict[str, Any]:
    """What journey.html shows. `client`: the page for the client (no rule ids, file paths,
    formulas); `fixes`: the journey's fixes with their measured effect, best first."""
    from markupsafe import Markup

    from journeyaudit.reports.html.curve import PARTS, render_curve

    journey = journey_result.journey
    analysis = journey_result.analysis
    metrics = journey_result.metrics
    large = is_large(journey)
    findings_by_step: dict[str, list[Finding]] = {}
    for finding in journey_result.findings:
        if finding.step:
            findings_by_step.setdefault(finding.step, []).append(finding)
    step_severity = {step_id: breakdowns.worst_severity(found) for step_id, found in findings_by_step.items()}
    views = _finding_views(journey_result, by_id, client, large)
    view_by_finding = {id(v.finding): v for v in views}
    groups = _rule_groups(views, rules, FINDINGS_PER_RULE if large else None)

    order = diagrams.lane_order(journey)
    # Departments that own no step still appear in the tables (after the lanes).
    departments = order + [d for d in journey.departments if d not in order]
    matrix = breakdowns.handoff_matrix(journey, analysis)
    times = breakdowns.time_by_department(journey, analysis)

    # Diagrams: the blueprint unless the journey is large (then the department map, and
    # the blueprint too when asked for).
    diagram_list = []
    if large:
        dept_severity = breakdowns.worst_by_department(journey, step_severity)
        dept_steps = breakdowns.steps_by_department(journey)
        diagram_list.append(
            ("departments", draw_safely(lambda: render_department_map(journey, matrix, dept_severity, dept_steps)))
        )
    if not large or full_diagram:
        diagram_list.append(("steps", draw_safely(lambda: render_blueprint(journey, analysis, step_severity))))
    facing, back_office = breakdowns.facing_and_back_office(journey)
    curve = breakdowns.friction_curve(journey, analysis)
    shown = _steps_shown(journey, analysis, large)
    step_rows = _step_rows(journey, analysis, findings_by_step, step_severity, view_by_finding, shown)
    files = None
    if large:
        base = page_file(journey.id)[: -len(".html")]
        files = {"csv": f"{base}.findings.csv", "json": f"{base}.findings.json", "steps": f"{base}.steps.csv"}
    replaced = by_id.get(journey.replaces) if journey.replaces else None

    return {
        "journey": journey,
        "analysis": analysis,
        "metrics": metrics,
        "client": client,
        "waiting_share": breakdowns.waiting_share(metrics),
        "score_band": score_band(metrics.get("score")),
        "counts": breakdowns.severity_counts(journey_result.findings),
        "groups": groups,
        # without fixes, the summary names the most severe problems, the most widespread first
        "top_problems": sorted(
            (g for g in groups if g["severity"] != "waived"),
            key=lambda g: (-breakdowns.severity_rank(g["severity"]), -len(g["findings"]), g["rule"]["id"]),
        ),
        "fixes": [fix_view(fix, journey, client) for fix in fixes or []],
        "findings": views,
        "findings_shown": FINDINGS_PER_RULE,
        "findings_files": files,
        "steps_file": files["steps"] if files else None,
        "journey_findings": [v for v in views if not v.finding.step],
        "diagrams": diagram_list,
        "step_diagram": any(kind == "steps" and d.svg for kind, d in diagram_list),
        "large": large,
        "large_arrows": large_by_arrows(journey),
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
        "time_axis": time_axis(times)[2],
        "time_total": (sum(w for w, _ in times.values()), sum(a for _, a in times.values())),
        "information": breakdowns.information_rows(journey, analysis),
        "asks_shown": ASKS_SHOWN if large else len(journey.steps),
        "shown_steps": set(shown),
        "steps": step_rows,
        "promise": journey.promise,
        "curve": curve,
        "curve_svg": Markup(render_curve(curve, title=journey.title)),
        "curve_parts": PARTS,
        "feelings": breakdowns.feelings_summary(journey, curve),
        "rule_headlines": {g["rule"]["id"]: g["rule"]["plain"]["headline"] for g in groups},
        "replaces_title": replaced.journey.title if replaced else None,
        "comparison_href": comparison_file(journey.id) if replaced else None,
    }


def comparison_file(to_be_id: str) -> str:
    """The page setting a to-be journey (`replaces: X`) beside its as-is: no journey id holds a dot."""
    return f"compare.{to_be_id}.html"
