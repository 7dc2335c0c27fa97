"""`journeyaudit init`'s starter journey audits clean: the first thing a new user sees is not a warning about itself."""

from __future__ import annotations

from click.testing import CliRunner

from journeyaudit.audit import run_audit
from journeyaudit.commands.init import command as init_command


def test_the_starter_journey_audits_with_no_finding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(init_command, ["first"])
    assert result.exit_code == 0, result.output
    audit = run_audit([tmp_path / "first.yaml"])
    assert audit.problems == []
    assert [(f.rule, f.step, f.message) for f in audit.all_findings()] == []
    # it shows the keys a consultant reaches for first
    steps = audit.journeys[0].journey.steps.values()
    assert any(step.after_s for step in steps) and any(step.phase for step in steps)
    assert any(step.feeling is not None for step in steps)
