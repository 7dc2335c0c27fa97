"""The step swimlane of a journey page.

Graphviz's `dot` layout cannot be told to keep clusters (lanes) in a given
order, so the swimlane is laid out here (columns from the longest path on the
graph without its back edges, one horizontal lane per department in file
order, customer-facing lanes above the line of visibility) and Graphviz only
draws it: the `dot` executable with the neato engine in "-n2" mode keeps our
positions (points) and routes the edges as splines around the nodes. Lane
bands and the line of visibility are added to the SVG afterwards.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from journeyaudit.analysis.breakdowns import is_handoff_edge
from journeyaudit.common.durations import format_duration, format_share, format_shares
from journeyaudit.reports.html.diagrams import (
    EDGE_COLOUR,
    FONT,
    HANDOFF_COLOUR,
    INK,
    MUTED,
    SEVERITY_FILL,
    SEVERITY_STROKE,
    DiagramResult,
    clean_svg,
    esc,
    lane_order,
    pipe,
    safe_id,
    short_number,
)

# Layout grid, in points (Graphviz -n2 units).
GUTTER = 130.0  # lane titles
PITCH_X = 190.0
PITCH_Y = 84.0
LANE_PAD = 14.0
VISIBILITY_GAP = 30.0
NODE_WIDTH = 152.0  # points; nodes have a fixed size so edges can be routed without asking Graphviz
TITLE_WIDTH = 23  # characters per label line
TITLE_LINES = 3
# Up to this many steps Graphviz routes the edges around the nodes (its router
# grows fast: 2.5 s at 100 steps, 15 s at 200); above, edges are drawn as our
# own curves between columns, which takes no time.
GRAPHVIZ_ROUTING_MAX_STEPS = 60


@dataclass(slots=True)
class Lane:
    department: str
    title: str
    customer_facing: bool
    top: float = 0.0  # y of the band's top, from the top of the drawing
    height: float = 0.0


def branch_labels(journey, analysis) -> dict[tuple[str, str], str]:
    """The chance of each branch as a percentage, the branches of a step adding up to 100 %."""
    labels: dict[tuple[str, str], str] = {}
    for step_id, step in journey.steps.items():
        targets = list(dict.fromkeys(e.target for e in step.next if e.target in journey.steps))
        if not targets:
            continue
        chances = [analysis.transition.get((step_id, t), sum(e.probability for e in step.next if e.target == t))
                   for t in targets]
        labels.update(zip(((step_id, t) for t in targets), format_shares(chances)))
    return labels


def back_edges(journey) -> set[tuple[str, str]]:
    """Edges closing a loop in a depth-first walk from the start (then file order)."""
    steps = journey.steps
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    found: set[tuple[str, str]] = set()
    roots = [journey.start] + [s for s in steps if s != journey.start]
    for root in roots:
        if root in state or root not in steps:
            continue
        state[root] = 1
        stack = [(root, iter(steps[root].next))]
        while stack:
            node, edges = stack[-1]
            advanced = False
            for edge in edges:
                target = edge.target
                if target not in steps:
                    continue
                mark = state.get(target)
                if mark == 1:
                    found.add((node, target))
                elif mark is None:
                    state[target] = 1
                    stack.append((target, iter(steps[target].next)))
                    advanced = True
                    break
            if not advanced:
                state[node] = 2
                stack.pop()
    return found


def columns(journey, backs: set[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layering of the graph without its back edges (stable: file order)."""
    steps = journey.steps
    indegree = dict.fromkeys(steps, 0)
    for edge in journey.edges():
        if edge.target in steps and (edge.source, edge.target) not in backs and edge.source != edge.target:
            indegree[edge.target] += 1
    column = dict.fromkeys(steps, 0)
    ready = [s for s in steps if indegree[s] == 0]
    # The start first so that it sits in column 0 even when other roots exist.
    ready.sort(key=lambda s: (s != journey.start, steps[s].index))
    seen_targets: set[tuple[str, str]] = set()
    queue = list(reversed(ready))
    while queue:
        node = queue.pop()
        for edge in steps[node].next:
            pair = (edge.source, edge.target)
            if edge.target not in steps or pair in backs or edge.source == edge.target or pair in seen_targets:
                continue
            seen_targets.add(pair)
            column[edge.target] = max(column[edge.target], column[node] + 1)
            indegree[edge.target] -= 1
            if indegree[edge.target] == 0:
                queue.append(edge.target)
    return column


def _wrap_title(title: str) -> list[str]:
    lines = textwrap.wrap(" ".join(title.split()), TITLE_WIDTH, break_long_words=True) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][: TITLE_WIDTH - 1].rstrip() + "…"
    return lines


def _step_label(step, is_start: bool) -> tuple[str, float]:
    """The HTML-like label of a step node, and the node's height in points."""
    title_lines = _wrap_title(step.title)
    title = "<br/>".join(esc(line) for line in title_lines)
    meta = [step.channel]
    if step.wait_s:
        meta.append(f"wait {format_duration(step.wait_s)}")
    if step.duration_s:
        meta.append(f"{format_duration(step.duration_s)} active")
    tags = []
    if is_start:
        tags.append("start")
    if step.end:
        tags.append(f"end: {step.end}")
    meta_text = " · ".join(esc(part) for part in meta)
    rows = [
        f'<tr><td align="left" balign="left"><font point-size="11.5" color="{INK}"><b>{title}</b></font></td></tr>',
        f'<tr><td align="left"><font point-size="10" color="{MUTED}">{meta_text}</font></td></tr>',
    ]
    if tags:
        rows.append(
            f'<tr><td align="left"><font point-size="9.5" color="{MUTED}"><i>{esc(" · ".join(tags))}</i></font></td></tr>'
        )
    height = 14.0 + 14.5 * len(title_lines) + 13.0 + (12.0 if tags else 0.0)
    # A fixed-width table: every label starts at the same left edge of its node.
    table = f'<table border="0" cellborder="0" cellspacing="0" cellpadding="1" width="{short_number(NODE_WIDTH - 16)}">'
    return "<" + table + "".join(rows) + "</table>>", height


def edge_id(journey, source: str, target: str) -> str:
    return f"edge-{journey.steps[source].index}-{journey.steps[target].index}"


def render_swimlane(journey, analysis, step_severity: dict[str, str | None]) -> DiagramResult:
    """The step diagram: one lane per department, steps coloured by their worst finding."""
    steps = journey.steps
    order = lane_order(journey)
    lanes = {
        d: Lane(
            d,
            journey.department_title(d),
            journey.departments[d].customer_facing if d in journey.departments else True,
        )
        for d in order
    }
    backs = back_edges(journey)
    column = columns(journey, backs)

    # Slots inside each lane column; a node follows the mean slot of its
    # predecessors (fewer crossings), then file order.
    slot: dict[str, int] = {}
    cells: dict[tuple[str, int], list[str]] = {}
    for step_id in steps:
        cells.setdefault((steps[step_id].department, column[step_id]), []).append(step_id)
    predecessors: dict[str, list[str]] = {s: [] for s in steps}
    for edge in journey.edges():
        if edge.target in steps and (edge.source, edge.target) not in backs:
            predecessors[edge.target].append(edge.source)
    for (_, _col), members in sorted(cells.items(), key=lambda item: item[0][1]):
        def weight(step_id: str) -> tuple[float, int]:
            known = [slot[p] for p in predecessors[step_id] if p in slot]
            return (sum(known) / len(known) if known else 0.0, steps[step_id].index)

        slot.update({step_id: position for position, step_id in enumerate(sorted(members, key=weight))})
    depth = dict.fromkeys(order, 1)
    for (department, _col), members in cells.items():
        depth[department] = max(depth[department], len(members))

    y = 0.0
    previous_facing = True
    visibility_y = None
    for department in order:
        lane = lanes[department]
        if previous_facing and not lane.customer_facing:
            if y > 0:
                visibility_y = y + VISIBILITY_GAP / 2
                y += VISIBILITY_GAP
            else:
                visibility_y = None
        previous_facing = lane.customer_facing
        lane.top = y
        lane.height = depth[department] * PITCH_Y + 2 * LANE_PAD
        y += lane.height
    total_height = y
    n_columns = max(column.values(), default=0) + 1
    total_width = GUTTER + n_columns * PITCH_X

    def to_graphviz(x: float, top_y: float) -> str:
        return f"{short_number(x)},{short_number(total_height - top_y)}"

    route_ourselves = len(steps) > GRAPHVIZ_ROUTING_MAX_STEPS
    lines = [
        "digraph swimlane {",
        f'  graph [splines={"false" if route_ourselves else "true"} outputorder=edgesfirst bgcolor="transparent" '
        f'fontname="{FONT}" pad=0];',
        f'  node [shape=box style="rounded,filled" penwidth=1.4 fontname="{FONT}" margin="0.1,0.05" fixedsize=true];',
        f'  edge [fontname="{FONT}" fontsize=10.5 fontcolor="{MUTED}" arrowsize=0.7];',
        # Corners: the bounding box covers every lane. They are drawn (as
        # transparent points) so that the SVG tells where our origin went.
        '  "corner:ll" [id="corner-ll" pos="0,0!" shape=point width=0.01 height=0.01 color=transparent label=""];',
        f'  "corner:ur" [id="corner-ur" pos="{short_number(total_width)},{short_number(total_height)}!" shape=point width=0.01 '
        'height=0.01 color=transparent label=""];',
    ]
    for department in order:
        lane = lanes[department]
        tag = "customer-facing" if lane.customer_facing else "back office"
        label = (
            f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1" width="{short_number(GUTTER - 24)}">'
            f'<tr><td align="left" balign="left"><font point-size="13" color="{INK}"><b>'
            + "<br/>".join(esc(line) for line in textwrap.wrap(lane.title, 16, break_long_words=True) or [""])
            + "</b></font></td></tr>"
            f'<tr><td align="left"><font point-size="10" color="{MUTED}">{tag}</font></td></tr></table>>'
        )
        lines.append(
            f'  "lane:{safe_id(department)}" [id="lane-{safe_id(department)}" class="lane-title" shape=plaintext '
            f'style="" fixedsize=false pos="{to_graphviz(GUTTER / 2 + 4, lane.top + lane.height / 2)}!" label={label}];'
        )
    centre: dict[str, tuple[float, float]] = {}  # Graphviz coordinates (y up)
    half_height: dict[str, float] = {}
    for step_id, step in steps.items():
        severity = step_severity.get(step_id)
        x = GUTTER + column[step_id] * PITCH_X + PITCH_X / 2
        lane = lanes[step.department]
        top = lane.top + LANE_PAD + slot[step_id] * PITCH_Y + PITCH_Y / 2
        label, height = _step_label(step, step_id == journey.start)
        centre[step_id] = (x, total_height - top)
        half_height[step_id] = height / 2
        classes = ["step", f"sev-{severity or 'none'}"]
        lines.append(
            f'  "{safe_id(step_id)}" [id="step-{safe_id(step_id)}" class="{" ".join(classes)}" '
            f'URL="#at-{safe_id(step_id)}" target="_self" tooltip="{short_number(analysis.visits.get(step_id, 0.0))} expected visits" '
            f'pos="{to_graphviz(x, top)}!" width={short_number(NODE_WIDTH / 72)} height={short_number(height / 72)} '
            f'fillcolor="{SEVERITY_FILL[severity]}" color="{SEVERITY_STROKE[severity]}" label={label}];'
        )
    handoffs = 0
    seen: set[tuple[str, str]] = set()
    chances = branch_labels(journey, analysis)
    for edge in journey.edges():
        pair = (edge.source, edge.target)
        if edge.target not in steps or pair in seen:
            continue
        seen.add(pair)
        probability = analysis.transition.get(pair, edge.probability)
        handoff = is_handoff_edge(journey, analysis, edge.source, edge.target)
        handoffs += handoff
        loop = pair in analysis.loop_edges
        classes = ["flow"] + (["handoff"] if handoff else []) + (["loop"] if loop else [])
        attrs = [
            f'id="{edge_id(journey, *pair)}"',
            f'class="{" ".join(classes)}"',
            f'color="{HANDOFF_COLOUR if handoff else EDGE_COLOUR}"',
            f"penwidth={2.2 if handoff else 1.2}",
        ]
        if loop:
            attrs.append('style="dashed"')
        labelled = probability < 0.999999 or len(steps[edge.source].next) > 1
        if labelled:
            attrs.append(f'taillabel=<{esc(chances.get(pair, format_share(probability)))}>')
        if route_ourselves:
            path, label_at = _route(centre[edge.source], centre[edge.target], half_height[edge.source],
                                    half_height[edge.target], pair in backs or edge.source == edge.target, total_width)
            attrs.append(f'pos="{path}"')
            if labelled:
                attrs.append(f'tail_lp="{label_at}"')
        elif labelled:
            attrs.append("labeldistance=2.6 labelangle=28")
        lines.append(f'  "{safe_id(edge.source)}" -> "{safe_id(edge.target)}" [{" ".join(attrs)}];')
    lines.append("}")
    svg = pipe("\n".join(lines) + "\n", pinned=True)
    svg = clean_svg(svg, css_class="diagram swimlane", label=f"Swimlane diagram of {journey.title}")
    svg = _add_lanes(svg, [lanes[d] for d in order], total_width, total_height, visibility_y)
    return DiagramResult(svg, handoff_edges=handoffs)


def _route(source, target, source_half, target_half, backwards: bool, width: float) -> tuple[str, str]:
    """A cubic Bézier for one edge (Graphviz `pos` syntax) and its tail label position.

    Forward edges leave the right side of the source and enter the left side of
    the target with horizontal tangents; backward edges (loops) leave the
    bottom of the source and arc under both steps into the bottom of the target.
    """
    (x1, y1), (x2, y2) = source, target
    half = NODE_WIDTH / 2
    arrow = 7.0
    if not backwards:
        start = (x1 + half, y1)
        end = (x2 - half, y2)
        tip = (end[0] - arrow, end[1])
        bend = max(30.0, (tip[0] - start[0]) / 2)
        points = [start, (start[0] + bend, y1), (tip[0] - bend, y2), tip]
        label = (start[0] + 14, y1 + 8)
    else:
        start = (x1, y1 - source_half)
        end = (x2, y2 - target_half)
        tip = (end[0], end[1] - arrow)
        depth = min(60.0, 24.0 + abs(x1 - x2) / 20)
        low = max(2.0, min(start[1], tip[1]) - depth)
        if x1 == x2:  # a step looping on itself: a small arc on its right
            start = (x1 + half, y1)
            tip = (x1 + half - 24, y1 - source_half - arrow)
            end = (x1 + half - 24, y1 - source_half)
            points = [start, (x1 + half + 40, y1), (x1 + half - 24, low), tip]
        else:
            points = [start, (x1, low), (x2, low), tip]
        label = (start[0] + 16, start[1] - 10)
    clamp = lambda p: (min(max(p[0], 0.0), width), max(p[1], 0.0))  # noqa: E731 - stay inside the drawing
    text = f"e,{short_number(end[0])},{short_number(end[1])} " + " ".join(f"{short_number(x)},{short_number(y)}" for x, y in map(clamp, points))
    return text, f"{short_number(label[0])},{short_number(label[1])}"


_BACKGROUND = re.compile(r'(<g id="swimlane-graph" class="graph"[^>]*>\n<title>[^<]*</title>\n)(<polygon[^>]*/>\n)?')
_CORNER = re.compile(r'<g id="corner(?:-|&#45;)ll" class="node">\n<title>[^<]*</title>\n<ellipse [^>]*cx="([-\d.]+)" cy="([-\d.]+)"')


def _add_lanes(svg: str, lanes: list[Lane], width: float, height: float, visibility_y: float | None) -> str:
    """Draw the lane bands and the line of visibility behind the nodes and edges."""
    # Graphviz may shift the drawing (a curve reaching past a corner): place the
    # lanes from where our (0, 0) corner actually landed.
    match = _CORNER.search(svg)
    dx, dy = (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)
    parts = [f'<g class="lanes" transform="translate({short_number(dx)} {short_number(dy - height)})">']
    for position, lane in enumerate(lanes):
        fill = "#f9fafb" if position % 2 == 0 else "#ffffff"
        if not lane.customer_facing:
            fill = "#f4f3ff" if position % 2 == 0 else "#f9f8ff"
        parts.append(
            f'<rect class="lane" x="0" y="{short_number(lane.top)}" width="{short_number(width)}" '
            f'height="{short_number(lane.height)}" fill="{fill}" stroke="#eaecf0"/>'
        )
    if visibility_y is not None:
        parts.append(
            f'<line class="visibility" x1="0" x2="{short_number(width)}" y1="{short_number(visibility_y)}" y2="{short_number(visibility_y)}" '
            f'stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="7 4"/>'
        )
        parts.append(
            f'<text x="8" y="{short_number(visibility_y - 5)}" font-family="{FONT}" font-size="10.5" '
            f'fill="{MUTED}">line of visibility</text>'
        )
    parts.append("</g>\n")
    block = "\n".join(parts)
    return _BACKGROUND.sub(lambda m: m.group(1) + block, svg, count=1)
