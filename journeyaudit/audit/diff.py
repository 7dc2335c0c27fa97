"""Compare two audits of the same journeys: what changed, and did it get worse for customers.

Journeys are matched by id, steps by step id, findings by fingerprint. Every
figure has a better direction (`journeyaudit.audit.budgets.METRICS`: lower is better
for hand-offs, durations, asks, switches and effort; higher for success_rate,
value_added_ratio and score; none for step counts). A journey *regresses*
(`diff --fail-on-regression` exits 1) when:

1. a finding that is not waived and is at or above fail-on is failing now and
   was not failing before (new, or its waiver was removed);
2. a figure now breaks a budget it met before (or the journey is new and
   breaks one);
3. a gated figure got worse beyond the tolerance: `score` dropping by more
   than `tolerance_points` (default 2), or `expected_duration_s`,
   `expected_handoffs`, `max_handoffs` growing / `success_rate` shrinking by
   more than `tolerance_percent` (default 5 %) of the old value.

Other figures are shown as better / worse but never fail the diff: adding a
feedback step adds a contact and some time, and that is an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeyaudit.audit.budgets import (
    METRICS,
    Budget,
    BudgetCheck,
    evaluate,
    format_value,
)
from journeyaudit.audit.gate import Gate
from journeyaudit.common.durations import format_duration_exact
from journeyaudit.model.findings import Finding

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult, JourneyResult

# metric -> how its worsening is measured for the regression gate
GATED_METRICS: dict[str, str] = {
    "score": "points",
    "expected_duration_s": "percent",
    "expected_handoffs": "percent",
    "max_handoffs": "percent",
    "success_rate": "percent",
}
STEP_FIELDS = ("title", "department", "channel", "actor", "kind", "wait", "after", "duration", "asks", "value", "next", "end")


@dataclass(slots=True)
class Tolerance:
    points: float = 2.0  # score points
    percent: float = 5.0  # of the old value, for the other gated figures


@dataclass(slots=True)
class StepChange:
    step: str
    change: str  # added, removed, changed
    title: str
    fields: dict[str, tuple] = field(default_factory=dict)  # field -> (old, new), shown as text

    def to_json(self) -> dict:
        return {
            "step": self.step,
            "change": self.change,
            "title": self.title,
            "fields": {name: {"old": old, "new": new} for name, (old, new) in self.fields.items()},
        }


@dataclass(slots=True)
class MetricDelta:
    metric: str
    old: float | None
    new: float | None
    direction: str  # better, worse, changed (no better direction)
    regression: bool = False  # worse beyond the tolerance, on a gated figure

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    def text(self) -> str:
        old = "–" if self.old is None else format_value(self.metric, self.old)
        new = "–" if self.new is None else format_value(self.metric, self.new)
        if (
            self.old is not None
            and self.new is not None
            and old == new
            and self.old != self.new
            and METRICS.get(self.metric, (None, ""))[1] == "duration"
        ):
            # a change smaller than the short form shows: both sides to the second
            old, new = format_duration_exact(self.old), format_duration_exact(self.new)
        return f"{old} → {new}"

    def change_text(self) -> str:
        """The signed difference, in the figure's unit: `+44m`, `-1`, `+0.2`; empty when none."""
        delta = self.delta
        if not delta:
            return ""
        return ("+" if delta > 0 else "-") + format_value(self.metric, round(abs(delta), 3))

    def to_json(self) -> dict:
        return {
            "metric": self.metric,
            "old": self.old,
            "new": self.new,
            "delta": self.delta,
            "direction": self.direction,
            "regression": self.regression,
        }


@dataclass(slots=True)
class JourneyDiff:
    id: str
    title: str
    file: str
    status: str  # added, removed, changed, unchanged
    old: JourneyResult | None = None
    new: JourneyResult | None = None
    steps: list[StepChange] = field(default_factory=list)
    metrics: list[MetricDelta] = field(default_factory=list)
    new_findings: list[Finding] = field(default_factory=list)
    fixed_findings: list[Finding] = field(default_factory=list)
    budget_crossings: list[BudgetCheck] = field(default_factory=list)
    regressions: list[str] = field(default_factory=list)  # why this journey got worse, one line each
    renamed_from: str | None = None  # the old id, when the journey changed its id in the same file

    @property
    def verdict(self) -> str:
        """worse (a regression), better, mixed, changed, unchanged; new / gone for added / removed journeys."""
        if self.regressions:
            return "worse"
        if self.status in ("added", "removed"):
            return "new" if self.status == "added" else "gone"  # nothing to be better or worse than
        worse = any(m.direction == "worse" for m in self.metrics) or any(not f.waived for f in self.new_findings)
        better = any(m.direction == "better" for m in self.metrics) or bool(self.fixed_findings)
        if worse and better:
            return "mixed"
        if worse:
            return "worse"
        if better:
            return "better"
        return "changed" if (self.steps or self.renamed_from or self.status in ("added", "removed")) else "unchanged"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "file": self.file,
            "status": self.status,
            "verdict": self.verdict,
            "steps": [change.to_json() for change in self.steps],
            "metrics": [delta.to_json() for delta in self.metrics],
            "new_findings": [f.to_json() for f in self.new_findings],
            "fixed_findings": [f.to_json() for f in self.fixed_findings],
            "budget_crossings": [check.to_json() for check in self.budget_crossings],
            "regressions": list(self.regressions),
            "renamed_from": self.renamed_from,
        }


@dataclass(slots=True)
class DiffResult:
    journeys: list[JourneyDiff]
    old: AuditResult
    new: AuditResult
    fail_on: str = "error"
    tolerance: Tolerance = field(default_factory=Tolerance)
    old_label: str = "old"
    new_label: str = "new"

    @property
    def changed(self) -> list[JourneyDiff]:
        return [j for j in self.journeys if j.status != "unchanged" or j.verdict != "unchanged"]

    def regressions(self) -> list[tuple[str, str]]:
        return [(j.id, reason) for j in self.journeys for reason in j.regressions]

    def counts(self) -> dict[str, int]:
        return {
            "journeys": len(self.journeys),
            "added": sum(j.status == "added" for j in self.journeys),
            "removed": sum(j.status == "removed" for j in self.journeys),
            "changed": sum(j.status == "changed" for j in self.journeys),
            "worse": sum(j.verdict == "worse" for j in self.journeys),
            "better": sum(j.verdict == "better" for j in self.journeys),
            "new_findings": sum(len(j.new_findings) for j in self.journeys),
            "fixed_findings": sum(len(j.fixed_findings) for j in self.journeys),
            "regressions": len(self.regressions()),
        }

    def to_json(self) -> dict:
        return {
            "version": 1,
            "kind": "diff",
            "old": self.old_label,
            "new": self.new_label,
            "fail_on": self.fail_on,
            "tolerance": {"score_points": self.tolerance.points, "percent": self.tolerance.percent},
            "journeys": [j.to_json() for j in self.journeys],
            "summary": self.counts(),
        }


def _step_fields(journey, step) -> dict[str, object]:
    from journeyaudit.common.durations import format_duration

    return {
        "title": step.title,
        "department": journey.department_title(step.department) + f" ({step.department})",
        "channel": step.channel,
        "actor": step.actor,
        "kind": step.kind,
        "wait": format_duration(step.wait_s) if step.wait_s else "none",
        "after": format_duration(step.after_s) if step.after_s else "none",
        "duration": format_duration(step.duration_s) if step.duration_s else "none",
        "asks": ", ".join(step.asks) or "nothing",
        "value": step.value,
        "next": ", ".join(
            edge.target + ("" if abs(edge.probability - 1) < 1e-9 else f" ({edge.probability:.0%})") for edge in step.next
        )
        or "none",
        "end": step.end or "none",
    }


def diff_steps(old_journey, new_journey) -> list[StepChange]:
    changes = []
    for step_id, step in new_journey.steps.items():
        if step_id not in old_journey.steps:
            changes.append(StepChange(step_id, "added", step.title))
            continue
        before = _step_fields(old_journey, old_journey.steps[step_id])
        after = _step_fields(new_journey, step)
        fields = {name: (before[name], after[name]) for name in STEP_FIELDS if before[name] != after[name]}
        if fields:
            changes.append(StepChange(step_id, "changed", step.title, fields))
    for step_id, step in old_journey.steps.items():
        if step_id not in new_journey.steps:
            changes.append(StepChange(step_id, "removed", step.title))
    return changes


def _direction(metric: str, old: float, new: float) -> str:
    better = METRICS[metric][0]
    if better is None:
        return "changed"
    if (new < old) == (better == "lower"):
        return "better"
    return "worse"


def _beyond_tolerance(metric: str, old: float, new: float, tolerance: Tolerance) -> bool:
    how = GATED_METRICS.get(metric)
    if how is None:
        return False
    if how == "points":
        return abs(new - old) > tolerance.points + 1e-9
    if old == 0:
        return abs(new - old) > 1e-9
    return abs(new - old) / abs(old) * 100 > tolerance.percent + 1e-9


# The figures of shared/spec/output.md, in its order: what a diff shows (budgets take any of METRICS).
SHOWN_METRICS = (
    "steps", "departments", "expected_steps", "expected_handoffs", "max_handoffs", "expected_duration_s",
    "worst_duration_s", "expected_wait_s", "expected_contacts", "expected_messages", "expected_scheduled_s",
    "expected_asks", "repeated_asks",
    "expected_channel_switches", "success_rate", "value_added_ratio", "effort", "score",
)


def diff_metrics(old: dict, new: dict, tolerance: Tolerance) -> list[MetricDelta]:
    deltas = []
    for metric in SHOWN_METRICS:
        before, after = old.get(metric), new.get(metric)
        if before is None or after is None or isinstance(before, bool) or isinstance(after, bool):
            continue
        if abs(float(after) - float(before)) < 1e-9:
            continue
        direction = _direction(metric, float(before), float(after))
        regression = direction == "worse" and _beyond_tolerance(metric, float(before), float(after), tolerance)
        deltas.append(MetricDelta(metric, float(before), float(after), direction, regression))
    return deltas


def _renames(old_by_id: dict, new_by_id: dict, place) -> dict[str, str]:
    """new id -> old id for journeys that changed their id but not their place (same file).

    Only one-to-one: an old and a new journey, each without a match by id, that
    are the only ones at their place.
    """
    if place is None:
        return {}
    gone: dict[str, list[str]] = {}
    for journey_id, result in old_by_id.items():
        if journey_id not in new_by_id:
            gone.setdefault(place("old", result), []).append(journey_id)
    came: dict[str, list[str]] = {}
    for journey_id, result in new_by_id.items():
        if journey_id not in old_by_id:
            came.setdefault(place("new", result), []).append(journey_id)
    return {ids[0]: gone[key][0] for key, ids in came.items() if len(ids) == 1 and len(gone.get(key, [])) == 1}


def _by_identity(findings, renamed: bool) -> dict[str, Finding]:
    """Findings by fingerprint; for a renamed journey by what the fingerprint hashes minus the
    journey id (the fingerprint covers the id, so every finding would look new and fixed)."""
    if not renamed:
        return {f.fingerprint: f for f in findings}
    keyed: dict[str, Finding] = {}
    for finding in findings:
        base = "\x1f".join(
            [finding.rule, finding.step or "", ",".join(finding.steps), ",".join(finding.data),
             ",".join(finding.related_journeys), finding.key]
        )
        ordinal = 0
        while f"{base}\x1f#{ordinal}" in keyed:
            ordinal += 1
        keyed[f"{base}\x1f#{ordinal}"] = finding
    return keyed


def place_function(old_paths, new_paths):
    """Where a journey lives, comparable between the two sides: its file relative to the folder
    compared (`diff OLD/ NEW/`), nothing when two files are compared (they are the same journey),
    its path in the working tree with --base-ref (`old_paths` None: old files keep their
    working-tree paths)."""
    import os

    if old_paths is None:
        return lambda side, result: os.path.abspath(result.journey.file)
    roots = {"old": old_paths[0], "new": new_paths[0]}

    def place(side, result):
        root = roots[side]
        if not os.path.isdir(root):
            return ""
        return os.path.relpath(os.path.abspath(result.journey.file), os.path.abspath(root))

    return place


def diff_results(old, new, *, budgets: list[Budget] | None = None, fail_on: str = "error",
                 tolerance: Tolerance | None = None, old_label: str = "old", new_label: str = "new",
                 place=None) -> DiffResult:
    """Compare two AuditResults (journeys matched by id).

    `place(side, journey_result)`, when given, says where a journey lives (its
    file, relative to what was compared): a journey whose id changed while its
    place did not is compared with its old self instead of being removed and added.
    """
    tolerance = tolerance or Tolerance()
    budgets = budgets or []
    gate = Gate(fail_on)
    old_by_id = {r.journey.id: r for r in old.journeys}
    new_by_id = {r.journey.id: r for r in new.journeys}
    renames = _renames(old_by_id, new_by_id, place)
    for new_id, old_id in renames.items():
        old_by_id[new_id] = old_by_id.pop(old_id)
    old_checks = {(c.journey, c.budget.metric, c.budget.op): c for c in evaluate(old, budgets)}
    new_checks = evaluate(new, budgets)
    journeys = []
    ids = sorted(set(old_by_id) | set(new_by_id), key=lambda i: ((new_by_id.get(i) or old_by_id[i]).journey.file, i))
    for journey_id in ids:
        before, after = old_by_id.get(journey_id), new_by_id.get(journey_id)
        shown = after or old_by_id[journey_id]
        status = "added" if before is None else "removed" if after is None else "changed"
        diff = JourneyDiff(journey_id, shown.journey.title, shown.journey.file, status, before, after)
        diff.renamed_from = renames.get(journey_id)
        renamed = diff.renamed_from is not None
        old_findings = _by_identity(before.findings if before else [], renamed)
        new_findings = _by_identity(after.findings if after else [], renamed)
        diff.new_findings = [f for fp, f in new_findings.items() if fp not in old_findings]
        diff.fixed_findings = [f for fp, f in old_findings.items() if fp not in new_findings]
        if before and after:
            diff.steps = diff_steps(before.journey, after.journey)
            diff.metrics = diff_metrics(before.metrics, after.metrics, tolerance)
        if after:
            for identity, finding in new_findings.items():
                previous = old_findings.get(identity)
                if gate.fails(finding) and not (previous and gate.fails(previous)):
                    word = "new" if previous is None else "now failing"
                    where = f" at '{finding.step}'" if finding.step else ""
                    diff.regressions.append(f"{word} {finding.severity} {finding.rule}{where}: {finding.message}")
            for check in new_checks:
                if check.journey != journey_id or check.passed:
                    continue
                previous_check = old_checks.get((diff.renamed_from or journey_id, check.budget.metric, check.budget.op))
                if previous_check is None or previous_check.passed:
                    diff.budget_crossings.append(check)
                    diff.regressions.append(f"crosses a budget: {check.message()}")
        for delta in diff.metrics:
            if delta.regression:
                limit = (
                    f"{tolerance.points:g} points" if GATED_METRICS[delta.metric] == "points" else f"{tolerance.percent:g} %"
                )
                diff.regressions.append(f"{delta.metric} got worse beyond the tolerance of {limit}: {delta.text()}")
        if status == "changed" and not (diff.steps or diff.metrics or diff.new_findings or diff.fixed_findings or renamed):
            diff.status = "unchanged"
        journeys.append(diff)
    return DiffResult(journeys, old, new, fail_on, tolerance, old_label, new_label)
