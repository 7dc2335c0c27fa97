"""What a fix is, as planned and as measured, and how it is written out (JSON, one line of text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeyaudit.analysis.metrics import METRIC_KEYS, tidy
from journeyaudit.common.durations import format_duration, format_figure
from journeyaudit.fixes.ops import Op
from journeyaudit.model.findings import Finding


@dataclass(frozen=True, slots=True)
class Plan:
    """A candidate fix: the edits, and the findings they were made for (not measured yet)."""

    id: str  # kind@step, unique in the journey: `use-held-data@loans-desk`
    kind: str
    rule: str  # the rule whose findings it was made for
    title: str  # what it changes, for people: "Stop asking for Full name at 'loans-desk'"
    reason: str  # why that resolves the finding: "it is already held"
    targets: tuple[str, ...]  # fingerprints of the findings it was made for
    ops: tuple[Op, ...]
    estimate: float = 0.0  # effort points it should save, to measure the promising ones first
    includes: tuple[str, ...] = ()  # a fix made of others (keep-promise): their ids

    @property
    def summary(self) -> str:
        return f"{self.title}: {self.reason}" if self.reason else self.title


def impact_of(before: dict, after: dict) -> dict[str, float | int | bool]:
    """Every figure of `metrics` that changes: after minus before (flags: their new value).

    Both sides are the figures as the JSON shows them (3 decimals), so the difference is
    what two audits give; a figure that is null on either side is left out.
    """
    impact: dict[str, float | int | bool] = {}
    for key in METRIC_KEYS:
        old, new = before.get(key), after.get(key)
        if old == new or old is None or new is None:
            continue
        if isinstance(new, bool) or isinstance(old, bool):
            impact[key] = bool(new)
        elif isinstance(new, int) and isinstance(old, int):
            impact[key] = new - old
        elif change := tidy(float(new) - float(old)):  # figures that differ only past the noise floor: no change
            impact[key] = change
    return impact


@dataclass(slots=True)
class Fix:
    """A plan with its measured effect."""

    plan: Plan
    findings: tuple[str, ...]  # fingerprints of the findings it resolves (those it was made for among them)
    new_findings: list[Finding]  # problems the changed journey has that the journey had not
    impact: dict[str, float | int | bool]
    metrics: dict  # the figures of the changed journey

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def kind(self) -> str:
        return self.plan.kind

    @property
    def rule(self) -> str:
        return self.plan.rule

    @property
    def title(self) -> str:
        return self.plan.title

    @property
    def summary(self) -> str:
        return self.plan.summary

    def rank_key(self) -> tuple:
        """Score gain first, then expected time saved, then hand-offs removed (then the id)."""
        impact = self.impact
        return (
            -float(impact.get("score", 0)),
            float(impact.get("expected_duration_s", 0.0)),
            float(impact.get("expected_handoffs", 0.0)),
            self.id,
        )

    def effect_text(self) -> str:
        return effect_text(self.impact)

    def line(self) -> str:
        """`Stop asking for Full name at 'loans-desk': score +6, 2 asks fewer`."""
        return f"{self.title}: {self.effect_text()}"

    def to_json(self) -> dict:
        document: dict[str, Any] = {
            "id": self.id,
            "summary": self.summary,
            "rule": self.rule,
            "findings": list(self.findings),
            "impact": dict(self.impact),
        }
        if self.plan.includes:
            document["includes"] = list(self.plan.includes)
        if self.new_findings:
            document["new_findings"] = [
                {"rule": f.rule, "severity": f.severity, "step": f.step, "message": f.message} for f in self.new_findings
            ]
        return document


@dataclass(slots=True)
class Combined:
    """All the fixes applied together (those that do not change what an earlier one changed)."""

    applied: list[str]  # fix ids, in rank order
    skipped: list[str]  # fixes that clash with one applied before them
    findings: tuple[str, ...]
    new_findings: list[Finding]
    impact: dict[str, float | int | bool]
    metrics: dict

    def effect_text(self) -> str:
        return effect_text(self.impact)

    def to_json(self) -> dict:
        document: dict[str, Any] = {
            "fixes": list(self.applied),
            "findings": list(self.findings),
            "impact": dict(self.impact),
        }
        if self.skipped:
            document["skipped"] = list(self.skipped)
        if self.new_findings:
            document["new_findings"] = [
                {"rule": f.rule, "severity": f.severity, "step": f.step, "message": f.message} for f in self.new_findings
            ]
        return document


@dataclass(slots=True)
class JourneyFixes:
    """The fixes of one journey, best first, and what applying them all buys."""

    journey: str
    fixes: list[Fix] = field(default_factory=list)
    combined: Combined | None = None
    not_measured: int = 0  # plans left unmeasured by the work budget (journeys of thousands of steps)
    plans: list[Plan] = field(default_factory=list)  # every plan made, measured or not (`fix --only` takes any)

    def to_json(self) -> dict:
        document: dict = {
            "fixes": [fix.to_json() for fix in self.fixes],
            "fixes_combined": self.combined.to_json() if self.combined is not None else None,
        }
        if self.not_measured:
            document["fixes_not_measured"] = self.not_measured
        return document

    def by_id(self) -> dict[str, Fix]:
        return {fix.id: fix for fix in self.fixes}


def _count(value: float, one: str, many: str) -> str:
    shown = format_figure(abs(value))
    return f"{shown} {one if shown == '1' else many}"


def effect_text(impact: dict) -> str:
    """What a fix buys, in a few words: `score +6, 2 asks fewer, 1d 6h faster`."""
    parts = []
    score = int(impact.get("score") or 0)
    parts.append(f"score {'+' if score > 0 else '-'}{abs(score)}" if score else "score unchanged")
    duration = impact.get("expected_duration_s")
    if duration:
        parts.append(f"{format_duration(abs(duration))} {'faster' if duration < 0 else 'slower'}")
    for key, one, many in (
        ("expected_handoffs", "hand-off", "hand-offs"),
        ("expected_asks", "ask", "asks"),
        ("expected_contacts", "contact", "contacts"),
        ("expected_channel_switches", "channel switch", "channel switches"),
    ):
        value = impact.get(key)
        if value:
            parts.append(f"{_count(value, one, many)} {'fewer' if value < 0 else 'more'}")
    if len(parts) == 1 and impact.get("worst_silence_s"):
        parts.append(f"longest silence {format_duration(abs(impact['worst_silence_s']))} "
                     f"{'shorter' if impact['worst_silence_s'] < 0 else 'longer'}")
    if len(parts) == 1 and impact.get("effort"):
        parts.append(f"effort {format_figure(impact['effort'])}")
    return ", ".join(parts[:4])


def fix_lines(fixes: JourneyFixes | object | None, top: int = 3) -> list[str]:
    """The terminal's lines for a journey's fixes: the best `top`, then all of them together."""
    if not isinstance(fixes, JourneyFixes) or not fixes.fixes:
        return []
    lines = [f"fix first: {fix.line()}" if index == 0 else f"then:      {fix.line()}" for index, fix in enumerate(fixes.fixes[:top])]
    combined = fixes.combined
    if combined is not None and len(fixes.fixes) > 1:
        lines.append(f"all {len(combined.applied)} fixes together: {combined.effect_text()} "
                     "(`journeyaudit fix FILE` lists them, `-o OUT` writes the journey with them)")
    return lines
