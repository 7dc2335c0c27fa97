"""The shipped designed journeys against their real logs, checked against a replay written
here from the contract alone (raw XML, ElementTree; no journeyaudit reader)."""

from __future__ import annotations

import gzip
import itertools
import json
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime

import pytest
import yaml
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.loading import load_file
from tests.conftest import JOURNEYS, REALDATA

LOGS = REALDATA / "logs"
CASES = [
    ("permit-receipt", "08_receipt.xes.gz", 1434),
    ("it-incident", "07_bpic2013_incidents.xes.gz", 7554),
]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def reference_replay(log_path, journey, map_data) -> dict:
    """shared/spec/evidence.md "Replay", literally: sort by timestamp (stable), map, drop, merge, count."""
    lifecycle = map_data.get("log", {}).get("lifecycle", False)
    steps, ignore = map_data["steps"], set(map_data.get("ignore") or [])
    allowed = {s.id: {e.target for e in s.next} for s in journey.steps.values()}
    ends = {s.id for s in journey.steps.values() if s.end}
    out = {"cases": 0, "fitting": 0, "moves": 0, "allowed": 0, "unexpected": Counter(), "count": Counter(),
           "leaving": Counter(), "first": Counter(), "last": Counter(), "unmapped": Counter(), "empty": 0}
    with gzip.open(log_path) as handle:
        for _, element in ET.iterparse(handle):
            if _local(element.tag) != "trace":
                continue
            events = []
            for position, event in enumerate(e for e in element if _local(e.tag) == "event"):
                attributes = {a.get("key"): a.get("value") for a in event}
                name = attributes.get("concept:name")
                if lifecycle and attributes.get("lifecycle:transition"):
                    name = f"{name} ({attributes['lifecycle:transition']})"
                moment = datetime.fromisoformat(attributes["time:timestamp"]).timestamp()
                events.append((moment, position, name))
            element.clear()
            events.sort()
            visits: list[str] = []
            for _, _, name in events:
                if name in steps:
                    if not visits or visits[-1] != steps[name]:
                        visits.append(steps[name])
                elif name not in ignore:
                    out["unmapped"][name] += 1
            if not visits:
                out["empty"] += 1
                continue
            out["cases"] += 1
            out["first"][visits[0]] += 1
            out["last"][visits[-1]] += 1
            fits = visits[0] == journey.start and visits[-1] in ends
            for a, b in itertools.pairwise(visits):
                out["moves"] += 1
                out["count"][(a, b)] += 1
                out["leaving"][a] += 1
                if b in allowed[a]:
                    out["allowed"] += 1
                else:
                    fits = False
                    out["unexpected"][(a, b)] += 1
            out["fitting"] += fits
    return out


@pytest.mark.parametrize(("journey_id", "log_name", "cases"), CASES)
def test_the_shipped_journeys_replay_like_the_reference(journey_id, log_name, cases):
    log = LOGS / log_name
    if not log.is_file():
        pytest.skip(f"{log} is missing")
    journey_file = JOURNEYS / f"{journey_id}.yaml"
    map_file = JOURNEYS / "evidence" / f"{journey_id}.map.yaml"
    result = CliRunner().invoke(main, ["conform", str(journey_file), str(log), "--map", str(map_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    journey = load_file(journey_file).journey
    expected = reference_replay(log, journey, yaml.safe_load(map_file.read_text(encoding="utf-8")))
    assert report["cases"] == expected["cases"] == cases
    assert report["cases_without_mapped_events"] == expected["empty"]
    assert report["fitting_cases"] == expected["fitting"]
    assert report["moves"] == expected["moves"] and report["allowed_moves"] == expected["allowed"]
    assert {(m["from"], m["to"]): m["count"] for m in report["unexpected"]} == dict(expected["unexpected"])
    for edge in report["edges"]:
        pair = (edge["from"], edge["to"])
        assert edge["count"] == expected["count"][pair], pair
        leaving = expected["leaving"][edge["from"]]
        assert edge["measured_p"] == (pytest.approx(expected["count"][pair] / leaving, abs=5e-7) if leaving else None)
    assert {e["step"]: e["cases"] for e in report["first_steps"]} == dict(expected["first"])
    assert {e["step"]: e["cases"] for e in report["last_steps"]} == dict(expected["last"])
    assert {e["activity"]: e["events"] for e in report["unmapped"]} == dict(expected["unmapped"])
    assert 0 < report["fitness"] < 1  # a workshop design never fits a real log entirely


def test_the_incident_log_has_the_deviation_the_design_misses():
    """The workshop drew queue → assigned → work; the log mostly goes from the queue straight to work."""
    log = LOGS / "07_bpic2013_incidents.xes.gz"
    if not log.is_file():
        pytest.skip(f"{log} is missing")
    result = CliRunner().invoke(main, ["conform", str(JOURNEYS / "it-incident.yaml"), str(log),
                                       "--map", str(JOURNEYS / "evidence" / "it-incident.map.yaml")])
    assert result.exit_code == 0, result.output
    assert "59% of cases (4,485) go from queued to work — 10,700 moves" in result.stdout
