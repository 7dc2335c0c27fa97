"""`journeyaudit explain RULE` shows the rule's fixes: what each changes, why it is safe, the journey once fixed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.rules.registry import all_rules

RULES = sorted(all_rules().values(), key=lambda rule: rule.id)


def words(text: str) -> list[str]:
    return text.split()


def explain(rule_id: str) -> str:
    result = CliRunner().invoke(main, ["explain", rule_id])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("rule", [rule for rule in RULES if rule.fixes], ids=lambda rule: rule.id)
def test_explain_shows_each_fix_with_what_it_changes_why_it_is_safe_and_the_fixed_journey(rule):
    shown = explain(rule.id)
    flowing = " ".join(words(shown))  # the text is wrapped to the terminal
    for doc in rule.fixes:
        assert f"Fix {doc.kind} (journeyaudit fix): {' '.join(words(doc.changes))}" in flowing
        assert f"Why it is safe: {' '.join(words(doc.safe))}" in flowing
        after = shown.split(f"After {doc.kind}", 1)[1]
        fixed = [line.strip() for line in doc.passing.splitlines() if line.strip()]
        assert [line.strip() for line in after.splitlines()[2:2 + len(fixed)]] == fixed


@pytest.mark.parametrize("rule", [rule for rule in RULES if not rule.fixes], ids=lambda rule: rule.id)
def test_explain_says_why_a_rule_has_no_fix(rule):
    flowing = " ".join(words(explain(rule.id)))
    assert f"Fixes (journeyaudit fix): none. {' '.join(words(rule.no_fix))}" in flowing


def test_the_rule_list_names_each_rules_fix_kinds():
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {rule["id"]: rule["fixes"] for rule in json.loads(result.output)["rules"]}
    assert listed["repeated-ask"] == ["use-held-data"]
    assert listed["broken-promise"] == ["keep-promise", "match-promise"]
    assert listed["dead-end"] == []
