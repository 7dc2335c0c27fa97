"""A small deterministic YAML writer for discovered journeys.

PyYAML's dumper would do, but it reorders nothing we care about and cannot
put comments on lines; journeys are read by people, so we write the text
ourselves: fixed key order, two-space indent, flow mappings for branches,
quotes only where a plain scalar would be misread.
"""

from __future__ import annotations

import json
import re

# Plain scalars we emit unquoted: no ':', '#', quotes at the start, or leading
# indicators; everything else goes out as a JSON string (valid YAML).
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 _().,/&+'-]*$")
# YAML 1.1 (PyYAML) reads these as booleans or null when plain.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"}
_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")


def scalar(text: str) -> str:
    if _PLAIN.match(text) and text == text.strip() and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def slug_scalar(text: str) -> str:
    if not _SLUG.match(text) or text in _RESERVED:
        return json.dumps(text)
    return text


def comment(text: str) -> str:
    """One comment line per line of text."""
    return "\n".join(f"# {line}".rstrip() for line in text.splitlines())


def format_probability(units: int, scale: int) -> str:
    """`units/scale` as a short decimal: 1, 0.5, 0.333."""
    if units == scale:
        return "1"
    digits = len(str(scale)) - 1
    return f"{units / scale:.{digits}f}".rstrip("0").rstrip(".")


def round_probabilities(weights: list[float], digits: int = 3) -> list[int]:
    """Integer units (of 10**-digits) summing to exactly 10**digits.

    Largest remainder: floor every share, then give the missing units to the
    largest fractional parts (earlier entries first on ties); a kept branch
    never rounds to zero.
    """
    scale = 10**digits
    total = sum(weights)
    exact = [w * scale / total for w in weights]
    units = [int(x) for x in exact]
    missing = scale - sum(units)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - units[i]), i))
    for i in order[:missing]:
        units[i] += 1
    for i, u in enumerate(units):
        if u == 0:
            donor = max(range(len(units)), key=lambda j: (units[j], -j))
            units[donor] -= 1
            units[i] = 1
    return units


def format_duration(seconds: float | None) -> str | None:
    """`90s`, `20m`, `2.5h`, `3d`: always with a unit; None under a second."""
    if seconds is None or seconds < 1:
        return None
    for unit, size, limit in (("s", 1, 120), ("m", 60, 120 * 60), ("h", 3600, 48 * 3600), ("d", 86400, None)):
        if limit is None or seconds < limit:
            value = seconds / size
            text = f"{value:.0f}" if value >= 10 or unit == "s" else f"{value:.1f}"
            return text.removesuffix(".0") + unit
    raise AssertionError("unreachable")


def write_journey(document: dict, header: str = "") -> str:
    """The YAML text of a discovered journey.

    `document` keys: title, description, start, departments {id: title},
    steps {id: {title, department, channel, actor, kind, wait, duration,
    next: [(to, units, scale, note)], end, note}}.
    """
    lines: list[str] = []
    if header:
        lines.append(comment(header))
    lines.append("journeyaudit: 1")
    if document.get("id"):
        lines.append(f"id: {slug_scalar(document['id'])}")
    lines.append(f"title: {scalar(document['title'])}")
    if document.get("description"):
        lines.append(f"description: {scalar(document['description'])}")
    lines.append(f"start: {slug_scalar(document['start'])}")
    lines.append("departments:")
    for department_id, title in document["departments"].items():
        lines.append(f"  {slug_scalar(department_id)}:")
        lines.append(f"    title: {scalar(title)}")
    lines.append("steps:")
    for step_id, step in document["steps"].items():
        note = f"  # {step['note']}" if step.get("note") else ""
        lines.append(f"  {slug_scalar(step_id)}:{note}")
        lines.append(f"    title: {scalar(step['title'])}")
        lines.append(f"    department: {slug_scalar(step['department'])}")
        for key in ("channel", "actor", "kind"):
            if step.get(key):
                lines.append(f"    {key}: {scalar(step[key])}")
        for key in ("wait", "duration"):
            if step.get(key):
                lines.append(f"    {key}: {step[key]}")
        branches = step.get("next") or []
        if len(branches) == 1:
            target, _, _, branch_note = branches[0]
            suffix = f"  # {branch_note}" if branch_note else ""
            lines.append(f"    next: {slug_scalar(target)}{suffix}")
        elif branches:
            lines.append("    next:")
            for target, units, scale, branch_note in branches:
                suffix = f"  # {branch_note}" if branch_note else ""
                lines.append(
                    f"      - {{to: {slug_scalar(target)}, p: {format_probability(units, scale)}}}{suffix}"
                )
        if step.get("end"):
            lines.append(f"    end: {step['end']}")
    return "\n".join(lines) + "\n"
