"""Fixtures for driving `journeyaudit lsp` over stdio, and position helpers in LSP units."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.lsp.client import LspClient


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def span_of(text: str, line_marker: str, word: str | None = None, nth: int = 0, after: str | None = None) -> dict:
    """The LSP range (UTF-16 units) of `word` (default: the marker itself) on the `nth` line
    containing `line_marker`, searched from the end of `after` on that line when given."""
    lines = text.splitlines()
    line = [i for i, line_text in enumerate(lines) if line_marker in line_text][nth]
    line_text = lines[line]
    word = word or line_marker
    offset = line_text.index(after) + len(after) if after else 0
    start = line_text.index(word, offset)
    return {
        "start": {"line": line, "character": utf16(line_text[:start])},
        "end": {"line": line, "character": utf16(line_text[: start + len(word)])},
    }


def by_code(diagnostics: list[dict], code: str) -> list[dict]:
    return [d for d in diagnostics if d.get("code") == code]


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A folder holding the two shared example journeys (loan-payoff names loan-application)."""
    folder = tmp_path / "journeys"
    folder.mkdir()
    for name in ("loan-payoff.yaml", "loan-application.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspClient]:
    """One server for the tests of a module (each test opens its own files): as an editor
    keeps one server for many files."""
    root = tmp_path_factory.mktemp("workspace")
    client = LspClient.start(cwd=root)
    client.initialize(root)
    try:
        yield client
    finally:
        client.stop()
