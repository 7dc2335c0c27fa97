"""What a rule is: id, default severity, options, check, and its documentation.

One module per rule under `journeyaudit/rules/`, each defining one subclass of
`JourneyRule` (judges one journey) or `PortfolioRule` (judges journeys against
each other in one run). The registry (`journeyaudit.rules.registry`) finds
them, plus rules of other packages through the entry point group
`journeyaudit.rules`.

A rule's documentation lives next to its check, as class attributes:
`summary` (one line), `description` (what it reports and why), `story` (the
seed article behind it, quoted), `fix` (how to fix a finding), `failing` and
`passing` (complete journey YAML: the first makes the rule report, the second
does not; tests run both).

What `journeyaudit fix` may change to resolve a finding is documented with the
rule too: `fixes`, one `FixDoc` per kind of fix (what it changes, why it is
safe, a journey it fixes and that journey once fixed), or `no_fix`, why no
edit is safe. `reads` names the parts of a journey the check reads (the
aspects of `journeyaudit.analysis.engine`), so the what-if engine runs again
only the rules an edit can concern; a rule that does not say is run again
after every edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from journeyaudit.analysis import JourneyAnalysis
from journeyaudit.model import Journey

# Every aspect of a journey an edit can change (journeyaudit.analysis.engine.ASPECTS):
# what a rule reads when it does not say.
EVERY_ASPECT = frozenset({"structure", "asks", "times", "after", "departments", "roles", "promise"})


@dataclass(frozen=True, slots=True)
class FixDoc:
    """One kind of fix of a rule's findings, as `explain RULE` and docs/rules.md show it.

    `failing` is a journey the rule reports; `passing` is that journey after the
    fix, as `journeyaudit fix` writes it (its comments and the to-be's id aside):
    tests apply the fix to `failing` and compare the figures with `passing`'s.
    """

    kind: str  # the fix id's prefix: `use-held-data` in `use-held-data@loans-desk`
    changes: str  # what the edit changes in the file
    safe: str  # why the edit is safe: what stays as it was
    failing: str
    passing: str


@dataclass(slots=True)
class RawFinding:
    """What a check yields; the engine adds severity, location, fingerprint and waivers."""

    message: str
    step: str | None = None  # the step the finding points at (None: the journey)
    steps: tuple[str, ...] = ()  # every step involved, for fingerprints and diagrams
    data: tuple[str, ...] = ()
    related_journeys: tuple[str, ...] = ()
    severity: str | None = None  # override the configured severity (e.g. `info` for "possibly")
    journey: str | None = None  # portfolio rules: the journey the finding belongs to
    # Tells apart findings of one rule on the same steps and data (broken-promise's
    # duration and contacts), so each keeps its own fingerprint.
    key: str = ""


@dataclass(slots=True)
class JourneyContext:
    """One journey with its analysis, as rules see it."""

    journey: Journey
    analysis: JourneyAnalysis


class Rule:
    id: ClassVar[str]
    default_severity: ClassVar[str] = "warning"
    # option name -> default value; the type of the default is the option's type
    # (durations are strings like "5m" and are parsed by the engine's config layer).
    options: ClassVar[dict[str, Any]] = {}
    # Options holding durations ("5m"): the engine parses them, `check` gets seconds.
    duration_options: ClassVar[frozenset[str]] = frozenset()
    # When set, option names beyond `options` are allowed and are of this kind
    # ("duration"): `long-wait` takes a limit for any channel name.
    extra_options: ClassVar[str | None] = None
    category: ClassVar[str] = ""  # structure, handoffs, information, hostile, portfolio
    summary: ClassVar[str] = ""
    description: ClassVar[str] = ""
    story: ClassVar[str] = ""  # quoted from shared/seeds, with the seed's name
    seed: ClassVar[str] = ""  # e.g. "000"
    fix: ClassVar[str] = ""
    failing: ClassVar[str] = ""  # journey YAML that makes the rule report
    passing: ClassVar[str] = ""  # journey YAML that does not
    portfolio: ClassVar[bool] = False
    fixes: ClassVar[tuple[FixDoc, ...]] = ()  # the kinds of fix journeyaudit offers (journeyaudit.fixes)
    no_fix: ClassVar[str] = ""  # when `fixes` is empty: why no edit of the file is safe
    reads: ClassVar[frozenset[str]] = EVERY_ASPECT  # the aspects of a journey the check reads
    # True for a rule reporting at most one problem per journey (its finding may move to
    # another step when the journey changes, and still be the same problem)
    one_per_journey: ClassVar[bool] = False
    # True for a rule whose finding on a step comes from that step's own fields alone (and the
    # channels the file states): after an edit of some steps' asks, times or department, the
    # what-if engine judges only those steps again
    per_step: ClassVar[bool] = False


class JourneyRule(Rule):
    def check(self, context: JourneyContext, options: dict[str, Any]) -> Iterable[RawFinding]:
        raise NotImplementedError


class PortfolioRule(Rule):
    """Judges journeys against each other (counterpart, variant_of)."""

    portfolio = True
    # Extra companion examples: journeys loaded together with `failing`/`passing`.
    companion: ClassVar[str] = ""

    def check_portfolio(
        self, contexts: dict[str, JourneyContext], options: dict[str, Any]
    ) -> Iterable[RawFinding]:
        """Yield findings with `journey` set to the journey they belong to."""
        raise NotImplementedError


class RuleLike(Protocol):
    """What the configuration, the audit and the reports read of any rule."""

    @property
    def id(self) -> str: ...
    @property
    def default_severity(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def portfolio(self) -> bool: ...
    @property
    def fixes(self) -> tuple[FixDoc, ...]: ...
    @property
    def no_fix(self) -> str: ...
    @property
    def reads(self) -> frozenset[str]: ...


class JourneyCheck(RuleLike, Protocol):
    """A rule judging one journey (`JourneyRule` implements it)."""

    def check(self, context: JourneyContext, options: dict[str, Any]) -> Iterable[RawFinding]: ...


class PortfolioCheck(RuleLike, Protocol):
    """A rule judging the journeys of a run against each other (`PortfolioRule` implements it)."""

    def check_portfolio(self, contexts: dict[str, JourneyContext], options: dict[str, Any]) -> Iterable[RawFinding]: ...


def resolve_options(rule: Rule, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The options `check` receives: defaults, then overrides, durations in seconds.

    Raises ValueError (with a message naming the option) for a bad duration;
    unknown option names are checked by the configuration layer, not here.
    """
    from journeyaudit.common.durations import parse_duration

    merged = dict(rule.options)
    merged.update(overrides or {})
    resolved: dict[str, Any] = {}
    for name, value in merged.items():
        is_duration = name in rule.duration_options or (name not in rule.options and rule.extra_options == "duration")
        if is_duration and isinstance(value, str):
            try:
                resolved[name] = parse_duration(value)
            except ValueError as error:
                raise ValueError(f"option '{name}' of rule '{rule.id}': {error}") from None
        else:
            resolved[name] = value
    return resolved
