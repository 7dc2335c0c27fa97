"""The HTML report: a portfolio index and one self-contained page per journey.

`write_report(result, folder)` writes `index.html` and `<journey-id>.html`.
Pages carry their CSS, SVG and the little JavaScript they use inline: no
request leaves the file, and everything is readable with JavaScript off.
Output is deterministic (same input, same bytes): ordering comes from the
audit result and the journey files, and the only date is the one taken from
`SOURCE_DATE_EPOCH` when that variable is set. docs/report.md explains every
part of the pages.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from journeyaudit import __version__
from journeyaudit.common.durations import (
    duration_against,
    figure_against,
    format_duration,
    format_figure,
    format_share,
    format_shares,
)
from journeyaudit.model.findings import SEVERITIES, SEVERITY_RANK
from journeyaudit.reports import swimlane

# Above this many steps the journey page shows the department map instead of
# the step graph (unreadable, and slow to lay out); `report --full-diagram`
# draws both.
LARGE_JOURNEY_STEPS = 300
PORTFOLIO_RULES = ("effort-asymmetry", "loyalty-penalty", "missing-counterpart")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every string from a journey file is text, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters["duration"] = lambda seconds: format_duration(seconds or 0.0)
    env.filters["num"] = _num
    env.filters["code"] = inline_code
    env.filters["duration_against"] = lambda seconds, other: duration_against(seconds or 0.0, other or 0.0)
    env.filters["num_against"] = lambda value, other: figure_against(value or 0.0, other or 0.0)
    env.filters["pct"] = lambda value: format_share(value or 0.0)
    return env


def _visible(value):
    """Every printed value: control characters from journeys become visible escapes."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return swimlane.visible(value)
    return value


def _num(value, digits: int = 2) -> str:
    """A figure on a page: as in messages and the terminal (at most 2 decimals, docs/report.md)."""
    if value is None:
        return "–"
    return format_figure(value)


def inline_code(text) -> Markup:
    """Rule documentation writes ids as `code`: escape the text, then mark those spans."""
    escaped = str(Markup.escape(text or ""))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def _asset(name: str) -> Markup:
    # Package files, inlined as-is (not journey text).
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def page_file(journey_id: str) -> str:
    """The file of a journey's page: `<id>.html`, except that a journey called
    `index` must not replace the portfolio."""
    return "journey-index.html" if journey_id == "index" else f"{journey_id}.html"


def generated_at() -> str | None:
    """The "generated at" line: only from SOURCE_DATE_EPOCH, so builds stay reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromtimestamp(int(value), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return moment.strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------
# figures the pages show (docs/report.md)


def handoff_matrix(journey, analysis) -> dict[tuple[str, str], float]:
    """Expected hand-offs per ordered department pair: sum of visits(u)·p(u,v) over edges u→v."""
    matrix: dict[tuple[str, str], float] = {}
    for (source, target), probability in analysis.transition.items():
        if source not in journey.steps or target not in journey.steps:
            continue
        a, b = journey.steps[source].department, journey.steps[target].department
        if a == b:
            continue
        matrix[(a, b)] = matrix.get((a, b), 0.0) + analysis.visits.get(source, 0.0) * probability
    return matrix


def time_by_department(journey, analysis) -> dict[str, tuple[float, float]]:
    """Expected seconds per department: (waiting, active), weighted by expected visits."""
    totals: dict[str, list[float]] = {}
    for step_id, step in journey.steps.items():
        visits = analysis.visits.get(step_id, 0.0)
        entry = totals.setdefault(step.department, [0.0, 0.0])
        entry[0] += visits * step.wait_s
        entry[1] += visits * step.duration_s
    return {department: (wait, work) for department, (wait, work) in totals.items()}


def worst_severity(findings) -> str | None:
    active = [f.severity for f in findings if not f.waived]
    if active:
        return max(active, key=SEVERITY_RANK.__getitem__)
    return "waived" if findings else None


def severity_counts(findings) -> dict[str, int]:
    counts = {severity: 0 for severity in SEVERITIES}
    counts["waived"] = 0
    for finding in findings:
        counts["waived" if finding.waived else finding.severity] += 1
    return counts


def waiting_share(metrics: dict) -> float:
    total = metrics.get("expected_duration_s") or 0.0
    return (metrics.get("expected_wait_s") or 0.0) / total if total > 0 else 0.0


def score_band(score) -> str:
    """Colour band of a score: the same thresholds on every page."""
    if score is None:
        return "none"
    if score >= 80:
        return "good"
    if score >= 50:
        return "fair"
    return "poor"


# --------------------------------------------------------------------------
# view models


@dataclass(slots=True)
class FindingView:
    finding: object
    anchor: str
    step_title: str | None
    steps: list[tuple[str, str]]  # (step id, title) involved
    edges: list[str]  # diagram edge ids along the involved steps
    fix: str
    related: list[dict]


def _rule_info(rules, rule_id: str) -> dict:
    rule = rules.get(rule_id)
    if rule is None:
        return {"id": rule_id, "summary": rule_id, "description": "", "story": "", "fix": "", "category": ""}
    return {
        "id": rule_id,
        "summary": rule.summary or rule_id,
        "description": rule.description,
        "story": rule.story,
        "fix": rule.fix,
        "category": rule.category,
    }


def _finding_views(journey_result, by_id) -> list[FindingView]:
    journey = journey_result.journey
    views = []
    for number, finding in enumerate(journey_result.findings):
        involved = [s for s in (finding.steps or ((finding.step,) if finding.step else ())) if s in journey.steps]
        edges = []
        for a, b in zip(involved, involved[1:]):
            if any(edge.target == b for edge in journey.steps[a].next):
                edges.append(swimlane.edge_id(journey, a, b))
        related = []
        for other in finding.related_journeys:
            target = by_id.get(other)
            related.append(
                {
                    "id": other,
                    "title": target.journey.title if target else None,
                    "href": page_file(other) if target else None,
                    "metrics": target.metrics if target else None,
                }
            )
        views.append(
            FindingView(
                finding=finding,
                anchor=f"f-{finding.fingerprint or number}",
                step_title=journey.steps[finding.step].title if finding.step in journey.steps else None,
                steps=[(s, journey.steps[s].title) for s in involved],
                edges=edges,
                fix=finding.fix,
                related=related,
            )
        )
    return views


def _rule_groups(views: list[FindingView], rules) -> list[dict]:
    groups: dict[str, dict] = {}
    for view in views:
        group = groups.setdefault(view.finding.rule, {"rule": _rule_info(rules, view.finding.rule), "findings": []})
        group["findings"].append(view)
    for group in groups.values():
        group["severity"] = worst_severity([v.finding for v in group["findings"]])
        group["counts"] = severity_counts([v.finding for v in group["findings"]])
    rank = {"error": 0, "warning": 1, "info": 2, "waived": 3, None: 4}
    return sorted(groups.values(), key=lambda g: (rank[g["severity"]], g["rule"]["id"]))


def _journey_context(journey_result, by_id, rules, *, full_diagram: bool) -> dict:
    journey = journey_result.journey
    analysis = journey_result.analysis
    metrics = journey_result.metrics
    findings_by_step: dict[str, list] = {}
    for finding in journey_result.findings:
        if finding.step:
            findings_by_step.setdefault(finding.step, []).append(finding)
    step_severity = {step_id: worst_severity(found) for step_id, found in findings_by_step.items()}
    views = _finding_views(journey_result, by_id)
    view_by_finding = {id(v.finding): v for v in views}

    order = swimlane.lane_order(journey)
    # Departments that own no step still appear in the tables (after the lanes).
    departments = order + [d for d in journey.departments if d not in order]
    matrix = handoff_matrix(journey, analysis)
    matrix_departments = [d for d in departments if any(d in pair for pair in matrix)]
    times = time_by_department(journey, analysis)
    time_rows = []
    biggest = max((wait + work for wait, work in times.values()), default=0.0) or 1.0
    for department in departments:
        wait, work = times.get(department, (0.0, 0.0))
        if department not in times:
            continue
        time_rows.append(
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

    # Diagrams: the step swimlane unless the journey is large (then the
    # department map, and the swimlane too when asked for).
    large = len(journey.steps) > LARGE_JOURNEY_STEPS
    diagrams = []
    dept_severity = {}
    dept_steps: dict[str, int] = {}
    for step_id, step in journey.steps.items():
        dept_steps[step.department] = dept_steps.get(step.department, 0) + 1
        severity = step_severity.get(step_id)
        current = dept_severity.get(step.department)
        if _sev_rank(severity) > _sev_rank(current):
            dept_severity[step.department] = severity
    if large:
        diagrams.append(("departments", _draw(lambda: swimlane.render_department_map(journey, matrix, dept_severity, dept_steps))))
    if not large or full_diagram:
        diagrams.append(("steps", _draw(lambda: swimlane.render_swimlane(journey, analysis, step_severity))))
    handoff_edges = sum(
        1
        for edge in {(e.source, e.target) for e in journey.edges()}
        if edge[1] in journey.steps and journey.steps[edge[0]].department != journey.steps[edge[1]].department
    )

    step_rows = []
    for step_id, step in journey.steps.items():
        shares = format_shares([edge.probability for edge in step.next])
        found = findings_by_step.get(step_id, [])
        step_rows.append(
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
                        "handoff": edge.target in journey.steps
                        and journey.steps[edge.target].department != step.department,
                        "loop": (step_id, edge.target) in analysis.loop_edges,
                    }
                    for index, edge in enumerate(step.next)
                ],
                "reachable": step_id in analysis.reachable,
            }
        )

    return {
        "journey": journey,
        "analysis": analysis,
        "metrics": metrics,
        "waiting_share": waiting_share(metrics),
        "score_band": score_band(metrics.get("score")),
        "counts": severity_counts(journey_result.findings),
        "groups": _rule_groups(views, rules),
        "findings": views,
        "journey_findings": [v for v in views if not v.finding.step],
        "diagrams": diagrams,
        "step_diagram": any(kind == "steps" and d.svg for kind, d in diagrams),
        "large": large,
        "full_diagram": full_diagram,
        "handoff_edges": handoff_edges,
        "departments": [
            {
                "id": d,
                "title": journey.department_title(d),
                "customer_facing": journey.departments[d].customer_facing if d in journey.departments else True,
            }
            for d in departments
        ],
        # The key figure's split: only departments owning steps, as `departments` counts them.
        "facing_departments": sum(
            1 for d in order if d not in journey.departments or journey.departments[d].customer_facing
        ),
        "back_office_departments": sum(
            1 for d in order if d in journey.departments and not journey.departments[d].customer_facing
        ),
        "matrix": matrix,
        "matrix_departments": matrix_departments,
        "matrix_max": max(matrix.values(), default=0.0),
        "matrix_total": sum(matrix.values()),
        "time_rows": time_rows,
        "time_total": (sum(w for w, _ in times.values()), sum(a for _, a in times.values())),
        "information": _information_rows(journey, analysis),
        "steps": step_rows,
        "promise": journey.promise,
    }


def _sev_rank(severity) -> int:
    return {None: 0, "waived": 0.5, "info": 1, "warning": 2, "error": 3}[severity]


def _draw(render) -> swimlane.DiagramResult:
    try:
        return render()
    except swimlane.GraphvizMissing:
        return swimlane.DiagramResult(None, note=swimlane.MISSING_GRAPHVIZ)
    except Exception as error:  # a drawing failure must not cost the reader the rest of the page
        return swimlane.DiagramResult(None, note=f"The diagram could not be drawn ({type(error).__name__}: {error}).")


def _information_rows(journey, analysis) -> list[dict]:
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


def _gate(result, config) -> dict:
    """What `audit`/`check` would say in CI: findings at or above fail-on, not waived."""
    from journeyaudit.model.findings import severity_at_least

    fail_on = getattr(config, "fail_on", None) or "error"
    if fail_on == "never":
        return {"fail_on": fail_on, "failing": 0}
    failing = [f for f in result.all_findings() if not f.waived and severity_at_least(f.severity, fail_on)]
    return {"fail_on": fail_on, "failing": len(failing)}


def _index_context(result, rules, config=None) -> dict:
    rows = []
    for journey_result in result.journeys:
        metrics = journey_result.metrics
        journey = journey_result.journey
        rows.append(
            {
                "journey": journey,
                "href": page_file(journey.id),
                "metrics": metrics,
                "waiting_share": waiting_share(metrics),
                "band": score_band(metrics.get("score")),
                "counts": severity_counts(journey_result.findings),
            }
        )
    # Worst score first; ties by id so the order never depends on chance.
    rows.sort(key=lambda r: (r["metrics"].get("score", 0), r["journey"].id))
    by_id = {r.journey.id: r for r in result.journeys}
    pairs = []
    for journey_result in result.journeys:
        for finding in journey_result.findings:
            if finding.rule in PORTFOLIO_RULES or finding.related_journeys:
                pairs.append(
                    {
                        "finding": finding,
                        "rule": _rule_info(rules, finding.rule),
                        "journey": journey_result.journey,
                        "href": page_file(journey_result.journey.id),
                        "metrics": journey_result.metrics,
                        "others": [
                            {
                                "id": other,
                                "title": by_id[other].journey.title if other in by_id else None,
                                "metrics": by_id[other].metrics if other in by_id else None,
                                "href": page_file(other) if other in by_id else None,
                            }
                            for other in finding.related_journeys
                        ],
                    }
                )
    return {
        "rows": rows,
        "pairs": pairs,
        "gate": _gate(result, config),
        "summary": result.summary(),
        "problems": result.problems,
        "rule_counts": _rule_counts(result, rules),
    }


def _rule_counts(result, rules) -> list[dict]:
    counts: dict[str, dict] = {}
    for finding in result.all_findings():
        entry = counts.setdefault(
            finding.rule, {"rule": _rule_info(rules, finding.rule), "journeys": set(), "counts": severity_counts([])}
        )
        entry["journeys"].add(finding.journey)
        entry["counts"]["waived" if finding.waived else finding.severity] += 1
    rows = []
    for entry in counts.values():
        entry["journeys"] = len(entry["journeys"])
        entry["total"] = sum(entry["counts"].values())
        rows.append(entry)
    rank = {s: i for i, s in enumerate(("error", "warning", "info", "waived"))}
    return sorted(
        rows,
        key=lambda e: (
            min(rank[s] for s, c in e["counts"].items() if c) if e["total"] else 9,
            -e["total"],
            e["rule"]["id"],
        ),
    )


# --------------------------------------------------------------------------
# writing


def render_pages(result, *, config=None, full_diagram: bool = False, rules=None) -> dict[str, str]:
    """File name -> HTML text of every page (index.html first)."""
    if rules is None:
        from journeyaudit.rules.registry import all_rules

        rules = all_rules()
    env = _environment()
    common = {
        "version": __version__,
        "generated_at": generated_at(),
        "css": _asset("report.css"),
        "js": _asset("report.js"),
    }
    pages = {"index.html": env.get_template("index.html").render(**common, **_index_context(result, rules, config))}
    by_id = {r.journey.id: r for r in result.journeys}
    template = env.get_template("journey.html")
    for journey_result in result.journeys:
        context = _journey_context(journey_result, by_id, rules, full_diagram=full_diagram)
        pages[page_file(journey_result.journey.id)] = template.render(**common, **context)
    return pages


def write_report(result, html_dir, *, config=None, full_diagram: bool = False, rules=None) -> Path:
    """Write index.html and one page per journey into `html_dir`; return index.html's path."""
    folder = Path(html_dir)
    folder.mkdir(parents=True, exist_ok=True)
    pages = render_pages(result, config=config, full_diagram=full_diagram, rules=rules)
    for name, text in pages.items():
        # newline="\n": the same bytes on every platform.
        with open(folder / name, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return folder / "index.html"
