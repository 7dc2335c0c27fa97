"""Diagnostics as an editor receives them: ranges, severities, codes, links, waivers, configuration."""

from __future__ import annotations

from pathlib import Path

from tests.lsp.client import LspClient, uri_of
from tests.lsp.conftest import by_code, span_of, utf16

JOURNEY = """\
journeyaudit: 1
title: Renew a parking permit
departments:
  desk: {title: Front desk}
  permits: {title: Permits office}
data:
  plate: {title: Licence plate}
steps:
  ask:
    title: Ask for the renewal at the desk
    department: desk
    channel: branch
    asks: [plate]
    next: check
  check:
    title: The permits office checks the plate
    department: permits
    channel: branch
    asks: [plate]
    next: done
  done:
    title: Permit renewed
    department: permits
    channel: branch
    end: success
"""


def test_findings_underline_the_offending_value_with_the_rules_severity_code_and_link(server: LspClient, examples_copy: Path):
    path = examples_copy / "loan-payoff.yaml"
    text = path.read_text(encoding="utf-8")
    diagnostics = server.diagnostics(server.open(path), version=1)

    repeated = by_code(diagnostics, "repeated-ask")
    # `call` asks for name and account although both are `known`: the first asked item is underlined
    assert any(d["range"] == span_of(text, "asks: [name, account, dob]", "name") for d in repeated)
    assert all(d["severity"] == 2 and d["source"] == "journeyaudit" for d in repeated)
    assert all(d["codeDescription"]["href"].endswith("rules.md#repeated-ask") for d in repeated)

    waits = by_code(diagnostics, "long-wait")
    assert {d["range"]["start"]["line"] for d in waits} == {
        span_of(text, f"wait: {w}", w)["start"]["line"] for w in ("18m", "12m", "9m", "10m", "8m")
    }
    first_wait = next(d for d in waits if d["range"] == span_of(text, "wait: 18m", "18m"))
    assert "18m" in first_wait["message"] and "max 5m" in first_wait["message"]

    promise = by_code(diagnostics, "broken-promise")
    assert promise and all(d["severity"] == 1 and d["range"] == span_of(text, "promise:", "promise") for d in promise)

    # a portfolio rule judges the file against the other journey of its folder
    asymmetry = by_code(diagnostics, "effort-asymmetry")
    assert len(asymmetry) == 1
    assert asymmetry[0]["range"] == span_of(text, "counterpart: loan-application", "loan-application")
    assert by_code(diagnostics, "missing-counterpart") == []

    switches = by_code(diagnostics, "channel-switch")
    assert any(d["range"] == span_of(text, "channel: mail", "mail") for d in switches)
    handoffs = by_code(diagnostics, "handoffs")
    assert handoffs and handoffs[0]["relatedInformation"]  # the steps of the worst way, each located
    related = handoffs[0]["relatedInformation"][0]
    assert related["location"]["uri"] == uri_of(path) and related["message"].startswith("step 'call'")


def test_a_counterpart_outside_the_folder_is_reported_on_the_counterpart_value(server: LspClient, examples_copy: Path):
    (examples_copy / "loan-application.yaml").unlink()
    path = examples_copy / "loan-payoff.yaml"
    text = path.read_text(encoding="utf-8")
    missing = by_code(server.diagnostics(server.open(path)), "missing-counterpart")
    assert len(missing) == 1
    assert missing[0]["range"] == span_of(text, "counterpart: loan-application", "loan-application")
    assert missing[0]["severity"] == 2


def test_a_waived_finding_is_a_hint_carrying_the_waivers_reason(server: LspClient, tmp_path: Path):
    waived = JOURNEY.replace(
        "    asks: [plate]\n    next: done",
        "    asks: [plate]\n    waive:\n      - rule: repeated-ask\n        reason: The office must read the plate itself\n    next: done",
    )
    path = tmp_path / "permit.yaml"
    path.write_text(waived, encoding="utf-8")
    repeated = by_code(server.diagnostics(server.open(path)), "repeated-ask")
    assert len(repeated) == 1
    assert repeated[0]["severity"] == 4
    assert "Waived: The office must read the plate itself" in repeated[0]["message"]
    assert repeated[0]["range"] == span_of(waived, "asks: [plate]", "plate", nth=1)


def test_format_problems_underline_the_unknown_value_and_a_change_clears_them(server: LspClient, tmp_path: Path):
    broken = JOURNEY.replace("next: done", "next: dnoe").replace("department: permits\n    channel: branch\n    end", "department: permit\n    channel: branch\n    end")
    path = tmp_path / "permit.yaml"
    path.write_text(broken, encoding="utf-8")
    uri = server.open(path)
    diagnostics = server.diagnostics(uri, version=1)
    unknown = by_code(diagnostics, "unknown-reference")
    assert {(d["range"]["start"]["line"], d["range"]["start"]["character"], d["range"]["end"]["character"]) for d in unknown} == {
        (r["start"]["line"], r["start"]["character"], r["end"]["character"])
        for r in (span_of(broken, "next: dnoe", "dnoe"), span_of(broken, "department: permit", "permit", nth=1))
    }
    assert all(d["severity"] == 1 for d in unknown)
    assert any("did you mean 'done'" in d["message"] for d in unknown)
    assert not [d for d in diagnostics if d["code"] == "repeated-ask"]  # no audit of a file with problems

    server.change(uri, 2, JOURNEY)
    fixed = server.diagnostics(uri, version=2)
    assert by_code(fixed, "unknown-reference") == []
    assert by_code(fixed, "repeated-ask")  # the journey audits now


def test_a_burst_of_changes_is_checked_once_after_the_typing_pauses(tmp_path: Path):
    client = LspClient.start(cwd=tmp_path)
    client.initialize(tmp_path, options={"debounce": 300})
    try:
        path = tmp_path / "permit.yaml"
        path.write_text(JOURNEY, encoding="utf-8")
        uri = client.open(path)
        client.diagnostics(uri, version=1)
        for version in (2, 3, 4):
            client.change(uri, version, JOURNEY.replace("next: done", f"next: nowhere{version}"))
        last = client.diagnostics(uri, version=4)
        assert any("nowhere4" in d["message"] for d in last)
        versions = {
            n["params"].get("version") for n in client.notifications if n["method"] == "textDocument/publishDiagnostics"
        }
        assert versions.isdisjoint({2, 3})
    finally:
        client.stop()


def test_incremental_changes_and_ranges_count_utf16_units(server: LspClient, tmp_path: Path):
    path = tmp_path / "permit.yaml"
    path.write_text(JOURNEY, encoding="utf-8")
    uri = server.open(path)
    server.diagnostics(uri, version=1)
    lines = JOURNEY.splitlines()
    first = lines.index("  check:")
    # the editor replaces the six lines of the `check` step by one flow mapping whose title has
    # accents and an emoji (one code point, two UTF-16 units) before an unknown `next`
    flow = "  check: {title: Crème brûlée 😀, department: permits, channel: branch, next: nowhere}"
    server.change_range(uri, 2, (first, 0), (first + 5, len(lines[first + 5])), flow)
    server.diagnostics(uri, version=2)
    # then types over `nowhere`, addressed in UTF-16 units
    start = utf16(flow[: flow.index("nowhere")])
    server.change_range(uri, 3, (first, start), (first, start + len("nowhere")), "elsewhere")
    new_flow = flow.replace("nowhere", "elsewhere")
    new_text = "\n".join(lines[:first] + [new_flow] + lines[first + 6 :]) + "\n"
    unknown = by_code(server.diagnostics(uri, version=3), "unknown-reference")
    assert len(unknown) == 1 and "'elsewhere'" in unknown[0]["message"]
    assert unknown[0]["range"] == span_of(new_text, "next: elsewhere", "elsewhere")
    assert unknown[0]["range"]["start"]["character"] == new_flow.index("elsewhere") + 1  # the emoji counts twice


def test_the_projects_configuration_applies_and_a_broken_one_is_shown_in_its_file(server: LspClient, tmp_path: Path):
    project = tmp_path / "project"
    (project / "journeys").mkdir(parents=True)
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.journeyaudit.rules]\nrepeated-ask = "error"\nlong-wait = "off"\n', encoding="utf-8")
    path = project / "journeys" / "permit.yaml"
    path.write_text(JOURNEY.replace("channel: branch\n    asks", "channel: branch\n    wait: 40m\n    asks", 1), encoding="utf-8")
    uri = server.open(path)
    diagnostics = server.diagnostics(uri, version=1)
    assert [d["severity"] for d in by_code(diagnostics, "repeated-ask")] == [1]
    assert by_code(diagnostics, "long-wait") == []

    pyproject.write_text('[tool.journeyaudit.rules]\nrepeated-ask = "eror"\n', encoding="utf-8")
    server.change(uri, 2, path.read_text(encoding="utf-8"))
    diagnostics = server.diagnostics(uri, version=2)
    config = by_code(diagnostics, "config")
    assert len(config) == 1 and "pyproject.toml" in config[0]["message"] and "defaults" in config[0]["message"]
    assert by_code(diagnostics, "long-wait")  # the defaults apply meanwhile
    in_config = server.diagnostics(uri_of(pyproject))
    assert len(in_config) == 1 and in_config[0]["range"]["start"]["line"] == 1
    assert "eror" in in_config[0]["message"]


def test_other_yaml_files_are_left_alone(server: LspClient, tmp_path: Path):
    workflow = tmp_path / "ci.yaml"
    workflow.write_text("name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n", encoding="utf-8")
    assert server.diagnostics(server.open(workflow)) == []
    playbook = tmp_path / "playbook.yml"
    playbook.write_text("- hosts: all\n  tasks: []\n", encoding="utf-8")
    assert server.diagnostics(server.open(playbook)) == []
    notes = tmp_path / "notes.txt"
    notes.write_text("journeyaudit: 1\n", encoding="utf-8")
    server.open(notes)
    assert server.at("textDocument/hover", uri_of(notes), 0, 2) is None


def test_an_open_buffer_replaces_its_file_for_the_portfolio(server: LspClient, examples_copy: Path):
    application = examples_copy / "loan-application.yaml"
    saved = application.read_text(encoding="utf-8")
    application.write_text(saved.replace("title: Apply", "id: something-else\ntitle: Apply"), encoding="utf-8")
    payoff = examples_copy / "loan-payoff.yaml"
    uri = server.open(payoff)
    assert by_code(server.diagnostics(uri, version=1), "missing-counterpart")
    server.open(application, text=saved)  # unsaved in the editor: the id is right again
    server.diagnostics(uri_of(application))
    server.change(uri, 2, payoff.read_text(encoding="utf-8"))
    diagnostics = server.diagnostics(uri, version=2)
    assert by_code(diagnostics, "missing-counterpart") == []
    assert by_code(diagnostics, "effort-asymmetry")


def test_two_files_with_one_journey_id_are_reported(server: LspClient, tmp_path: Path):
    (tmp_path / "a.yaml").write_text(JOURNEY.replace("title: Renew", "id: permit\ntitle: Renew"), encoding="utf-8")
    path = tmp_path / "permit.yaml"
    path.write_text(JOURNEY, encoding="utf-8")
    duplicate = by_code(server.diagnostics(server.open(path)), "duplicate-journey")
    assert len(duplicate) == 1 and "a.yaml" in duplicate[0]["message"]
    assert duplicate[0]["range"] == span_of(JOURNEY, "journeyaudit: 1", "journeyaudit")


def test_closing_a_file_clears_its_diagnostics_and_shutdown_exits_cleanly(tmp_path: Path):
    client = LspClient.start(cwd=tmp_path)
    client.initialize(tmp_path)
    path = tmp_path / "permit.yaml"
    path.write_text(JOURNEY.replace("next: done", "next: dnoe"), encoding="utf-8")
    uri = client.open(path)
    assert client.diagnostics(uri)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    assert client.stop() == 0


def test_line_separators_that_yaml_breaks_at_and_lsp_does_not_keep_ranges_right(server: LspClient, tmp_path: Path):
    # YAML counts U+2028 and NEL as line breaks, LSP (and the editor) does not
    text = JOURNEY.replace("title: Ask for the renewal at the desk", 'title: "Ask\u2028for the renewal\u0085at the desk"')
    text = text.replace("next: done", "next: dnoe")
    path = tmp_path / "permit.yaml"
    path.write_text(text, encoding="utf-8")
    unknown = by_code(server.diagnostics(server.open(path)), "unknown-reference")
    lines = text.split("\n")
    line = lines.index("    next: dnoe")
    assert unknown[0]["range"] == {"start": {"line": line, "character": 10}, "end": {"line": line, "character": 14}}
    hover = server.at("textDocument/hover", uri_of(path), lines.index("  check:"), 3)
    assert hover["range"]["start"]["line"] == lines.index("  check:")


def test_saving_a_journey_rechecks_the_open_journeys_of_its_folder(server: LspClient, examples_copy: Path):
    application = examples_copy / "loan-application.yaml"
    saved = application.read_text(encoding="utf-8")
    application.unlink()
    payoff = examples_copy / "loan-payoff.yaml"
    uri = server.open(payoff)
    assert by_code(server.diagnostics(uri, version=1), "missing-counterpart")
    application.write_text(saved, encoding="utf-8")  # the counterpart is written and saved
    other = server.open(application)
    server.diagnostics(other)
    server.notify("textDocument/didSave", {"textDocument": {"uri": other}})
    rechecked = server.diagnostics(uri, version=1)  # the same version of loan-payoff, judged again
    assert by_code(rechecked, "missing-counterpart") == []
    assert by_code(rechecked, "effort-asymmetry")


def test_an_incremental_change_after_a_line_separator_lands_where_the_editor_made_it(server: LspClient, tmp_path: Path):
    text = JOURNEY.replace("title: Ask for the renewal at the desk", 'title: "Ask\u2028for the renewal"')
    path = tmp_path / "permit.yaml"
    path.write_text(text, encoding="utf-8")
    uri = server.open(path)
    assert by_code(server.diagnostics(uri, version=1), "unknown-reference") == []
    lines = text.split("\n")  # the editor's lines: U+2028 is no break for it
    line = lines.index("    next: done")
    server.change_range(uri, 2, (line, 10), (line, 14), "dnoe")
    unknown = by_code(server.diagnostics(uri, version=2), "unknown-reference")
    assert len(unknown) == 1 and "'dnoe'" in unknown[0]["message"]
    assert unknown[0]["range"]["start"] == {"line": line, "character": 10}


def test_evidence_maps_are_neither_checked_nor_part_of_the_portfolio(server: LspClient, examples_copy: Path):
    application = examples_copy / "loan-application.yaml"
    application.rename(examples_copy / "loan-application.map.yaml")  # a map, whatever it holds
    payoff = examples_copy / "loan-payoff.yaml"
    assert by_code(server.diagnostics(server.open(payoff)), "missing-counterpart")
    map_file = examples_copy / "loan-application.map.yaml"
    server.open(map_file, text=map_file.read_text(encoding="utf-8").replace("next: decide", "next: nowhere"))
    assert server.at("textDocument/hover", uri_of(map_file), 13, 3) is None  # on the `apply` step
