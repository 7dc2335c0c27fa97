"""The to-be journey `journeyaudit fix -o OUT` writes: chosen fixes applied to the author's file.

`to_be(result, text, selection, config, rules, related)` applies the chosen
fixes (all of `fixes_combined` when `selection` is None) in rank order,
writes them into the original text (writer.py), and checks the written text
before it is returned: it must load, and its analysis must give exactly the
figures the what-if engine predicted. A difference is a defect of
journeyaudit, reported as such (`ToBeError`), never a file written with
figures other than those announced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeyaudit.analysis import analyze
from journeyaudit.analysis.metrics import METRIC_KEYS
from journeyaudit.common.text import did_you_mean
from journeyaudit.editing import EditError, flow_scalar
from journeyaudit.fixes.model import JourneyFixes, Plan, effect_text
from journeyaudit.fixes.ops import NotApplicable
from journeyaudit.fixes.run import measure_journey
from journeyaudit.fixes.whatif import Baseline, FixFailed, Outcome
from journeyaudit.fixes.writer import to_be_text

if TYPE_CHECKING:
    from journeyaudit.audit.run import JourneyResult
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule


class ToBeError(Exception):
    """The to-be cannot be written (an unknown or clashing fix, a layout the writer cannot edit)."""


@dataclass(slots=True)
class ToBe:
    text: str
    applied: list[str]  # fix ids, in the order applied
    outcome: Outcome  # the journey, its analysis and findings as predicted
    fixes: JourneyFixes

    @property
    def metrics(self) -> dict:
        return self.outcome.analysis.metrics


def to_be_id(journey_id: str) -> str:
    return f"{journey_id}-2" if journey_id.endswith("-to-be") else f"{journey_id}-to-be"


def to_be(result: JourneyResult, text: str, selection: Sequence[str] | None, config: Config,
          rules: Mapping[str, Rule], related: Sequence[JourneyResult] = ()) -> ToBe:
    """The to-be file of the chosen fixes (all of `fixes_combined` when `selection` is None)."""
    fixes = measure_journey(result, config, rules, related)
    journey = result.journey
    header = [
        ("id", flow_scalar(to_be_id(journey.id)), f"the to-be of '{journey.id}', written by journeyaudit fix"),
        ("title", flow_scalar(f"{journey.title} (to-be)"), None),
        ("replaces", flow_scalar(journey.id), None),
    ]
    written, outcome = apply_to_text(result, text, _chosen(fixes, selection), config, rules, related, header=header,
                                     footer=lambda outcome: _footer(journey.id, result.analysis.metrics, outcome))
    return ToBe(written, outcome.applied, outcome, fixes)


def apply_to_text(result: JourneyResult, text: str, plans: Sequence[Plan], config: Config, rules: Mapping[str, Rule],
                  related: Sequence[JourneyResult] = (), header=None, footer=None) -> tuple[str, Outcome]:
    """`text` (the journey's file) with the plans' edits written in, checked against the prediction."""
    base = Baseline(result, config, rules, related)
    try:
        outcome = base.measure(plans)
    except NotApplicable as clash:
        raise ToBeError(f"these fixes cannot all be applied: {clash} (choose one of them with --only)") from None
    except FixFailed as error:
        raise ToBeError(f"internal error: {error} (please report it)") from None
    journey = result.journey
    try:
        written = to_be_text(text, journey.file, journey, outcome.journey, outcome.draft.changes, header=header,
                             footer=footer(outcome) if footer is not None else None)
    except EditError as error:
        raise ToBeError(str(error)) from None
    _check(written, journey.file, outcome)
    return written, outcome


def _footer(journey_id: str, before: dict, outcome: Outcome) -> list[str]:
    import textwrap

    applied = ", ".join(outcome.applied) or "none"
    lines = textwrap.wrap(f"To-be of '{journey_id}' written by `journeyaudit fix`, fixes applied: {applied}.", width=96,
                          break_on_hyphens=False)
    after = outcome.analysis.metrics
    lines.append(f"Its audit gives: score {before.get('score')} -> {after.get('score')} ({effect_text(outcome.impact)}).")
    return lines


def _chosen(fixes: JourneyFixes, selection: Sequence[str] | None) -> list[Plan]:
    if selection is None:
        applied = fixes.combined.applied if fixes.combined is not None else []
        by_id = {fix.id: fix.plan for fix in fixes.fixes}
        return [by_id[fix_id] for fix_id in applied]
    measured = [fix.plan for fix in fixes.fixes]
    known = {plan.id: plan for plan in [*measured, *fixes.plans]}
    chosen = []
    for fix_id in dict.fromkeys(selection):
        if fix_id not in known:
            listed = ", ".join(fix.id for fix in fixes.fixes) or "none"
            raise ToBeError(f"no fix '{fix_id}' for journey '{fixes.journey}'{did_you_mean(fix_id, known)} (its fixes: {listed})")
        chosen.append(known[fix_id])
    rank = {plan.id: index for index, plan in enumerate([*measured, *fixes.plans])}
    return sorted(chosen, key=lambda plan: rank[plan.id])


def _check(written: str, file: str, outcome: Outcome) -> None:
    """The written file must read back as the journey measured, figure for figure."""
    from journeyaudit.loading import load_text

    loaded = load_text(written, file)
    if loaded.journey is None:
        problems = "; ".join(problem.message for problem in loaded.problems[:3])
        raise ToBeError(f"internal error: the to-be would not load ({problems}); nothing written (please report it)")
    predicted = outcome.analysis.metrics
    measured = analyze(loaded.journey).metrics
    differ = [key for key in METRIC_KEYS if predicted.get(key) != measured.get(key)]
    if differ:
        raise ToBeError(
            f"internal error: the to-be's figures differ from the prediction ({', '.join(differ)}); "
            "nothing written (please report it)"
        )
