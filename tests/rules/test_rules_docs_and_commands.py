"""docs/rules.md is up to date; `rules` and `explain` print the catalog and one rule."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from journeyaudit.commands.rules import commands, explain_command, rules_command
from journeyaudit.rules.docs import catalog_markdown
from journeyaudit.rules.registry import all_rules

from .helpers import PROJECT

DOCS = PROJECT / "docs" / "rules.md"


def test_committed_docs_are_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == catalog_markdown(), (
        "docs/rules.md is stale: run `python -m journeyaudit.rules.docs > docs/rules.md`"
    )


def test_docs_module_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, "-m", "journeyaudit.rules.docs"], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert result.stdout == catalog_markdown()


def test_docs_document_every_rule():
    text = catalog_markdown()
    for rule_id, rule in all_rules().items():
        assert f"### `{rule_id}`" in text
        assert rule.fix in text
    assert "- `phone`: 5m" in text and "- `loyal`: [existing, vip, loyal]" in text


def test_module_exposes_both_commands():
    assert [command.name for command in commands] == ["rules", "explain"]


def test_rules_table():
    result = CliRunner().invoke(rules_command, [])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "default", "category", "summary"]
    for rule_id, rule in all_rules().items():
        (line,) = [line for line in lines if line.startswith(rule_id + " ")]
        assert line.split()[1:3] == [rule.default_severity, rule.category]
        assert line.endswith(rule.summary)


def test_rules_json():
    result = CliRunner().invoke(rules_command, ["--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    by_id = {entry["id"]: entry for entry in document["rules"]}
    assert set(by_id) == set(all_rules())
    assert by_id["silence-gap"]["options"] == {"max": "2d"}
    assert by_id["long-wait"]["extra_options"] == "duration"
    assert by_id["effort-asymmetry"]["portfolio"] is True
    assert by_id["dead-end"]["default_severity"] == "error"


def test_explain_prints_the_whole_documentation():
    rule = all_rules()["long-wait"]
    result = CliRunner().invoke(explain_command, ["long-wait"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("long-wait: The customer waits too long\nReported as a warning by default; customer-hostile steps.")
    for part in ("What it looks for", "In detail", "Why it matters", "How to fix it", "Options (in the configuration",
                 "  phone: 5m", "  other: 1d", "any other name", "[seed 002]", "failing example", "passing example",
                 "sick and tired of waiting on hold", "(from “Are Your Customers Getting The Love They Deserve?”)"):
        assert part in " ".join(out.split()) or part in out, part
    assert "002_1c67336fb9d03c36.txt" not in out  # the article by its title, not a file name
    assert "`" not in out.split("A journey it reports")[0]  # plain words: no format code marks
    assert "    title: Ask about an invoice" in out  # the examples, indented
    assert "wait: 25m" in out and "wait: 3m" in out
    assert rule.fix.split()[0] in out


def test_explain_portfolio_rule_shows_its_companion():
    result = CliRunner().invoke(explain_command, ["effort-asymmetry"])
    assert result.exit_code == 0
    assert "Audited together with:" in result.output and "id: open-account" in result.output


def test_explain_shows_control_characters_of_an_unknown_rule_escaped_on_its_one_line():
    # a line break in the argument started a second line, read by GitHub Actions as a command
    result = CliRunner().invoke(explain_command, ["handofs\n::error::forged\x08"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "unknown rule 'handofs\\x0a::error::forged\\x08'" in result.output


def test_explain_unknown_rule_suggests_and_exits_2():
    result = CliRunner().invoke(explain_command, ["long-wiat"])
    assert result.exit_code == 2
    assert "unknown rule 'long-wiat'; did you mean 'long-wait'?" in result.output
