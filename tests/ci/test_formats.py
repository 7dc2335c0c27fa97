"""The CI formats: SARIF against the official schema, JUnit parsed back, GitLab and GitHub rules."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from journeyaudit.audit import run_audit
from journeyaudit.audit.baseline import Baseline, BaselineEntry, match
from journeyaudit.loading.config import Config
from journeyaudit.model.findings import Finding
from journeyaudit.reports import RenderOptions, output_formats, render
from journeyaudit.reports.formats import github
from tests.ci.helpers import EXAMPLES, SARIF_SCHEMA, WAIVED_ONLY, WITH_ERROR, write

HOSTILE = 'bad % value\r\nline two: a, b <tag> & "quotes" \x01 ]]> ::error::x'


@pytest.fixture
def result(tmp_path, monkeypatch):
    """The shared examples plus a waived finding, audited from a folder inside tmp_path (a git-less tree)."""
    monkeypatch.chdir(tmp_path)
    for example in EXAMPLES.glob("*.yaml"):
        write(tmp_path, f"journeys/{example.name}", example.read_text(encoding="utf-8"))
    write(tmp_path, "journeys/sub dir/waived.yaml", WAIVED_ONLY)
    audit = run_audit(["journeys"], Config())
    assert not audit.problems
    return audit


def _hostile_finding(result) -> Finding:
    journey = next(r for r in result.journeys if r.journey.id == "loan-payoff")
    finding = Finding(
        rule=journey.findings[0].rule,
        severity="error",
        journey=journey.journey.id,
        step=None,
        message=HOSTILE,
        file="journeys/odd, name: 100%.yaml",
        line=3,
        column=1,
        fingerprint="0123456789ab",
    )
    journey.findings.append(finding)
    return finding


def test_every_format_is_registered():
    assert {"markdown", "sarif", "junit", "github", "gitlab"} <= set(output_formats())


# --- SARIF ------------------------------------------------------------------------------


def _validate_sarif(document: dict) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))  # read in place, never copied
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_validates_against_the_official_schema(result):
    _hostile_finding(result)
    document = json.loads(render("sarif", result, RenderOptions(config=Config())))
    _validate_sarif(document)
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")


def test_sarif_has_what_github_code_scanning_reads(result):
    document = json.loads(render("sarif", result, RenderOptions(config=Config())))
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "journeyaudit" and driver["informationUri"].startswith("https://") and driver["version"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert {"handoffs", "repeated-ask", "dead-end", "budget"} <= set(ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")
    assert run["results"]
    for sarif_result in run["results"]:
        assert driver["rules"][sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]
        assert sarif_result["level"] in ("error", "warning", "note")
        assert sarif_result["message"]["text"]
        location = sarif_result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert uri.startswith("journeys/") and "\\" not in uri and not uri.startswith("/")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert list(sarif_result["partialFingerprints"]) == ["journeyaudit/v1"]
        assert "primaryLocationLineHash" not in json.dumps(sarif_result)
    fingerprints = [r["partialFingerprints"]["journeyaudit/v1"] for r in run["results"]]
    assert len(fingerprints) == len(set(fingerprints))
    assert any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "journeys/sub%20dir/waived.yaml" for r in run["results"])


def test_sarif_waived_findings_are_in_source_suppressions(result):
    document = json.loads(render("sarif", result, RenderOptions(config=Config())))
    suppressed = [r for r in document["runs"][0]["results"] if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in suppressed] == [
        ("dead-end", [{"kind": "inSource", "justification": "Legacy screen, removed in Q3"}])
    ]


def test_sarif_levels_follow_the_severities(result):
    document = json.loads(render("sarif", result, RenderOptions(config=Config())))
    by_rule = {r["ruleId"]: r["level"] for r in document["runs"][0]["results"]}
    assert by_rule["broken-promise"] == "error" and by_rule["handoffs"] == "warning"


def test_sarif_baseline_state_when_a_baseline_is_used(result):
    findings = result.all_findings()
    baseline = Baseline("b.json", [BaselineEntry(findings[0].fingerprint), BaselineEntry("ffffffffffff")])
    options = RenderOptions(config=Config(), extra={"baseline": match(baseline, findings)})
    document = json.loads(render("sarif", result, options))
    _validate_sarif(document)
    states = [r["baselineState"] for r in document["runs"][0]["results"]]
    assert states.count("unchanged") == 1 and states.count("new") == len(states) - 1


def test_sarif_lists_input_problems_as_notifications(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "broken.yaml", "journeyaudit: 1\ntitle: [x\n")
    audit = run_audit(["broken.yaml"], Config())
    document = json.loads(render("sarif", audit, RenderOptions(config=Config())))
    _validate_sarif(document)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.yaml"


# --- JUnit -------------------------------------------------------------------------------


def test_junit_parses_back_with_one_testcase_per_journey(result):
    _hostile_finding(result)
    text = render("junit", result, RenderOptions(config=Config()))
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert sorted(case.get("name") for case in cases) == sorted(r.journey.id for r in result.journeys)
    keys = [(case.get("classname"), case.get("name")) for case in cases]
    assert len(keys) == len(set(keys))
    # GitLab reads classname, name, file and time of every test case (ci-conventions.md)
    files = {r.journey.id: r.journey.file for r in result.journeys}
    for case in cases:
        assert case.get("classname")
        assert case.get("file") == files[case.get("name")].replace("\\", "/")
        assert float(case.get("time")) >= 0
    by_name = {case.get("name"): case for case in cases}
    payoff = by_name["loan-payoff"]
    failures = payoff.findall("failure")
    # one failure per finding at or above fail-on: 2 broken-promise + the hostile one (same rule)
    assert [f.get("type") for f in failures] == ["broken-promise"] * 3
    assert all(f.text.startswith("journeys/") for f in failures)
    assert any(
        HOSTILE.replace("\x01", "\ufffd").replace("\r\n", "\n") in f.text.replace("\r\n", "\n") for f in failures
    )
    # warnings below fail-on and waived findings never fail or skip a journey
    waived = by_name["waived"]
    assert waived.find("failure") is None and waived.find("skipped") is None
    assert "waived: Legacy screen" in waived.find("system-out").text
    suite = root.find("testsuite")
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == "1"


def test_junit_fail_on_warning_fails_more_journeys(result):
    config = Config(fail_on="warning")
    root = ET.fromstring(render("junit", result, RenderOptions(config=config)))
    failed = {case.get("name") for case in root.iter("testcase") if case.find("failure") is not None}
    assert failed == {"loan-application", "loan-payoff"}


def test_junit_problems_are_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", "journeyaudit: 1\ntitle: [x\n")
    write(tmp_path, "b.yaml", WITH_ERROR)
    audit = run_audit(["a.yaml", "b.yaml"], Config())
    root = ET.fromstring(render("junit", audit, RenderOptions(config=Config())))
    assert root.find("testsuite").get("errors") == "1"
    assert len(list(root.iter("error"))) == 1


# --- GitLab Code Quality ----------------------------------------------------------------


def test_gitlab_code_quality_fields_and_unique_fingerprints(result):
    _hostile_finding(result)
    text = render("gitlab", result, RenderOptions(config=Config()))
    assert not text.startswith("\ufeff")
    issues = json.loads(text)
    assert isinstance(issues, list) and issues
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(fingerprints) == len(set(fingerprints))
    for issue in issues:
        assert issue["description"] and issue["check_name"]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert not issue["location"]["path"].startswith("/")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    severities = {issue["check_name"]: issue["severity"] for issue in issues}
    assert severities["broken-promise"] == "critical" and severities["handoffs"] == "major"
    assert "dead-end" not in severities  # waived: accepted, not an issue


def test_gitlab_maps_info_to_minor():
    from journeyaudit.reports.formats.gitlab import issue

    finding = Finding("repeated-ask", "info", "j", "s", "maybe asked twice", "j.yaml", 4, 3, fingerprint="abcdefabcdef")
    assert issue(finding)["severity"] == "minor"


# --- GitHub annotations ------------------------------------------------------------------


def test_github_escapes_a_hostile_message():
    finding = Finding("long-wait", "error", "j", "s", HOSTILE, "journeys/odd, name: 100%.yaml", 3, 5, fingerprint="aa")
    line = github.annotation(finding)
    assert line.startswith("::error file=journeys/odd%2C name%3A 100%25.yaml,line=3,col=5,title=journeyaudit long-wait%3A j/s::")
    message = line.split("::", 2)[2]
    assert "\r" not in line and "\n" not in line
    assert message == 'bad %25 value%0D%0Aline two: a, b <tag> & "quotes" \\x01 ]]> ::error::x'
    properties = line.split("::")[1]
    assert properties.count(",") == 3  # only the separators: commas in values are escaped


def test_github_annotates_the_worst_ten_of_each_level(result):
    journey = result.journeys[0]
    for index in range(15):
        journey.findings.append(
            Finding("dead-end", "error", journey.journey.id, None, f"error {index}", journey.journey.file, 100 + index, 1, fingerprint=f"e{index:011d}")
        )
    text = render("github", result, RenderOptions(config=Config()))
    lines = text.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 10
    assert lines[-1].startswith("::notice::journeyaudit: ")
    total = sum(1 for f in result.all_findings() if not f.waived)
    assert f"{total} findings, 20 annotated; {total - 20} more" in lines[-1]
    # errors first, and the waived finding is never annotated
    assert lines.index(errors[-1]) < lines.index(warnings[0])
    assert "Legacy screen" not in text and "'stuck' has neither" not in text


def test_github_clean_run_prints_only_the_notice(tmp_path, monkeypatch):
    from tests.ci.helpers import CLEAN

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "clean.yaml", CLEAN)
    audit = run_audit(["clean.yaml"], Config())
    assert render("github", audit, RenderOptions(config=Config())) == "::notice::journeyaudit: 0 findings, 0 annotated\n"


# --- Markdown (pull-request comment, $GITHUB_STEP_SUMMARY) -------------------------------


def test_markdown_stays_under_the_step_summary_limit(result):
    """GitHub takes at most 1 MiB per step summary (ci-conventions.md): a huge run is cut, and says so."""
    for journey in result.journeys:
        for index in range(300):
            journey.findings.append(
                Finding("handoffs", "warning", journey.journey.id, None, f"finding {index} " + "x" * 4000,
                        journey.journey.file, 10 + index, 1, fingerprint=f"{index:012x}")
            )  # fmt: skip
    text = render("markdown", result, RenderOptions(config=Config()))
    assert len(text.encode("utf-8")) < 1024 * 1024
    assert "cut to stay under GitHub's 1 MiB step-summary limit" in text.splitlines()[-1]
    assert text.startswith("### journeyaudit")  # the summary table comes first and survives the cut
    assert text.count("<details>") == text.count("</details>")  # the note is not folded into a cut block


def test_markdown_of_a_small_run_is_not_cut(result):
    text = render("markdown", result, RenderOptions(config=Config()))
    assert "cut to stay under" not in text
    assert text.rstrip().endswith("</details>")  # every journey's block is complete


def test_github_notice_counts_the_waived_findings_it_does_not_annotate(result):
    text = render("github", result, RenderOptions(config=Config()))
    waived = [f for f in result.all_findings() if f.waived]
    assert len(waived) == 1 and waived[0].message not in text  # the waived dead-end is not annotated
    assert text.splitlines()[-1].endswith("; 1 waived in the journey files (not annotated, listed as waived in the job summary)")
