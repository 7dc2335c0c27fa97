"""`conform --format text` and `--format json`: a conformance, rendered, never computed.

Everything shown comes from a `journeyaudit.evidence.figures.Conformance`
(its `document` and `side_by_side`); shares are written as percentages,
seconds as short durations.
"""

from __future__ import annotations

import json
from typing import Any

from journeyaudit.common.durations import format_duration, format_figure, format_share
from journeyaudit.common.text import printable


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}" + ("" if number == 1 else "s")


def _pct(value: float | None) -> str:
    return "–" if value is None else format_share(value)


def _figure(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if key.endswith("_s") or ".mean" in key or key.startswith("duration"):
        return format_duration(value)
    if "rate" in key:
        return format_share(value)
    return format_figure(value)


def render_text(conformance, map_text: str | None = None, top: int = 10) -> str:
    """The report a consultant reads; `map_text` (the map used, when derived) is printed at the end."""
    document = conformance.document
    lines: list[str] = []
    cases = document["cases"]
    lines.append(f"{document['journey']} ({document['file']}) against {document['log']}")
    lines.append(
        f"  {cases:,} cases replayed ({document['events']:,} events); "
        f"{document['cases_without_mapped_events']:,} cases have no mapped event"
    )
    lines.append(f"  map: {document['map'] or 'by step id or title (no --map; the map used is printed below)'}")
    lines.append("")
    lines.append(
        f"Fitness: {_pct(document['fitness'])} ({document['fitting_cases']:,} of {cases:,} cases fit the design: "
        "start at the start step, only designed moves, end at an end step)"
    )
    lines.append(
        f"Move fitness: {_pct(document['move_fitness'])} ({document['allowed_moves']:,} of {document['moves']:,} moves are designed)"
    )
    lines.append("")
    unexpected = document["unexpected"]
    lines.append(f"Unexpected moves (not in the design): {len(unexpected)}")
    for move in unexpected[:top]:
        lines.append(
            f"  {_pct(move['share_of_cases'])} of cases ({move['cases']:,}) go from {move['from']} to {move['to']}"
            f" — {_count(move['count'], 'move')}"
        )
    if len(unexpected) > top:
        lines.append(f"  ... {len(unexpected) - top} more (--top N, or --format json)")
    lines.append("")
    lines.append("Designed vs measured:")
    for label, designed_key, designed, measured_key, measured in conformance.side_by_side:
        lines.append(
            f"  {label:<20} designed {_figure(designed_key, designed):>10}   "
            f"measured {_figure(measured_key, measured):>10}"
        )
    durations = document["measured"]["duration_s"]
    if durations:
        lines.append(
            f"  {'Duration':<20} measured median {format_duration(durations['median'])}, p90 {format_duration(durations['p90'])}"
        )
    lines.append("")
    lines.append("Edges (designed share → measured share of the moves leaving the step):")
    for edge in document["edges"]:
        lines.append(
            f"  {edge['from']} → {edge['to']}: designed {_pct(edge['designed_p'])}, measured {_pct(edge['measured_p'])}"
            f" ({_count(edge['count'], 'move')})"
        )
    lines.append("")
    for title, key in (("First steps", "first_steps"), ("Last steps", "last_steps")):
        entries = document[key]
        shown = ", ".join(f"{entry['step']} {entry['cases']:,}" for entry in entries[:top])
        lines.append(f"{title}: {shown or 'none'}" + (" ..." if len(entries) > top else ""))
    unmapped = document["unmapped"]
    if unmapped:
        lines.append("")
        lines.append(f"Unmapped activities ({_count(document['unmapped_events'], 'event')}): map them or list them under ignore")
        for entry in unmapped[:top]:
            lines.append(f"  {entry['activity']}: {_count(entry['events'], 'event')}")
        if len(unmapped) > top:
            lines.append(f"  ... {len(unmapped) - top} more")
    never = document["steps_never_visited"]
    if never:
        lines.append("")
        lines.append(f"Steps no case visits: {', '.join(never)}")
    for note in document["notes"]:
        lines.append(f"note: {note}")
    if map_text is not None:
        lines.append("")
        lines.append("Map used (save it with --write-map FILE, edit it, pass it with --map FILE):")
        lines.extend(f"  {line}" for line in map_text.rstrip("\n").splitlines())
    return "\n".join(printable(line) for line in lines) + "\n"
