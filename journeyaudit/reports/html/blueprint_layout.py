"""Where every box of a service blueprint goes: zones, lanes, phases, columns and rows.

A service blueprint reads top to bottom by what the customer sees:

- the **customer** lane: the customer's own actions (`actor: customer`), whatever the
  department that owns them;
- the *line of interaction*, then the **frontstage**: one lane per department for the
  steps the customer sees (a channel that is not internal: a call, a letter, the app);
- the *line of visibility*, then the **backstage**: one lane per department for the steps
  out of the customer's sight (an internal channel: `internal`, `back-office`, `none`).

Columns follow the flow (a step one column right of the furthest step leading to it,
loops left out); a journey with `phase`s keeps each phase in columns of its own where the
flow allows it, so phases are bands across the lanes. A journey wider than the page is
wrapped into rows of columns, each row with its own lanes, so that every title is drawn
whole at a legible size. Pure layout: positions in points, top-down; no drawing here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from journeyaudit.common.durations import format_duration
from journeyaudit.model.journey import INTERNAL_CHANNELS
from journeyaudit.reports.html.diagrams import lane_order
from journeyaudit.reports.html.text_fit import wrap_to_width

# The grid, in points (= CSS pixels at the drawing's natural size).
# The widest drawing: the diagram box of a 1440-px-wide page holds 1,160 px, so a drawing
# is shown at 90 % of its size or more there (11-point titles at 9.9 px at the least).
MAX_WIDTH = 1290.0
GUTTER = 132.0  # lane titles
PITCH_X = 176.0
NODE_WIDTH = 148.0
ENTRY = 26.0  # room left of the first column, for arrows coming from the row above
EXIT = 34.0  # room right of the last column, for arrows going on to the next row
SLOT_GAP = 16.0  # between two boxes of one lane, and around them
LANE_PAD = 8.0
LINE_GAP = 22.0  # the band holding the line of interaction or of visibility
ROW_GAP = 30.0
TITLE_SIZE = 11.0
META_SIZE = 10.0
TITLE_LINE = 13.5
META_LINE = 12.0
LABEL_INSET = 12.0  # box edge to text, both sides
PHASE_SIZE = 11.5
PHASE_LINE = 14.0
LANE_TITLE_SIZE = 12.0

ZONES = ("customer", "front", "back")
ZONE_TAG = {"customer": "their own actions", "front": "seen by the customer", "back": "out of the customer's sight"}


def zone_of(step) -> str:
    """The blueprint zone of a step, by what the customer sees of it."""
    if step.actor == "customer":
        return "customer"
    if step.channel in INTERNAL_CHANNELS:
        return "back"
    return "front"


@dataclass(slots=True)
class Box:
    step_id: str
    row: int
    x: float  # centre
    y: float  # centre, top-down
    width: float
    height: float
    title_lines: list[str]
    meta_lines: list[str]
    tags: str = ""


@dataclass(slots=True)
class LaneBand:
    key: str  # unique in the drawing: c, f-<dept>, b-<dept> (then -r<row> after the first row)
    zone: str
    department: str | None
    title_lines: list[str]
    tag: str
    top: float
    height: float


@dataclass(slots=True)
class PhaseBand:
    title_lines: list[str]
    x0: float
    x1: float
    index: int  # the phase's rank in the journey (for its tint)


@dataclass(slots=True)
class RowLayout:
    index: int
    top: float
    bottom: float
    first_column: int
    columns: int
    lanes: list[LaneBand] = field(default_factory=list)
    interaction_y: float = 0.0
    visibility_y: float | None = None  # None: nothing happens out of the customer's sight
    phases: list[PhaseBand] = field(default_factory=list)
    phase_header: float = 0.0  # height of the strip holding the phase titles


@dataclass(slots=True)
class Layout:
    width: float
    height: float
    rows: list[RowLayout]
    boxes: dict[str, Box]
    column: dict[str, int]
    back_edges: set[tuple[str, str]]
    phases: list[str]  # in the order they first appear
    step_phase: dict[str, str | None]
    origin_x: float  # x of the first column's left edge

    def row_of(self, step_id: str) -> int:
        return self.boxes[step_id].row


def back_edges(journey) -> set[tuple[str, str]]:
    """Edges closing a loop in a depth-first walk from the start (then file order)."""
    steps = journey.steps
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    found: set[tuple[str, str]] = set()
    for root in [journey.start] + [s for s in steps if s != journey.start]:
        if root in state or root not in steps:
            continue
        state[root] = 1
        stack = [(root, iter(steps[root].next))]
        while stack:
            node, edges = stack[-1]
            for edge in edges:
                mark = state.get(edge.target) if edge.target in steps else 2
                if mark == 1:
                    found.add((node, edge.target))
                elif mark is None:
                    state[edge.target] = 1
                    stack.append((edge.target, iter(steps[edge.target].next)))
                    break
            else:
                state[node] = 2
                stack.pop()
    return found


def _forward(journey, backs) -> tuple[dict[str, list[str]], list[str]]:
    """Predecessors along forward edges, and a topological order (start first, then file order)."""
    steps = journey.steps
    predecessors: dict[str, list[str]] = {s: [] for s in steps}
    indegree = dict.fromkeys(steps, 0)
    for edge in journey.edges():
        pair = (edge.source, edge.target)
        if edge.target in steps and pair not in backs and edge.source != edge.target and edge.source not in predecessors[edge.target]:
            predecessors[edge.target].append(edge.source)
            indegree[edge.target] += 1
    ready = sorted((s for s in steps if indegree[s] == 0), key=lambda s: (s != journey.start, steps[s].index), reverse=True)
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for target in dict.fromkeys(e.target for e in steps[node].next):
            if target in steps and node in predecessors[target]:
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
    return predecessors, order


def step_phases(journey, predecessors, order) -> tuple[list[str], dict[str, str | None]]:
    """Each step's phase: its own, else its first predecessor's (a step of no phase goes on
    with the phase before it); phases in the order they first appear in the file."""
    phases = list(dict.fromkeys(s.phase for s in journey.steps.values() if s.phase))
    phase: dict[str, str | None] = {}
    for step_id in order:
        own = journey.steps[step_id].phase
        if own:
            phase[step_id] = own
            continue
        inherited = [phase.get(p) for p in predecessors[step_id] if phase.get(p)]
        phase[step_id] = inherited[0] if inherited else None
    return phases, phase


def layer(journey, predecessors, order, phases, phase) -> dict[str, int]:
    """Longest-path columns; with phases, each phase starts right of every earlier phase
    when the flow allows it (a phase walked back into keeps the plain columns)."""
    rank = {name: i for i, name in enumerate(phases)}

    def columns(floors: dict[int, int]) -> dict[str, int]:
        column: dict[str, int] = {}
        for step_id in order:
            before = max((column[p] + 1 for p in predecessors[step_id]), default=0)
            own = phase.get(step_id)
            column[step_id] = max(before, floors.get(rank[own], 0) if own else 0)
        return column

    column = columns({})
    if len(phases) < 2:
        return column
    for _ in range(4):
        floors: dict[int, int] = {}
        highest = -1
        for index, name in enumerate(phases):
            floors[index] = highest + 1
            members = [column[s] for s in order if phase.get(s) == name]
            highest = max([highest, *members])
        tried = columns(floors)
        if tried == column:
            return column
        column = tried
    # still moving: the phases interleave along the flow; bands follow the plain columns
    return columns({})


def _box_text(journey, step, is_start: bool) -> tuple[list[str], list[str], str]:
    inner = NODE_WIDTH - 2 * LABEL_INSET
    title = wrap_to_width(" ".join(step.title.split()), inner, TITLE_SIZE)
    meta_parts = []
    if zone_of(step) == "customer":
        meta_parts.append(journey.department_title(step.department))
    meta_parts.append(step.channel)
    if step.wait_s:
        meta_parts.append(f"wait {format_duration(step.wait_s)}")
    if step.after_s:
        meta_parts.append(f"booked {format_duration(step.after_s)} later")
    if step.duration_s:
        meta_parts.append(f"{format_duration(step.duration_s)} active")
    meta = wrap_to_width(" · ".join(meta_parts), inner, META_SIZE, bold=False)
    tags = []
    if is_start:
        tags.append("start")
    if step.end:
        tags.append(f"end: {step.end}")
    return title, meta, " · ".join(tags)


def box_height(title_lines: list[str], meta_lines: list[str], tags: str) -> float:
    return 12.0 + TITLE_LINE * len(title_lines) + META_LINE * len(meta_lines) + (META_LINE if tags else 0.0)


def layout(journey) -> Layout:
    steps = journey.steps
    backs = back_edges(journey)
    predecessors, order = _forward(journey, backs)
    phases, phase = step_phases(journey, predecessors, order)
    column = layer(journey, predecessors, order, phases, phase)
    n_columns = max(column.values(), default=0) + 1
    if GUTTER + n_columns * PITCH_X <= MAX_WIDTH:
        n_rows = 1
    else:
        n_rows = math.ceil(n_columns / max(1, int((MAX_WIDTH - GUTTER - ENTRY - EXIT) // PITCH_X)))
    per_row = math.ceil(n_columns / n_rows)  # balanced rows: 7 columns are 4 + 3, not 6 + 1
    multi = n_rows > 1
    origin = GUTTER + (ENTRY if multi else 0.0)
    width = origin + per_row * PITCH_X + (EXIT if multi else 0.0)

    departments = lane_order(journey)
    zone = {s: zone_of(step) for s, step in steps.items()}
    text = {s: _box_text(journey, step, s == journey.start) for s, step in steps.items()}
    height_of = {s: box_height(*text[s]) for s in steps}

    # boxes of one lane and column stacked; order by the mean slot of their predecessors
    cells: dict[tuple[int, str, str | None, int], list[str]] = {}
    for step_id in order:
        lane = None if zone[step_id] == "customer" else steps[step_id].department
        cells.setdefault((column[step_id] // per_row, zone[step_id], lane, column[step_id]), []).append(step_id)
    slot: dict[str, int] = {}
    for key in sorted(cells, key=lambda k: k[3]):
        def weight(step_id: str) -> tuple[float, int]:
            known = [slot[p] for p in predecessors[step_id] if p in slot]
            return (sum(known) / len(known) if known else 0.0, steps[step_id].index)

        slot.update({s: i for i, s in enumerate(sorted(cells[key], key=weight))})

    rows: list[RowLayout] = []
    boxes: dict[str, Box] = {}
    y = 0.0
    for row_index in range(n_rows):
        first = row_index * per_row
        count = min(per_row, n_columns - first)
        row = RowLayout(row_index, y, y, first, count)
        suffix = f"-r{row_index + 1}" if row_index else ""
        # phases: runs of columns whose steps share one phase
        column_phase: list[str | None] = []
        for col in range(first, first + count):
            names = {phase.get(s) for s in steps if column[s] == col}
            column_phase.append(names.pop() if len(names) == 1 else None)
        start = 0
        while start < count:
            end = start
            while end + 1 < count and column_phase[end + 1] == column_phase[start]:
                end += 1
            name = column_phase[start]
            if name:
                x0, x1 = origin + start * PITCH_X, origin + (end + 1) * PITCH_X
                lines = wrap_to_width(name, x1 - x0 - 12, PHASE_SIZE)
                row.phases.append(PhaseBand(lines, x0, x1, phases.index(name)))
            start = end + 1
        if phases:
            row.phase_header = 10.0 + PHASE_LINE * max((len(p.title_lines) for p in row.phases), default=1)
        y += row.phase_header
        for zone_name in ZONES:
            lanes_here: list[str | None] = [None] if zone_name == "customer" else list(departments)
            present = []
            for lane in lanes_here:
                members = [k for k in cells if k[0] == row_index and k[1] == zone_name and k[2] == lane]
                if members or zone_name == "customer":
                    present.append((lane, members))
            if zone_name == "back" and not any(k[1] == "back" for k in cells):
                row.visibility_y = None
                continue
            if zone_name == "front":
                row.interaction_y = y + LINE_GAP / 2
                y += LINE_GAP
            if zone_name == "back":
                row.visibility_y = y + LINE_GAP / 2
                y += LINE_GAP
            for lane, members in present:
                depth = max((len(cells[k]) for k in members), default=0)
                slot_heights = [
                    max((height_of[cells[k][i]] for k in members if len(cells[k]) > i), default=0.0)
                    for i in range(depth)
                ]
                title = "Customer" if lane is None else journey.department_title(lane)
                title_lines = wrap_to_width(title, GUTTER - 22, LANE_TITLE_SIZE)
                needed = 30.0 + 14.0 * len(title_lines)  # the lane's own title and tag
                inner = sum(slot_heights) + SLOT_GAP * max(depth - 1, 0)
                # an empty lane (the customer doing nothing themselves here) is only as tall as its title
                lane_height = max(needed, inner + 2 * (LANE_PAD + SLOT_GAP / 2), 48.0 if depth else 0.0)
                lane_key = ("c" if lane is None else f"{zone_name[0]}-{lane}") + suffix
                row.lanes.append(LaneBand(lane_key, zone_name, lane, title_lines, ZONE_TAG[zone_name], y, lane_height))
                top = y + (lane_height - inner) / 2
                for i, slot_height in enumerate(slot_heights):
                    for k in members:
                        if len(cells[k]) > i:
                            step_id = cells[k][i]
                            x = origin + (column[step_id] - first) * PITCH_X + PITCH_X / 2
                            title_lines_box, meta_lines, tags = text[step_id]
                            boxes[step_id] = Box(step_id, row_index, x, top + slot_height / 2, NODE_WIDTH,
                                                 height_of[step_id], title_lines_box, meta_lines, tags)
                    top += slot_height + SLOT_GAP
                y += lane_height
        row.bottom = y
        rows.append(row)
        y += ROW_GAP
    height = y - ROW_GAP if rows else 0.0
    return Layout(width, height, rows, boxes, column, backs, phases, phase, origin)
