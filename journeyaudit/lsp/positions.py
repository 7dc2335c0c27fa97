"""Code-point columns (what YAML marks count) to and from the client's position units.

LSP positions are 0-based lines and, by default, UTF-16 code units: "é" is one
unit, an emoji two. A client may offer UTF-8 or UTF-32 instead (the
`positionEncodings` it sends at initialize); the server answers with the
encoding pygls chose, and every position crosses this module.
"""

from __future__ import annotations

from lsprotocol import types

from journeyaudit.lsp.symbols import Span
from journeyaudit.lsp.text_lines import LSP_BREAK

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Positions:
    """Converts positions of one text (its lines) between code points and the client's units."""

    def __init__(self, lines: list[str], encoding: str = UTF16):
        self.lines = lines
        self.encoding = str(encoding)

    def line_text(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def to_client(self, line: int, column: int) -> types.Position:
        text = self.line_text(line)
        return types.Position(line=max(line, 0), character=_units(text[: max(column, 0)], self.encoding))

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.to_client(span.line, span.start), end=self.to_client(span.line, span.end))

    def range_json(self, span: Span) -> dict:
        """The range as LSP's JSON, for what is sent by the hundred (diagnostics)."""
        text = self.line_text(span.line)
        start = _units(text[: span.start], self.encoding)
        end = start + _units(text[span.start : span.end], self.encoding)
        return {"start": {"line": span.line, "character": start}, "end": {"line": span.line, "character": end}}

    def from_client(self, position: types.Position) -> tuple[int, int]:
        """(line, code-point column) of a client position; a position past the line's end is its end,
        one inside a character (half a surrogate pair) that character's start."""
        text = self.line_text(position.line)
        if self.encoding == UTF32:
            return position.line, min(position.character, len(text))
        units = 0
        for column, char in enumerate(text):
            width = _units(char, self.encoding)
            if units + width > position.character:
                return position.line, column
            units += width
        return position.line, len(text)


def _offset(text: str, starts: list[int], position: types.Position, encoding: str) -> int:
    """The character offset of a client position in `text` whose lines start at `starts`."""
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = text[start:end].rstrip("\r\n")
    _, column = Positions([line], encoding).from_client(types.Position(line=0, character=position.character))
    return start + column


def apply_change(text: str, change: types.TextDocumentContentChangeEvent, encoding: str) -> str:
    """The text after one change an editor sent: a range replaced, or the whole text.

    Lines are LSP's (`\n`, `\r\n`, `\r` only): a U+2028 or a form feed in a title
    does not move the edit, as it would with Python's `splitlines`."""
    change_range = getattr(change, "range", None)
    if change_range is None:
        return change.text
    starts = [0] + [match.end() for match in LSP_BREAK.finditer(text)]
    first = _offset(text, starts, change_range.start, encoding)
    last = max(first, _offset(text, starts, change_range.end, encoding))
    return text[:first] + change.text + text[last:]
