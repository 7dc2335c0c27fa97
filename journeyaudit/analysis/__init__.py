"""The analysis engine: figures of one journey, computed once, read by rules and reports.

`analyze(journey)` returns a `JourneyAnalysis`. Expected figures come from the
absorbing Markov chain of the journey (loops included); worst-case figures
from the worst loop-free way; "already held" information from a data-flow
analysis (bitsets), never from enumerating paths. docs/metrics.md gives every
formula.
`reanalyze(journey, previous, changed)` analyses an edited journey, reusing
the parts of `previous` the edit cannot change (the what-if engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeyaudit.analysis.engine import AnalysisParts
    from journeyaudit.analysis.graph import JourneyGraph
    from journeyaudit.analysis.handling import HandlingResult
    from journeyaudit.model import Journey


@dataclass(slots=True)
class WorstWay:
    """The worst loop-free way for one measure: its value and the steps it walks."""

    value: float
    steps: tuple[str, ...]  # start ... end, no step twice
    approximate: bool = False  # True when a large loop region made the value a bound


@dataclass(slots=True)
class SilenceWay:
    """The longest silence ending at a touchpoint (analysis/silence.py)."""

    seconds: float
    origin: str | None  # the touchpoint it follows; None: the start of the journey
    quiet: tuple[str, ...]  # the quiet steps in between, in order
    approximate: bool = False


@dataclass(slots=True)
class JourneyAnalysis:
    """Everything computed about one journey.

    Step-keyed dicts have an entry for every step of the journey (unreachable
    steps get 0 visits and empty held sets).
    """

    # --- graph structure -------------------------------------------------
    reachable: frozenset[str]  # steps some way from the start reaches (structurally)
    can_succeed: frozenset[str]  # steps from which a `success` end is reachable (along branches with p > 0)
    dead_ends: tuple[str, ...]  # steps with neither next nor end, file order
    traps: frozenset[str]  # reachable steps with no way to any end (closed loops)
    # (nor to a dead end: a step that can reach a dead end gets stuck there instead)
    loop_edges: frozenset[tuple[str, str]]  # edges inside a strongly connected region (drawn dashed)
    # --- Markov figures --------------------------------------------------
    visits: dict[str, float]  # expected visits per step from the start
    transition: dict[tuple[str, str], float]  # aggregated probability of each edge (source, target)
    absorption: dict[str, float]  # probability of ending at each absorbing step
    success_rate: float
    # --- worst loop-free ways ---------------------------------------------
    worst_handoffs: WorstWay
    worst_duration: WorstWay
    most_likely_way: tuple[str, ...]  # start to an end, taking the likeliest branch, no step twice
    # --- information ------------------------------------------------------
    held_must: dict[str, frozenset[str]]  # data held on every way into the step (before it asks)
    held_may: dict[str, frozenset[str]]  # data held on some way into the step
    first_given: dict[tuple[str, str], str | None]  # (step, data) -> step that first asked it; None: `known`
    # --- the figures of shared/spec/output.md, plus extras -------------------
    metrics: dict[str, float | int | bool | None] = field(default_factory=dict)
    # --- extras ------------------------------------------------------------
    # The indexed graph, to pass to journeyaudit.analysis.worstcase.worst_way
    # for rule-specific worst ways. None only for an analysis built by hand.
    graph: JourneyGraph | None = None
    success_from: dict[str, float] = field(default_factory=dict)  # probability of a success end from the step
    # (step, data) -> the asking step closest to the start that reaches the step,
    # even for `known` items (first_given says None for those): "already given at 'call'".
    first_asked: dict[tuple[str, str], str] = field(default_factory=dict)
    # data asked on every way into the step, `known` left out: "every way passes an asker"
    asked_must: dict[str, frozenset[str]] = field(default_factory=dict)
    # --- what counts as what (journey-format.md) ------------------------------
    # Expected hand-offs per (from department, to department), handling steps only
    # (messages in between are transparent): the hand-off matrix; sums to expected_handoffs.
    handoff_matrix: dict[tuple[str, str], float] = field(default_factory=dict)
    # Edges (source, target) into a handling step that some way enters from another
    # department: the diagram's hand-off arrows. An edge into a message is never one.
    handoff_edges: frozenset[tuple[str, str]] = frozenset()
    handling: HandlingResult | None = None  # the (step, last handling department) pairs, for rules
    loop_back_edges: frozenset[tuple[str, str]] = frozenset()  # edges u -> v where v dominates u
    contact_edges: frozenset[tuple[str, str]] = frozenset()  # edges after which a new contact begins
    silences: dict[str, SilenceWay] = field(default_factory=dict)  # touchpoint -> longest silence ending there
    stated_channels: frozenset[str] = frozenset()  # steps whose channel the file states
    # The intermediate results (chain, hand-offs, contacts, data flow...), for `reanalyze`.
    parts: AnalysisParts | None = None


def analyze(journey: Journey) -> JourneyAnalysis:
    """Analyse one journey (imported lazily: the engine imports this module)."""
    from journeyaudit.analysis.engine import analyze as _analyze

    return _analyze(journey)


def reanalyze(journey: Journey, previous: JourneyAnalysis, changed) -> JourneyAnalysis:
    """Analyse `journey`, an edit of the one `previous` describes; `changed` names the aspects
    the edit touched (journeyaudit.analysis.engine.ASPECTS): the rest is reused."""
    from journeyaudit.analysis.engine import reanalyze as _reanalyze

    return _reanalyze(journey, previous, changed)
