"""The one journey YAML writer, for imported (`import bpmn`) and discovered (`discover`) journeys.

A written journey is a draft that people read and enrich, so every guess sits
as a comment on the line of the value it explains (`channel: web  # channel
guessed: ...`). PyYAML cannot emit comments, so the layout is written here;
scalars are quoted whenever YAML would misread them.

- Deterministic: keys keep the order of the dicts, so the same input always
  gives the same bytes.
- Hostile text stays inert: a string with a control character (or any other
  unprintable one: line separators, C1 controls) is written double-quoted
  with escapes, and comments drop such characters, so a name from the input
  can neither break the YAML nor drive a terminal that shows the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

import yaml

INDENT = "  "


class Quoting(Enum):
    """When a string is written plain, and how it is quoted otherwise."""

    # Plain wherever YAML reads the text back unchanged, else PyYAML's quotes (single ones mostly).
    MINIMAL = "minimal"
    # Plain only for simple text (words and `_().,/&+'-`, starting with a letter) and durations
    # (`90s`, `2.5h`); anything else double-quoted.
    CAUTIOUS = "cautious"


@dataclass(frozen=True)
class Layout:
    quoting: Quoting = Quoting.MINIMAL
    one_line_departments: bool = False  # `sales: {title: Sales}` rather than a block
    one_line_branches: bool = False  # `- {to: a, p: 0.5}` per branch, each with its own comment


# YAML 1.1 (PyYAML) reads these as booleans or null when plain.
_KEYWORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"}
_SIMPLE_TEXT = re.compile(r"^[A-Za-z][A-Za-z0-9 _().,/&+'-]*$")
_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?[smhdw])+$")
_FLOW_INDICATORS = set(",[]{}")


def write_journey(
    journey: Mapping,
    comments: Mapping[tuple, str] | None = None,
    header: Iterable[str] = (),
    layout: Layout = Layout(),
) -> str:
    """The journey as YAML text.

    `comments` maps the path of a value to the note for its line: ("title",),
    ("departments", "sales"), ("steps", "open-ticket") for a step's own line,
    ("steps", "open-ticket", "channel"), ("steps", "open-ticket", "next", 0)
    for a branch. `header`: lines of the comment block on top.
    """
    return _Writer(layout, comments or {}).journey(journey, header)


class _Writer:
    def __init__(self, layout: Layout, comments: Mapping[tuple, str]):
        self.layout = layout
        self.comments = comments

    def journey(self, journey: Mapping, header: Iterable[str]) -> str:
        lines = [f"# {comment_text(line)}".rstrip() for line in header]
        for key, value in journey.items():
            lines += self._entry(key, value, (key,), 0)
        return "\n".join(lines) + "\n"

    def _entry(self, key, value, path: tuple, depth: int) -> list[str]:
        pad = INDENT * depth
        head = f"{pad}{self.scalar(key)}:"
        note = self._note(path)
        if isinstance(value, Mapping):
            if self._one_line_mapping(path):
                return [f"{head} {self._flow_mapping(value)}{note}"]
            lines = [f"{head}{note}"]
            for sub_key, sub_value in value.items():
                lines += self._entry(sub_key, sub_value, (*path, sub_key), depth + 1)
            return lines
        if isinstance(value, list):
            if all(not isinstance(item, (Mapping, list)) for item in value):
                return [f"{head} [{', '.join(self.scalar(item, flow=True) for item in value)}]{note}"]
            lines = [f"{head}{note}"]
            for index, item in enumerate(value):
                lines += self._item(item, (*path, index), depth + 1)
            return lines
        return [f"{head} {self.scalar(value)}{note}"]

    def _item(self, item, path: tuple, depth: int) -> list[str]:
        """One entry of a block sequence; a mapping in it holds scalars only."""
        pad = INDENT * depth
        note = self._note(path)
        if not isinstance(item, Mapping):
            return [f"{pad}- {self.scalar(item)}{note}"]
        if self._one_line_item(path):
            return [f"{pad}- {self._flow_mapping(item)}{note}"]
        lines: list[str] = []
        for key, value in item.items():
            marker = "  " if lines else "- "
            lines.append(f"{pad}{marker}{self.scalar(key)}: {self.scalar(value)}{'' if lines else note}")
        return lines

    def _one_line_mapping(self, path: tuple) -> bool:
        return self.layout.one_line_departments and len(path) == 2 and path[0] == "departments"

    def _one_line_item(self, path: tuple) -> bool:
        return self.layout.one_line_branches and len(path) == 4 and path[0] == "steps" and path[2] == "next"

    def _flow_mapping(self, mapping: Mapping) -> str:
        entries = (f"{self.scalar(key, flow=True)}: {self.scalar(value, flow=True)}" for key, value in mapping.items())
        return "{" + ", ".join(entries) + "}"

    def _note(self, path: tuple) -> str:
        text = comment_text(self.comments.get(path) or "")
        return f"  # {text}" if text else ""

    def scalar(self, value, flow: bool = False) -> str:
        """One YAML scalar on one line, quoted when needed; `flow`: inside {...} or [...]."""
        if isinstance(value, str) and not value.isprintable():
            return double_quoted(value)
        if isinstance(value, str) and self.layout.quoting is Quoting.CAUTIOUS:
            return value if _is_simple_text(value, flow) else double_quoted(value)
        return _pyyaml_scalar(value, flow)


def _is_simple_text(text: str, flow: bool) -> bool:
    if flow and _FLOW_INDICATORS & set(text):
        return False
    if _DURATION.match(text):
        return True
    return bool(_SIMPLE_TEXT.match(text)) and text == text.strip() and text.lower() not in _KEYWORDS


def _pyyaml_scalar(value, flow: bool) -> str:
    """The scalar as PyYAML writes it: plain unless YAML would misread it."""
    if flow:
        # Dumped inside a flow sequence, PyYAML quotes what flow context would misread ("0}").
        text = yaml.safe_dump([value], allow_unicode=True, default_flow_style=True, width=1 << 30).strip()
        assert text.startswith("[") and text.endswith("]") and "\n" not in text, text
        return text[1:-1]
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30)
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    assert "\n" not in text.strip(), text
    return text.strip()


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar on one line: quotes, backslashes and unprintables escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def comment_text(note: str) -> str:
    """One line that YAML accepts in a comment: whitespace runs as one space, no control characters."""
    return "".join(c if c.isprintable() else " " for c in " ".join(note.split())).strip()
