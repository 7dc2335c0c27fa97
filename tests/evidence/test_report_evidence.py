"""The HTML report's "Designed vs actual" section: evidence from the configuration or `report --log`."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES
from tests.evidence.fixtures import COMPLAINT, load
from tests.evidence.simulate import to_csv, walk


def setup(tmp_path, evidence: str) -> None:
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "complaint.yaml").write_text(COMPLAINT)
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path / "journeys")
    journey = load()
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "complaint.csv").write_text(to_csv(journey, walk(journey, 300, seed=5)))
    (tmp_path / "journeyaudit.toml").write_text(evidence)


def test_a_journey_named_in_the_configuration_gets_the_section(tmp_path, monkeypatch):
    setup(tmp_path, '[evidence]\ncomplaint = { log = "logs/complaint.csv" }\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", "journeys", "-o", "out"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "complaint.html").read_text()
    assert '<section id="evidence">' in page and "Designed vs actual" in page
    assert "300 of 300 cases walk the design from start to end" in page
    assert '<section id="evidence">' not in (tmp_path / "out" / "loan-payoff.html").read_text()
    audited = CliRunner().invoke(main, ["audit", "journeys", "--html", "html", "--exit-zero"])
    assert audited.exit_code == 0, audited.output
    assert (tmp_path / "html" / "complaint.html").read_text() == page


def test_report_log_names_the_evidence_of_one_journey(tmp_path, monkeypatch):
    setup(tmp_path, "")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", "journeys/complaint.yaml", "--log", "logs/complaint.csv", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "Designed vs actual" in (tmp_path / "out" / "complaint.html").read_text()
    result = CliRunner().invoke(main, ["report", "journeys", "--log", "logs/complaint.csv", "-o", "out2"])
    assert result.exit_code == 2 and "--log gives the evidence of one journey; 2 were audited" in result.stderr


def test_bad_evidence_stops_the_report_with_the_place(tmp_path, monkeypatch):
    setup(tmp_path, '[evidence]\ncomplaint = { log = "logs/complaint.csv", map = "complaint.map.yaml" }\n')
    (tmp_path / "complaint.map.yaml").write_text("journeyaudit-map: 1\nsteps:\n  Triage the complaint: triag\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", "journeys", "-o", "out"])
    assert result.exit_code == 2
    assert "complaint.map.yaml:3:25: activity 'Triage the complaint' maps to step 'triag'" in result.stderr
    (tmp_path / "journeyaudit.toml").write_text('[evidence]\ncomplaint = { log = "logs/complaint.csv", mop = "x" }\n')
    result = CliRunner().invoke(main, ["report", "journeys", "-o", "out"])
    assert result.exit_code == 2 and "unknown key 'mop' in the evidence of 'complaint'; did you mean 'map'?" in result.output
