"""Hover, completion, definition, references, rename and code actions, asked as an editor asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.analysis import analyze
from journeyaudit.loading import load_file
from tests.lsp.client import LspClient, LspError, uri_of
from tests.lsp.conftest import span_of

WAIVED = """\
journeyaudit: 1
title: Book a repair
departments:
  desk: {title: Repair desk}
  workshop: {title: Workshop}
data:
  serial: {title: Serial number}
  phone: {title: Phone number}
steps:
  call:
    title: Call the repair line
    department: desk
    channel: phone
    wait: 12m
    asks: [serial, phone]
    waive:
      - rule: long-wait
        reason: The queue is staffed as the contract says
    next: [{to: workshop, p: 0.8}, {to: call, p: 0.2}]
  workshop:
    title: The workshop repairs the device
    department: workshop
    channel: branch
    asks: [serial]
    next: done
  done:
    title: Device returned
    department: workshop
    channel: branch
    end: success
"""


@pytest.fixture
def repair(server: LspClient, tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "repair.yaml"
    path.write_text(WAIVED, encoding="utf-8")
    uri = server.open(path)
    server.diagnostics(uri, version=1)
    return uri, path


def _position(text: str, line_marker: str, word: str | None = None, nth: int = 0, after: str | None = None) -> tuple[int, int]:
    start = span_of(text, line_marker, word, nth, after)["start"]
    return start["line"], start["character"] + 1


def test_hover_on_a_step_shows_its_title_department_channel_and_figures(server: LspClient, repair):
    uri, path = repair
    hover = server.at("textDocument/hover", uri, *_position(WAIVED, "{to: call", "call"))
    text = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert "**Step `call`**: Call the repair line" in text
    assert "Repair desk (`desk`) · phone · staff · task" in text
    visits = analyze(load_file(path).journey).visits["call"]  # 1 / (1 - 0.2) = 1.25
    assert visits == pytest.approx(1.25)
    assert "Expected visits 1.25" in text
    assert "wait 12m (expected here: 15m)" in text  # 1.25 visits of a 12-minute wait
    assert hover["range"] == span_of(WAIVED, "{to: call", "call", after="{to: workshop")


def test_hover_on_a_rule_in_a_waiver_and_on_a_data_item(server: LspClient, repair):
    uri, _ = repair
    rule = server.at("textDocument/hover", uri, *_position(WAIVED, "rule: long-wait", "long-wait"))["contents"]["value"]
    assert "**Rule `long-wait`** (warning, hostile)" in rule
    assert "A `wait` longer than the limit for its channel." in rule
    assert "rules.md#long-wait" in rule
    data = server.at("textDocument/hover", uri, *_position(WAIVED, "asks: [serial]", "serial"))["contents"]["value"]
    assert "**Data `serial`**: Serial number" in data
    assert "First asked at `call`: Call the repair line" in data
    assert "Already held here on every way (first at `call`)." in data
    department = server.at("textDocument/hover", uri, *_position(WAIVED, "department: workshop", "workshop"))
    assert "owns 2 steps: `workshop`, `done`" in department["contents"]["value"]
    assert server.at("textDocument/hover", uri, *_position(WAIVED, "title: Book", "Book")) is None
    assert server.at("textDocument/hover", uri, 500, 3) is None  # past the end: nothing, no error


def _labels(result) -> list[str]:
    items = result["items"] if isinstance(result, dict) else result
    return [item["label"] for item in items]


def test_completion_offers_the_ids_that_go_where_the_cursor_is(server: LspClient, repair):
    uri, _ = repair
    lines = WAIVED.splitlines()
    at_next = lines.index("    next: done")
    result = server.at("textDocument/completion", uri, at_next, len("    next: do"))
    assert _labels(result) == ["call", "workshop", "done"]
    done = result["items"][2]
    assert done["detail"] == "Device returned"
    assert done["textEdit"]["range"] == span_of(WAIVED, "    next: done", "done")
    assert _labels(server.at("textDocument/completion", uri, lines.index("    department: desk"), len("    department: "))) == [
        "desk",
        "workshop",
    ]
    assert _labels(server.at("textDocument/completion", uri, lines.index("    asks: [serial]"), len("    asks: ["))) == [
        "serial",
        "phone",
    ]
    rules = _labels(server.at("textDocument/completion", uri, lines.index("      - rule: long-wait"), len("      - rule: lo")))
    assert "long-wait" in rules and "repeated-ask" in rules
    branch = lines.index("    next: [{to: workshop, p: 0.8}, {to: call, p: 0.2}]")
    assert "workshop" in _labels(server.at("textDocument/completion", uri, branch, len("    next: [{to: wo")))
    assert _labels(server.at("textDocument/completion", uri, branch, len("    next: [{to: workshop, p: 0"))) == []
    assert _labels(server.at("textDocument/completion", uri, 1, len("title: Bo"))) == []


def test_completion_works_in_a_buffer_that_is_not_valid_yaml(server: LspClient, repair):
    uri, _ = repair
    lines = WAIVED.splitlines()
    at = lines.index("    next: done")
    lines[at] = "    next: [call, "
    server.change(uri, 2, "\n".join(lines) + "\n")
    assert _labels(server.at("textDocument/completion", uri, at, len(lines[at]))) == ["call", "workshop", "done"]
    lines.insert(1, "start: ")
    server.change(uri, 3, "\n".join(lines) + "\n")
    assert _labels(server.at("textDocument/completion", uri, 1, len("start: "))) == ["call", "workshop", "done"]


def test_completion_of_journey_ids_from_the_folder(server: LspClient, examples_copy: Path):
    path = examples_copy / "loan-payoff.yaml"
    text = path.read_text(encoding="utf-8")
    uri = server.open(path)
    server.diagnostics(uri)
    line = text.splitlines().index("counterpart: loan-application")
    result = server.at("textDocument/completion", uri, line, len("counterpart: loan"))
    assert _labels(result) == ["loan-application"]
    assert result["items"][0]["detail"] == "Apply for a personal loan online"


def test_definition_and_references_of_step_department_and_data_ids(server: LspClient, repair):
    uri, _ = repair
    definition = server.at("textDocument/definition", uri, *_position(WAIVED, "next: done", "done"))
    assert definition == {"uri": uri, "range": span_of(WAIVED, "  done:", "done")}
    definition = server.at("textDocument/definition", uri, *_position(WAIVED, "department: workshop", "workshop"))
    assert definition["range"] == span_of(WAIVED, "  workshop: {title: Workshop}", "workshop")
    definition = server.at("textDocument/definition", uri, *_position(WAIVED, "asks: [serial]", "serial"))
    assert definition["range"] == span_of(WAIVED, "  serial: {title", "serial")

    references = server.at(
        "textDocument/references", uri, *_position(WAIVED, "  serial: {title", "serial"), context={"includeDeclaration": True}
    )
    assert [r["range"] for r in references] == [
        span_of(WAIVED, "  serial: {title", "serial"),
        span_of(WAIVED, "asks: [serial, phone]", "serial"),
        span_of(WAIVED, "asks: [serial]", "serial"),
    ]
    without = server.at(
        "textDocument/references", uri, *_position(WAIVED, "  call:", "call"), context={"includeDeclaration": False}
    )
    assert [r["range"] for r in without] == [span_of(WAIVED, "{to: call", "call", after="{to: workshop")]


def test_definition_of_a_counterpart_opens_the_other_journey(server: LspClient, examples_copy: Path):
    path = examples_copy / "loan-payoff.yaml"
    text = path.read_text(encoding="utf-8")
    uri = server.open(path)
    server.diagnostics(uri)
    definition = server.at("textDocument/definition", uri, *_position(text, "counterpart: loan-application", "loan-application"))
    assert definition["uri"] == uri_of(examples_copy / "loan-application.yaml")
    assert definition["range"]["start"] == {"line": 1, "character": 0}  # the journey starts after its comment


def _apply(text: str, edits: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        start, end = edit["range"]["start"], edit["range"]["end"]
        assert start["line"] == end["line"]
        line = lines[start["line"]]
        lines[start["line"]] = line[: start["character"]] + edit["newText"] + line[end["character"] :]
    return "".join(lines)


def test_rename_rewrites_every_occurrence_and_the_journey_audits_the_same(server: LspClient, repair, tmp_path: Path):
    uri, path = repair
    prepared = server.at("textDocument/prepareRename", uri, *_position(WAIVED, "{to: workshop", "workshop"))
    assert prepared == {"range": span_of(WAIVED, "{to: workshop", "workshop"), "placeholder": "workshop"}
    result = server.at("textDocument/rename", uri, *_position(WAIVED, "{to: workshop", "workshop"), newName="repair-shop")
    edits = result["changes"][uri]
    assert len(edits) == 2  # the step's key and the branch; the department of the same name is another id
    renamed = _apply(WAIVED, edits)
    assert "  repair-shop:\n" in renamed and "{to: repair-shop, p: 0.8}" in renamed
    assert "department: workshop" in renamed
    before = analyze(load_file(path).journey)
    after_path = tmp_path / "renamed" / "repair.yaml"
    after_path.parent.mkdir()
    after_path.write_text(renamed, encoding="utf-8")
    after = analyze(load_file(after_path).journey)
    assert after.metrics == before.metrics

    data_edits = server.at("textDocument/rename", uri, *_position(WAIVED, "asks: [serial]", "serial"), newName="imei")["changes"][uri]
    assert _apply(WAIVED, data_edits).count("imei") == 3


def test_rename_refuses_a_bad_or_taken_name_and_a_rule(server: LspClient, repair):
    uri, _ = repair
    where = _position(WAIVED, "next: done", "done")
    with pytest.raises(LspError, match="not a valid id"):
        server.at("textDocument/rename", uri, *where, newName="Done!")
    with pytest.raises(LspError, match="already has a step 'call'"):
        server.at("textDocument/rename", uri, *where, newName="call")
    with pytest.raises(LspError, match="only step, department and data ids"):
        server.at("textDocument/prepareRename", uri, *_position(WAIVED, "rule: long-wait", "long-wait"))


def _apply_lines(text: str, edits: list[dict]) -> str:
    """Code action edits: each replaces whole lines (from a line's start to another's)."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: e["range"]["start"]["line"], reverse=True):
        start, end = edit["range"]["start"], edit["range"]["end"]
        assert start["character"] == 0 and end["character"] == 0
        lines[start["line"] : end["line"]] = [edit["newText"]]
    return "".join(lines)


def test_a_code_action_applies_a_fix_titled_with_what_it_changes_and_buys(server: LspClient, repair, tmp_path: Path):
    uri, path = repair
    server.change(uri, 2, WAIVED)
    diagnostics = server.diagnostics(uri, version=2)
    finding = next(d for d in diagnostics if d["code"] == "repeated-ask" and d["message"].startswith("asks again"))  # at 'workshop'
    actions = server.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": finding["range"], "context": {"diagnostics": [finding]}},
    )
    assert len(actions) == 1 and actions[0]["kind"] == "quickfix" and actions[0]["isPreferred"] is True
    fixed = _apply_lines(WAIVED, actions[0]["edit"]["changes"][uri])
    # the workshop no longer asks for the serial number; every other line is as it was
    assert [line for line in fixed.splitlines() if line not in WAIVED.splitlines()] == [
        "    asks: []  # fix use-held-data@workshop: no longer asks for serial (already held)"
    ]
    fixed_path = tmp_path / "fixed" / "repair.yaml"
    fixed_path.parent.mkdir()
    fixed_path.write_text(fixed, encoding="utf-8")
    before, after = analyze(load_file(path).journey).metrics, analyze(load_file(fixed_path).journey).metrics
    gain = after["score"] - before["score"]
    assert gain > 0 and after["expected_asks"] == before["expected_asks"] - 1
    assert actions[0]["title"] == f"Stop asking for Serial number at 'workshop': score +{gain}, 1 ask fewer"
    uri_fixed = server.open(fixed_path)
    assert not [d for d in server.diagnostics(uri_fixed) if d["code"] == "repeated-ask" and d["severity"] <= 2]


def test_no_code_action_for_a_finding_without_a_safe_edit(server: LspClient, repair):
    uri, _ = repair
    server.change(uri, 2, WAIVED)
    diagnostics = server.diagnostics(uri, version=2)
    switch = next(d for d in diagnostics if d["code"] == "channel-switch")  # which channel is right, only the author knows
    actions = server.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": switch["range"], "context": {"diagnostics": [switch]}},
    )
    assert actions == []


def test_positions_in_utf8_when_the_client_asks_for_them(tmp_path: Path):
    client = LspClient.start(cwd=tmp_path)
    result = client.initialize(tmp_path, capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
    try:
        assert result["capabilities"]["positionEncoding"] == "utf-8"
        branch = '    next: [{when: "à l\'atelier ☎", to: dnoe}]'
        text = WAIVED.replace("    next: done", branch)
        path = tmp_path / "repair.yaml"
        path.write_text(text, encoding="utf-8")
        uri = client.open(path)
        unknown = next(d for d in client.diagnostics(uri) if d["code"] == "unknown-reference")
        line = text.splitlines().index(branch)
        start = len(branch[: branch.index("dnoe")].encode("utf-8"))  # à is 2 bytes, ☎ 3
        assert unknown["range"] == {"start": {"line": line, "character": start}, "end": {"line": line, "character": start + 4}}
        assert start == branch.index("dnoe") + 3
    finally:
        client.stop()


def test_text_of_the_journey_cannot_turn_into_links_or_html_in_a_hover(server: LspClient, tmp_path: Path):
    text = WAIVED.replace("title: Call the repair line", 'title: "Call [now](https://example.org) <img src=x> \\e[31m"')
    path = tmp_path / "repair.yaml"
    path.write_text(text, encoding="utf-8")
    uri = server.open(path)
    server.diagnostics(uri)
    hover = server.at("textDocument/hover", uri, text.splitlines().index("  call:"), 3)["contents"]["value"]
    assert "\\[now\\]\\(https://example\\.org\\) \\<img src=x\\>" in hover
    assert "\x1b" not in hover and "\\\\x1b" in hover
