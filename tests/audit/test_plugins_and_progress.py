"""Rules from other packages (entry points) and the progress bar for many files."""

from __future__ import annotations

import shutil

from journeyaudit.audit import run_audit
from journeyaudit.commands import _common
from journeyaudit.rules import registry
from journeyaudit.rules.base import JourneyRule, RawFinding
from tests.conftest import EXAMPLES


class NoChatbot(JourneyRule):
    id = "no-chatbot"
    default_severity = "info"
    summary = "The journey offers no chat."

    def check(self, context, options):
        if all(step.channel != "chat" for step in context.journey.steps.values()):
            yield RawFinding("no step happens on chat")


class FakeEntryPoint:
    name = "no-chatbot"

    def load(self):
        return NoChatbot


def test_rules_of_other_packages_are_found_through_the_entry_point_group(monkeypatch):
    seen_groups = []

    def fake_entry_points(group):
        seen_groups.append(group)
        return [FakeEntryPoint()]

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    registry.all_rules.cache_clear()
    try:
        rules = registry.all_rules()
        assert seen_groups == ["journeyaudit.rules"]
        assert "no-chatbot" in rules and "repeated-ask" in rules
        result = run_audit([EXAMPLES / "loan-application.yaml"], rules=rules)
        plugin = [f for f in result.all_findings() if f.rule == "no-chatbot"]
        assert [(f.severity, f.message) for f in plugin] == [("info", "no step happens on chat")]
    finally:
        registry.all_rules.cache_clear()


def test_many_files_on_a_terminal_show_a_progress_bar_and_audit_the_same(tmp_path, monkeypatch, capsys):
    for index in range(25):
        shutil.copy(EXAMPLES / "loan-application.yaml", tmp_path / f"j{index:02d}.yaml")
        text = (tmp_path / f"j{index:02d}.yaml").read_text().replace("counterpart: loan-payoff\n", "")
        (tmp_path / f"j{index:02d}.yaml").write_text(f"id: j{index:02d}\n" + text)
    monkeypatch.setattr(_common, "stderr_is_terminal", lambda: True)
    with_bar = _common.run_with_progress([tmp_path], None, 10 * 1024 * 1024)
    without = run_audit([tmp_path])
    assert [r.journey.id for r in with_bar.journeys] == [r.journey.id for r in without.journeys]
    assert len(with_bar.journeys) == 25 and not with_bar.problems


def _many_journeys(folder, count=25):
    for index in range(count):
        text = (EXAMPLES / "loan-application.yaml").read_text().replace("counterpart: loan-payoff\n", "")
        (folder / f"j{index:02d}.yaml").write_text(f"id: j{index:02d}\n" + text)


def _stderr_of_audit(folder, stderr_on_terminal: bool) -> tuple[int, str, str]:
    """Run `python -m journeyaudit audit FOLDER` as a user would, stderr on a pseudo-terminal or a pipe."""
    import os
    import subprocess
    import sys

    from tests.conftest import PROJECT

    command = [sys.executable, "-m", "journeyaudit", "audit", str(folder), "--format", "json"]
    if not stderr_on_terminal:
        done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    stdout = process.stdout.read()
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(timeout=120), stdout, b"".join(chunks).decode("utf-8", "replace")


def test_a_real_terminal_sees_the_progress_bar_on_stderr_and_a_pipe_does_not(tmp_path):
    _many_journeys(tmp_path)
    code, stdout, stderr = _stderr_of_audit(tmp_path, stderr_on_terminal=True)
    assert code in (0, 1)
    assert "loading" in stderr and "/25" in stderr  # the bar counts the files
    assert "loading" not in stdout  # stdout stays clean JSON for pipes
    import json

    assert len(json.loads(stdout)["journeys"]) == 25
    code, _, piped = _stderr_of_audit(tmp_path, stderr_on_terminal=False)
    assert "loading" not in piped and "/25" not in piped  # no bar in CI logs


def test_a_few_files_on_a_terminal_get_no_bar(tmp_path):
    _many_journeys(tmp_path, count=3)
    _, _, stderr = _stderr_of_audit(tmp_path, stderr_on_terminal=True)
    assert "loading" not in stderr
