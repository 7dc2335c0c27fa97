"""`check` and `baseline`: the exit code of every case CI relies on (0 fine, 1 fails, 2 unusable)."""

from __future__ import annotations

import json

import pytest

from tests.ci.helpers import (
    CLEAN,
    EXAMPLES,
    WAIVED_ONLY,
    WARNINGS_ONLY,
    WITH_ERROR,
    run_cli,
    write,
)


def test_clean_journey_exits_0(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path)
    assert result.returncode == 0, result.stderr
    assert "no findings" in result.stdout


def test_findings_below_fail_on_exit_0(tmp_path):
    path = write(tmp_path, "warn.yaml", WARNINGS_ONLY)
    result = run_cli("check", path)
    assert result.returncode == 0, result.stderr
    assert "no-feedback" in result.stdout


def test_findings_at_fail_on_exit_1(tmp_path):
    path = write(tmp_path, "warn.yaml", WARNINGS_ONLY)
    assert run_cli("check", path, "--fail-on", "warning").returncode == 1
    error = write(tmp_path, "error.yaml", WITH_ERROR)
    result = run_cli("check", error)
    assert result.returncode == 1
    assert "dead-end" in result.stdout


def test_fail_on_from_the_config_file(tmp_path):
    write(tmp_path, "journeys/warn.yaml", WARNINGS_ONLY)
    write(tmp_path, "journeyaudit.toml", 'fail-on = "warning"\n')
    assert run_cli("check", "journeys", cwd=tmp_path).returncode == 1
    # the command line overrides the file
    assert run_cli("check", "journeys", "--fail-on", "error", cwd=tmp_path).returncode == 0


def test_waived_findings_only_exit_0(tmp_path):
    path = write(tmp_path, "waived.yaml", WAIVED_ONLY)
    result = run_cli("check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "waived" in result.stdout


def test_budget_exceeded_exits_1_and_says_which_metric(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path, "--budget", "expected_duration_s=30s", "--budget", "score>=99")
    assert result.returncode == 1
    assert "expected_duration_s is 1m: breaks its budget of at most 30s (set in --budget)" in result.stdout
    assert "score is 96: breaks its budget of at least 99" in result.stdout
    assert "budget" in result.stdout and "clean" in result.stdout


def test_budget_met_exits_0(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path, "--budget", "max_handoffs=0", "--budget", "expected_duration_s=1h", "--budget", "score=90")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "budgets: 3 of 3 met" in result.stderr


def test_budgets_in_the_config_per_journey_and_for_all(tmp_path):
    write(tmp_path, "journeys/a.yaml", CLEAN)
    write(tmp_path, "journeys/b.yaml", CLEAN)
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.journeyaudit.budgets]\nscore = 90\n\n[tool.journeyaudit.budgets.journeys.b]\nscore = { min = 99 }\n',
    )
    result = run_cli("check", "journeys", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    failed = [c for c in document["budgets"] if not c["passed"]]
    assert [(c["journey"], c["metric"], c["actual"], c["budget"]) for c in failed] == [("b", "score", 96, 99)]
    assert failed[0]["source"].startswith("pyproject.toml:")
    budget_findings = [f for j in document["journeys"] for f in j["findings"] if f["rule"] == "budget"]
    assert [f["journey"] for f in budget_findings] == ["b"]
    # --budget replaces the config's value for the metric
    assert run_cli("check", "journeys", "--budget", "b:score=90", cwd=tmp_path).returncode == 0


def test_unknown_budget_metric_exits_2_with_did_you_mean(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path, "--budget", "max_handof=3")
    assert result.returncode == 2
    assert "unknown metric 'max_handof'; did you mean 'max_handoffs'?" in result.stderr


@pytest.mark.parametrize("value", ["max_handoffs", "max_handoffs=three", "expected_duration_s=1x", "score=", "steps=3", "score<70"])
def test_bad_budget_values_exit_2(tmp_path, value):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path, "--budget", value)
    assert result.returncode == 2, value
    assert "--budget" in result.stderr


def test_bad_budget_in_the_config_exits_2_with_file_line_column(tmp_path):
    write(tmp_path, "journeys/a.yaml", CLEAN)
    write(tmp_path, "journeyaudit.toml", '[budgets]\nscore = 70\nexpected_durations = "1h"\n')
    result = run_cli("check", "journeys", cwd=tmp_path)
    assert result.returncode == 2
    assert "journeyaudit.toml:3:1: budgets: unknown metric 'expected_durations'; did you mean 'expected_duration_s'?" in result.stderr


@pytest.mark.parametrize("value", ['""', '"  "'])
def test_an_empty_budget_in_the_config_exits_2_with_file_line_column(tmp_path, value):
    write(tmp_path, "journeys/a.yaml", CLEAN)
    write(tmp_path, "journeyaudit.toml", f"[budgets]\nscore = {value}\n")
    result = run_cli("check", "journeys", cwd=tmp_path)
    assert result.returncode == 2
    assert "journeyaudit.toml:2:1: budgets: budget for score" in result.stderr
    assert "internal error" not in result.stderr


def test_baseline_with_no_new_findings_exits_0(tmp_path):
    baseline = tmp_path / "baseline.json"
    made = run_cli("baseline", EXAMPLES, "-o", baseline)
    assert made.returncode == 0, made.stderr
    result = run_cli("check", EXAMPLES, "--baseline", baseline)
    assert result.returncode == 0, result.stderr
    assert "findings accepted" in result.stderr
    assert run_cli("check", EXAMPLES).returncode == 1  # without it, broken-promise fails


def test_new_finding_beyond_the_baseline_exits_1(tmp_path):
    journeys = tmp_path / "journeys"
    write(journeys, "warn.yaml", WARNINGS_ONLY)
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", journeys, "-o", baseline).returncode == 0
    assert run_cli("check", journeys, "--baseline", baseline, "--fail-on", "warning").returncode == 0
    write(journeys, "error.yaml", WITH_ERROR)
    result = run_cli("check", journeys, "--baseline", baseline, "--fail-on", "warning")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "dead-end" in line or "no-feedback" in line]
    assert any("error" in line and "dead-end" in line for line in lines)
    assert any("baseline" in line and "no-feedback" in line and "warn" not in line.split()[0] for line in lines)


def test_stale_baseline_entries_are_reported(tmp_path):
    journeys = tmp_path / "journeys"
    path = write(journeys, "warn.yaml", WARNINGS_ONLY)
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", journeys, "-o", baseline).returncode == 0
    path.write_text(CLEAN.replace("Change the delivery address", "Update the phone number"), encoding="utf-8")
    result = run_cli("check", journeys, "--baseline", baseline)
    assert result.returncode == 0
    assert "stale baseline entry" in result.stderr
    assert "no-feedback in warn" in result.stderr
    assert "remove them with `journeyaudit baseline" in result.stderr
    assert "baseline.json:6:5:" in result.stderr  # the entry's place in the file
    assert run_cli("check", journeys, "--baseline", baseline, "--fail-on-stale-baseline").returncode == 1


def test_corrupt_baseline_exits_2_with_file_line_column(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    baseline = write(tmp_path, "baseline.json", '{\n  "version": 1,\n  "findings": [\n    {"fingerprint": "abc123"\n  ]\n}\n')
    result = run_cli("check", path, "--baseline", baseline)
    assert result.returncode == 2
    assert "baseline.json:5:3: the baseline file is not valid JSON" in result.stderr


def test_baseline_entry_without_fingerprint_exits_2_at_the_entry(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    baseline = write(
        tmp_path, "baseline.json", '{"version": 1, "findings": [\n  {"fingerprint": "abc123"},\n  {"rule": "x"}\n]}\n'
    )
    result = run_cli("check", path, "--baseline", baseline)
    assert result.returncode == 2
    assert "baseline.json:3:3: baseline entry 2 has no valid fingerprint" in result.stderr


def test_missing_baseline_exits_2(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path, "--baseline", tmp_path / "nope.json")
    assert result.returncode == 2
    assert "baseline file not found" in result.stderr


def test_bad_input_exits_2_with_location(tmp_path):
    write(tmp_path, "journeys/clean.yaml", CLEAN)
    write(tmp_path, "journeys/broken.yaml", "journeyaudit: 1\ntitle: [unclosed\n")
    result = run_cli("check", "journeys", cwd=tmp_path)
    assert result.returncode == 2
    assert "journeys/broken.yaml:" in result.stderr
    assert run_cli("check", tmp_path / "missing").returncode == 2
    assert run_cli("check", tmp_path / "journeys", "--fail-on", "sometimes").returncode == 2


def test_empty_folder_exits_2(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("check", tmp_path / "empty")
    assert result.returncode == 2
    assert "no journey files" in result.stderr


def test_baseline_command_refuses_broken_input(tmp_path):
    write(tmp_path, "journeys/broken.yaml", "journeyaudit: 1\ntitle: [unclosed\n")
    result = run_cli("baseline", tmp_path / "journeys", "-o", tmp_path / "b.json")
    assert result.returncode == 2
    assert not (tmp_path / "b.json").exists()


def test_machine_formats_still_say_why_on_stderr(tmp_path):
    path = write(tmp_path, "error.yaml", WITH_ERROR)
    result = run_cli("check", path, "--format", "sarif", "-o", tmp_path / "out.sarif")
    assert result.returncode == 1
    assert "journeyaudit check: 1 failing findings (fail-on error)" in result.stderr
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_check_lists_every_format(tmp_path):
    result = run_cli("check", "--help")
    for name in ("text", "json", "markdown", "sarif", "junit", "github", "gitlab"):
        assert name in result.stdout


def test_json_output_carries_budgets_and_baseline_state(tmp_path):
    journeys = tmp_path / "journeys"
    path = write(journeys, "warn.yaml", WARNINGS_ONLY)
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", journeys, "-o", baseline).returncode == 0
    path.write_text(CLEAN.replace("Change the delivery address", "Update the phone number"), encoding="utf-8")
    result = run_cli("check", journeys, "--baseline", baseline, "--budget", "score>=50", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["summary"]["errors"] == 0
    assert [check["passed"] for check in document["budgets"]] == [True]
    assert document["baseline"]["baselined"] == []
    assert [entry["rule"] for entry in document["baseline"]["stale"]] == ["no-feedback"]


def test_budget_for_a_journey_that_is_not_audited_warns(tmp_path):
    path = write(tmp_path, "clean.yaml", CLEAN)
    result = run_cli("check", path, "--budget", "typo-journey:score>=10")
    assert result.returncode == 0
    assert "budgets name journey 'typo-journey', which is not among the audited journeys" in result.stderr


@pytest.mark.parametrize("name", ["markdown", "sarif", "junit", "github", "gitlab"])
def test_audit_offers_the_ci_formats_too(tmp_path, name):
    path = write(tmp_path, "error.yaml", WITH_ERROR)
    result = run_cli("audit", path, "--format", name)
    assert result.returncode == 1
    assert "dead-end" in result.stdout
