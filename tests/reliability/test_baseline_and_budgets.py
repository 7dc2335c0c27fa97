"""Issue 15, problem 10 (hostile baselines) and the `[budgets]` table that only `check` rejected."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main


def check_with(project, text):
    (project / "base.json").write_text(text)
    return CliRunner().invoke(main, ["check", "good.yaml", "--baseline", "base.json"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"version": 1, "findings": ' + "[" * 100_000 + "]" * 100_000 + "}",
         "base.json:1:127: the JSON nests deeper than 100 levels: not a journeyaudit baseline [baseline]"),
        ('{"version": ' + "9" * 5000 + ', "findings": []}',
         "base.json:1:13: a number with thousands of digits: not a journeyaudit baseline [baseline]"),
        ('{"version": 1, "findings": [{"fingerprint": "' + "[" * 100_000 + '"}]}',
         "base.json:1:29: baseline entry 1 has no valid fingerprint"),
    ],
    ids=["nested 10^5 deep", "a 5,000-digit version", "brackets inside a string"],
)
def test_a_hostile_baseline_is_a_located_message_not_an_internal_error(project, text, expected):
    # "internal errors (RecursionError; "Exceeds the limit (4300 digits)") with no file name"
    result = check_with(project, text)
    assert result.exit_code == 2
    assert expected in result.stderr, result.stderr
    assert "internal error" not in result.output
    assert max(len(line) for line in result.stderr.splitlines()) < 400  # a huge value is quoted short


def test_an_endless_baseline_is_read_only_up_to_the_limit(project):
    result = CliRunner().invoke(main, ["check", "good.yaml", "--baseline", "/dev/zero"])
    assert result.exit_code == 2
    assert "zero:1:1: the baseline file is larger than 256 MiB" in result.stderr


@pytest.mark.parametrize("command", [["audit"], ["report", "-o", "rep"], ["baseline", "-o", "b.json"], ["check"]])
def test_every_command_rejects_a_budget_table_that_check_rejects(project, command):
    # `audit` ignored an invalid [budgets] table that `check` rejects
    (project / "journeyaudit.toml").write_text("[budgets]\nmax_handofs = 3\n")
    result = CliRunner().invoke(main, [command[0], "good.yaml", *command[1:]])
    assert result.exit_code == 2
    assert "journeyaudit.toml:2:1: budgets: unknown metric 'max_handofs'; did you mean 'max_handoffs'?" in result.stderr
