"""`conform --calibrate -o OUT`: the journey file again, with the figures the log measured.

shared/spec/evidence.md, "Calibrate": each step's branch probabilities become
the measured shares among its allowed moves (a step no case left by an
allowed move keeps its design); each step's `wait` becomes the median time
from the previous visit's last event to its first event (a step no visit with
a previous one reached keeps its design). The structure is not changed:
unexpected moves are listed in comments. Every changed value carries a
comment with the counts behind it. The edits go through `editing.JourneyText`,
so the author's comments, order and formatting survive.

Shares are written with 3 decimals that add up to exactly 1 (largest
remainder; a branch nobody took gets 0); waits to the second (`1d 6h 26m 5s`).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from journeyaudit.common.durations import MAX_DURATION_S, format_duration, written_duration
from journeyaudit.editing import JourneyText
from journeyaudit.evidence.figures import Conformance

DIGITS = 3
# Keys a new `wait:` goes after, in the format's order (journey-format.md).
WAIT_AFTER = ("title", "department", "channel", "actor", "kind", "after")


@dataclass
class Calibration:
    text: str
    changed_probabilities: int  # steps whose branch shares changed
    changed_waits: int
    unexpected_moves: int  # distinct unexpected moves listed as comments


def largest_remainder(counts: list[float], digits: int = DIGITS) -> list[int]:
    """Units of 10**-digits, proportional to `counts`, adding up to exactly 10**digits (ties: earlier first)."""
    scale = 10**digits
    total = math.fsum(counts)
    exact = [count * scale / total for count in counts]
    units = [math.floor(value) for value in exact]
    for index in sorted(range(len(counts)), key=lambda i: (-(exact[i] - units[i]), i))[: scale - sum(units)]:
        units[index] += 1
    return units


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def _probability_text(units: int) -> str:
    if units == 10**DIGITS:
        return "1"
    if units == 0:
        return "0"
    return f"{units / 10**DIGITS:.{DIGITS}f}".rstrip("0").rstrip(".")


def calibrate(conformance: Conformance, document: JourneyText, log_name: str) -> Calibration:
    journey = conformance.journey
    counts = conformance.replay
    changed_probabilities = changed_waits = 0
    kept_waits: list[str] = []  # steps whose measured wait is past what the format holds
    for step_id, step in journey.steps.items():
        allowed_total = counts.allowed_leaving.get(step_id, 0)
        if allowed_total and len(step.next) > 1:
            # a step may name a target twice (two `when`s): its moves are shared by the designed p
            designed_to: dict[str, float] = {}
            for edge in step.next:
                designed_to[edge.target] = designed_to.get(edge.target, 0.0) + edge.probability
            weights = []
            for edge in step.next:
                moves = counts.move_counts.get((step_id, edge.target), 0)
                same = designed_to[edge.target]
                weights.append(moves * (edge.probability / same if same else 1 / sum(e.target == edge.target for e in step.next)))
            units = largest_remainder(weights)
            old_units = [round(edge.probability * 10**DIGITS) for edge in step.next]
            if units != old_units:
                changed_probabilities += 1
                comments = []
                for edge in step.next:
                    moves = counts.move_counts.get((step_id, edge.target), 0)
                    cases = counts.move_cases.get((step_id, edge.target), 0)
                    comments.append(
                        f"measured: {moves} of {allowed_total} designed moves out of '{step_id}' ({_count(cases, 'case')});"
                        f" designed {_probability_text(round(edge.probability * 10**DIGITS))}"
                    )
                document.set_branch_probabilities(step_id, [_probability_text(u) for u in units], comments)
        samples = counts.waits.get(step_id)
        if samples:
            median = statistics.median(samples)
            measured = float(math.floor(median + 0.5))
            if measured > MAX_DURATION_S:  # the log's dates are placeholders (1900-01-01): the designed wait stays
                kept_waits.append(step_id)
            elif measured != float(math.floor(step.wait_s + 0.5)):
                changed_waits += 1
                designed = format_duration(step.wait_s) if step.wait_s else "none"
                document.set_step_value(
                    step_id,
                    "wait",
                    written_duration(measured),
                    comment=f"measured: median of {_count(len(samples), 'visit')} ({_count(counts.wait_cases[step_id], 'case')}); designed {designed}",
                    after=WAIT_AFTER,
                )
    unexpected = [(pair, count) for pair, count in conformance.replay.move_counts.items()
                  if pair[1] not in {edge.target for edge in journey.steps[pair[0]].next}]
    unexpected.sort(key=lambda item: (-item[1], item[0]))
    by_source: dict[str, list[str]] = {}
    for (source, target), count in unexpected:
        by_source.setdefault(source, []).append(
            f"unexpected in the log: {source} -> {target}, {_count(count, 'move')} ({_count(counts.move_cases[(source, target)], 'case')});"
            " not in the design"
        )
    for source, lines in by_source.items():
        document.comment_step(source, lines)
    doc = conformance.document
    summary = [
        f"Calibrated by journeyaudit conform from {log_name}: {doc['cases']} cases,"
        f" fitness {doc['fitness']}, move fitness {doc['move_fitness']}.",
        f"{changed_probabilities} steps got measured branch shares, {changed_waits} steps a measured wait;"
        f" {len(unexpected)} unexpected moves are listed as comments above their steps.",
    ]
    if kept_waits:
        summary.append(f"Measured waits over 100 years (placeholder dates in the log?) left as designed: {', '.join(kept_waits)}.")
    document.append_comment_block(summary)
    return Calibration(document.text(), changed_probabilities, changed_waits, len(unexpected))
