"""Text for a terminal: how wide it is, and lines wrapped with a hanging indent.

Wrapping happens only when the width is known (the output is a terminal, or COLUMNS is
set): text sent to a file or a pipe keeps one line per finding, for grep and for tools.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

MIN_WIDTH = 40


def terminal_width() -> int | None:
    """The width to wrap to: COLUMNS when set, else the terminal's when stdout is one; else None."""
    value = os.environ.get("COLUMNS", "").strip()
    if value.isdigit() and int(value) > 0:
        return max(MIN_WIDTH, int(value))
    if sys.stdout.isatty():
        return max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns)
    return None


def hanging(first: str, text: str, width: int | None, indent: int | None = None) -> list[str]:
    """`first` then `text`, wrapped to `width` at word boundaries, later lines indented to
    `indent` (default: the length of `first`). One line when `width` is None."""
    if not width:
        return [first + text]
    indent = len(first) if indent is None else indent
    if width - indent < 24:  # too narrow beside the prefix: the text goes under it
        indent = min(indent, 6)
    return textwrap.wrap(
        text, width=width, initial_indent=first, subsequent_indent=" " * indent,
        break_long_words=False, break_on_hyphens=False,
    ) or [first.rstrip()]
