"""Write an imported journey dict as readable, commented, deterministic YAML.

PyYAML cannot emit comments, so the layout is written by hand; only scalars go
through `yaml.safe_dump`, which quotes them whenever YAML would misread them.
Keys keep the order of the dict, so the same model always gives the same file.
"""

from __future__ import annotations

import yaml

INDENT = "  "


def scalar(value, flow: bool = False) -> str:
    """One YAML scalar on one line, quoted when needed; `flow`: inside {...} or [...]."""
    if isinstance(value, str) and not value.isprintable():
        return _double_quoted(value)
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


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar on one line: line breaks and unprintables escaped."""
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


def _comment_text(note: str) -> str:
    """One line that YAML accepts in a comment: no control characters."""
    return "".join(c if c.isprintable() else " " for c in " ".join(note.split())).strip()


def _comment(note: str | None) -> str:
    text = _comment_text(note or "")
    return f"  # {text}" if text else ""


def _flow_mapping(mapping: dict) -> str:
    return "{" + ", ".join(f"{key}: {scalar(value, flow=True)}" for key, value in mapping.items()) + "}"


def _value_lines(key: str, value, depth: int, note: str | None) -> list[str]:
    pad = INDENT * depth
    if isinstance(value, dict):
        lines = [f"{pad}{key}:{_comment(note)}"]
        for sub_key, sub_value in value.items():
            lines += _value_lines(sub_key, sub_value, depth + 1, None)
        return lines
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [f"{pad}{key}: [{', '.join(scalar(item, flow=True) for item in value)}]{_comment(note)}"]
        lines = [f"{pad}{key}:{_comment(note)}"]
        for item in value:
            if isinstance(item, dict):
                first = True
                for sub_key, sub_value in item.items():
                    marker = "- " if first else "  "
                    lines.append(f"{pad}{INDENT}{marker}{sub_key}: {scalar(sub_value)}")
                    first = False
            else:
                lines.append(f"{pad}{INDENT}- {scalar(item)}")
        return lines
    return [f"{pad}{key}: {scalar(value)}{_comment(note)}"]


def dump_journey(journey: dict, comments: dict[tuple, str] | None = None, header: list[str] | None = None) -> str:
    """The journey as YAML text; `comments` maps a value's path to a note for its line."""
    comments = comments or {}
    lines = [f"# {_comment_text(line)}".rstrip() for line in header or []]
    for key, value in journey.items():
        if key == "departments":
            lines.append("departments:")
            for department_id, department in value.items():
                lines.append(
                    f"{INDENT}{department_id}: {_flow_mapping(department)}"
                    f"{_comment(comments.get(('departments', department_id)))}"
                )
        elif key == "steps":
            lines.append("steps:")
            for step_id, step in value.items():
                lines.append(f"{INDENT}{step_id}:{_comment(comments.get(('steps', step_id)))}")
                for field, field_value in step.items():
                    lines += _value_lines(field, field_value, 2, comments.get(("steps", step_id, field)))
        else:
            lines += _value_lines(key, value, 0, comments.get((key,)))
    return "\n".join(lines) + "\n"
