"""Completion of ids where the format expects one, read off the lines around the cursor.

A buffer being typed is often not valid YAML (`next: [pay, ` is not), so the
place is found from the text itself, not from a parse: the key whose value the
cursor is in (on its line, in a flow list or mapping, or the key of the list
the line is an item of), and the top-level section that key sits in. The
candidates come from the last index of the file that composed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeyaudit.lsp.symbols import DATA, DEPARTMENT, JOURNEY, RULE, STEP, Span

# Keys of the top level whose value is an id (or a list of ids).
TOP_SLOTS = {"start": STEP, "known": DATA, "counterpart": JOURNEY, "variant_of": JOURNEY, "replaces": JOURNEY}
# Keys inside a section whose value is an id, by section.
SECTION_SLOTS = {
    "steps": {"next": STEP, "to": STEP, "department": DEPARTMENT, "asks": DATA, "rule": RULE},
    "waive": {"rule": RULE},
}
ID_CHARS = re.compile(r"[A-Za-z0-9_-]*")
WORD_BEFORE = re.compile(r"[A-Za-z0-9_-]*$")
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?=[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Slot:
    """The cursor is where an id of `kind` goes; `span` is the part of it already typed."""

    kind: str
    span: Span


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _key_of(text: str) -> tuple[str | None, bool]:
    """The key whose value the end of `text` is in, and whether the line says so itself
    (a key on it, or a flow collection left open); None after a closed value or in a comment."""
    # per open context: its bracket ("" for the block the line starts in) and the key
    # its current value belongs to
    stack: list[tuple[str, str | None]] = [("", None)]
    opened = False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"":
            end = text.find(char, i + 1)
            if end < 0:
                break  # typing inside the quotes: the quoted value is the one being written
            i = end + 1
            continue
        if char == "#" and (i == 0 or text[i - 1] in " \t"):
            return None, True
        if char == "[":
            stack.append(("[", stack[-1][1]))  # a list's items are values of the key it belongs to
            opened = True
        elif char == "{":
            stack.append(("{", None))
            opened = True
        elif char in "]}":
            if len(stack) > 1:
                stack.pop()
            if stack[-1][0] != "[":
                stack[-1] = (stack[-1][0], None)  # the key's value is complete
        elif char == "," and stack[-1][0] == "{":
            stack[-1] = ("{", None)  # the next entry of a flow mapping starts with its key
        else:
            match = KEY.match(text, i)
            if match and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_-")):
                stack[-1] = (stack[-1][0], match.group(1))
                opened = True
                i = match.end()
                continue
        i += 1
    return stack[-1][1], opened or len(stack) > 1


def _parent_line(lines: list[str], line: int) -> int | None:
    """The line holding the key of the block a line belongs to (its item's list, its mapping)."""
    current = lines[line]
    indent = _indent(current)
    is_item = current.lstrip(" ").startswith("-")
    for above in range(line - 1, -1, -1):
        text = lines[above]
        if _blank(text):
            continue
        above_indent = _indent(text)
        if above_indent < indent:
            return above
        if above_indent == indent:
            if text.lstrip(" ").startswith("-"):
                continue  # an earlier item of the same list
            if is_item and text.rstrip().endswith(":"):
                return above  # `asks:` with its items at the same indentation
            return None
    return None


def _section(lines: list[str], line: int) -> str | None:
    for above in range(line, -1, -1):
        text = lines[above]
        if _blank(text) or _indent(text) > 0:
            continue
        match = TOP_KEY.match(text)
        return match.group(1) if match else None
    return None


def slot_at(lines: list[str], line: int, column: int) -> Slot | None:
    """Where an id goes at (line, column), with the span of the word typed so far."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    column = min(column, len(text))
    before = text[:column]
    prefix = WORD_BEFORE.search(before)
    start = prefix.start() if prefix else column
    after = ID_CHARS.match(text, column)
    span = Span(line, start, after.end() if after else column)
    key, decided = _key_of(before[:start])
    key_line = line
    if not decided:
        if before[:start].strip() not in ("", "-"):
            return None
        parent = _parent_line(lines, line)
        if parent is None:
            return None
        key, _ = _key_of(lines[parent])
        key_line = parent
    if key is None:
        return None
    section = _section(lines, key_line)
    if _indent(lines[key_line]) == 0 and key == section:
        kind = TOP_SLOTS.get(key)
    else:
        kind = SECTION_SLOTS.get(section or "", {}).get(key)
    return Slot(kind, span) if kind else None
