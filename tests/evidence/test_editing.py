"""The round-trip writer: edits change what they are asked to and nothing else."""

from __future__ import annotations

import difflib
import os

import pytest

from journeyaudit.analysis import analyze
from journeyaudit.common.safe_write import UnsafeOutput, write_file
from journeyaudit.editing import Branch, EditError, JourneyText
from journeyaudit.loading import load_text
from tests.evidence.fixtures import COMPLAINT


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def loads(text: str):
    result = load_text(text, "edited.yaml")
    assert result.ok, result.problems
    analyze(result.journey)  # and it audits
    return result.journey


def test_setting_an_existing_scalar_changes_that_line_only_and_keeps_its_comment():
    document = JourneyText(COMPLAINT)
    document.set_step_value("write", "wait", "3h", comment="measured")
    text = document.text()
    removed, added = changed_lines(COMPLAINT, text)
    assert removed == ["    wait: 1d            # reply time we promise"]
    assert added == ["    # measured", "    wait: 3h            # reply time we promise"]
    assert loads(text).steps["write"].wait_s == 3 * 3600


def test_a_new_key_goes_after_the_named_keys_in_block_and_in_flow_mappings():
    document = JourneyText(COMPLAINT)
    document.set_step_value("triage", "wait", "10m", comment="new", after=("title", "department"))
    document.set_step_value("done", "wait", "5m")
    text = document.text()
    removed, added = changed_lines(COMPLAINT, text)
    assert added == ["    wait: 10m  # new", "  done: {title: 'Refund received', department: care, end: success, wait: 5m}"]
    assert removed == ["  done: {title: 'Refund received', department: care, end: success}"]
    lines = text.splitlines()
    assert lines[lines.index("    department: care", lines.index("  triage:")) + 1] == "    wait: 10m  # new"
    journey = loads(text)
    assert journey.steps["triage"].wait_s == 600 and journey.steps["done"].wait_s == 300


def test_branch_probabilities_in_place_for_every_way_of_writing_next():
    document = JourneyText(COMPLAINT)
    document.set_branch_probabilities("write", [0.75, 0.25], ["a", "b"])  # flow mappings with p
    document.set_branch_probabilities("triage", ["0.4", "0.6"], [None, None])  # a flow list of ids
    document.set_branch_probabilities("billing-check", [0.1, 0.6, 0.3], [None, "rework", None])  # block mappings
    text = document.text()
    assert "      - {to: triage, p: 0.75}   # most complaints; a" not in text  # the author's comment is not merged into
    assert "      - {to: triage, p: 0.75}   # most complaints" in text
    assert '      - {to: give-up, p: 0.25, when: "no reply: the customer gives up"}  # b' in text
    assert "    next: [{to: billing-check, p: 0.4}, {to: refund, p: 0.6}]" in text
    assert "      - to: triage     # sent back: rework" in text
    journey = loads(text)
    assert [(e.target, e.probability) for e in journey.steps["billing-check"].next] == [
        ("refund", 0.1), ("triage", 0.6), ("rejected", 0.3)]
    assert [(e.target, e.probability) for e in journey.steps["triage"].next] == [("billing-check", 0.4), ("refund", 0.6)]


def test_a_single_next_becomes_a_branch_mapping():
    document = JourneyText(COMPLAINT)
    document.set_branch_probabilities("refund", [1.0], ["all of them"])
    text = document.text()
    assert "    next: [{to: done, p: 1}]  # all of them" in text
    assert loads(text).steps["refund"].next[0].target == "done"


def test_replacing_next_and_adding_one_to_an_end_step_keeps_the_rest():
    document = JourneyText(COMPLAINT)
    document.set_next("triage", [Branch("billing-check", 0.7, comment="checked"), Branch("refund", 0.3, when="obvious")])
    text = document.text()
    assert "    next:\n      - {to: billing-check, p: 0.7}  # checked\n      - {to: refund, p: 0.3, when: obvious}\n" in text
    journey = loads(text)
    assert [(e.target, e.probability, e.when) for e in journey.steps["triage"].next] == [
        ("billing-check", 0.7, None), ("refund", 0.3, "obvious")]
    removed, _ = changed_lines(COMPLAINT, text)
    assert removed == ["    next: [billing-check, refund]"]


def test_inserting_a_step_and_a_top_level_key():
    document = JourneyText(COMPLAINT)
    document.insert_step_after("triage", "callback", [("title", "Call the customer back"), ("department", "care"),
                                                      ("channel", "phone"), ("next", "billing-check")], comment="added by a fix")
    document.set_top_value("segment", "existing")
    document.set_top_value("title", '"Complain about an invoice"')
    text = document.text()
    lines = text.splitlines()
    at = lines.index("  callback:")
    assert lines[at - 1] == "  # added by a fix"
    assert lines[at - 2] == "    next: [billing-check, refund]"
    assert 'title: "Complain about an invoice"   # the board\'s wording' in text
    journey = loads(text)
    assert list(journey.steps)[:3] == ["write", "triage", "callback"]
    assert journey.segment == "existing" and journey.title == "Complain about an invoice"


def test_nothing_outside_the_edits_changes_not_even_line_endings():
    crlf = COMPLAINT.replace("\n", "\r\n")
    document = JourneyText(crlf)
    document.set_step_value("billing-check", "wait", "4h", comment="x")
    text = document.text()
    assert "\n" not in text.replace("\r\n", "")
    assert text.replace("    wait: 4h  # x\r\n", "    wait: 2h\r\n") == crlf
    loads(text)


def test_comments_never_land_inside_multi_line_text():
    source = COMPLAINT.replace(
        "    title: Triage the complaint\n",
        "    title: >\n      Triage the\n      complaint\n    duration: 5m\n",
    )
    document = JourneyText(source)
    document.set_step_value("triage", "duration", "7m", comment="measured")
    text = document.text()
    journey = loads(text)
    assert journey.steps["triage"].title.strip() == "Triage the complaint"
    assert journey.steps["triage"].duration_s == 420


def test_unknown_steps_and_overlapping_edits_are_errors():
    document = JourneyText(COMPLAINT)
    with pytest.raises(EditError, match="no step 'nope'"):
        document.set_step_value("nope", "wait", "1m")
    document.set_next("write", [Branch("triage", 1.0)])
    document.set_branch_probabilities("write", [0.5, 0.5], [None, None])
    with pytest.raises(EditError, match="overlap"):
        document.text()


def test_safe_writing(tmp_path):
    source = tmp_path / "journey.yaml"
    source.write_text(COMPLAINT)
    with pytest.raises(UnsafeOutput, match="one of the inputs"):
        write_file(source, "x", inputs=[source], overwrite=True)
    target = tmp_path / "out.yaml"
    write_file(target, "one\n")
    with pytest.raises(UnsafeOutput, match="already exists; use --force"):
        write_file(target, "two\n")
    write_file(target, "two\n", overwrite=True)
    assert target.read_text() == "two\n"
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("keep")
    link = tmp_path / "link.yaml"
    os.symlink(outside, link)
    with pytest.raises(UnsafeOutput, match="symbolic link"):
        write_file(link, "x", overwrite=True)
    assert outside.read_text() == "keep"
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UnsafeOutput, match="is a file, not a folder"):
        write_file(blocker / "out.yaml", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "journey.yaml", "link.yaml", "out.yaml"]  # no temporary left
    outside.unlink()


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["CR (old Mac files)", "CRLF"])
def test_edits_of_a_file_with_other_line_breaks_are_the_lf_edits_with_its_own_breaks(newline):
    # a CR-only file came out of `fix -o` with CR, CRLF and LF mixed: its lines were counted by LF only
    def edited(text: str) -> str:
        document = JourneyText(text)
        document.set_step_value("write", "wait", "3h", comment="measured")
        document.set_step_value("triage", "wait", "20m", comment="new key")
        document.comment_step("billing-check", ["a note above the step"])
        document.append_comment_block(["closing line"])
        return document.text()

    expected = edited(COMPLAINT).replace("\n", newline)
    assert edited(COMPLAINT.replace("\n", newline)) == expected
    loads(expected)
