"""A bad file never takes the server down: it becomes a diagnostic, and every request is still answered."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.lsp.client import LspClient, LspError, uri_of
from tests.lsp.conftest import by_code

BASE = """\
journeyaudit: 1
title: Hostile
departments: {ops: {title: Operations}}
data: {a: {title: A}}
"""


def _still_answers(server: LspClient, uri: str) -> None:
    server.at("textDocument/hover", uri, 0, 1)
    server.at("textDocument/completion", uri, 1, 3)
    server.at("textDocument/definition", uri, 2, 2)
    assert server.process.poll() is None


def _only(diagnostics: list[dict], code: str) -> dict:
    assert [d["code"] for d in diagnostics] == [code], diagnostics
    return diagnostics[0]


def test_binary_text_is_one_diagnostic(server: LspClient, tmp_path: Path):
    path = tmp_path / "binary.yaml"
    text = BASE + "steps:\n  s: {title: \x00\x01\x02, department: ops, end: success}\n"
    uri = server.open(path, text=text)
    diagnostic = _only(server.diagnostics(uri), "binary-file")
    assert diagnostic["severity"] == 1 and "binary" in diagnostic["message"]
    _still_answers(server, uri)


def test_an_alias_bomb_is_refused_without_expanding(server: LspClient, tmp_path: Path):
    levels = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        levels.append(f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * 9)}]")
    items = ", ".join("a" for _ in range(20000))
    steps = "".join(f"  s{i}: {{title: S, department: ops, asks: *many, next: s{i + 1}}}\n" for i in range(200))
    text = (
        BASE
        + "x-bomb:\n"
        + "".join(f"  {line}\n" for line in levels)
        + f"x-many: &many [{items}]\nknown: *lol9\nsteps:\n"
        + steps
        + "  s200: {title: End, department: ops, end: success}\n"
    )
    uri = server.open(tmp_path / "bomb.yaml", text=text)
    assert "alias-bomb" in {d["code"] for d in server.diagnostics(uri)}
    # the index behind hover and completion follows each alias once, too
    hover = server.at("textDocument/hover", uri, text.splitlines().index("steps:") + 1, 3)
    assert hover is not None and "s0" in hover["contents"]["value"]
    _still_answers(server, uri)


def test_a_huge_buffer_is_refused_by_the_size_limit(server: LspClient, tmp_path: Path):
    text = BASE + "x-padding: |\n" + ("  " + "x" * 1000 + "\n") * 11_000
    uri = server.open(tmp_path / "huge.yaml", text=text)
    diagnostic = _only(server.diagnostics(uri, timeout=60), "too-large")
    assert "larger than 10 MiB" in diagnostic["message"]
    _still_answers(server, uri)


def test_deep_nesting_and_syntax_errors_are_located(server: LspClient, tmp_path: Path):
    uri = server.open(tmp_path / "deep.yaml", text=BASE + "x: " + "[" * 5000 + "]" * 5000 + "\n")
    _only(server.diagnostics(uri), "too-deep")
    _still_answers(server, uri)

    text = BASE + "steps:\n  s:\n\ttitle: S\n"
    uri = server.open(tmp_path / "tabs.yaml", text=text)
    diagnostic = _only(server.diagnostics(uri), "yaml-syntax")
    assert diagnostic["range"]["start"]["line"] == 6
    assert "tabs" in diagnostic["message"]
    _still_answers(server, uri)


def test_random_edits_of_a_journey_never_break_the_server(server: LspClient, tmp_path: Path):
    text = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8")
    uri = server.open(tmp_path / "loan-payoff.yaml", text=text)
    server.diagnostics(uri, version=1)
    rng = random.Random(16)
    alphabet = ":[]{}-&*!|>'\"#\t\n ,?%@`é😀\\"
    for version in range(2, 42):
        position = rng.randrange(len(text) + 1)
        if rng.random() < 0.5 and text:
            text = text[:position] + text[position + rng.randint(1, 8) :]
        else:
            text = text[:position] + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) + text[position:]
        server.change(uri, version, text)
        lines = text.splitlines() or [""]
        line = rng.randrange(len(lines))
        character = rng.randrange(len(lines[line]) + 2)
        for method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
            server.at(method, uri, line, character)
        server.at("textDocument/references", uri, line, character, context={"includeDeclaration": True})
    diagnostics = server.diagnostics(uri, version=41, timeout=60)
    assert all(d["code"] != "internal" for d in diagnostics), diagnostics
    assert by_code(diagnostics, "internal") == []
    assert server.process.poll() is None


def _raw(server: LspClient, body: bytes) -> None:
    assert server.process.stdin is not None
    server.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.process.stdin.flush()


def test_a_request_with_invalid_params_is_answered_invalid_params(server: LspClient, tmp_path: Path):
    uri = server.open(tmp_path / "params.yaml", text=BASE + "steps:\n  s: {title: S, department: ops, end: success}\n")
    for method, position in (
        ("textDocument/hover", {"line": -1, "character": 0}),
        ("textDocument/completion", {"line": 2**31, "character": 2**31}),
        ("textDocument/definition", {"line": "one", "character": None}),
    ):
        with pytest.raises(LspError) as refused:
            server.request(method, {"textDocument": {"uri": uri}, "position": position}, timeout=10)
        assert refused.value.code == -32602 and method in refused.value.message
    with pytest.raises(LspError) as refused:
        server.request("textDocument/hover", {"textDocument": {"uri": uri}}, timeout=10)
    assert refused.value.code == -32602
    # a change with an invalid range is dropped, the document is still served
    server.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": -3, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]},
    )
    _still_answers(server, uri)


def test_a_message_that_is_not_json_or_not_utf8_is_one_log_line_not_a_traceback(server: LspClient, tmp_path: Path):
    uri = server.open(tmp_path / "wire.yaml", text=BASE + "steps:\n  s: {title: S, department: ops, end: success}\n")
    _raw(server, b'{"jsonrpc":"2.0","id":9999,"method":"textDocument/hover","params":{"textDocument":')
    _raw(server, b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"text":"\xff\xfe"}}')
    with pytest.raises(LspError):
        server.request("workspace/executeCommand", {"command": "no-such-command", "arguments": []})
    _still_answers(server, uri)
    stderr = "".join(server.stderr_lines)
    assert "Unable to handle message: JSONDecodeError" in stderr
    assert "Unable to handle message: UnicodeDecodeError" in stderr
    assert "Traceback" not in stderr


def test_a_request_after_shutdown_is_answered_invalid_request(tmp_path: Path):
    client = LspClient.start(cwd=tmp_path)
    try:
        client.initialize(tmp_path)
        assert client.request("shutdown", None) is None
        with pytest.raises(LspError) as refused:
            client.request("textDocument/hover", {"textDocument": {"uri": uri_of(tmp_path / "x.yaml")}, "position": {"line": 0, "character": 0}}, timeout=10)
        assert refused.value.code == -32600
        client.notify("exit", None)
        assert client.process.wait(timeout=10) == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()
            client.process.wait()


def test_the_sibling_journeys_the_server_reads_never_include_a_link_out_of_the_folder(tmp_path: Path):
    from journeyaudit.loading.config import Config
    from journeyaudit.lsp.project import Project
    from tests.conftest import EXAMPLES

    journey = (EXAMPLES / "loan-payoff.yaml").read_text(encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(journey, encoding="utf-8")
    folder = tmp_path / "journeys"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text(journey, encoding="utf-8")
    (folder / "alias.yaml").symlink_to(folder / "b.yaml")  # a link within the folder is read
    (folder / "creds.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    siblings = Project().folder_journeys(folder / "a.yaml", Config(), {})
    assert sorted(path.name for path, _ in siblings) == ["alias.yaml", "b.yaml"]
