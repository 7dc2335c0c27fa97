"""`journeyaudit discover`: journeys from logs, loaded back with the project's loader."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from journeyaudit.commands.discover import command as discover_command
from journeyaudit.eventlog.discover import format_duration, round_probabilities
from journeyaudit.loading import load_text

LOGS = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "logs"

# Minutes after 09:00. Hand-counted:
#   starts: A 5 (one start activity: no synthetic start)
#   A -> B 4, A -> C 1                 p 0.8 / 0.2
#   B -> C 3, B ends 1 (case 5)        p 0.75 / 0.25 (synthetic end step)
#   C ends 4                           end: success
#   A: Sales 4, Ops 1 -> sales; B, C: Ops
#   wait B = median(10, 10, 10, 20) = 10m; wait C = median(60, 60, 60, 30) = 60m
SMALL = [
    ("1", "A", 0, "Sales"), ("1", "B", 10, "Ops"), ("1", "C", 70, "Ops"),
    ("2", "A", 0, "Sales"), ("2", "B", 10, "Ops"), ("2", "C", 70, "Ops"),
    ("3", "A", 0, "Sales"), ("3", "B", 10, "Ops"), ("3", "C", 70, "Ops"),
    ("4", "A", 0, "Sales"), ("4", "C", 30, "Ops"),
    ("5", "A", 0, "Ops"), ("5", "B", 20, "Ops"),
]


def csv_log(tmp_path, rows=SMALL, name="small.csv") -> Path:
    lines = ["case:concept:name,concept:name,time:timestamp,org:group"]
    for case, activity, minute, department in rows:
        lines.append(f"{case},{activity},2024-01-01T{9 + minute // 60:02d}:{minute % 60:02d}:00+00:00,{department}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def discover(*args) -> str:
    result = CliRunner().invoke(discover_command, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


def load(text: str):
    result = load_text(text, "discovered.yaml")
    assert result.problems == [], [f"{p.line}:{p.column}: {p.message}" for p in result.problems]
    return result.journey


def branches(journey, step_id):
    return {edge.target: edge.probability for edge in journey.steps[step_id].next}


def test_small_log_gives_the_hand_counted_journey(tmp_path):
    journey = load(discover(csv_log(tmp_path)))
    assert journey.start == "a"
    assert branches(journey, "a") == {"b": pytest.approx(0.8), "c": pytest.approx(0.2)}
    assert branches(journey, "b") == {"c": pytest.approx(0.75), "b-end": pytest.approx(0.25)}
    assert journey.steps["c"].end == "success" and not journey.steps["c"].next
    assert journey.steps["b-end"].end == "success"
    assert journey.steps["b-end"].department == journey.steps["b"].department == "ops"
    assert journey.steps["a"].department == "sales"
    assert journey.departments["sales"].title == "Sales"
    assert journey.steps["b"].wait_s == 600
    assert journey.steps["c"].wait_s == 3600
    assert journey.steps["a"].wait_s == 0


def test_min_share_drops_and_renormalises(tmp_path):
    path = csv_log(tmp_path)
    journey = load(discover(path, "--min-share", "0.21"))
    assert branches(journey, "a") == {"b": 1.0}  # A -> C (1 of 5) dropped
    assert branches(journey, "b") == {"c": pytest.approx(0.75), "b-end": pytest.approx(0.25)}
    journey = load(discover(path, "--min-share", "0.3"))
    assert branches(journey, "b") == {"c": 1.0}  # B ends in 1 of 4 cases: dropped too
    assert "b-end" not in journey.steps


def test_synthetic_start_when_cases_start_at_different_activities(tmp_path):
    rows = SMALL + [("6", "B", 0, "Ops"), ("6", "C", 60, "Ops")]
    text = discover(csv_log(tmp_path, rows))
    journey = load(text)
    assert journey.start == "start"
    # 5 of 6 cases start at A, 1 at B: 0.833 + 0.167 = 1 exactly
    assert "{to: a, p: 0.833}" in text and "{to: b, p: 0.167}" in text
    # synthetic steps are markers: no contact, no channel switch
    for step_id in ("start", "b-end"):
        assert not journey.steps[step_id].is_contact_step
        assert journey.steps[step_id].channel == journey.steps["a"].channel


def test_lifecycle_start_complete_gives_durations(tmp_path):
    path = tmp_path / "life.csv"
    path.write_text(
        "case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource\n"
        "1,A,start,2024-01-01T09:00:00,ann\n"
        "1,A,complete,2024-01-01T09:05:00,ann\n"
        "1,B,start,2024-01-01T10:05:00,bob\n"
        "1,B,complete,2024-01-01T10:15:00,bob\n"
    )
    journey = load(discover(path))
    assert list(journey.steps) == ["a", "b"]
    assert journey.steps["a"].duration_s == 300  # start -> complete
    assert journey.steps["b"].duration_s == 600
    assert journey.steps["b"].wait_s == 3600  # A complete -> B start
    assert journey.steps["a"].department == "ann"  # no org:group: org:resource
    with_lifecycle = load(discover(path, "--lifecycle"))
    assert list(with_lifecycle.steps) == ["a-start", "a-complete", "b-start", "b-complete"]
    assert with_lifecycle.steps["a-start"].title == "A (start)"


def test_output_file_and_header(tmp_path):
    out = tmp_path / "journeys" / "small.yaml"
    result = CliRunner().invoke(discover_command, [str(csv_log(tmp_path)), "-o", str(out), "--title", "Small: a test"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "small.csv" in header[0]
    assert any("5 cases, 13 events" in line for line in header)
    assert any("--min-share 0.05" in line for line in header)
    journey = load(text)
    assert journey.title == "Small: a test"
    assert journey.id == "small"  # from the output file, as the loader would default it


def test_journey_id_is_valid_even_for_a_file_name_starting_with_a_digit(tmp_path):
    out = tmp_path / "08_receipt.yaml"
    result = CliRunner().invoke(discover_command, [str(csv_log(tmp_path, name="08_receipt.csv")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from journeyaudit.loading import load_paths

    results, problems = load_paths([str(out)])
    assert problems == [] and results[0].journey.id == "journey-08_receipt"


def test_rounding_adds_up_to_one_exactly():
    assert round_probabilities([1, 1, 1]) == [334, 333, 333]
    assert round_probabilities([5, 1]) == [833, 167]
    assert sum(round_probabilities([1000, 1, 1])) == 1000
    assert 0 not in round_probabilities([100000, 1])


@pytest.mark.parametrize(
    "seconds, text",
    [(0.4, None), (1, "1s"), (90, "90s"), (1200, "20m"), (150, "2.5m"), (5400, "90m"), (9000, "2.5h"), (172800, "2d"), (1.5 * 86400, "36h")],
)
def test_durations_always_carry_a_unit(seconds, text):
    assert format_duration(seconds) == text


REAL = [
    ("08_receipt.xes.gz", []),
    ("receipt.csv", []),
    ("bpic2012.xes.gz", []),
    ("helpdesk.xes.gz", []),
    ("06_bpic2013_closed.xes.gz", []),
    ("07_bpic2013_incidents.xes.gz", ["--lifecycle"]),
]

SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
DURATION = re.compile(r"^\d+(\.\d+)?[smhd]$")


@pytest.mark.parametrize("name, flags", REAL, ids=[n for n, _ in REAL])
def test_real_logs_give_valid_deterministic_journeys(name, flags):
    path = LOGS / name
    if not path.is_file():
        pytest.fail(f"the shared real log is missing: {path}")
    text = discover(path, *flags)
    assert discover(path, *flags) == text  # deterministic
    journey = load(text)
    document = yaml.safe_load(text)
    assert document["journeyaudit"] == 1
    assert all(SLUG.match(i) for i in document["steps"]) and all(SLUG.match(i) for i in document["departments"])
    for step_id, step in document["steps"].items():
        for key in ("wait", "duration"):
            if key in step:
                assert isinstance(step[key], str) and DURATION.match(step[key]), (step_id, step[key])
    # the written decimals of each step's branches add up to 1 exactly, not just within 1e-6
    sums: dict[str, Decimal] = {}
    current = None
    for line in text.splitlines():
        if match := re.match(r"^  ([a-z][a-z0-9_-]*):", line):
            current = match.group(1)
        elif match := re.match(r"^      - \{to: [a-z0-9_-]+, p: ([0-9.]+)\}", line):
            sums[current] = sums.get(current, Decimal(0)) + Decimal(match.group(1))
    assert sums and all(total == 1 for total in sums.values()), sums
    assert any(step.end == "success" for step in journey.steps.values())
    assert name in text.splitlines()[0]
    assert SLUG.match(journey.id)


def test_discovered_journeys_audit_without_input_problems(tmp_path):
    from journeyaudit.audit import run_audit

    for name in ("08_receipt.xes.gz", "helpdesk.xes.gz"):
        path = LOGS / name
        if not path.is_file():
            pytest.fail(f"the shared real log is missing: {path}")
        out = tmp_path / (name.split(".")[0] + ".yaml")
        result = CliRunner().invoke(discover_command, [str(path), "-o", str(out)])
        assert result.exit_code == 0, result.output
    audit = run_audit([str(tmp_path)])
    assert audit.problems == []
    assert len(audit.journeys) == 2
    # the synthetic steps add no channel switch of their own
    assert not [f for f in audit.all_findings() if f.rule == "channel-switch"]
    # a log records no channel, so none is written and no wait is judged against one
    assert "channel:" not in out.read_text(encoding="utf-8").split("steps:", 1)[1]
    for finding in audit.all_findings():
        assert finding.rule != "long-wait" or " on " not in finding.message, finding.message


def test_a_channel_given_on_the_command_line_is_written_on_every_step(tmp_path):
    out = tmp_path / "small.yaml"
    result = CliRunner().invoke(discover_command, [str(csv_log(tmp_path)), "-o", str(out), "--channel", "Phone"])
    assert result.exit_code == 0, result.output
    journey = load(out.read_text(encoding="utf-8"))
    assert {step.channel for step in journey.steps.values()} == {"phone"}
    assert all(step.channel_given for step in journey.steps.values())


def test_missing_departments_and_accents(tmp_path):
    path = tmp_path / "accents.csv"
    # Åtgärd never has a department (EMPTY, blank): its step is owned by `unknown`
    path.write_text(
        "case:concept:name,concept:name,time:timestamp,org:group\n"
        "1,Ansökan,2024-01-01T09:00:00,Kundtjänst\n"
        "1,Åtgärd,2024-01-01T10:00:00,EMPTY\n"
        "2,Ansökan,2024-01-01T09:00:00,Kundtjänst\n"
        "2,Åtgärd,2024-01-01T09:30:00,\n",
        encoding="utf-8",
    )
    text = discover(path)
    journey = load(text)
    assert list(journey.steps) == ["ansokan", "atgard"]
    assert journey.steps["atgard"].department == "unknown"
    assert journey.departments["kundtjanst"].title == "Kundtjänst"
    assert journey.steps["atgard"].wait_s == 45 * 60  # median of 60m and 30m
    assert "2 events without a department" in text


def test_a_median_wait_past_a_century_is_left_out_so_the_journey_validates(tmp_path):
    # placeholder dates (1900-01-01) gave `wait: 45290d`, which the format refuses (at most 100 years)
    log = tmp_path / "old.csv"
    log.write_text("case:concept:name,concept:name,time:timestamp,org:group\n"
                   "c1,open,1900-01-01T00:00:00,A\nc1,close,2024-01-01T00:00:00,B\n"
                   "c2,open,2024-01-01T00:00:00,A\nc2,close,2024-01-02T00:00:00,B\n"
                   "c3,open,1900-01-01T00:00:00,A\nc3,close,2024-01-01T00:00:00,B\n")
    output = tmp_path / "old.yaml"
    assert CliRunner().invoke(discover_command, [str(log), "-o", str(output)]).exit_code == 0
    text = output.read_text(encoding="utf-8")
    assert "median wait over 100 years left out" in text
    loaded = load_text(text, "old.yaml")
    assert loaded.journey is not None and not loaded.problems, loaded.problems
    assert format_duration(100 * 365 * 86400.0 + 1) is None and format_duration(86400.0 * 3) == "3d"
