"""Fingerprints survive unrelated edits; baseline files are deterministic; budgets parse as documented."""

from __future__ import annotations

import json

import pytest

from journeyaudit.audit import run_audit
from journeyaudit.audit.baseline import (
    BaselineError,
    dumps,
    entries_for,
    load_baseline,
    match,
)
from journeyaudit.audit.budgets import (
    Budget,
    BudgetError,
    budgets_for,
    budgets_from_config,
    merge_budgets,
    parse_budget_argument,
)
from journeyaudit.loading.config import Config
from tests.ci.helpers import EXAMPLES, run_cli, write

UNRELATED_STEP = """\
  unrelated:
    title: A step nobody reaches, added by someone else
    department: loans
    channel: phone
    end: failure
"""


def _moved(text: str) -> str:
    """The same journey with comments, blank lines and an unrelated step inserted: every line moves.

    The unrelated step goes last (`steps` is the last key of the example): the
    first step is the start, and moving that would be a related change.
    """
    lines = ["# a comment at the top", "", "# another one"]
    for line in text.splitlines():
        lines.append(line)
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            lines.append("    # a comment under a step")
            lines.append("")
    assert lines[-1].startswith("    end:") or lines[-1].startswith("    ")
    lines.append("")
    lines.extend(UNRELATED_STEP.rstrip("\n").splitlines())
    return "\n".join(lines) + "\n"


def test_fingerprints_do_not_move_with_lines(tmp_path):
    original = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8")
    write(tmp_path, "before/loan-payoff.yaml", original)
    write(tmp_path, "after/loan-payoff.yaml", _moved(original))
    before = run_audit([tmp_path / "before"]).all_findings()
    after = run_audit([tmp_path / "after"]).all_findings()
    assert before and not [f for f in after if f.rule == "dead-end"]
    lines_before = {f.fingerprint: f.line for f in before}
    lines_after = {f.fingerprint: f.line for f in after}
    assert set(lines_before) <= set(lines_after)  # every old finding keeps its fingerprint
    extra = [f for f in after if f.fingerprint not in lines_before]
    assert all("unrelated" in (f.step or "") or "unrelated" in f.steps for f in extra), [(f.rule, f.step) for f in extra]
    assert any(lines_before[fp] != lines_after[fp] for fp in lines_before)  # lines did move


def test_fingerprints_do_not_move_when_titles_and_other_steps_are_edited(tmp_path):
    """Wording is not identity: renamed departments, data and steps change the messages,
    a slower call changes wait figures, and every fingerprint stays (output.md)."""
    original = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8")
    edited = (
        original.replace("{title: Loan servicing}", "{title: Personal loans team}")
        .replace("{title: Full name}", "{title: Name as on the ID}")
        .replace("title: Call the hotline and wait for an agent", "title: Phone the bank")
        .replace("    wait: 18m\n", "    wait: 25m\n")
    )
    assert edited.count("Personal loans team") == 1 and "wait: 25m" in edited
    write(tmp_path, "before/loan-payoff.yaml", original)
    write(tmp_path, "after/loan-payoff.yaml", edited)
    before = run_audit([tmp_path / "before"]).all_findings()
    after = run_audit([tmp_path / "after"]).all_findings()
    by_identity = lambda findings: {(f.rule, f.step, f.steps, f.data): f for f in findings}  # noqa: E731
    old, new = by_identity(before), by_identity(after)
    assert set(old) == set(new)
    assert {f.message for f in before} != {f.message for f in after}  # the wording did change
    for identity, finding in old.items():
        assert new[identity].fingerprint == finding.fingerprint, identity


def test_baseline_file_is_sorted_deterministic_and_free_of_lines(tmp_path):
    first = run_cli("baseline", EXAMPLES, "-o", tmp_path / "one.json")
    second = run_cli("baseline", EXAMPLES, "-o", tmp_path / "two.json")
    assert first.returncode == second.returncode == 0
    one = (tmp_path / "one.json").read_bytes()
    assert one == (tmp_path / "two.json").read_bytes()
    document = json.loads(one)
    assert document["version"] == 1
    entries = document["findings"]
    assert entries == sorted(entries, key=lambda e: (e["journey"], e["rule"], e["step"] or "", e["fingerprint"]))
    assert all(set(entry) == {"fingerprint", "rule", "journey", "step", "message"} for entry in entries)
    assert '"line"' not in one.decode() and '"column"' not in one.decode()
    assert {"broken-promise", "repeated-ask"} <= {entry["rule"] for entry in entries}


def test_baseline_round_trip_and_stale_entries(tmp_path):
    result = run_audit([EXAMPLES])
    findings = result.all_findings()
    path = write(tmp_path, "b.json", dumps(entries_for(findings)))
    baseline = load_baseline(str(path))
    assert baseline.fingerprints() == {f.fingerprint for f in findings if not f.waived}
    state = match(baseline, findings[1:])
    assert state.baselined == {f.fingerprint for f in findings[1:]}
    assert [entry.fingerprint for entry in state.stale] == [findings[0].fingerprint]
    assert state.stale[0].line > 1  # located in the file, for the stale report


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("", (1, 1), "not valid JSON"),
        ('{"version": 1, "findings": [}', (1, 29), "not valid JSON"),
        ('[1, 2]', (1, 1), 'expected an object with a "findings" list'),
        ('{\n "version": 7,\n "findings": []}', (2, 2), "baseline version 7 is not supported"),
        ('{"version": 1, "findings": [\n  "abc"]}', (2, 3), "entry 1 must be an object"),
        ('{"version": 1, "findings": [{"fingerprint": "aaaaaa"},\n {"fingerprint": "aaaaaa"}]}', (2, 2), "repeats fingerprint"),
    ],
)
def test_corrupt_baselines_are_located(tmp_path, text, where, message):
    path = write(tmp_path, "b.json", text)
    with pytest.raises(BaselineError) as caught:
        load_baseline(str(path))
    problem = caught.value.problem
    assert (problem.line, problem.column) == where
    assert message in problem.message


@pytest.mark.parametrize(
    "argument, expected",
    [
        ("max_handoffs=3", [("max_handoffs", "<=", 3.0, None)]),
        ("score>=70", [("score", ">=", 70.0, None)]),
        ("score=70", [("score", ">=", 70.0, None)]),  # "no worse than": at least, for a higher-is-better figure
        ("expected_duration_s=1h", [("expected_duration_s", "<=", 3600.0, None)]),
        ("expected_duration_s=3600", [("expected_duration_s", "<=", 3600.0, None)]),  # *_s: bare numbers are seconds
        ("expected_duration_s<=PT30M", [("expected_duration_s", "<=", 1800.0, None)]),
        ("success_rate>=90%", [("success_rate", ">=", 0.9, None)]),
        ("steps<=12", [("steps", "<=", 12.0, None)]),
        ("loan-payoff:max_handoffs=5", [("max_handoffs", "<=", 5.0, "loan-payoff")]),
        (" effort = 20 ", [("effort", "<=", 20.0, None)]),
    ],
)
def test_budget_arguments(argument, expected):
    assert [(b.metric, b.op, b.limit, b.journey) for b in parse_budget_argument(argument)] == expected


@pytest.mark.parametrize(
    "argument, message",
    [
        ("max_handof=3", "did you mean 'max_handoffs'?"),
        ("scor>=70", "did you mean 'score'?"),
        ("steps=3", "steps has no better direction"),
        ("score>70", "use <= or >="),
        ("expected_duration_s=soon", "malformed duration"),
        ("max_handoffs=", "the value is missing"),
        ("=3", "write metric=value"),
    ],
)
def test_bad_budget_arguments(argument, message):
    with pytest.raises(ValueError) as caught:
        parse_budget_argument(argument)
    assert message in str(caught.value)


def test_budgets_from_the_config_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (
        '[budgets]\nmax_handoffs = 3\nexpected_duration_s = "1h"\nscore = ">=70"\n'
        "success_rate = { min = 0.9 }\nsteps = { min = 2, max = 12 }\n"
        "[budgets.journeys.loan-payoff]\nmax_handoffs = 5\n"
    )
    write(tmp_path, "journeyaudit.toml", text)
    import tomllib

    config = Config(file="journeyaudit.toml", budgets=tomllib.loads(text)["budgets"])
    budgets = budgets_from_config(config)
    shown = {(b.journey, b.metric, b.op, b.limit) for b in budgets}
    assert shown == {
        (None, "max_handoffs", "<=", 3.0),
        (None, "expected_duration_s", "<=", 3600.0),
        (None, "score", ">=", 70.0),
        (None, "success_rate", ">=", 0.9),
        (None, "steps", ">=", 2.0),
        (None, "steps", "<=", 12.0),
        ("loan-payoff", "max_handoffs", "<=", 5.0),
    }
    per_journey = next(b for b in budgets if b.journey == "loan-payoff")
    assert per_journey.source == "journeyaudit.toml:8"
    payoff = {(b.metric, b.limit) for b in budgets_for("loan-payoff", budgets)}
    assert ("max_handoffs", 5.0) in payoff and ("max_handoffs", 3.0) not in payoff
    other = {(b.metric, b.limit) for b in budgets_for("other", budgets)}
    assert ("max_handoffs", 3.0) in other


def test_bad_config_budgets_are_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '[budgets]\nscore = 70\n\n[budgets.journeys.a]\nmax_handofs = 2\neffort = { most = 3 }\n'
    write(tmp_path, "journeyaudit.toml", text)
    import tomllib

    with pytest.raises(BudgetError) as caught:
        budgets_from_config(Config(file="journeyaudit.toml", budgets=tomllib.loads(text)["budgets"]))
    found = [(p.line, p.column, p.message) for p in caught.value.problems]
    assert found[0][:2] == (5, 1) and "did you mean 'max_handoffs'?" in found[0][2]
    assert found[1][:2] == (6, 1) and "takes min and max, not 'most'" in found[1][2]


def test_command_line_budgets_replace_the_config_ones():
    config = [Budget("score", ">=", 70, None, "f:1"), Budget("max_handoffs", "<=", 3, None, "f:2")]
    merged = merge_budgets(config, parse_budget_argument("score>=50"))
    assert {(b.metric, b.limit, b.source) for b in merged} == {("max_handoffs", 3, "f:2"), ("score", 50.0, "--budget")}


def test_a_budget_no_journey_can_meet_is_refused_with_its_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from journeyaudit.cli import main

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "journeyaudit.toml", "[budgets]\nscore = 10\nsuccess_rate = { min = 0.9, max = 0.1 }\n")
    write(tmp_path, "j.yaml", "journeyaudit: 1\ntitle: T\ndepartments: {d: {title: D}}\n"
          "steps:\n  a: {title: A, department: d, channel: web, end: success}\n")
    result = CliRunner().invoke(main, ["check", "j.yaml"])
    assert result.exit_code == 2, result.output
    assert "journeyaudit.toml:3:1" in result.output and "min 0.9 is above max 0.1" in result.output
    write(tmp_path, "journeyaudit.toml", "[budgets]\nsuccess_rate = { min = 0.1, max = 1 }\n")
    sound = CliRunner().invoke(main, ["check", "j.yaml"])
    assert sound.exit_code != 2 and "budgets: 2 of 2 met" in sound.output, sound.output
