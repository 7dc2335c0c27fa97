"""The one journey writer, as `import bpmn` and `discover` use it: exact layout, safe text, loads back."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyaudit.commands.discover import command as discover_command
from journeyaudit.commands.import_ import command as import_group
from journeyaudit.eventlog.discover import YAML_LAYOUT as DISCOVER_LAYOUT
from journeyaudit.importers.bpmn import YAML_LAYOUT as BPMN_LAYOUT
from journeyaudit.importers.journey_writer import write_journey
from journeyaudit.loading import load_text

# Any control character (C0 but tab and line feed, DEL, C1) or line separator left raw in a written file.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
JOURNEY = {
    "journeyaudit": 1,
    "title": "Claims: first notice",
    "departments": {"desk": {"title": "Front desk"}, "no": {"title": "No"}},
    "steps": {
        "report": {"title": "Report the loss", "department": "desk", "next": [{"to": "no", "p": 0.25}, {"to": "done", "p": 0.75}]},
        "no": {"title": "2nd check", "department": "no", "wait": "2.5h", "next": "done"},
        "done": {"title": "Done: filed", "department": "desk", "end": "success"},
    },
}
NOTES = {
    ("departments", "no"): "department guessed",
    ("steps", "report"): "12 events",
    ("steps", "report", "next"): "equal chances",
    ("steps", "report", "next", 1): "9 of 12",
    ("steps", "no", "wait"): "wait\nfrom the timer",
}


def test_import_layout_quotes_only_where_yaml_would_misread():
    assert write_journey(JOURNEY, NOTES, ["Imported.", ""], BPMN_LAYOUT) == (
        "# Imported.\n"
        "#\n"
        "journeyaudit: 1\n"
        "title: 'Claims: first notice'\n"
        "departments:\n"
        "  desk: {title: Front desk}\n"
        "  'no': {title: 'No'}  # department guessed\n"
        "steps:\n"
        "  report:  # 12 events\n"
        "    title: Report the loss\n"
        "    department: desk\n"
        "    next:  # equal chances\n"
        "      - to: 'no'\n"
        "        p: 0.25\n"
        "      - to: done  # 9 of 12\n"
        "        p: 0.75\n"
        "  'no':\n"
        "    title: 2nd check\n"
        "    department: 'no'\n"
        "    wait: 2.5h  # wait from the timer\n"
        "    next: done\n"
        "  done:\n"
        "    title: 'Done: filed'\n"
        "    department: desk\n"
        "    end: success\n"
    )


def test_discover_layout_double_quotes_all_but_simple_words_and_puts_each_branch_on_its_line():
    assert write_journey(JOURNEY, NOTES, ["Discovered."], DISCOVER_LAYOUT) == (
        "# Discovered.\n"
        "journeyaudit: 1\n"
        'title: "Claims: first notice"\n'
        "departments:\n"
        "  desk:\n"
        "    title: Front desk\n"
        '  "no":  # department guessed\n'
        '    title: "No"\n'
        "steps:\n"
        "  report:  # 12 events\n"
        "    title: Report the loss\n"
        "    department: desk\n"
        "    next:  # equal chances\n"
        '      - {to: "no", p: 0.25}\n'
        "      - {to: done, p: 0.75}  # 9 of 12\n"
        '  "no":\n'
        '    title: "2nd check"\n'
        '    department: "no"\n'
        "    wait: 2.5h  # wait from the timer\n"
        "    next: done\n"
        "  done:\n"
        '    title: "Done: filed"\n'
        "    department: desk\n"
        "    end: success\n"
    )


@pytest.mark.parametrize("layout", [BPMN_LAYOUT, DISCOVER_LAYOUT], ids=["import-bpmn", "discover"])
@settings(max_examples=300, deadline=None)
@given(
    title=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
    when=st.sampled_from(
        ["yes", "No", "on", "null", "1e3", "- a", "a: b", "x # y", "'q'", '"d"', "[l]", "{m}", "~", "a, b", "90s"]
    ),
    note=st.text(max_size=30),
)
def test_the_writer_keeps_any_text_intact(layout, title: str, when: str, note: str):
    journey = {
        "journeyaudit": 1,
        "title": title,
        "departments": {"d": {"title": title}},
        "steps": {
            "a": {"title": title, "department": "d", "next": [{"to": "b", "when": when}, {"to": "b", "p": 0.5}]},
            "b": {"title": when, "department": "d", "asks": [when, title], "end": "success"},
        },
    }
    notes = {("steps", "a", "title"): note, ("departments", "d"): note, ("steps", "a", "next", 0): note}
    text = write_journey(journey, notes, [note], layout)
    assert yaml.safe_load(text) == journey
    assert yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) == journey  # what the loader uses


# Hostile names: an ANSI colour, a one-character CSI (C1), a line separator, a next-line (C1).
HOSTILE = ["Open \x1b[31mred", "Check\x9b2J", "Line\u2028sep", "Next\x85line"]


def test_discover_writes_control_characters_escaped_and_the_file_loads(tmp_path: Path):
    path = tmp_path / "evil\x1blog.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case:concept:name", "concept:name", "time:timestamp", "org:group"])
        for case in range(4):
            for hour, activity in enumerate([HOSTILE[0], HOSTILE[1 + case % 3], "Done"]):
                writer.writerow([f"c{case}", activity, f"2024-01-0{case + 1}T1{hour}:00:00+00:00", "Back\u2028office"])
    result = CliRunner().invoke(discover_command, [str(path)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not RAW_CONTROL.search(text), text
    for escaped in (r'"Open \x1b[31mred"', r'"Check\x9b2J"', r'"Line\u2028sep"', r'"Next\x85line"', r'"Back\u2028office"'):
        assert escaped in text
    assert "# Discovered by journeyaudit discover from evil\\x1blog.csv (CSV)\n" in text  # the log's name escaped
    loaded = load_text(text, "evil.yaml")
    assert loaded.problems == [], [p.message for p in loaded.problems]
    assert set(HOSTILE) <= {step.title for step in loaded.journey.steps.values()}


def test_import_bpmn_escapes_control_characters_as_discover_does(tmp_path: Path):
    # XML 1.0 allows C1 controls and line separators, not C0 ones.
    path = tmp_path / "evil.bpmn"
    path.write_text(
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="P">'
        '<laneSet><lane id="l" name="Back&#x2028;office"><flowNodeRef>a</flowNodeRef><flowNodeRef>b</flowNodeRef>'
        '</lane></laneSet><task id="a" name="Check&#x9b;2J"/><task id="b" name="Next&#x85;line"/>'
        '<sequenceFlow id="f" sourceRef="a" targetRef="b"/></process></definitions>',
        encoding="utf-8",
    )
    result = CliRunner().invoke(import_group, ["bpmn", str(path)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not RAW_CONTROL.search(text), text
    # The model's names lose their line breaks (whitespace is collapsed); C1 controls stay, escaped.
    assert r'title: "Check\x9b2J"' in text
    loaded = load_text(text, "evil.yaml")
    assert loaded.problems == [], [p.message for p in loaded.problems]
    assert "Check\x9b2J" in {step.title for step in loaded.journey.steps.values()}
