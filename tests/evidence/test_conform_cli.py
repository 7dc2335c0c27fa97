"""`journeyaudit conform`: maps, bad input, outputs, robustness."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import PROJECT
from tests.evidence.fixtures import COMPLAINT
from tests.evidence.simulate import stamp

HEADER = "case:concept:name,concept:name,time:timestamp"


def csv_log(cases: dict[str, list[str]]) -> str:
    rows = [HEADER]
    for case, activities in cases.items():
        rows += [f"{case},{activity},{stamp(1000 + 60 * i)}" for i, activity in enumerate(activities)]
    return "\n".join(rows) + "\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "complaint.yaml").write_text(COMPLAINT, encoding="utf-8")
    log = {
        "1": ["Write to customer care", "Triage the complaint", "Refund letter", "Refund received"],
        "2": ["write", "Phone call", "triage", "refund", "Internal note", "done"],  # by id; two unmapped
        "3": ["Phone call"],  # no mapped event
    }
    (tmp_path / "log.csv").write_text(csv_log(log), encoding="utf-8")
    return tmp_path


def run(files, *args: str):
    return CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "log.csv"), *args])


def write_map(files, text: str) -> str:
    path = files / "complaint.map.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_without_a_map_activities_match_step_ids_and_titles(files):
    result = run(files, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["cases"] == 2 and report["cases_without_mapped_events"] == 1
    assert report["fitting_cases"] == 2
    assert report["unmapped"] == [{"activity": "Phone call", "events": 2}, {"activity": "Internal note", "events": 1}]
    assert report["map"] is None


def test_the_text_report_prints_the_map_it_used_and_write_map_saves_it(files):
    result = run(files, "--write-map", str(files / "used.map.yaml"))
    assert result.exit_code == 0, result.output
    assert "Map used (save it with --write-map FILE" in result.stdout
    assert "Fitness: 100% (2 of 2 cases fit" in result.stdout
    saved = (files / "used.map.yaml").read_text()
    assert "  Write to customer care: write\n" in saved and "  write: write\n" in saved
    assert '#   Phone call: 2\n' in saved
    again = run(files, "--map", str(files / "used.map.yaml"), "--format", "json")
    assert again.exit_code == 0, again.output
    first = json.loads(run(files, "--format", "json").stdout)
    second = json.loads(again.stdout)
    assert {k: v for k, v in second.items() if k != "map"} == {k: v for k, v in first.items() if k != "map"}


def test_ignored_activities_are_dropped_without_counting_as_unmapped(files):
    path = write_map(files, """\
journeyaudit-map: 1
steps:
  Write to customer care: write
  write: write
  Triage the complaint: triage
  triage: triage
  Refund letter: refund
  refund: refund
  Refund received: done
  done: done
ignore: [Internal note]
""")
    report = json.loads(run(files, "--map", path, "--format", "json").stdout)
    assert report["unmapped"] == [{"activity": "Phone call", "events": 2}]
    assert report["ignored_events"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("journeyaudit-map: 1\nsteps:\n  Triage the complaint: triag\n",
         "complaint.map.yaml:3:25: activity 'Triage the complaint' maps to step 'triag', which journey 'complaint' does not have; did you mean 'triage'?"),
        ("journeyaudit-map: 1\nsteps:\n  Triage the complaints: triage\n",
         "complaint.map.yaml:3:3: no event of the log has the activity 'Triage the complaints'; did you mean 'Triage the complaint'?"),
        ("journeyaudit-map: 1\nsteps: {}\nignore: [Phone cal]\n",
         "complaint.map.yaml:3:10: no event of the log has the activity 'Phone cal'; did you mean 'Phone call'?"),
        ("journeyaudit-map: 1\nsteps:\n  write: write\nignore:\n  - write\n",
         "complaint.map.yaml:5:5: 'write' is both mapped to a step (line 3) and ignored: keep one"),
        ("steps: {}\n", "complaint.map.yaml:1:1: a map starts with `journeyaudit-map: 1`"),
        ("journeyaudit-map: 2\nsteps: {}\n", "complaint.map.yaml:1:19: map format version 2 is not supported"),
        ("journeyaudit-map: 1\nstep: {}\n", "complaint.map.yaml:2:1: unknown key 'step' in the map; did you mean 'steps'?"),
        ("journeyaudit-map: 1\nsteps:\n  a: b\n  a: c\n", "complaint.map.yaml:4:3: duplicate key 'a'"),
        ("journeyaudit-map: 1\nsteps: [\n", "complaint.map.yaml:3:1: YAML syntax error"),
        ("journeyaudit-map: 1\nlog: {lifecycle: maybe}\nsteps: {}\n", "complaint.map.yaml:2:18: log: lifecycle must be true or false"),
    ],
)
def test_a_bad_map_is_located_and_exits_2(files, text, message):
    result = run(files, "--map", write_map(files, text))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_bad_journey_or_log_exits_2_with_the_place(files):
    (files / "broken.yaml").write_text(COMPLAINT.replace("next: [billing-check, refund]", "next: [billing-chek, refund]"))
    result = CliRunner().invoke(main, ["conform", str(files / "broken.yaml"), str(files / "log.csv")])
    assert result.exit_code == 2
    assert "broken.yaml:22:12: next of step 'triage' names unknown step 'billing-chek'; did you mean 'billing-check'?" in result.stderr
    (files / "bad.csv").write_text("case,activity,when\n1,a,2020-01-01\n")
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "bad.csv")])
    assert result.exit_code == 2
    assert "no column 'case:concept:name'" in result.stderr and "did you mean 'case'?" in result.stderr
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "missing.xes")])
    assert result.exit_code == 2 and "missing.xes: no such file" in result.stderr
    (files / "bad.xes").write_text("<log><trace><event></trace></log>")
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "bad.xes")])
    assert result.exit_code == 2 and "bad.xes:1:" in result.stderr


def test_log_keys_come_from_the_map_and_the_command_line_wins(files):
    (files / "renamed.csv").write_text((files / "log.csv").read_text().replace(HEADER, "ticket,what,when"))
    path = write_map(files, "journeyaudit-map: 1\nlog: {case: ticket, activity: what, timestamp: when}\nsteps:\n  write: write\n")
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "renamed.csv"), "--map", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["cases"] == 1
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "renamed.csv"), "--map", path,
                                       "--case-key", "nope"])
    assert result.exit_code == 2 and "no column 'nope'" in result.stderr


XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace><string key="concept:name" value="a"/>
{events}
  </trace>
</log>
"""


def test_start_and_complete_events_of_one_task_are_one_visit(files):
    events = []
    for i, (activity, transition) in enumerate([
        ("write", "start"), ("write", "complete"), ("triage", "start"), ("triage", "complete"),
        ("refund", "complete"), ("done", "start"), ("done", "complete"),
    ]):
        events.append(
            f'    <event><string key="concept:name" value="{activity}"/><string key="lifecycle:transition" value="{transition}"/>'
            f'<date key="time:timestamp" value="{stamp(1000 + 60 * i)}"/></event>'
        )
    (files / "log.xes").write_text(XES.format(events="\n".join(events)))
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "log.xes"), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["visits"] == 4 and report["moves"] == 3 and report["fitness"] == 1.0
    # with --lifecycle the activity names carry the transition: nothing maps by id any more
    result = CliRunner().invoke(main, ["conform", str(files / "complaint.yaml"), str(files / "log.xes"), "--format", "json",
                                       "--lifecycle"])
    report = json.loads(result.stdout)
    assert report["cases"] == 0 and report["cases_without_mapped_events"] == 1 and report["fitness"] is None


def test_outputs_are_written_safely(files):
    out = files / "report.json"
    assert run(files, "--format", "json", "-o", str(out)).exit_code == 0
    result = run(files, "--format", "json", "-o", str(out))
    assert result.exit_code == 2 and "already exists; use --force" in result.stderr
    assert run(files, "--format", "json", "-o", str(out), "--force").exit_code == 0
    result = run(files, "--calibrate", "-o", str(files / "complaint.yaml"), "--force")
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert (files / "complaint.yaml").read_text() == COMPLAINT
    result = run(files, "--calibrate")
    assert result.exit_code == 2 and "--calibrate writes the calibrated journey to -o OUT" in result.stderr


def test_a_hundred_thousand_cases(tmp_path):
    rows = [HEADER]
    for case in range(100_000):
        way = ["write", "triage", "refund", "done"] if case % 4 else ["write", "give-up"]
        rows += [f"{case},{activity},{stamp(1000 + 60 * i)}" for i, activity in enumerate(way)]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "complaint.yaml").write_text(COMPLAINT)
    result = CliRunner().invoke(main, ["conform", str(tmp_path / "complaint.yaml"), str(tmp_path / "big.csv"), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["cases"] == 100_000 and report["fitting_cases"] == 100_000
    edges = {(e["from"], e["to"]): e for e in report["edges"]}
    assert edges[("write", "give-up")]["count"] == 25_000 and edges[("write", "give-up")]["measured_p"] == 0.25
    assert report["measured"]["success_rate"] == 0.75


def test_no_traceback_from_a_subprocess(files):
    environment = dict(os.environ, PYTHONPATH=str(PROJECT))
    completed = subprocess.run(
        [sys.executable, "-m", "journeyaudit", "conform", str(files / "complaint.yaml"), str(files / "log.csv"),
         "--map", write_map(files, "journeyaudit-map: 1\nsteps:\n  write: wrte\n")],
        capture_output=True, text=True, env=environment, check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().endswith("did you mean 'write'? [unknown-step]")
    assert "Traceback" not in completed.stderr


def test_the_html_page_is_self_contained_and_escapes_the_log(files):
    (files / "log.csv").write_text(csv_log({"1": ["write", "<script>alert(1)</script>", "done"]}))
    out = files / "page.html"
    result = run(files, "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Designed vs actual" in page and "Top deviations" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert 'id="measured-edge' in page or "Graphviz" in page
    again = files / "again.html"
    run(files, "--format", "html", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_folder_audits_skip_map_files_but_see_the_journeys(tmp_path):
    (tmp_path / "journeys" / "evidence").mkdir(parents=True)
    (tmp_path / "journeys" / "complaint.yaml").write_text(COMPLAINT)
    (tmp_path / "journeys" / "evidence" / "complaint.map.yaml").write_text("journeyaudit-map: 1\nsteps: {}\n")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "journeys"), "--format", "json", "--exit-zero"])
    assert result.exit_code == 0, result.output
    assert [journey["id"] for journey in json.loads(result.stdout)["journeys"]] == ["complaint"]


def test_the_shipped_journeys_folder_audits_with_its_maps_beside_it():
    result = CliRunner().invoke(main, ["audit", str(PROJECT / "journeys"), "--format", "json", "--exit-zero"])
    assert result.exit_code == 0, result.output
    ids = {journey["id"] for journey in json.loads(result.stdout)["journeys"]}
    assert {"permit-receipt", "it-incident"} <= ids
    assert (PROJECT / "journeys" / "evidence" / "it-incident.map.yaml").is_file()


def test_the_report_and_the_map_through_two_links_to_one_file_are_refused_even_with_force(files):
    (files / "report.txt").write_text("an earlier report\n")
    os.link(files / "report.txt", files / "map.txt")
    result = run(files, "-o", str(files / "report.txt"), "--write-map", str(files / "map.txt"), "--force")
    assert result.exit_code == 2
    assert "-o and --write-map name the same file" in result.output
    assert (files / "report.txt").read_text() == "an earlier report\n"


def test_calibrate_keeps_the_designed_wait_where_the_log_measures_over_a_century(files):
    # placeholder dates (1900-01-01) would give `wait: P45290D...`, which the format refuses (at most 100 years)
    old, new = -2208988800.0, 1704067200.0  # 1900-01-01, 2024-01-01
    rows = [HEADER]
    for case in ("1", "2"):
        rows += [f"{case},Write to customer care,{stamp(old)}", f"{case},Triage the complaint,{stamp(new)}",
                 f"{case},Refund letter,{stamp(new + 60)}", f"{case},Refund received,{stamp(new + 120)}"]
    (files / "log.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = files / "calibrated.yaml"
    result = run(files, "--calibrate", "-o", str(out))
    assert result.exit_code == 0, result.output
    from journeyaudit.loading import load_file

    loaded = load_file(out)
    assert loaded.journey is not None and not loaded.problems, loaded.problems
    assert loaded.journey.steps["triage"].wait_s == 0  # as designed: no wait
    assert loaded.journey.steps["refund"].wait_s == 60  # a plausible wait is still measured
    assert "Measured waits over 100 years (placeholder dates in the log?) left as designed: triage." in out.read_text()
