"""Budgets: limits on a journey's figures that `check` and `diff` enforce.

In the spirit of Lighthouse CI assertions. A budget is `metric <= value` or
`metric >= value`; `metric = value` means "no worse than value", i.e. at most
for the figures where lower is better (hand-offs, durations, asks, effort) and
at least for those where higher is better (score, success_rate,
value_added_ratio). Configuration (docs/ci.md):

    [tool.journeyaudit.budgets]              # every journey
    max_handoffs = 3                         # at most 3
    expected_duration_s = "1h"               # durations take units
    score = 70                               # at least 70
    steps = "<=12"                           # an explicit comparison
    success_rate = { min = 0.9 }             # a table: min and/or max
    [tool.journeyaudit.budgets.journeys.loan-payoff]
    max_handoffs = 5                         # this journey: replaces the value above

On the command line: `--budget max_handoffs=3`, `--budget score>=70`,
`--budget expected_duration_s=1h`, `--budget loan-payoff:max_handoffs=5`;
they replace the configuration's budget for the same metric (and journey).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from journeyaudit.common.bounded_read import open_input, read_at_most
from journeyaudit.common.durations import (
    DurationError,
    format_duration,
    format_duration_exact,
    parse_duration,
)
from journeyaudit.common.text import did_you_mean
from journeyaudit.loading.config import MAX_CONFIG_BYTES
from journeyaudit.model.findings import Finding, Problem

BUDGET_RULE = "budget"  # the rule id budget failures are reported under

# metric -> (better direction: "lower" / "higher" / None, kind: count, number, duration, ratio)
METRICS: dict[str, tuple[str | None, str]] = {
    "steps": (None, "count"),  # more steps is not worse by itself (a feedback step is good)
    "departments": ("lower", "count"),
    "expected_steps": (None, "number"),
    "expected_handoffs": ("lower", "number"),
    "max_handoffs": ("lower", "count"),
    "expected_duration_s": ("lower", "duration"),
    "worst_duration_s": ("lower", "duration"),
    "expected_wait_s": ("lower", "duration"),
    "expected_active_s": ("lower", "duration"),
    "expected_hold_s": ("lower", "duration"),
    "expected_duration_success_s": ("lower", "duration"),
    "expected_contacts": ("lower", "number"),
    "expected_contacts_success": ("lower", "number"),
    "expected_messages": (None, "number"),  # a status message can be the fix of a silence
    "expected_scheduled_s": ("lower", "duration"),
    "promise_kept_rate": ("higher", "ratio"),
    "worst_silence_s": ("lower", "duration"),
    "expected_asks": ("lower", "number"),
    "repeated_asks": ("lower", "count"),
    "possibly_repeated_asks": ("lower", "count"),
    "expected_repeated_asks": ("lower", "number"),
    "expected_channel_switches": ("lower", "number"),
    "success_rate": ("higher", "ratio"),
    "failure_rate": ("lower", "ratio"),
    "abandon_rate": ("lower", "ratio"),
    "stuck_rate": ("lower", "ratio"),
    "value_added_ratio": ("higher", "ratio"),
    "effort": ("lower", "number"),
    "score": ("higher", "number"),
}


class BudgetError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Budget:
    metric: str
    op: str  # "<=" or ">="
    limit: float
    journey: str | None = None  # None: every journey
    source: str = ""  # where it was set: "journeyaudit.toml:4" or "--budget"

    def describe(self) -> str:
        word = "at most" if self.op == "<=" else "at least"
        return f"{word} {format_value(self.metric, self.limit)}"

    def met_by(self, value: float) -> bool:
        return value <= self.limit + 1e-9 if self.op == "<=" else value >= self.limit - 1e-9


@dataclass(slots=True)
class BudgetCheck:
    """One budget applied to one journey."""

    journey: str
    budget: Budget
    actual: float | None  # None: the journey has no such figure
    passed: bool

    def message(self) -> str:
        actual = "missing" if self.actual is None else format_value(self.budget.metric, self.actual)
        if self.actual is not None and actual == format_value(self.budget.metric, self.budget.limit) and self.actual != self.budget.limit:
            # the short form would read like the budget it breaks: "1d 6h ... at most 1d 6h"
            actual = format_duration_exact(self.actual) if METRICS[self.budget.metric][1] == "duration" else repr(self.actual)
        verdict = "within its budget of" if self.passed else "breaks its budget of"
        return f"{self.budget.metric} is {actual}: {verdict} {self.budget.describe()} (set in {self.budget.source})"

    def to_json(self) -> dict:
        return {
            "journey": self.journey,
            "metric": self.budget.metric,
            "op": self.budget.op,
            "budget": self.budget.limit,
            "actual": self.actual,
            "passed": self.passed,
            "source": self.budget.source,
        }


def format_value(metric: str, value: float) -> str:
    kind = METRICS.get(metric, (None, "number"))[1]
    if kind == "duration":
        return format_duration(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}"


def _unknown_metric(metric: str) -> str:
    return f"unknown metric '{metric}'{did_you_mean(metric, METRICS)} (metrics: {', '.join(METRICS)})"


def _number(metric: str, value) -> float:
    """A budget value: a number, a duration with a unit for *_s metrics, a percentage for ratios."""
    _direction, kind = METRICS[metric]
    if isinstance(value, bool):
        raise ValueError(f"budget for {metric} must be a number, not {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if kind == "duration" and not re.fullmatch(r"[-+]?\d+(\.\d*)?", text):
            try:
                number = parse_duration(text)
            except DurationError as error:
                raise ValueError(f"budget for {metric}: {error}") from None
        elif kind == "ratio" and text.endswith("%"):
            try:
                number = float(text[:-1]) / 100
            except ValueError:
                raise ValueError(f"budget for {metric} must be a number or a percentage, not {value!r}") from None
        else:
            try:
                number = float(text)
            except ValueError:
                hint = " (a duration like 1h, or seconds)" if kind == "duration" else ""
                raise ValueError(f"budget for {metric} must be a number{hint}, not {value!r}") from None
    else:
        raise ValueError(f"budget for {metric} must be a number, not {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"budget for {metric} must be a finite number, not {value!r}")
    # every figure is zero or more, ratios at most 1, the score at most 100: a budget
    # beyond them could never be met (or never be broken), whatever the journey
    if number < 0:
        raise ValueError(f"budget for {metric} must be zero or more, not {value!r}")
    if kind == "ratio" and number > 1:
        raise ValueError(f"budget for {metric} is a share: between 0 and 1 (or 0% and 100%), not {value!r}")
    if metric == "score" and number > 100:
        raise ValueError(f"budget for score must be between 0 and 100, not {value!r}")
    return number


def _default_op(metric: str) -> str:
    direction = METRICS[metric][0]
    if direction is None:
        raise ValueError(f"{metric} has no better direction: write {metric}<=N or {metric}>=N")
    return "<=" if direction == "lower" else ">="


_COMPARISON = re.compile(r"^\s*(<=|>=|=<|=>|<|>|==|=)?\s*(.+?)\s*$")


def _parse_value(metric: str, value) -> list[tuple[str, float]]:
    """(op, limit) pairs from a config value: 3, "1h", "<=12", ">=70", {min = .., max = ..}."""
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            if key not in ("min", "max"):
                raise ValueError(f"budget table for {metric} takes min and max, not '{key}'{did_you_mean(key, ('min', 'max'))}")
            pairs.append((">=" if key == "min" else "<=", _number(metric, item)))
        if not pairs:
            raise ValueError(f"budget table for {metric} is empty: give min and/or max")
        limits = dict(pairs)
        if ">=" in limits and "<=" in limits and limits[">="] > limits["<="]:
            raise ValueError(
                f"budget table for {metric}: min {value['min']!r} is above max {value['max']!r}, so no journey can meet it"
            )
        return pairs
    if isinstance(value, str):
        match = _COMPARISON.match(value)
        if match is None:  # an empty text
            raise ValueError(f"budget for {metric}: the value is missing")
        op, rest = match.group(1), match.group(2)
        if op in ("<", ">"):
            raise ValueError(f"budget for {metric}: use <= or >= (budgets are inclusive), not {op}")
        op = {"=<": "<=", "=>": ">=", "==": None, "=": None}.get(op, op)
        return [(op or _default_op(metric), _number(metric, rest))]
    return [(_default_op(metric), _number(metric, value))]


def _locate(text: str, key: str, table: str | None) -> tuple[int, int]:
    """Line and column of `key = ...` in the TOML text, after the header of `table` when given."""
    start = 0
    if table:
        header = re.search(r"^\s*\[[^\]\n]*" + re.escape(table) + r"[\"']?\s*\]", text, re.MULTILINE)
        if header:
            start = header.end()
    match = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=', re.MULTILINE).search(text, start)
    if not match:
        return 1, 1
    offset = match.start()
    while text[offset] in " \t\n":
        offset += 1
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def budgets_from_config(config) -> list[Budget]:
    """The budgets of `config.budgets` (the raw TOML table); raises BudgetError with file:line:column."""
    table = getattr(config, "budgets", None) or {}
    shown = getattr(config, "file", None) or "<config>"
    # the file again, only to locate the values (bounded, as the first read): by the path as
    # given when known (`shown` is escaped for messages)
    source = getattr(config, "path", None) or (shown if shown != "<config>" else None)
    text = ""
    if source is not None:
        try:
            with open_input(source) as handle:
                text = read_at_most(handle, MAX_CONFIG_BYTES).decode("utf-8", "replace")
        except OSError:
            pass
    problems: list[Problem] = []
    budgets: list[Budget] = []

    def add(metric: str, value, journey: str | None) -> None:
        line, column = _locate(text, metric, journey)
        if metric not in METRICS:
            problems.append(Problem(shown, line, column, f"budgets: {_unknown_metric(metric)}", "budget"))
            return
        try:
            pairs = _parse_value(metric, value)
        except ValueError as error:
            problems.append(Problem(shown, line, column, f"budgets: {error}", "budget"))
            return
        for op, limit in pairs:
            budgets.append(Budget(metric, op, limit, journey, f"{shown}:{line}"))

    for key, value in table.items():
        if key == "journeys":
            if not isinstance(value, dict):
                line, column = _locate(text, key, None)
                problems.append(Problem(shown, line, column, "budgets.journeys must be a table of journey id = { metric = value }", "budget"))
                continue
            for journey_id, metrics in value.items():
                if not isinstance(metrics, dict):
                    line, column = _locate(text, journey_id, None)
                    problems.append(
                        Problem(shown, line, column, f"budgets.journeys.{journey_id} must be a table of metric = value", "budget")
                    )
                    continue
                for metric, item in metrics.items():
                    add(metric, item, journey_id)
        else:
            add(key, value, None)
    if problems:
        raise BudgetError(problems)
    return budgets


_ARGUMENT = re.compile(r"^\s*(?:([a-z][a-z0-9_-]*)\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|=<|=>|==|=|<|>)\s*(.*)$")


def parse_budget_argument(text: str) -> list[Budget]:
    """`--budget` values: `max_handoffs=3`, `score>=70`, `expected_duration_s=1h`, `JOURNEY:metric<=N`.

    Raises ValueError with a message (and "did you mean") for a bad value.
    """
    match = _ARGUMENT.match(text)
    if not match:
        raise ValueError(f"--budget '{text}': write metric=value, metric<=value or metric>=value (e.g. max_handoffs=3, score>=70)")
    journey, metric, op, value = match.groups()
    if metric not in METRICS:
        raise ValueError(f"--budget '{text}': {_unknown_metric(metric)}")
    if not value.strip():
        raise ValueError(f"--budget '{text}': the value is missing")
    compared = value if op in ("=", "==") else f"{op}{value}"
    try:
        pairs = _parse_value(metric, compared)
    except ValueError as error:
        raise ValueError(f"--budget '{text}': {error}") from None
    return [Budget(metric, pair_op, limit, journey, "--budget") for pair_op, limit in pairs]


def merge_budgets(config_budgets: list[Budget], cli_budgets: list[Budget]) -> list[Budget]:
    """Command-line budgets replace the config's for the same (journey, metric)."""
    overridden = {(b.journey, b.metric) for b in cli_budgets}
    return [b for b in config_budgets if (b.journey, b.metric) not in overridden] + list(cli_budgets)


def resolve_budgets(config, arguments: Iterable[str]) -> list[Budget]:
    """The budgets of a run: the config's, replaced per metric (and journey) by `--budget` values.

    Raises BudgetError (located in the config file) or ValueError (a `--budget` value).
    """
    from_config = budgets_from_config(config)
    from_cli: list[Budget] = []
    for argument in arguments:
        from_cli.extend(parse_budget_argument(argument))
    return merge_budgets(from_config, from_cli)


def budgets_for(journey_id: str, budgets: list[Budget]) -> list[Budget]:
    """The budgets that apply to one journey: its own replace the all-journeys ones per metric."""
    own = [b for b in budgets if b.journey == journey_id]
    own_metrics = {b.metric for b in own}
    return [b for b in budgets if b.journey is None and b.metric not in own_metrics] + own


def evaluate(result, budgets: list[Budget]) -> list[BudgetCheck]:
    """Apply the budgets to every journey of an AuditResult."""
    checks = []
    for journey_result in result.journeys:
        journey_id = journey_result.journey.id
        for budget in budgets_for(journey_id, budgets):
            actual = journey_result.metrics.get(budget.metric)
            if actual is None or isinstance(actual, bool):
                checks.append(BudgetCheck(journey_id, budget, None, False))
                continue
            actual = float(actual)
            checks.append(BudgetCheck(journey_id, budget, actual, budget.met_by(actual)))
    return checks


def unknown_budget_journeys(result, budgets: list[Budget]) -> list[str]:
    """Journey ids budgets name that are not in the audited set (a typo, or a deleted journey)."""
    present = {r.journey.id for r in result.journeys}
    return sorted({b.journey for b in budgets if b.journey and b.journey not in present})


def budget_findings(result, checks: list[BudgetCheck]) -> list[Finding]:
    """Failed budgets as findings (rule `budget`, severity error), so every format reports them."""
    by_id = {r.journey.id: r.journey for r in result.journeys}
    findings = []
    for check in checks:
        if check.passed:
            continue
        journey = by_id[check.journey]
        material = "\x1f".join([BUDGET_RULE, journey.id, check.budget.metric, check.budget.op])
        findings.append(
            Finding(
                rule=BUDGET_RULE,
                severity="error",
                journey=journey.id,
                step=None,
                message=check.message(),
                file=journey.file,
                line=journey.location.line,
                column=journey.location.column,
                fingerprint=hashlib.sha256(material.encode("utf-8")).hexdigest()[:12],
                fix="Bring the figure back within the budget, or change the budget in the configuration.",
            )
        )
    return findings


def add_findings(result, findings: list[Finding]) -> None:
    """Attach extra findings (budgets) to their journeys, keeping each list sorted by position."""
    by_id = {r.journey.id: r for r in result.journeys}
    for finding in findings:
        by_id[finding.journey].findings.append(finding)
    for journey_result in result.journeys:
        journey_result.findings.sort(key=lambda f: (f.line, f.column, f.rule, f.fingerprint))
