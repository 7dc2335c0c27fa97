"""QA: a loop whose only way out has p = 0 made the Markov chain singular:
"internal error: analysis failed: RuntimeError: Factor is exactly singular"."""

from __future__ import annotations

import json

from click.testing import CliRunner

from journeyaudit.cli import main

JOURNEY = """\
journeyaudit: 1
title: Endless resubmission
departments: {desk: {title: Desk}, office: {title: Back office}}
steps:
  submit: {title: Submit the form, department: desk, next: check}
  check:
    title: Form checked
    department: office
    next: [{to: submit, p: 1}, {to: done, p: 0, when: never in practice}]
  done: {title: Accepted, department: desk, end: success}
"""


def test_a_loop_left_only_with_p_0_is_a_trap_not_a_crash(tmp_path):
    path = tmp_path / "resubmit.yaml"
    path.write_text(JOURNEY)
    result = CliRunner().invoke(main, ["audit", str(path), "--format", "json"])
    assert "internal error" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    metrics = json.loads(result.stdout)["journeys"][0]["metrics"]
    assert metrics["success_rate"] == 0.0 and metrics["stuck_rate"] == 1.0
    report = CliRunner().invoke(main, ["report", str(path), "-o", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output


def test_a_loop_left_with_p_1e_300_is_a_trap_not_a_crash(tmp_path):
    # 1 - 1e-300 is 1.0 in floating point: the loop is walked "1e300 times", I - Q is singular
    path = tmp_path / "resubmit.yaml"
    path.write_text(JOURNEY.replace("{to: submit, p: 1}, {to: done, p: 0,", "{to: submit, p: 1}, {to: done, p: 1.0e-300,"))
    result = CliRunner().invoke(main, ["audit", str(path), "--format", "json"])
    assert "internal error" not in result.output, result.output
    assert json.loads(result.stdout)["journeys"][0]["metrics"]["stuck_rate"] == 1.0
