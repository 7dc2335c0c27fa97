"""As-is beside to-be: the comparison page of a journey that `replaces` another, and the page
of `journeyaudit diff --format html` (the same template, one comparison per changed journey).

Both blueprints, both emotion curves, every figure with its change, the findings fixed and
the new ones. Findings are matched as `diff` matches a journey whose id changed: by rule,
steps, data and the journeys named (audit/diff.py), so a redesign keeping a step id keeps
its finding's identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from journeyaudit.analysis import breakdowns
from journeyaudit.audit.budgets import METRICS
from journeyaudit.common.durations import format_duration, format_figure, format_share
from journeyaudit.reports.html.environment import environment

if TYPE_CHECKING:
    from journeyaudit.audit.diff import JourneyDiff
    from journeyaudit.audit.run import AuditResult, JourneyResult
    from journeyaudit.rules.base import Rule

# Every figure a comparison shows, in plain words, in the order of the output contract.
FIGURES = (
    ("score", "Score (0–100)"),
    ("effort", "Customer effort (points)"),
    ("expected_duration_s", "Expected time"),
    ("expected_wait_s", "Waiting"),
    ("worst_duration_s", "Time on the slowest way"),
    ("expected_scheduled_s", "Time booked ahead"),
    ("expected_handoffs", "Hand-offs"),
    ("max_handoffs", "Hand-offs on the worst way"),
    ("departments", "Departments"),
    ("expected_contacts", "Contacts"),
    ("expected_messages", "Messages received"),
    ("expected_asks", "Information asked"),
    ("expected_repeated_asks", "Information asked again"),
    ("repeated_asks", "Places asking again"),
    ("expected_channel_switches", "Channel switches"),
    ("worst_silence_s", "Longest silence"),
    ("success_rate", "Customers who succeed"),
    ("promise_kept_rate", "Promise kept for"),
    ("value_added_ratio", "Value-added time"),
    ("steps", "Steps in the journey"),
    ("expected_steps", "Steps walked"),
)
BETTER = {**{key: direction for key, (direction, _) in METRICS.items()}, "promise_kept_rate": "higher",
          "worst_silence_s": "lower", "expected_repeated_asks": "lower"}


def _shown(key: str, value) -> str:
    if value is None or isinstance(value, bool):
        return "–"
    if key.endswith("_s"):
        return format_duration(value)
    if key.endswith(("_rate", "_ratio")):
        return format_share(value)
    return format_figure(value)


def figure_rows(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict]:
    """Every figure: before, after, the change, and whether it is better for the customer."""
    rows = []
    for key, label in FIGURES:
        old, new = before.get(key), after.get(key)
        change, verdict = "", "same"
        if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
            delta = float(new) - float(old)
            if abs(delta) > 1e-9:
                sign = "+" if delta > 0 else "−"
                change = sign + (_shown(key, abs(delta)) if not key.endswith(("_rate", "_ratio"))
                                 else format_figure(abs(delta) * 100) + " points")
                better = BETTER.get(key)
                verdict = "changed" if better is None else ("better" if (delta < 0) == (better == "lower") else "worse")
        elif old != new:
            verdict = "changed"
        rows.append({"key": key, "label": label, "before": _shown(key, old), "after": _shown(key, new),
                     "change": change, "verdict": verdict})
    return rows


def _side(result: JourneyResult, prefix: str, client: bool) -> dict[str, Any]:
    """One journey of a comparison: its blueprint (ids prefixed: two on a page), curve, figures."""
    from journeyaudit.reports.html.blueprint import render_blueprint
    from journeyaudit.reports.html.curve import render_curve
    from journeyaudit.reports.html.journey_page import draw_safely, is_large, large_by_arrows
    from journeyaudit.reports.html.parts import page_file

    journey, analysis = result.journey, result.analysis
    severity: dict[str, list] = {}
    for finding in result.findings:
        if finding.step:
            severity.setdefault(finding.step, []).append(finding)
    step_severity = {s: breakdowns.worst_severity(found) for s, found in severity.items()}
    large = is_large(journey)
    drawn = None if large else draw_safely(lambda: render_blueprint(journey, analysis, step_severity, prefix=prefix))
    curve = breakdowns.friction_curve(journey, analysis)
    return {
        "journey": journey,
        "metrics": result.metrics,
        "href": page_file(journey.id),
        "diagram": drawn,
        "large_arrows": large_by_arrows(journey),
        "curve_svg": Markup(render_curve(curve, title=journey.title)),
        "feelings": breakdowns.feelings_summary(journey, curve),
        "waiting_share": breakdowns.waiting_share(result.metrics),
        "counts": breakdowns.severity_counts(result.findings),
    }


def comparison_view(change: JourneyDiff, rules: Mapping[str, Rule], client: bool, *, linked: bool) -> dict[str, Any]:
    """What compare.html shows of one pair: `change.old` the as-is, `change.new` the to-be."""
    from journeyaudit.reports.html.parts import client_message, rule_info

    before, after = change.old, change.new
    assert before is not None and after is not None

    def finding_view(finding, journey) -> dict[str, Any]:
        return {
            "finding": finding,
            "rule": rule_info(rules, finding.rule),
            "message": client_message(finding.message, journey) if client else finding.message,
            "step_title": journey.steps[finding.step].title if finding.step in journey.steps else None,
        }

    return {
        "before": _side(before, "asis-", client),
        "after": _side(after, "tobe-", client),
        "figures": figure_rows(before.metrics, after.metrics),
        "fixed": [finding_view(f, before.journey) for f in change.fixed_findings],
        "new": [finding_view(f, after.journey) for f in change.new_findings],
        "kept": len(after.findings) - len(change.new_findings),
        "steps": change.steps,
        "linked": linked,  # the two journeys have pages beside this one (the report, not `diff`)
    }


def pair_diff(before: JourneyResult, after: JourneyResult) -> JourneyDiff:
    """The diff of an as-is and its to-be: as `diff` compares a journey whose id changed."""
    from journeyaudit.audit.diff import diff_results
    from journeyaudit.audit.run import AuditResult

    diff = diff_results(AuditResult([before]), AuditResult([after]), place=lambda side, result: "the pair")
    return diff.journeys[0]


def replacement_pairs(result: AuditResult) -> list[tuple[JourneyResult, JourneyResult]]:
    """(as-is, to-be) for every audited journey whose `replaces` names another audited one."""
    by_id = {r.journey.id: r for r in result.journeys}
    return [
        (by_id[r.journey.replaces], r)
        for r in result.journeys
        if r.journey.replaces and r.journey.replaces in by_id and r.journey.replaces != r.journey.id
    ]


def comparison_pages(result: AuditResult, rules: Mapping[str, Rule], common: dict, *, client: bool) -> dict[str, str]:
    """File name -> page of every as-is / to-be pair of the report."""
    from journeyaudit.reports.html.journey_page import comparison_file

    template = environment().get_template("compare.html")
    pages = {}
    for before, after in replacement_pairs(result):
        view = comparison_view(pair_diff(before, after), rules, client, linked=True)
        pages[comparison_file(after.journey.id)] = template.render(
            **common, comparisons=[view], title=f"{after.journey.title}: as-is and to-be", diff=None,
        )
    return pages


def render_diff_page(diff, rules: Mapping[str, Rule] | None = None, *, client: bool = False) -> str:
    """The page of `journeyaudit diff --format html`: a comparison per journey present on both
    sides that changed, and the journeys added or removed."""
    from journeyaudit.reports.html.report import page_common

    if rules is None:
        from journeyaudit.rules.registry import all_rules

        rules = all_rules()
    changed = [j for j in diff.journeys if j.status != "unchanged" and j.old is not None and j.new is not None]
    views = [comparison_view(j, rules, client, linked=False) for j in changed]
    for view, change in zip(views, changed):
        view["change"] = change
    common = page_common(client)
    common["js"] = ""  # the diff page is read without a script (CI artifacts, mail)
    return environment().get_template("compare.html").render(
        **common, comparisons=views, title=f"journeyaudit diff: {diff.old_label} → {diff.new_label}",
        diff=diff, counts=diff.counts(), regressions=diff.regressions(),
        added=[j for j in diff.journeys if j.status == "added"],
        removed=[j for j in diff.journeys if j.status == "removed"],
    )
