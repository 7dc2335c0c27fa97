"""Hover, go-to-definition, find-references and rename over a file's ids.

Each function takes the id under the cursor (an `Occurrence` of the index)
and what is known of the journey, and answers in code-point spans; the server
converts them for the client. Hovers on a step show its figures only when the
current text audits (a figure of an older version would be wrong).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from journeyaudit.common.durations import format_duration, format_figure
from journeyaudit.common.text import SLUG, printable
from journeyaudit.lsp.checking import Checked
from journeyaudit.lsp.symbols import DATA, DEPARTMENT, JOURNEY, RULE, STEP, FileIndex, Occurrence, Span
from journeyaudit.model import Journey

RENAMEABLE = (STEP, DEPARTMENT, DATA)
KIND_WORDS = {STEP: "step", DEPARTMENT: "department", DATA: "data item", RULE: "rule", JOURNEY: "journey"}
NO_FIGURES = "_Figures appear once this version is checked and has no format problems._"


# Markdown's punctuation: escaped in text of the journey file, so a title cannot turn into
# a link, an image or HTML in the editor's hover
MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def md(text: str) -> str:
    """Text of the journey file, shown as written inside Markdown."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", printable(text))


def code(text: str) -> str:
    """An id as inline code; a backtick in it (an unknown name can hold anything) cannot end the span."""
    return "`" + printable(text).replace("`", "'") + "`"


class RenameRefused(Exception):
    """A rename that cannot be done; the message says why."""


@dataclass(slots=True)
class View:
    """What the features read of a document: its index (of the current text when it composes),
    and the last check (its journey and analysis, when `current`)."""

    index: FileIndex
    checked: Checked | None
    current: bool  # the check is of the text the index was built from

    @property
    def journey(self) -> Journey | None:
        return self.checked.journey if self.checked is not None and self.current else None


def _ways_from_start(journey: Journey) -> dict[str, int]:
    """Fewest steps from the start to each reachable step (breadth-first)."""
    distance = {journey.start: 0}
    queue = deque([journey.start])
    while queue:
        step = queue.popleft()
        for edge in journey.steps[step].next:
            if edge.target not in distance and edge.target in journey.steps:
                distance[edge.target] = distance[step] + 1
                queue.append(edge.target)
    return distance


def _title(view: View, kind: str, name: str) -> str:
    return view.index.titles.get((kind, name), "")


def hover_markdown(view: View, occurrence: Occurrence, rule_summary, folder: dict[str, Journey]) -> str:
    """The hover of an id; `rule_summary(rule_id)` gives a rule's lines (None for no such rule)."""
    kind, name = occurrence.kind, occurrence.name
    if kind == STEP:
        return _step_hover(view, name)
    if kind == DEPARTMENT:
        return _department_hover(view, name)
    if kind == DATA:
        return _data_hover(view, name, occurrence)
    if kind == RULE:
        lines = rule_summary(name)
        return lines if lines is not None else f"**{code(name)}**: no such rule (see `journeyaudit rules`)"
    other = folder.get(name)
    if occurrence.definition:
        return f"**Journey {code(name)}**"
    if other is None:
        return f"**Journey {code(name)}**: not among the journeys of this folder"
    return f"**Journey {code(name)}**: {md(other.title)}\n\n{md(other.file)}"


def _step_hover(view: View, name: str) -> str:
    title = _title(view, STEP, name)
    head = f"**Step {code(name)}**" + (f": {md(title)}" if title else "")
    journey = view.journey
    if journey is None or name not in journey.steps:
        return f"{head}\n\n{NO_FIGURES}" if view.index.definition(STEP, name) else f"{head}: not a step of this journey"
    step = journey.steps[name]
    lines = [head, ""]
    lines.append(
        f"{md(journey.department_title(step.department))} ({code(step.department)}) · {md(step.channel)} · {step.actor} · {step.kind}"
        + (f" · ends: {step.end}" if step.end else "")
    )
    visits = getattr(view.checked.analysis, "visits", {}).get(name) if view.checked else None
    figures = []
    if visits is not None:
        figures.append(f"expected visits {format_figure(visits)}" if visits > 0 else "no way from the start reaches it")
    if step.wait_s:
        waiting = f"wait {format_duration(step.wait_s)}"
        if visits and abs(visits - 1) > 1e-9:
            waiting += f" (expected here: {format_duration(visits * step.wait_s)})"
        figures.append(waiting)
    if step.duration_s:
        figures.append(f"duration {format_duration(step.duration_s)}")
    if figures:
        text = " · ".join(figures)
        lines += ["", text[0].upper() + text[1:]]
    return "\n".join(lines)


def _department_hover(view: View, name: str) -> str:
    title = _title(view, DEPARTMENT, name)
    head = f"**Department {code(name)}**" + (f": {md(title)}" if title else "")
    journey = view.journey
    if journey is None or name not in journey.departments:
        return head if view.index.definition(DEPARTMENT, name) else f"{head}: not a department of this journey"
    owned = [step.id for step in journey.steps.values() if step.department == name]
    facing = "customer-facing" if journey.departments[name].customer_facing else "not customer-facing"
    steps = ", ".join(code(step) for step in owned[:10]) + (", ..." if len(owned) > 10 else "")
    return f"{head}\n\n{facing} · owns {len(owned)} step{'s' if len(owned) != 1 else ''}" + (f": {steps}" if owned else "")


def _data_hover(view: View, name: str, occurrence: Occurrence) -> str:
    title = _title(view, DATA, name)
    head = f"**Data {code(name)}**" + (f": {md(title)}" if title else "")
    journey = view.journey
    if journey is None:
        return head if view.index.definition(DATA, name) else f"{head}: not declared under `data:`"
    lines = [head, ""]
    item = journey.data.get(name)
    if item is not None and item.sensitive:
        lines.append("Sensitive.")
    askers = [step.id for step in journey.steps.values() if name in step.asks]
    distance = _ways_from_start(journey)
    reachable = sorted((s for s in askers if s in distance), key=lambda s: (distance[s], journey.steps[s].index))
    if name in journey.known:
        lines.append("Known at the start (`known`): the company already holds it.")
    if reachable:
        first = reachable[0]
        lines.append(f"First asked at {code(first)}: {md(journey.steps[first].title)}")
    elif askers:
        lines.append(f"Asked only at steps no way reaches: {', '.join(code(s) for s in askers)}")
    elif name not in journey.known:
        lines.append("No step asks for it.")
    analysis = view.checked.analysis if view.checked else None
    if occurrence.role == "asks" and occurrence.step and analysis is not None:
        earlier = getattr(analysis, "first_asked", {}).get((occurrence.step, name))
        held_every = name in getattr(analysis, "held_must", {}).get(occurrence.step, frozenset())
        held_some = name in getattr(analysis, "held_may", {}).get(occurrence.step, frozenset())
        if held_every or held_some:
            where = f" (first at {code(earlier)})" if earlier and earlier != occurrence.step else ""
            lines.append(f"Already held here on {'every' if held_every else 'some'} way{where}.")
    if len(askers) > 1:
        lines.append(f"Asked at {len(askers)} steps: {', '.join(code(s) for s in askers[:10])}")
    return "\n".join(lines).rstrip()


def references(index: FileIndex, occurrence: Occurrence, include_declaration: bool) -> list[Span]:
    return [o.span for o in index.of(occurrence.kind, occurrence.name) if include_declaration or not o.definition]


def rename_edits(index: FileIndex, occurrence: Occurrence, new_name: str) -> list[Span]:
    """The spans to rewrite to rename an id across the file; raises RenameRefused."""
    if occurrence.kind not in RENAMEABLE:
        raise RenameRefused(f"a {KIND_WORDS[occurrence.kind]} id is not renamed here: only step, department and data ids are")
    if index.definition(occurrence.kind, occurrence.name) is None:
        raise RenameRefused(f"'{occurrence.name}' is not declared in this file: declare it, or correct the name")
    if not SLUG.match(new_name):
        raise RenameRefused(
            f"'{printable(new_name)}' is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter"
        )
    if new_name != occurrence.name and index.definition(occurrence.kind, new_name) is not None:
        raise RenameRefused(f"this journey already has a {KIND_WORDS[occurrence.kind]} '{new_name}'")
    return [o.span for o in index.of(occurrence.kind, occurrence.name)]
