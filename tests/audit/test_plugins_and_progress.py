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
