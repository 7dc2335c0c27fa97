"""The emotion curve: the feelings the journey file records beside the friction journeyaudit
measures, step by step along the most likely way (analysis.breakdowns.friction_curve).

A hand-written SVG (no Graphviz): a band per phase, the authored feeling (−2 angry … 2
delighted) as a line of dots on top, the friction points of each step as a stacked bar
below. Every text is escaped; the drawing scales to its box.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from journeyaudit.common.durations import format_figure
from journeyaudit.reports.html.diagrams import FONT, INK, MUTED, short_number
from journeyaudit.reports.html.environment import visible

PARTS = (  # the order bars stack, bottom up, and their colours (report.css has the same)
    ("waiting", "#f79009", "waiting"),
    ("asks", "#2e90fa", "asks for information"),
    ("handoffs", "#6941c6", "hand-offs"),
    ("switches", "#0e9384", "channel switches"),
    ("active", "#a4bcfd", "active time"),
)
FEELING_WORDS = {-2: "angry", -1: "unhappy", 0: "neutral", 1: "pleased", 2: "delighted"}
MAX_SLOTS = 40  # a longer way is drawn in groups of consecutive steps
WIDTH = 1100.0
LEFT = 150.0
PHASE_STRIP = 22.0
FEEL_TOP = PHASE_STRIP + 10.0
FEEL_HEIGHT = 96.0
BAR_TOP = FEEL_TOP + FEEL_HEIGHT + 28.0
BAR_HEIGHT = 120.0
HEIGHT = BAR_TOP + BAR_HEIGHT + 26.0
PHASE_TINTS = ("#eef4ff", "#fdf2fa", "#ecfdf3", "#fffaeb", "#f4f3ff", "#f0f9ff")


@dataclass(slots=True)
class Slot:
    label: str  # "3", or "11–20" for a group
    title: str
    phase: str | None
    feeling: float | None
    parts: dict[str, float]

    @property
    def points(self) -> float:
        return sum(self.parts.values())


def slots(curve) -> list[Slot]:
    """One slot per step, or per group of consecutive steps on a way longer than MAX_SLOTS."""
    size = max(1, -(-len(curve) // MAX_SLOTS))
    found = []
    for start in range(0, len(curve), size):
        group = curve[start:start + size]
        felt = [p.feeling for p in group if p.feeling is not None]
        parts = {key: sum(p.parts[key] for p in group) for key, _, _ in PARTS}
        phases = {p.phase for p in group}
        label = str(start + 1) if size == 1 else f"{start + 1}–{start + len(group)}"
        title = group[0].title if size == 1 else f"steps {label}"
        found.append(Slot(label, title, phases.pop() if len(phases) == 1 else None,
                          sum(felt) / len(felt) if felt else None, parts))
    return found


def _t(x: float, y: float, text: str, size: float = 11, colour: str = MUTED, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{short_number(x)}" y="{short_number(y)}" font-family="{FONT}" font-size="{short_number(size)}" '
            f'fill="{colour}" text-anchor="{anchor}"{weight}>{html.escape(visible(text))}</text>')


def render_curve(curve, *, title: str) -> str:
    """The SVG of the emotion curve (markup: every journey text escaped); empty for an empty way."""
    drawn = slots(curve)
    if not drawn:
        return ""
    from journeyaudit.reports.html.text_fit import wrap_to_width

    pitch = (WIDTH - LEFT - 8) / len(drawn)
    centre = [LEFT + pitch * (i + 0.5) for i in range(len(drawn))]
    # phases: runs of slots of one phase, their titles wrapped to the run's width (never cut)
    runs = []
    start = 0
    phase_rank: dict[str, int] = {}
    while start < len(drawn):
        end = start
        while end + 1 < len(drawn) and drawn[end + 1].phase == drawn[start].phase:
            end += 1
        name = drawn[start].phase
        if name:
            rank = phase_rank.setdefault(name, len(phase_rank))
            runs.append((LEFT + pitch * start, pitch * (end - start + 1), rank,
                         wrap_to_width(name, pitch * (end - start + 1) - 10, 11)))
        start = end + 1
    extra = 13.0 * (max((len(r[3]) for r in runs), default=1) - 1)
    out = [
        f'<svg class="diagram curve" role="img" viewBox="0 0 {short_number(WIDTH)} {short_number(HEIGHT + extra)}" '
        f'data-width="{short_number(WIDTH)}" style="width:100%;max-width:{short_number(WIDTH)}px" '
        f'aria-label="{html.escape(visible("Emotion curve and friction of " + title), quote=True)}">'
    ]
    for x0, run_width, rank, lines in runs:
        out.append(f'<rect class="phase" x="{short_number(x0 + 1)}" y="0" width="{short_number(run_width - 2)}" '
                   f'height="{short_number(HEIGHT + extra - 22)}" rx="5" fill="{PHASE_TINTS[rank % len(PHASE_TINTS)]}"/>')
        spans = "".join(f'<tspan x="{short_number(x0 + 6)}" dy="{0 if i == 0 else 13}">{html.escape(visible(line))}</tspan>'
                        for i, line in enumerate(lines))
        out.append(f'<text class="phase-title" x="{short_number(x0 + 6)}" y="15" font-family="{FONT}" font-size="11" '
                   f'font-weight="bold" fill="{INK}">{spans}</text>')
    out.append(f'<g transform="translate(0 {short_number(extra)})">')
    # feelings
    out.append(_t(8, FEEL_TOP + 28, "How customers", 11.5, INK, bold=True))
    out.append(_t(8, FEEL_TOP + 42, "feel (research)", 11.5, INK, bold=True))

    def feel_y(value: float) -> float:
        return FEEL_TOP + FEEL_HEIGHT / 2 - value * FEEL_HEIGHT / 4

    for value in (-2, 0, 2):
        y = feel_y(value)
        out.append(f'<line x1="{short_number(LEFT)}" x2="{short_number(WIDTH - 8)}" y1="{short_number(y)}" y2="{short_number(y)}" '
                   f'stroke="#d0d5dd" stroke-width="1"{" stroke-dasharray=" + chr(34) + "3 3" + chr(34) if value else ""}/>')
        out.append(_t(LEFT - 6, y + 4 if value != 0 else y + 14, FEELING_WORDS[value], 10, anchor="end"))
    felt = [(centre[i], feel_y(s.feeling)) for i, s in enumerate(drawn) if s.feeling is not None]
    if len(felt) > 1:
        points = " ".join(f"{short_number(x)},{short_number(y)}" for x, y in felt)
        out.append(f'<polyline class="feeling-line" points="{points}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for i, slot in enumerate(drawn):
        if slot.feeling is None:
            continue
        colour = "#d92d20" if slot.feeling < 0 else "#079455" if slot.feeling > 0 else MUTED
        word = FEELING_WORDS.get(round(slot.feeling), format_figure(slot.feeling))
        out.append(f'<circle class="feeling" cx="{short_number(centre[i])}" cy="{short_number(feel_y(slot.feeling))}" r="5.5" '
                   f'fill="{colour}" stroke="#fff" stroke-width="1.5"><title>{html.escape(visible(f"{slot.label}. {slot.title}: {word}"))}</title></circle>')
    if not felt:
        out.append(_t(LEFT + 10, feel_y(0) - 8, "No feelings recorded for this journey (a step's feeling, from interviews or surveys).", 11))
    # friction bars
    out.append(_t(8, BAR_TOP + 12, "Friction", 11.5, INK, bold=True))
    out.append(_t(8, BAR_TOP + 27, "measured, in effort", 10))
    out.append(_t(8, BAR_TOP + 40, "points per step", 10))
    highest = max((s.points for s in drawn), default=0.0) or 1.0
    bar_width = min(46.0, pitch * 0.6)
    base = BAR_TOP + BAR_HEIGHT
    out.append(f'<line x1="{short_number(LEFT)}" x2="{short_number(WIDTH - 8)}" y1="{short_number(base)}" y2="{short_number(base)}" stroke="#98a2b3"/>')
    for i, slot in enumerate(drawn):
        y = base
        x = centre[i] - bar_width / 2
        pieces = []
        for key, colour, word in PARTS:
            part = slot.parts[key]
            if part <= 0:
                continue
            h = (BAR_HEIGHT - 16) * part / highest
            y -= h
            pieces.append(f'<rect class="part-{key}" x="{short_number(x)}" y="{short_number(y)}" width="{short_number(bar_width)}" '
                          f'height="{short_number(h)}" fill="{colour}"><title>{html.escape(word)}: {format_figure(part)} points</title></rect>')
        out.append(f'<g class="friction" data-points="{format_figure(slot.points)}">' + "".join(pieces) + "</g>")
        if slot.points > 0:
            out.append(_t(centre[i], y - 4, format_figure(slot.points), 10, INK, anchor="middle"))
        out.append(_t(centre[i], base + 16, slot.label, 10.5, INK, anchor="middle", bold=True))
    out.append("</g></svg>")
    return "\n".join(out) + "\n"

