"""QA: numbers written as people write them; impossible ones named as such."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main

JOURNEY = """\
journeyaudit: 1
title: Tiny chances
departments: {{a: {{title: A}}}}
steps:
  s:
    title: S
    department: a
    next: [{{to: rare, p: {p}}}, {{to: done}}]
  rare: {{title: Rare, department: a, end: failure}}
  done: {{title: Done, department: a, end: success}}
"""


@pytest.mark.parametrize("p", ["1e-300", "1E-3", "+5e-1"])
def test_a_probability_with_an_exponent_and_no_dot_is_a_number(tmp_path, p):
    # YAML 1.1 reads 1e-300 as text; the user wrote a number
    path = tmp_path / "j.yaml"
    path.write_text(JOURNEY.format(p=p))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    audit = CliRunner().invoke(main, ["audit", str(path), "--format", "json"])
    metrics = json.loads(audit.stdout)["journeys"][0]["metrics"]
    assert metrics["success_rate"] == pytest.approx(1 - float(p))


@pytest.mark.parametrize("p", [".nan", ".inf", "-.inf", "1e400"])
def test_a_non_finite_probability_says_so(tmp_path, p):
    path = tmp_path / "j.yaml"
    path.write_text(JOURNEY.format(p=p))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"j.yaml:8:26: the probability p of a branch of next of step 's' must be a finite number, found {p}" in result.output


def test_a_quoted_exponent_is_still_text(tmp_path):
    path = tmp_path / "j.yaml"
    path.write_text(JOURNEY.format(p='"1e-3"'))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "must be a number, found the text '1e-3'" in result.output


@pytest.mark.parametrize("version", ['"1"', "'1'"])
def test_a_quoted_format_version_is_not_called_unsupported(tmp_path, version):
    path = tmp_path / "j.yaml"
    path.write_text(JOURNEY.format(p="0.5").replace("journeyaudit: 1", f"journeyaudit: {version}"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "j.yaml:1:15: the format version is the number 1, not the text '1'" in result.output
    assert "unsupported" not in result.output


def test_a_rare_success_never_reads_as_none_in_the_terminal_or_the_json(tmp_path):
    path = tmp_path / "j.yaml"
    path.write_text(JOURNEY.format(p="0.9996"))  # 4 customers in 10,000 succeed
    terminal = CliRunner().invoke(main, ["audit", str(path)])
    assert "success <0.1%" in terminal.output and "success 0%" not in terminal.output
    metrics = json.loads(CliRunner().invoke(main, ["audit", str(path), "--format", "json"]).stdout)["journeys"][0]["metrics"]
    assert metrics["success_rate"] == pytest.approx(0.0004) and metrics["success_rate"] > 0
    assert metrics["failure_rate"] == pytest.approx(0.9996) and metrics["failure_rate"] < 1
    # 3 decimals everywhere else: a figure that rounds to something else than 0 or 1 is not lengthened
    assert metrics["expected_steps"] == 2.0


def test_a_duration_past_a_century_is_refused_where_it_is_written(tmp_path):
    # 10^303 s passed the parser (a finite float) and ended the audit with an internal OverflowError
    path = tmp_path / "j.yaml"
    huge = "1" + "0" * 303 + "s"
    path.write_text(JOURNEY.format(p="0.5").replace("    department: a\n", f"    department: a\n    wait: {huge}\n", 1))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "j.yaml:8:11: wait of step 's': duration '1000" in result.output
    assert "is too large: at most 100 years (P36500D) [bad-duration]" in result.output
    path.write_text(JOURNEY.format(p="0.5").replace("    department: a\n", "    department: a\n    wait: P36500D\n", 1))
    assert CliRunner().invoke(main, ["audit", str(path), "--format", "json"]).exit_code in (0, 1)


def test_branch_chances_that_add_up_to_1_within_the_tolerance_give_round_rates(tmp_path):
    # three branches of 0.3333333 are accepted (1 within a millionth): the success rate is 1, not 0.9999999
    path = tmp_path / "thirds.yaml"
    path.write_text(
        "journeyaudit: 1\ntitle: Thirds\ndepartments: {a: {title: A}}\nsteps:\n"
        "  s: {title: S, department: a, next: [{to: x, p: 0.3333333}, {to: y, p: 0.3333333}, {to: z, p: 0.3333333}]}\n"
        "  x: {title: X, department: a, end: success}\n  y: {title: Y, department: a, end: success}\n"
        "  z: {title: Z, department: a, end: success}\n"
    )
    metrics = json.loads(CliRunner().invoke(main, ["audit", str(path), "--format", "json"]).stdout)["journeys"][0]["metrics"]
    assert metrics["success_rate"] == 1.0
    assert CliRunner().invoke(main, ["check", str(path), "--budget", "success_rate=1"]).exit_code == 0


def test_a_chance_the_author_states_exactly_is_kept_however_small(tmp_path):
    path = tmp_path / "j.yaml"
    path.write_text(JOURNEY.format(p="0.0000001"))  # adds up to exactly 1: 1 customer in 10 million fails
    metrics = json.loads(CliRunner().invoke(main, ["audit", str(path), "--format", "json"]).stdout)["journeys"][0]["metrics"]
    assert metrics["failure_rate"] == pytest.approx(1e-7) and metrics["failure_rate"] > 0
    assert 0.9999998 < metrics["success_rate"] < 1
