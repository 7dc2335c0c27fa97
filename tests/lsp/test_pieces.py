"""The server's pieces on their own: where an id goes, position units, fix edits, the missing extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

from journeyaudit.lsp.completion import slot_at
from journeyaudit.lsp.fixes import code_action_edits
from journeyaudit.lsp.positions import Positions, apply_change
from journeyaudit.lsp.symbols import Span
from tests.conftest import PROJECT

TEXT = """\
journeyaudit: 1
start: ca
known: [name, ac
counterpart: loan
departments:
  sales: {title: Sales}
steps:
  call:
    title: "Call: us #1"
    department: sa
    asks:
    - na
    next: [a, {to: b, p: 0.5}, c
    waive:
      - rule: long
  b:
    next:
      - to: x
        p: 0.2
      - y
    asks: [a] # done
waive: [{rule: han, reason: x}]
"""
LINES = TEXT.splitlines()


@pytest.mark.parametrize(
    ("line", "typed", "kind", "word"),
    [
        (1, "start: ca", "step", "ca"),
        (2, "known: [name, ac", "data", "ac"),
        (3, "counterpart: lo", "journey", "loan"),
        (9, "    department: sa", "department", "sa"),
        (11, "    - na", "data", "na"),
        (12, "    next: [", "step", "a"),
        (12, "    next: [a, {to: ", "step", "b"),
        (12, "    next: [a, {to: b, p: 0.5}, c", "step", "c"),
        (14, "      - rule: lo", "rule", "long"),
        (17, "      - to: x", "step", "x"),
        (19, "      - y", "step", "y"),
        (20, "    asks: [a", "data", "a"),
        (21, "waive: [{rule: h", "rule", "han"),
    ],
)
def test_an_id_goes_here(line, typed, kind, word):
    assert LINES[line].startswith(typed)
    slot = slot_at(LINES, line, len(typed))
    assert slot is not None and slot.kind == kind
    assert LINES[line][slot.span.start : slot.span.end] == word


@pytest.mark.parametrize(
    ("line", "typed"),
    [
        (5, "  sales: {"),  # a department's mapping: its keys, not ids
        (8, '    title: "Call: us'),  # text
        (9, "    d"),  # a key being typed
        (12, "    next: [a, {to: b, p: "),  # a probability
        (18, "        p: "),
        (20, "    asks: [a]"),  # after the closed list
        (20, "    asks: [a] # do"),  # in a comment
        (21, "waive: [{rule: han, reas"),
        (0, "journeyaudit: "),
    ],
)
def test_no_id_goes_here(line, typed):
    assert LINES[line].startswith(typed)
    assert slot_at(LINES, line, len(typed)) is None


def test_a_list_at_its_keys_indentation_belongs_to_the_key():
    lines = ["steps:", "  s:", "    asks:", "    - a", "    - ", "    next: x"]
    assert slot_at(lines, 4, 6).kind == "data"
    assert slot_at(["steps:", "  s:", "    title: x", "    - a"], 3, 7) is None


def test_positions_count_the_clients_units():
    line = "a é 😀 b"
    b = line.index("b")
    utf16, utf8, utf32 = (Positions([line], encoding) for encoding in ("utf-16", "utf-8", "utf-32"))
    assert utf16.to_client(0, b).character == b + 1
    assert utf8.to_client(0, b).character == len(line[:b].encode())
    assert utf32.to_client(0, b).character == b
    for positions in (utf16, utf8, utf32):
        assert positions.from_client(positions.to_client(0, b)) == (0, b)
    emoji = line.index("😀")
    inside_the_pair = type(utf16.to_client(0, 0))(line=0, character=emoji + 1)
    assert utf16.from_client(inside_the_pair) == (0, emoji)
    past_the_end = type(utf16.to_client(0, 0))(line=0, character=999)
    assert utf16.from_client(past_the_end) == (0, len(line))
    assert utf16.range(Span(0, emoji, emoji + 1)).end.character == emoji + 2


def test_changes_are_applied_at_lsp_positions():
    from lsprotocol import types

    def change(start, end, text):
        return types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=start[0], character=start[1]), end=types.Position(line=end[0], character=end[1])),
            text=text,
        )

    text = "a 😀 b\r\nc\u2028d\x0ce\nf"
    assert apply_change(text, change((0, 5), (0, 6), "B"), "utf-16") == "a 😀 B\r\nc\u2028d\x0ce\nf"
    assert apply_change(text, change((0, 7), (0, 8), "B"), "utf-8") == "a 😀 B\r\nc\u2028d\x0ce\nf"
    assert apply_change(text, change((2, 0), (2, 1), "F"), "utf-16") == "a 😀 b\r\nc\u2028d\x0ce\nF"
    assert apply_change(text, change((1, 0), (2, 0), ""), "utf-16") == "a 😀 b\r\nf"
    assert apply_change(text, change((9, 0), (9, 0), "!"), "utf-16") == text + "!"
    assert apply_change(text, types.TextDocumentContentChangeWholeDocument(text="new"), "utf-16") == "new"


def test_a_fixs_new_text_becomes_line_edits_that_rebuild_it():
    old = "a\nb\nc\nd\n"
    new = "a\nB\nc\nd\ne\n"
    edits = code_action_edits(old, new)
    assert edits == [(1, 2, "B\n"), (4, 4, "e\n")]
    lines = old.splitlines(keepends=True)
    for first, end, replacement in reversed(edits):
        lines[first:end] = [replacement]
    assert "".join(lines) == new


def test_without_the_lsp_extra_the_command_says_how_to_install_it():
    code = "import sys; sys.modules['pygls'] = None\nfrom journeyaudit.cli import main\nmain(['lsp'])\n"
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "pip install 'journeyaudit[lsp]'" in completed.stderr
    assert "Traceback" not in completed.stderr
