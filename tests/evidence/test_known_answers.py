"""Known answers: a log walked from the journey's own chain, replayed on the journey.

The walk is the ground truth (which steps each case visited, how often each
branch was taken); the log is written from it; `conform` must give back
exactly the walk's counts, and exactly the moves injected by swapping events.
"""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.loading import load_text
from tests.evidence.fixtures import COMPLAINT, load
from tests.evidence.simulate import stamp, to_csv, walk

N_CASES = 2000


@pytest.fixture(scope="module")
def journey():
    return load()


@pytest.fixture(scope="module")
def walked(journey):
    return walk(journey, N_CASES, seed=13)


def conform(tmp_path, log_text: str, *extra: str, journey_text: str = COMPLAINT) -> dict:
    (tmp_path / "complaint.yaml").write_text(journey_text, encoding="utf-8")
    (tmp_path / "log.csv").write_text(log_text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["conform", str(tmp_path / "complaint.yaml"), str(tmp_path / "log.csv"), "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("lifecycle", [False, True], ids=["complete-only", "start-and-complete"])
def test_a_log_walked_from_the_journey_fits_it_with_the_walks_counts(tmp_path, journey, walked, lifecycle):
    report = conform(tmp_path, to_csv(journey, walked, lifecycle=lifecycle))
    assert report["cases"] == N_CASES
    assert report["cases_without_mapped_events"] == 0
    assert report["fitting_cases"] == N_CASES and report["fitness"] == 1.0
    assert report["moves"] == sum(walked.moves.values()) == report["allowed_moves"]
    assert report["move_fitness"] == 1.0
    assert report["unexpected"] == [] and report["unmapped"] == []
    for edge in report["edges"]:
        pair = (edge["from"], edge["to"])
        assert edge["count"] == walked.moves[pair], pair
        leaving = walked.leaving[edge["from"]]
        assert edge["measured_p"] == (round(walked.moves[pair] / leaving, 6) if leaving else None), pair
    assert report["first_steps"] == [{"step": "write", "cases": N_CASES}]
    ends: dict[str, int] = {}
    for way in walked.ways:
        ends[way[-1]] = ends.get(way[-1], 0) + 1
    assert {entry["step"]: entry["cases"] for entry in report["last_steps"]} == ends
    assert report["measured"]["success_rate"] == round(ends.get("done", 0) / N_CASES, 6)
    # every branch of the design was walked: the shares are the walk's, not the design's
    assert all(edge["count"] > 0 for edge in report["edges"])


def test_handoffs_per_case_skip_the_automated_letter(tmp_path, journey, walked):
    """billing-check → refund (letter robot, automated) → done (care) is one hand-off, billing → care."""
    department = {step_id: step.department for step_id, step in journey.steps.items() if step_id != "refund"}
    expected = 0
    for way in walked.ways:
        handling = [department[step] for step in way if step in department]
        expected += sum(1 for a, b in itertools.pairwise(handling) if a != b)
    report = conform(tmp_path, to_csv(journey, walked))
    assert report["measured"]["handoffs"] == expected
    assert report["measured"]["handoffs_per_case"] == round(expected / N_CASES, 6)


def test_durations_are_first_to_last_event(tmp_path, journey, walked):
    report = conform(tmp_path, to_csv(journey, walked))
    durations = sorted(sum(waits) for waits in walked.waits)
    measured = report["measured"]["duration_s"]
    assert measured["mean"] == pytest.approx(sum(durations) / len(durations), abs=1e-3)
    assert measured["median"] == pytest.approx((durations[999] + durations[1000]) / 2, abs=1e-3)
    position = 0.9 * (len(durations) - 1)  # linear interpolation between closest ranks
    low = int(position)
    assert measured["p90"] == pytest.approx(durations[low] + (durations[low + 1] - durations[low]) * (position - low), abs=1e-3)


def _swap(log_text: str, swaps: dict[str, tuple[int, int]]) -> str:
    """Swap the activities of two events of the named cases (timestamps stay: the order changes)."""
    header, *rows = log_text.splitlines()
    by_case: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_case.setdefault(row.split(",")[0], []).append(index)
    cells = [row.split(",") for row in rows]
    for case, (a, b) in swaps.items():
        first, second = by_case[case][a], by_case[case][b]
        cells[first][1], cells[second][1] = cells[second][1], cells[first][1]
    return "\n".join([header] + [",".join(row) for row in cells]) + "\n"


def test_swapped_events_give_exactly_the_injected_unexpected_moves(tmp_path, journey, walked):
    allowed = {(edge.source, edge.target) for edge in journey.edges()}
    # cases walked write → triage → billing-check → X: swapping triage and billing-check
    # gives write → billing-check → triage → X (X not triage: two triage visits in a row would be one)
    chosen = [f"c{i}" for i, way in enumerate(walked.ways) if way[:3] == ["write", "triage", "billing-check"] and len(way) > 3 and way[3] != "triage"]
    chosen = chosen[:37]
    assert len(chosen) == 37
    expected: dict[tuple[str, str], int] = {}
    for case in chosen:
        way = walked.ways[int(case[1:])]
        swapped = [way[0], way[2], way[1], *way[3:]]
        for move in itertools.pairwise(swapped):
            if move not in allowed:
                expected[move] = expected.get(move, 0) + 1
    assert ("write", "billing-check") in expected  # the injected deviation
    report = conform(tmp_path, _swap(to_csv(journey, walked), dict.fromkeys(chosen, (1, 2))))
    got = {(move["from"], move["to"]): move["count"] for move in report["unexpected"]}
    assert got == expected
    assert report["fitting_cases"] == N_CASES - 37
    ranked = [(-m["count"], m["from"], m["to"]) for m in report["unexpected"]]
    assert ranked == sorted(ranked)


def test_calibrating_gives_back_the_measured_shares_and_the_result_audits(tmp_path, journey, walked):
    log_text = to_csv(journey, walked, lifecycle=True)
    report = conform(tmp_path, log_text, "--calibrate", "-o", str(tmp_path / "calibrated.yaml"))
    text = (tmp_path / "calibrated.yaml").read_text(encoding="utf-8")
    calibrated = load_text(text, "calibrated.yaml")
    assert calibrated.ok, calibrated.problems
    measured = {(edge["from"], edge["to"]): edge for edge in report["edges"]}
    for step in calibrated.journey.steps.values():
        for edge in step.next:
            if len(step.next) > 1:
                share = walked.moves[(edge.source, edge.target)] / walked.leaving[edge.source]
                assert edge.probability == pytest.approx(share, abs=0.001), (edge.source, edge.target)
                assert abs(edge.probability - measured[(edge.source, edge.target)]["measured_p"]) <= 0.001
    # waits: the median of the walk's waits before each step's visits
    import statistics

    samples: dict[str, list[float]] = {}
    for way, waits in zip(walked.ways, walked.waits):
        for step_id, wait in list(zip(way, waits))[1:]:
            samples.setdefault(step_id, []).append(wait)
    for step_id, values in samples.items():
        assert calibrated.journey.steps[step_id].wait_s == pytest.approx(statistics.median(values), abs=0.5), step_id
    # every wait written is in the format's own forms: one number with its unit, or ISO 8601
    import re

    written = re.findall(r"^\s*wait: ([^#\n]*?)\s*(?:#|$)", text, re.MULTILINE)
    assert written
    for value in written:
        assert re.fullmatch(r"\d+(\.\d+)?[smhdw]|P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?", value), value
    # the author's comments, quotes and order survive
    for line in COMPLAINT.splitlines():
        if "#" in line:
            assert line.split("#", 1)[1].strip() in text, line
    assert 'title: "Complain about a bill"   # the board\'s wording' in text
    assert "billing: {title: 'Billing'}" in text
    assert list(calibrated.journey.steps) == list(journey.steps)
    # the calibrated journey audits, and its chain is the log's
    audited = CliRunner().invoke(main, ["audit", str(tmp_path / "calibrated.yaml"), "--format", "json", "--exit-zero"])
    assert audited.exit_code == 0, audited.output
    again = conform(tmp_path, log_text, journey_text=text)
    assert again["fitness"] == 1.0
    for edge in again["edges"]:
        if edge["count"]:
            assert abs(edge["designed_p"] - edge["measured_p"]) <= 0.001, edge


def test_equal_timestamps_keep_log_order_and_missing_ones_follow_the_previous_event(tmp_path):
    rows = [
        "case:concept:name,concept:name,time:timestamp",
        f"1,Write to customer care,{stamp(1000)}",
        f"1,Triage the complaint,{stamp(2000)}",
        f"1,Refund letter,{stamp(2000)}",  # same second as triage: log order holds
        "1,Refund received,",  # no timestamp: right after the event before it
    ]
    report = conform(tmp_path, "\n".join(rows) + "\n")
    assert report["fitting_cases"] == 1
    assert [(m["from"], m["to"]) for m in report["unexpected"]] == []
    assert report["measured"]["duration_s"] == {"mean": 1000.0, "median": 1000.0, "p90": 1000.0}
