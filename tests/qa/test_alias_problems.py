"""QA: an alias repeats its node; a problem with that node is said once, not once per use."""

from __future__ import annotations

from click.testing import CliRunner

from journeyaudit.cli import main

JOURNEY = """\
journeyaudit: 1
title: Aliases
departments: {a: {title: A}}
data: {x: {title: X}}
known: &k0 [x, x]
steps:
  s:
    title: S
    department: a
    asks: [*k0, *k0, *k0, *k0, *k0, *k0, *k0, *k0, *k0, *k0]
    end: success
"""


def test_a_bad_alias_used_ten_times_is_one_problem(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text(JOURNEY)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if "must be text, found a list" in line]
    assert len(problems) == 1, result.output
    assert "1 file: 0 valid, 1 problem" in result.output
