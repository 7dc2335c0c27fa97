"""Every rule is documented, and its failing / passing examples do what they say."""

from __future__ import annotations

import re

import pytest

from journeyaudit.model import KINDS
from journeyaudit.rules.base import PortfolioRule
from journeyaudit.rules.registry import all_rules

from .helpers import SEEDS, context_of, rule, run, run_portfolio_on

RULE_IDS = sorted(all_rules())
CATEGORIES = {"structure", "handoffs", "information", "hostile", "portfolio"}

CATALOG = [
    "unreachable-step", "dead-end", "no-way-out", "handoffs", "ping-pong", "departments-touched",
    "repeated-ask", "repeated-verification", "long-wait", "business-only-step", "channel-switch",
    "exit-without-human", "no-feedback", "no-follow-up", "broken-promise", "silence-gap",
    "effort-asymmetry", "loyalty-penalty", "missing-counterpart",
]
DEFAULTS = {"dead-end": "error", "no-way-out": "error", "broken-promise": "error"}


def test_the_catalog_of_rules_md_is_there_with_its_defaults():
    rules = all_rules()
    for rule_id in CATALOG:
        assert rule_id in rules, rule_id
        assert rules[rule_id].default_severity == DEFAULTS.get(rule_id, "warning"), rule_id
    assert rules["handoffs"].options == {"max": 3}
    assert rules["departments-touched"].options == {"max": 3}
    assert rules["silence-gap"].options == {"max": "2d"}
    assert rules["effort-asymmetry"].options == {"ratio": 2}
    assert rules["loyalty-penalty"].options == {"loyal": ["existing", "vip", "loyal"]}
    assert rules["long-wait"].options == {
        "phone": "5m", "chat": "2m", "branch": "15m", "web": "1m", "app": "1m",
        "email": "1d", "sms": "1d", "mail": "5d", "other": "1d",
    }


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_documented(rule_id):
    checker = rule(rule_id)
    module = type(checker).__module__
    if module.startswith("journeyaudit.rules."):
        assert module == "journeyaudit.rules." + rule_id.replace("-", "_")
    assert checker.category in CATEGORIES
    assert checker.default_severity in ("error", "warning", "info")
    for attribute in ("summary", "description", "story", "fix", "failing", "passing"):
        assert getattr(checker, attribute).strip(), f"{rule_id} has no {attribute}"
    assert checker.portfolio == isinstance(checker, PortfolioRule)


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return re.sub(r"\s+", " ", text.replace("**", ""))


@pytest.mark.parametrize("rule_id", [r for r in RULE_IDS if rule(r).seed])
def test_story_quotes_its_seed_word_for_word(rule_id):
    checker = rule(rule_id)
    files = re.findall(r"\d{3}_[0-9a-f]+\.txt", checker.story)
    assert files, "the story names its seed file"
    assert any(name.startswith(checker.seed) for name in files)
    # A quotation inside the quote is written with single quotes: compare quote marks loosely.
    seeds = [_normalise((SEEDS / name).read_text(encoding="utf-8")).replace('"', "'") for name in files]
    quotes = re.findall(r'"((?:[^"\\]|\\.)*)"', checker.story)
    assert quotes
    for quote in quotes:
        for fragment in re.split(r"\s*\.\.\.\s*", _normalise(quote.replace('\\"', '"')).replace('"', "'")):
            if fragment.strip():
                assert any(fragment.strip() in seed for seed in seeds), fragment


def _portfolio(checker, main_text):
    contexts = [context_of(main_text, "main.yaml")]
    if checker.companion:
        contexts.append(context_of(checker.companion, "companion.yaml"))
    return contexts


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_failing_example_reports(rule_id):
    checker = rule(rule_id)
    if checker.portfolio:
        contexts = _portfolio(checker, checker.failing)
        findings = run_portfolio_on(rule_id, contexts)
        assert any(finding.journey == contexts[0].journey.id for finding in findings), findings
    else:
        assert run(rule_id, checker.failing)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_passing_example_does_not_report(rule_id):
    checker = rule(rule_id)
    if checker.portfolio:
        assert run_portfolio_on(rule_id, _portfolio(checker, checker.passing)) == []
    else:
        assert run(rule_id, checker.passing) == []


def test_examples_use_only_documented_kinds():
    # A cheap guard against examples drifting from the format.
    for checker in all_rules().values():
        for kind in re.findall(r"kind: ([\w-]+)", checker.failing + checker.passing):
            assert kind in KINDS
