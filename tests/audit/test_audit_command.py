"""`journeyaudit audit` as CI and consultants use it: JSON per output.md, exit codes, config, waivers."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES, OUTPUT_MD_LOAN_PAYOFF


def audit(*args, cwd=None):
    runner = CliRunner()
    return runner.invoke(main, ["audit", *args], catch_exceptions=False)


@pytest.fixture
def bank(tmp_path):
    """The two shared journeys copied where a test may edit them (never committed)."""
    for name in ("loan-payoff.yaml", "loan-application.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def json_audit(*args):
    result = audit(*args, "--format", "json")
    return result, json.loads(result.stdout)


def test_json_output_has_the_keys_and_figures_of_output_md():
    result, document = json_audit(str(EXAMPLES))
    assert result.exit_code == 1  # broken-promise is an error
    assert document["version"] == 1
    payoff = next(j for j in document["journeys"] if j["id"] == "loan-payoff")
    assert payoff["title"] == "Pay off a personal loan early"
    assert (payoff["segment"], payoff["stage"]) == ("existing", "leave")
    assert payoff["file"].endswith("loan-payoff.yaml")
    for key, value in OUTPUT_MD_LOAN_PAYOFF.items():
        assert payoff["metrics"][key] == pytest.approx(value, abs=1e-6), key
    assert isinstance(payoff["metrics"]["effort"], float) and isinstance(payoff["metrics"]["score"], int)
    finding = next(f for f in payoff["findings"] if f["rule"] == "repeated-ask" and f["step"] == "loans-desk")
    assert finding["message"] == "asks again for Full name and Loan account number, already given at 'call'"
    assert (finding["line"], finding["column"], finding["severity"], finding["waived"]) == (35, 3, "warning", False)
    assert len(finding["fingerprint"]) == 12
    for key in ("rule", "severity", "journey", "step", "message", "file", "line", "column", "fingerprint", "waived"):
        assert key in finding
    summary = document["summary"]
    counted = [f for j in document["journeys"] for f in j["findings"] if not f["waived"]]
    assert summary["journeys"] == 2
    assert summary["errors"] == sum(f["severity"] == "error" for f in counted) == 2
    assert summary["warnings"] == sum(f["severity"] == "warning" for f in counted)
    assert summary["infos"] == sum(f["severity"] == "info" for f in counted)


def test_journey_level_findings_point_at_the_journeys_first_line():
    _, document = json_audit(str(EXAMPLES))
    payoff = next(j for j in document["journeys"] if j["id"] == "loan-payoff")
    feedback = next(f for f in payoff["findings"] if f["rule"] == "no-feedback")
    assert feedback["step"] is None and (feedback["line"], feedback["column"]) == (3, 1)


def test_json_output_is_byte_identical_between_runs():
    first = audit(str(EXAMPLES), "--format", "json").stdout
    second = audit(str(EXAMPLES), "--format", "json").stdout
    assert first == second


def test_fingerprints_are_unique_within_a_run():
    _, document = json_audit(str(EXAMPLES))
    prints = [f["fingerprint"] for j in document["journeys"] for f in j["findings"]]
    assert len(prints) == len(set(prints))


def test_fingerprints_survive_unrelated_edits(bank):
    _, before = json_audit(str(bank))
    path = bank / "loan-payoff.yaml"
    text = path.read_text()
    # Lines move (comments, blank lines), another step's title changes, an unrelated key is added.
    text = text.replace("steps:\n", "# reviewed in the 2026 audit\n\nsteps:\n", 1)
    text = text.replace("Loan closed, letter sent", "Loan closed; a letter confirms it")
    text = text.replace("description: >", "x-owner: retail-banking\ndescription: >")
    path.write_text(text)
    _, after = json_audit(str(bank))

    def prints(document):
        return {(f["rule"], f["step"], f["message"]): f["fingerprint"] for j in document["journeys"] for f in j["findings"]}

    old, new = prints(before), prints(after)
    assert old == new
    lines_before = {f["fingerprint"]: f["line"] for j in before["journeys"] for f in j["findings"]}
    lines_after = {f["fingerprint"]: f["line"] for j in after["journeys"] for f in j["findings"]}
    assert any(lines_before[k] != lines_after[k] for k in lines_before)  # the lines did move


@pytest.mark.parametrize(
    "fail_on,expected",
    [("error", 1), ("warning", 1), ("never", 0)],
)
def test_exit_code_follows_fail_on(fail_on, expected):
    assert audit(str(EXAMPLES), "--fail-on", fail_on).exit_code == expected


def test_a_journey_with_warnings_only_passes_by_default_and_fails_on_warning():
    good = str(EXAMPLES / "loan-application.yaml")
    assert audit(good).exit_code == 0
    assert audit(good, "--fail-on", "warning").exit_code == 1
    assert audit(good, "--exit-zero", "--fail-on", "warning").exit_code == 0


def test_a_broken_file_exits_2_and_the_others_are_still_audited(bank):
    (bank / "broken.yaml").write_text("journeyaudit: 1\ntitle: Broken\ndepartments: {a: {}}\nsteps:\n  s: {title: S, department: b, end: success}\n")
    result, document = json_audit(str(bank))
    assert result.exit_code == 2
    assert sorted(j["id"] for j in document["journeys"]) == ["loan-application", "loan-payoff"]
    assert "broken.yaml:5:29: step 's' names unknown department 'b'" in result.stderr
    assert document["summary"]["problems"] == 1


def test_waivers_keep_the_finding_marked_and_stop_it_failing(bank):
    path = bank / "loan-payoff.yaml"
    text = path.read_text().replace(
        "promise:\n", "waive:\n  - rule: broken-promise\n    reason: The promise is being rewritten by marketing\npromise:\n", 1
    )
    path.write_text(text)
    result, document = json_audit(str(path))
    assert result.exit_code == 0  # the only errors are waived
    promises = [f for f in document["journeys"][0]["findings"] if f["rule"] == "broken-promise"]
    assert promises and all(f["waived"] for f in promises)
    assert promises[0]["waiver_reason"] == "The promise is being rewritten by marketing"
    assert document["summary"]["waived"] == len(promises)
    assert document["summary"]["errors"] == 0
    text_output = audit(str(path)).stdout
    assert "waived" in text_output and "rewritten by marketing" in text_output


def test_a_step_waiver_covers_only_its_step(bank):
    path = bank / "loan-payoff.yaml"
    text = path.read_text().replace(
        "    wait: 18m\n", "    wait: 18m\n    waive: [{rule: long-wait, reason: Peak hours only}]\n", 1
    )
    path.write_text(text)
    _, document = json_audit(str(path))
    waits = {f["step"]: f["waived"] for f in document["journeys"][0]["findings"] if f["rule"] == "long-wait"}
    assert waits["call"] is True
    assert waits["loans-desk"] is False


def test_text_output_groups_by_journey_with_a_summary_line():
    result = audit(str(EXAMPLES), "--no-color")
    lines = result.stdout.splitlines()
    assert any(line.endswith("Pay off a personal loan early (loan-payoff)") for line in lines)
    assert "35:3" in result.stdout and "repeated-ask" in result.stdout
    assert lines[-1].startswith("2 journeys audited: 2 errors,")
    assert "\x1b[" not in result.stdout  # no colour codes when not on a terminal


def test_output_file_is_written(tmp_path):
    target = tmp_path / "out" / "audit.json"
    result = audit(str(EXAMPLES), "--format", "json", "-o", str(target))
    assert result.stdout == ""
    assert json.loads(target.read_text())["summary"]["journeys"] == 2


def test_no_journey_files_is_a_usage_error(tmp_path):
    result = audit(str(tmp_path))
    assert result.exit_code == 2 and "no journey files" in result.stderr


def test_terminal_control_characters_in_titles_are_shown_not_executed(tmp_path):
    path = tmp_path / "escape.yaml"
    path.write_text(
        'journeyaudit: 1\ntitle: "Cancel \\e[31mNOW\\e[0m"\ndepartments: {d: {title: "Ops\\e]0;pwned\\a"}}\n'
        "steps:\n  a: {title: A, department: d, next: b}\n  b: {title: B, department: d}\n"
    )
    output = audit(str(path), "--no-color").stdout
    assert "\x1b" not in output and "\x07" not in output
    assert "Cancel \\x1b[31mNOW" in output
