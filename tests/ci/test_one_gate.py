"""One answer to "does this fail?": the exit code, every format and the HTML index agree."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.ci.helpers import EXAMPLES, run_cli


def failing_count(stderr: str) -> int:
    match = re.search(r"journeyaudit check: (\d+) failing findings", stderr)
    assert match, stderr
    return int(match.group(1))


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_junit_fails_exactly_the_findings_check_fails_on(tmp_path, fail_on):
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", EXAMPLES / "loan-payoff.yaml", "-o", baseline).returncode == 0
    # the baseline accepts loan-payoff's findings: only loan-application's can fail
    result = run_cli("check", EXAMPLES, "--baseline", baseline, "--fail-on", fail_on, "--format", "junit")
    failing = failing_count(result.stderr)
    failures = ET.fromstring(result.stdout).findall(".//failure")
    assert len(failures) == failing
    assert result.returncode == (1 if failing else 0)
    # the same decision made by hand from the JSON document: open (not waived, not in
    # the baseline) and at or above fail-on
    document = json.loads(run_cli("check", EXAMPLES, "--baseline", baseline, "--format", "json").stdout)
    accepted = set(document["baseline"]["baselined"])
    assert accepted, "the baseline accepts some findings"
    rank = {"info": 1, "warning": 2, "error": 3}
    by_hand = [
        f for j in document["journeys"] for f in j["findings"]
        if not f["waived"] and f["fingerprint"] not in accepted and rank[f["severity"]] >= rank[fail_on]
    ]
    assert sorted(f.get("type") for f in failures) == sorted(f["rule"] for f in by_hand)


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_the_html_index_states_the_gate_check_applies(tmp_path, fail_on):
    check = run_cli("check", EXAMPLES, "--fail-on", fail_on, "--format", "json")
    failing = failing_count(check.stderr)
    report = run_cli("audit", EXAMPLES, "--fail-on", fail_on, "--format", "json", "--html", tmp_path / "html")
    assert report.returncode == check.returncode
    gate = re.sub(r"<[^>]+>", "", re.search(r'<p class="gate">(.*?)</p>', (tmp_path / "html" / "index.html").read_text()).group(1))
    if fail_on == "never":
        assert "CI gate off" in gate and failing == 0
    elif failing:
        assert f"CI gate fails {failing} finding" in gate
    else:
        assert "CI gate passes" in gate


def test_markdown_verdict_follows_the_baseline(tmp_path):
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", EXAMPLES, "-o", baseline).returncode == 0
    without = run_cli("check", EXAMPLES, "--format", "markdown")
    accepted = run_cli("check", EXAMPLES, "--baseline", baseline, "--format", "markdown")
    assert without.returncode == 1 and "### journeyaudit: ❌ failing" in without.stdout
    assert accepted.returncode == 0 and "### journeyaudit: ✅ passing" in accepted.stdout
    assert failing_count(accepted.stderr) == 0
