"""The service blueprint of a journey page, drawn from blueprint_layout.py's positions.

Graphviz only draws what is laid out here: the `dot` executable with the neato engine in
"-n2" mode keeps our positions (points) and, up to GRAPHVIZ_ROUTING_MAX_STEPS steps,
routes the arrows around the boxes; above that the arrows are our own curves. The lanes,
the phase bands and the lines of interaction and visibility are added to the SVG
afterwards, behind the boxes. An arrow between two rows of a wrapped blueprint is drawn
as two short arrows to and from a numbered marker: "continues in row 2".
"""

from __future__ import annotations

import html
import re
from collections import Counter

from journeyaudit.analysis.breakdowns import is_handoff_edge
from journeyaudit.common.durations import format_share, format_shares
from journeyaudit.reports.html import blueprint_layout as grid
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
    pipe,
    safe_id,
    short_number,
    without_titles,
)
from journeyaudit.reports.html.environment import visible

# Up to this many steps Graphviz routes the edges around the nodes (its router grows
# fast: 2.5 s at 100 steps, 15 s at 200); above, edges are our own curves.
GRAPHVIZ_ROUTING_MAX_STEPS = 60
PHASE_TINTS = ("#eef4ff", "#fdf2fa", "#ecfdf3", "#fffaeb", "#f4f3ff", "#f0f9ff")
ZONE_FILL = {"customer": ("#fff8ec", "#fff8ec"), "front": ("#f9fafb", "#ffffff"), "back": ("#f4f3ff", "#f9f8ff")}
MARKER = 16.0  # the diameter of a "continues in row N" marker


def branch_labels(journey, analysis) -> dict[tuple[str, str], str]:
    """The chance of each branch as a percentage, the branches of a step adding up to 100 %."""
    labels: dict[tuple[str, str], str] = {}
    for step_id, step in journey.steps.items():
        # the written chances to each target, added up in file order (one pass: a step may lead to hundreds)
        written: dict[str, float] = {}
        for e in step.next:
            if e.target in journey.steps:
                written[e.target] = written.get(e.target, 0) + e.probability
        targets = list(written)
        if not targets:
            continue
        chances = [analysis.transition.get((step_id, t), written[t]) for t in targets]
        labels.update(zip(((step_id, t) for t in targets), format_shares(chances)))
    return labels


def edge_id(journey, source: str, target: str) -> str:
    return f"edge-{journey.steps[source].index}-{journey.steps[target].index}"


def _label(box: grid.Box) -> str:
    title = '<br align="left"/>'.join(esc(line) for line in box.title_lines)
    meta = '<br align="left"/>'.join(esc(line) for line in box.meta_lines)
    rows = [
        f'<tr><td align="left" balign="left"><font point-size="{grid.TITLE_SIZE}" color="{INK}"><b>{title}</b></font></td></tr>',
        f'<tr><td align="left" balign="left"><font point-size="{grid.META_SIZE}" color="{MUTED}">{meta}</font></td></tr>',
    ]
    if box.tags:
        rows.append(f'<tr><td align="left"><font point-size="{grid.META_SIZE}" color="{MUTED}"><i>{esc(box.tags)}</i></font></td></tr>')
    width = short_number(grid.NODE_WIDTH - 2 * grid.LABEL_INSET + 4)
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1" width="{width}">' + "".join(rows) + "</table>>"


def render_blueprint(journey, analysis, step_severity: dict[str, str | None], *, prefix: str = "") -> DiagramResult:
    """The service blueprint: steps in lanes by who acts and what the customer sees, coloured by their worst finding."""
    steps = journey.steps
    plan = grid.layout(journey)
    height = plan.height

    def at(x: float, y: float) -> str:  # Graphviz coordinates: y up
        return f"{short_number(x)},{short_number(height - y)}"

    route_ourselves = len(steps) > GRAPHVIZ_ROUTING_MAX_STEPS
    lines = [
        "digraph blueprint {",
        f'  graph [splines={"false" if route_ourselves else "true"} outputorder=edgesfirst bgcolor="transparent" '
        f'fontname="{FONT}" pad=0];',
        f'  node [shape=box style="rounded,filled" penwidth=1.4 fontname="{FONT}" margin="0.1,0.05" fixedsize=true];',
        f'  edge [fontname="{FONT}" fontsize=10 fontcolor="{MUTED}" arrowsize=0.7];',
        # Corners: the bounding box covers every lane; drawn as transparent points so that
        # the SVG tells where our origin went.
        '  "corner:ll" [id="corner-ll" pos="0,0!" shape=point width=0.01 height=0.01 color=transparent label=""];',
        f'  "corner:ur" [id="corner-ur" pos="{short_number(plan.width)},{short_number(height)}!" shape=point width=0.01 '
        'height=0.01 color=transparent label=""];',
    ]
    for step_id, box in plan.boxes.items():
        severity = step_severity.get(step_id)
        visits = short_number(analysis.visits.get(step_id, 0.0))
        lines.append(
            f'  "{safe_id(step_id)}" [id="{prefix}step-{safe_id(step_id)}" class="step sev-{severity or "none"} zone-{grid.zone_of(steps[step_id])}" '
            f'URL="#at-{safe_id(step_id)}" target="_self" tooltip="{visits} expected visits" '
            f'pos="{at(box.x, box.y)}!" width={short_number(box.width / 72)} height={short_number(box.height / 72)} '
            f'fillcolor="{SEVERITY_FILL[severity]}" color="{SEVERITY_STROKE[severity]}" label={_label(box)}];'
        )
    handoffs = 0
    seen: set[tuple[str, str]] = set()
    chances = branch_labels(journey, analysis)
    exits: dict[str, int] = {}
    entries: dict[str, int] = {}
    crossing = [
        (e.source, e.target) for e in journey.edges()
        if e.target in steps and plan.row_of(e.source) != plan.row_of(e.target)
    ]
    # arrows (distinct pairs) leaving and entering each step across rows: its markers' stack
    distinct = dict.fromkeys(crossing)
    exit_count = Counter(a for a, _ in distinct)
    entry_count = Counter(b for _, b in distinct)
    for edge in journey.edges():
        pair = (edge.source, edge.target)
        if edge.target not in steps or pair in seen:
            continue
        seen.add(pair)
        probability = analysis.transition.get(pair, edge.probability)
        handoff = is_handoff_edge(journey, analysis, edge.source, edge.target)
        handoffs += handoff
        loop = pair in analysis.loop_edges
        classes = " ".join(["flow"] + (["handoff"] if handoff else []) + (["loop"] if loop else []))
        style = [f'color="{HANDOFF_COLOUR if handoff else EDGE_COLOUR}"', f"penwidth={2.2 if handoff else 1.2}"]
        if loop:
            style.append('style="dashed"')
        labelled = probability < 0.999999 or len(steps[edge.source].next) > 1
        label = [f'taillabel=<{esc(chances.get(pair, format_share(probability)))}>'] if labelled else []
        identity = f"{prefix}{edge_id(journey, *pair)}"
        source, target = plan.boxes[edge.source], plan.boxes[edge.target]
        if source.row == target.row:
            attrs = [f'id="{identity}"', f'class="{classes}"', *style, *label]
            if route_ourselves:
                backwards = pair in plan.back_edges or edge.source == edge.target
                path, label_at = _route(source, target, backwards, plan.width, height)
                attrs.append(f'pos="{path}"')
                if labelled:
                    attrs.append(f'tail_lp="{label_at}"')
            elif labelled:
                attrs.append("labeldistance=2.4 labelangle=28")
            lines.append(f'  "{safe_id(edge.source)}" -> "{safe_id(edge.target)}" [{" ".join(attrs)}];')
            continue
        # Across rows: to a marker at the right end of the source's row, from one at the left of the target's.
        k = exits.get(edge.source, 0)
        exits[edge.source] = k + 1
        out_y = source.y + (k - (exit_count[edge.source] - 1) / 2) * (MARKER + 4)
        j = entries.get(edge.target, 0)
        entries[edge.target] = j + 1
        in_y = target.y + (j - (entry_count[edge.target] - 1) / 2) * (MARKER + 4)
        title = html.escape(visible(" ".join(steps[edge.target].title.split())), quote=True)
        out_node, in_node = f"out:{identity}", f"in:{identity}"
        for node, x, y, number, tip in (
            (out_node, plan.width - grid.EXIT / 2, out_y, target.row + 1, f"continues in row {target.row + 1}: {title}"),
            (in_node, grid.GUTTER + grid.ENTRY / 2, in_y, source.row + 1, f"comes from row {source.row + 1}"),
        ):
            lines.append(
                f'  "{node}" [id="{node.replace(":", "-", 1)}" class="row-link" shape=circle fixedsize=true '
                f'width={short_number(MARKER / 72)} height={short_number(MARKER / 72)} style=filled fillcolor="#ffffff" '
                f'color="{HANDOFF_COLOUR if handoff else EDGE_COLOUR}" fontsize=9 fontcolor="{INK}" label="{number}" '
                f'tooltip="{tip}" pos="{at(x, y)}!"];'
            )
        out_box = grid.Box("", source.row, plan.width - grid.EXIT / 2, out_y, MARKER, MARKER, [], [])
        in_box = grid.Box("", target.row, grid.GUTTER + grid.ENTRY / 2, in_y, MARKER, MARKER, [], [])
        for node_a, node_b, box_a, box_b, own_id, own_label in (
            (safe_id(edge.source), out_node, source, out_box, identity, label),
            (in_node, safe_id(edge.target), in_box, target, f"{identity}-in", []),
        ):
            # the second half carries on the first's look, not its class: an arrow is counted once
            own_classes = f"{classes} row-crossing" if own_label or own_id == identity else "flow continued row-crossing"
            attrs = [f'id="{own_id}"', f'class="{own_classes}"', *style, *own_label]
            if route_ourselves:
                path, label_at = _route(box_a, box_b, False, plan.width, height)
                attrs.append(f'pos="{path}"')
                if own_label:
                    attrs.append(f'tail_lp="{label_at}"')
            lines.append(f'  "{node_a}" -> "{node_b}" [{" ".join(attrs)}];')
    lines.append("}")
    svg = pipe("\n".join(lines) + "\n", pinned=True)
    svg = clean_svg(svg, css_class="diagram swimlane blueprint", label=f"Service blueprint of {journey.title}")
    svg = without_titles(_add_background(svg, plan, prefix))
    rows = tuple((row.top, row.bottom) for row in plan.rows) if len(plan.rows) > 1 else ()
    return DiagramResult(svg, handoff_edges=handoffs, rows=rows)


def _route(source: grid.Box, target: grid.Box, backwards: bool, width: float, height: float) -> tuple[str, str]:
    """A cubic Bézier for one edge (Graphviz `pos` syntax, y up) and its tail label position.

    Forward edges leave the right side of the source and enter the left side of the
    target with horizontal tangents; backward edges (loops) leave the bottom of the
    source and arc under both steps into the bottom of the target.
    """
    x1, y1 = source.x, height - source.y
    x2, y2 = target.x, height - target.y
    arrow = 7.0
    if not backwards:
        start = (x1 + source.width / 2, y1)
        end = (x2 - target.width / 2, y2)
        tip = (end[0] - arrow, end[1])
        bend = max(24.0, (tip[0] - start[0]) / 2)
        points = [start, (start[0] + bend, y1), (tip[0] - bend, y2), tip]
        label = (start[0] + 14, y1 + 8)
    else:
        start = (x1, y1 - source.height / 2)
        end = (x2, y2 - target.height / 2)
        tip = (end[0], end[1] - arrow)
        depth = min(60.0, 24.0 + abs(x1 - x2) / 20)
        low = max(2.0, min(start[1], tip[1]) - depth)
        if x1 == x2:  # a step looping on itself: a small arc on its right
            half = source.width / 2
            start = (x1 + half, y1)
            tip = (x1 + half - 24, y1 - source.height / 2 - arrow)
            end = (x1 + half - 24, y1 - source.height / 2)
            points = [start, (x1 + half + 40, y1), (x1 + half - 24, low), tip]
        else:
            points = [start, (x1, low), (x2, low), tip]
        label = (start[0] + 16, start[1] - 10)

    def clamp(p: tuple[float, float]) -> tuple[float, float]:  # stay inside the drawing
        return (min(max(p[0], 0.0), width), max(p[1], 0.0))

    text = f"e,{short_number(end[0])},{short_number(end[1])} " + " ".join(
        f"{short_number(x)},{short_number(y)}" for x, y in map(clamp, points)
    )
    return text, f"{short_number(label[0])},{short_number(label[1])}"


_BACKGROUND = re.compile(r'(<g id="[a-z-]*-graph" class="graph"[^>]*>\n<title>[^<]*</title>\n)(<polygon[^>]*/>\n)?')
_CORNER = re.compile(r'<g id="corner(?:-|&#45;)ll" class="node">\n<title>[^<]*</title>\n<ellipse [^>]*cx="([-\d.]+)" cy="([-\d.]+)"')


def _text(x: float, y: float, lines: list[str], size: float, *, colour: str = INK, bold: bool = False,
          line_height: float = 14.0, css: str = "") -> str:
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{short_number(x)}" dy="{0 if i == 0 else short_number(line_height)}">{html.escape(visible(line))}</tspan>'
        for i, line in enumerate(lines)
    )
    return (f'<text{f" class={chr(34)}{css}{chr(34)}" if css else ""} x="{short_number(x)}" y="{short_number(y)}" '
            f'font-family="{FONT}" font-size="{short_number(size)}" fill="{colour}"{weight}>{spans}</text>')


def _add_background(svg: str, plan: grid.Layout, prefix: str) -> str:
    """Lanes, phase bands, lane titles and the two lines, behind the boxes and arrows."""
    match = _CORNER.search(svg)
    dx, dy = (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)
    parts = [f'<g class="lanes" transform="translate({short_number(dx)} {short_number(dy - plan.height)})">']
    width = plan.width
    for row in plan.rows:
        for position, lane in enumerate(row.lanes):
            fill = ZONE_FILL[lane.zone][position % 2]
            parts.append(
                f'<rect class="lane zone-{lane.zone}" x="0" y="{short_number(lane.top)}" width="{short_number(width)}" '
                f'height="{short_number(lane.height)}" fill="{fill}" stroke="#eaecf0"/>'
            )
        for band in row.phases:
            parts.append(
                f'<rect class="phase" x="{short_number(band.x0 + 2)}" y="{short_number(row.top)}" '
                f'width="{short_number(band.x1 - band.x0 - 4)}" height="{short_number(row.bottom - row.top)}" '
                f'fill="{PHASE_TINTS[band.index % len(PHASE_TINTS)]}" fill-opacity="0.55" rx="6"/>'
            )
            parts.append(_text(band.x0 + 8, row.top + 15, band.title_lines, grid.PHASE_SIZE, bold=True,
                               line_height=grid.PHASE_LINE, css="phase-title"))
        for lane in row.lanes:
            parts.append(f'<g id="{prefix}lane-{lane.key}" class="lane-title">')
            parts.append(_text(10, lane.top + 18, lane.title_lines, grid.LANE_TITLE_SIZE, bold=True))
            parts.append(_text(10, lane.top + 18 + 14 * len(lane.title_lines), [lane.tag], 9.5, colour=MUTED))
            parts.append("</g>")
        for css, y, label in (
            ("interaction", row.interaction_y, "line of interaction"),
            ("visibility", row.visibility_y, "line of visibility"),
        ):
            if y is None:
                continue
            parts.append(
                f'<line class="{css}" x1="0" x2="{short_number(width)}" y1="{short_number(y)}" y2="{short_number(y)}" '
                f'stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="{"2 3" if css == "interaction" else "7 4"}"/>'
            )
            parts.append(_text(8, y - 3, [label], 9.5, colour=MUTED))
    parts.append("</g>\n")
    block = "\n".join(parts)
    return _BACKGROUND.sub(lambda m: m.group(1) + block, svg, count=1)
