"""Run one rule on YAML text: load, analyse, check with the rule's resolved options.

A stand-in for the full audit engine (config, waivers, fingerprints), enough
to test what each check yields.
"""

from __future__ import annotations

from pathlib import Path

from journeyaudit.analysis import analyze
from journeyaudit.loading import load_file, load_text
from journeyaudit.rules.base import JourneyContext, RawFinding, resolve_options
from journeyaudit.rules.registry import all_rules

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT.parent / "shared" / "examples"
SEEDS = PROJECT.parent / "shared" / "seeds"


def rule(rule_id: str):
    return all_rules()[rule_id]


def context_of(text: str, file: str = "journey.yaml") -> JourneyContext:
    result = load_text(text, file=file)
    assert result.ok, "\n".join(problem.format() for problem in result.problems)
    return JourneyContext(result.journey, analyze(result.journey))


def context_of_file(path) -> JourneyContext:
    result = load_file(path)
    assert result.ok, "\n".join(problem.format() for problem in result.problems)
    return JourneyContext(result.journey, analyze(result.journey))


def run_on(rule_id: str, context: JourneyContext, **options) -> list[RawFinding]:
    checker = rule(rule_id)
    return list(checker.check(context, resolve_options(checker, options)))


def run(rule_id: str, text: str, **options) -> list[RawFinding]:
    """Findings of one journey rule on one journey's YAML."""
    return run_on(rule_id, context_of(text), **options)


def run_portfolio_on(rule_id: str, contexts: list[JourneyContext], **options) -> list[RawFinding]:
    checker = rule(rule_id)
    by_id = {context.journey.id: context for context in contexts}
    return list(checker.check_portfolio(by_id, resolve_options(checker, options)))


def run_portfolio(rule_id: str, *texts: str, **options) -> list[RawFinding]:
    """Findings of one portfolio rule on journeys audited together."""
    contexts = [context_of(text, file=f"journey-{i}.yaml") for i, text in enumerate(texts)]
    return run_portfolio_on(rule_id, contexts, **options)


def examples() -> dict[str, JourneyContext]:
    """The shared example journeys, read from ../shared/examples (never copied)."""
    return {
        context.journey.id: context
        for context in (context_of_file(path) for path in sorted(EXAMPLES.glob("*.yaml")))
    }


def journey(steps: str, *, header: str = "", departments: str = "", data: str = "") -> str:
    """A journey from its `steps:` block (indented by 2), with a default department `d`."""
    departments = departments or "  d: {title: Dept D}\n"
    text = f"journeyaudit: 1\ntitle: Test journey\n{header}departments:\n{departments}"
    if data:
        text += f"data:\n{data}"
    return text + "steps:\n" + steps
