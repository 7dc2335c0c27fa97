"""A bad file never takes the server down: it becomes a diagnostic, and every request is still answered."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.lsp.client import LspClient
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
