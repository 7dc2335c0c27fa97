"""Lines as LSP counts them, and YAML's line numbers turned into them.

LSP breaks lines at `\\n`, `\\r\\n` and `\\r` only; YAML also at NEL (U+0085)
and the Unicode line and paragraph separators (U+2028, U+2029), and Python's
`str.splitlines` at still more (form feed, vertical tab...). A journey title
holding U+2028 would shift every YAML line number after it: `LineMap` maps a
YAML (line, column) to the LSP one through the character offset. Columns are
code points on both sides.
"""

from __future__ import annotations

import re
from bisect import bisect_right

LSP_BREAK = re.compile(r"\r\n|\r|\n")
YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def split_lines(text: str) -> list[str]:
    """The text's lines as an LSP client numbers them (no line after a final break)."""
    lines = LSP_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


class LineMap:
    """YAML positions (the loader's marks, 0-based) to LSP positions of the same text."""

    def __init__(self, text: str):
        self.identity = not any(char in text for char in YAML_ONLY_BREAKS)
        self.yaml_starts: list[int] = []
        self.lsp_starts: list[int] = []
        if not self.identity:
            self.yaml_starts = [0] + [match.end() for match in YAML_BREAK.finditer(text)]
            self.lsp_starts = [0] + [match.end() for match in LSP_BREAK.finditer(text)]

    def from_yaml(self, line: int, column: int) -> tuple[int, int]:
        if self.identity or not 0 <= line < len(self.yaml_starts):
            return line, column
        offset = self.yaml_starts[line] + column
        lsp_line = bisect_right(self.lsp_starts, offset) - 1
        return lsp_line, offset - self.lsp_starts[lsp_line]
