"""Discover a journey (journey format v1) from an event log.

Definitions (docs/event-logs.md repeats them with examples):
- steps are activities; a step's department is the most frequent department
  among the activity's events (ties: alphabetical; none: `unknown`);
- when the log records the XES lifecycle (`start` and `complete`) and
  `--lifecycle` is off, the graph is built from `complete` events (and events
  without a transition); otherwise from all events with an activity;
- the outcomes of a step are its directly-follows successors in the cases plus
  "the case ends here"; an outcome under `min_share` of the step's outcomes is
  dropped and the rest renormalised (the most frequent outcome is always kept,
  and dropped outcomes are restored where needed so every step can still reach
  an end); the start distribution is filtered the same way;
- `wait` of a step = median, over its occurrences that have an earlier graph
  event in the case, of the time from that previous event to this
  occurrence's matched `start` event if there is one, else to the occurrence
  itself (so without start events it includes the step's own work);
  `duration` = median time from a matched `start` event to the `complete`
  event (starts matched first-in first-out per activity); omitted when the
  log records no starts or the median is under a second;
- a step that always ends its cases gets `end: success`; one that sometimes
  ends them branches to a synthetic end step (same department, actor
  `customer`: a marker, not a contact) with the share of cases ending there, because an
  end step cannot also have `next`;
- when cases start at different activities (after filtering), a synthetic
  `start` step (actor `customer`) branches to them.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict, deque
from dataclasses import dataclass

from journeyaudit.common.durations import MAX_DURATION_S
from journeyaudit.common.text import slugify
from journeyaudit.eventlog.cases import EventLog
from journeyaudit.importers.journey_writer import Layout, Quoting, write_journey

END = None  # the outcome "the case ends here"
# Synthetic start and end steps are markers, not work: the customer's own
# side (actor `customer`) on the journey's channel, so they add no contact and
# no channel switch.
SYNTHETIC_ACTOR = "customer"
UNKNOWN_DEPARTMENT = "unknown"
# Double quotes for anything but simple words; one line per branch, with its count.
YAML_LAYOUT = Layout(Quoting.CAUTIOUS, one_line_branches=True)


class DiscoverError(Exception):
    """The log cannot give a journey (no activities)."""


@dataclass
class DiscoverOptions:
    min_share: float = 0.05
    title: str | None = None
    # An event log records no channel: none is written unless the user gives one
    # (--channel), so no channel rule judges a channel the log never said.
    channel: str | None = None
    journey_id: str | None = None  # default: from the log's file name


@dataclass
class Discovery:
    yaml: str
    steps: int
    activities: int
    synthetic_start: bool
    dropped_branches: int


def journey_id_for(file_name: str) -> str:
    """A valid journey id from a file name: 08_receipt.xes.gz -> journey-08_receipt."""
    stem = file_name
    for suffix in (".gz", ".xes", ".csv", ".xml", ".yaml", ".yml"):
        stem = stem.removesuffix(suffix)
    return slugify(stem, "journey")




class _Ids:
    """Unique slugs: a second "Check" becomes check-2."""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, text: str, prefix: str = "step") -> str:
        base = slugify(text, prefix)
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


def _graph_filter(log: EventLog):
    """Which events make the graph: complete ones when the log records the lifecycle."""
    if log.lifecycle:
        return lambda event: True, False
    transitions = Counter(
        (event.lifecycle or "").lower() for case in log.cases for event in case.events if event.lifecycle
    )
    if "complete" in transitions and "start" in transitions:
        return (lambda event: event.lifecycle is None or event.lifecycle.lower() == "complete"), True
    if "complete" in transitions and len(transitions) > 1:
        return (lambda event: event.lifecycle is None or event.lifecycle.lower() == "complete"), True
    return lambda event: True, False


def _filter(outcomes: Counter, min_share: float) -> tuple[dict, dict]:
    """(kept, dropped) outcome -> count; the most frequent outcome always stays."""
    total = sum(outcomes.values())
    ranked = sorted(outcomes.items(), key=lambda item: (-item[1], "" if item[0] is END else item[0]))
    kept, dropped = {}, {}
    for i, (outcome, count) in enumerate(ranked):
        if i == 0 or count / total >= min_share:
            kept[outcome] = count
        else:
            dropped[outcome] = count
    return kept, dropped


def discover(log: EventLog, options: DiscoverOptions | None = None) -> Discovery:
    options = options or DiscoverOptions()
    in_graph, uses_lifecycle = _graph_filter(log)

    starts: Counter = Counter()
    follows: dict[str, Counter] = defaultdict(Counter)
    departments: dict[str, Counter] = defaultdict(Counter)
    occurrences: Counter = Counter()
    waits: dict[str, list[float]] = defaultdict(list)
    durations: dict[str, list[float]] = defaultdict(list)
    any_start_events = False
    cases_used = 0

    for case in log.cases:
        open_starts: dict[str, deque] = defaultdict(deque)
        previous = None  # (activity, time)
        for event in case.events:
            activity = event.activity
            if activity is None:
                continue
            if event.department is not None:
                departments[activity][event.department] += 1
            if uses_lifecycle and not in_graph(event):
                if event.lifecycle and event.lifecycle.lower() == "start":
                    open_starts[activity].append(event.timestamp)
                    any_start_events = True
                continue
            began = event.timestamp
            if open_starts[activity]:
                began = open_starts[activity].popleft()
                if began is not None and event.timestamp is not None:
                    durations[activity].append(event.timestamp - began)
            if began is None:
                began = event.timestamp
            occurrences[activity] += 1
            if previous is None:
                starts[activity] += 1
                cases_used += 1
            else:
                follows[previous[0]][activity] += 1
                if previous[1] is not None and began is not None:
                    waits[activity].append(max(0.0, began - previous[1]))
            previous = (activity, event.timestamp)
        if previous is not None:
            follows[previous[0]][END] += 1

    if not occurrences:
        raise DiscoverError(f"{log.path}: no event has an activity ({log.activity_key}): nothing to discover")

    # filter the outcomes of every step, then repair reachability of an end
    kept: dict[str, dict] = {}
    dropped: dict[str, dict] = {}
    for activity, outcomes in follows.items():
        kept[activity], dropped[activity] = _filter(outcomes, options.min_share)
    start_kept, _ = _filter(starts, options.min_share)
    reachable = _repair(start_kept, kept, dropped)
    dropped_branches = sum(len(d) for a, d in dropped.items() if a in reachable)

    ids = _Ids()
    synthetic_start = len(start_kept) > 1
    start_id = ids.take("start") if synthetic_start else None
    step_ids = {activity: ids.take(activity) for activity in sorted(reachable, key=lambda a: (-occurrences[a], a))}

    department_ids = _Ids()
    department_map: dict[str, str] = {}  # log name -> id
    department_titles: dict[str, str] = {}

    def department_of(activity: str) -> str:
        counts = departments.get(activity)
        if not counts:
            name = UNKNOWN_DEPARTMENT
        else:
            name = min(counts, key=lambda d: (-counts[d], d))
        if name not in department_map:
            if name == UNKNOWN_DEPARTMENT and not counts:
                department_map[name] = department_ids.take(UNKNOWN_DEPARTMENT, "department")
                department_titles[department_map[name]] = "Unknown (no department in the log)"
            else:
                department_map[name] = department_ids.take(name, "department")
                department_titles[department_map[name]] = name
        return department_map[name]

    steps: dict[str, dict] = {}
    end_steps: dict[str, str] = {}
    for activity in step_ids:
        if END in kept[activity] and len(kept[activity]) > 1:
            end_steps[activity] = ids.take(f"{step_ids[activity]}-end")

    def branches(outcomes: dict, source: str | None, total: int) -> list:
        """Branches with rounded p; the comment counts against all observed outcomes (dropped ones too)."""
        ordered = sorted(outcomes.items(), key=lambda item: (-item[1], "" if item[0] is END else item[0]))
        units = round_probabilities([count for _, count in ordered])
        result = []
        for (target, count), unit in zip(ordered, units):
            if target is END:
                assert source is not None  # the start distribution holds activities, never the end
                to = end_steps[source]
            else:
                to = step_ids[target]
            result.append((to, unit, 1000, f"{count} of {total}"))
        return result

    if start_id is not None:
        first = max(start_kept, key=lambda a: (start_kept[a], a))
        steps[start_id] = {
            "title": "Case opens",
            "department": department_of(first),
            "channel": options.channel,
            "actor": SYNTHETIC_ACTOR,
            "next": branches(start_kept, None, sum(starts.values())),
            "note": f"synthetic: cases start at {len(starts)} activities, {len(start_kept)} kept",
        }
    for activity, step_id in step_ids.items():
        step_outcomes = kept[activity]
        medians = {"wait": _median(waits.get(activity)), "duration": _median(durations.get(activity))}
        note = f"{occurrences[activity]} events"
        if past := [key for key, median in medians.items() if median is not None and median > MAX_DURATION_S]:
            note += f"; median {' and '.join(past)} over 100 years left out (placeholder timestamps?)"
        step: dict[str, object] = {
            "title": activity,
            "department": department_of(activity),
            "channel": options.channel,
            "wait": format_duration(medians["wait"]),
            "duration": format_duration(medians["duration"]),
            "note": note,
        }
        if list(step_outcomes) == [END]:
            step["end"] = "success"
        else:
            step["next"] = branches(step_outcomes, activity, sum(follows[activity].values()))
        steps[step_id] = step
        if activity in end_steps:
            steps[end_steps[activity]] = {
                "title": f"Case closed after: {activity}",
                "department": step["department"],
                "channel": options.channel,
                "actor": SYNTHETIC_ACTOR,
                "end": "success",
                "note": "synthetic end",
            }

    start = start_id if start_id is not None else step_ids[next(iter(start_kept))]
    ordered_steps = _bfs_order(start, steps)
    departments_used = {d: department_titles[d] for d in sorted({s["department"] for s in ordered_steps.values()})}
    document = {
        "id": options.journey_id or journey_id_for(log.name),
        "title": options.title or f"Journey discovered from {log.name}",
        "description": (
            f"Discovered from the event log {log.name} by journeyaudit discover; "
            "review titles, departments and channels before auditing."
        ),
        "start": start,
        "departments": departments_used,
        "steps": ordered_steps,
    }
    header = _header(
        log, options, uses_lifecycle, any_start_events, len(occurrences), len(reachable), dropped_branches,
        synthetic_start, len(starts), cases_used,
    )
    journey, comments = _journey_and_comments(document)
    return Discovery(
        yaml=write_journey(journey, comments, header, YAML_LAYOUT),
        steps=len(ordered_steps),
        activities=len(occurrences),
        synthetic_start=synthetic_start,
        dropped_branches=dropped_branches,
    )


def _journey_and_comments(document: dict) -> tuple[dict, dict[tuple, str]]:
    """The journey (format v1) for the writer, and the notes on its lines.

    `document` keys: id, title, description, start, departments {id: title},
    steps {id: {title, department, channel, actor, kind, wait, duration,
    next: [(to, units, scale, note)], end, note}}.
    """
    comments: dict[tuple, str] = {}
    journey: dict = {"journeyaudit": 1}
    if document.get("id"):
        journey["id"] = document["id"]
    journey["title"] = document["title"]
    if document.get("description"):
        journey["description"] = document["description"]
    journey["start"] = document["start"]
    journey["departments"] = {department_id: {"title": title} for department_id, title in document["departments"].items()}
    steps: dict[str, dict] = {}
    for step_id, step in document["steps"].items():
        if step.get("note"):
            comments[("steps", step_id)] = step["note"]
        written = {"title": step["title"], "department": step["department"]}
        written.update({key: step[key] for key in ("channel", "actor", "kind", "wait", "duration") if step.get(key)})
        branches = step.get("next") or []
        if len(branches) == 1:
            target, _, _, note = branches[0]
            written["next"] = target
            if note:
                comments[("steps", step_id, "next")] = note
        elif branches:
            written["next"] = [{"to": target, "p": _probability(units, scale)} for target, units, scale, _ in branches]
            for index, (*_, note) in enumerate(branches):
                if note:
                    comments[("steps", step_id, "next", index)] = note
        if step.get("end"):
            written["end"] = step["end"]
        steps[step_id] = written
    journey["steps"] = steps
    return journey, comments


def _probability(units: int, scale: int) -> float | int:
    """`units/scale` as the writer prints it short: 1, 0.5, 0.333."""
    return 1 if units == scale else units / scale


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
    """`90s`, `20m`, `2.5h`, `3d`: always with a unit; None under a second, and past the format's 100 years (a
    log's placeholder dates: 1900-01-01), which the journey could not hold."""
    if seconds is None or seconds < 1 or seconds > MAX_DURATION_S:
        return None
    for unit, size, limit in (("s", 1, 120), ("m", 60, 120 * 60), ("h", 3600, 48 * 3600), ("d", 86400, None)):
        if limit is None or seconds < limit:
            value = seconds / size
            text = f"{value:.0f}" if value >= 10 or unit == "s" else f"{value:.1f}"
            return text.removesuffix(".0") + unit
    raise AssertionError("unreachable")


def _median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def _repair(start_kept: dict, kept: dict, dropped: dict) -> set[str]:
    """Restore dropped outcomes until every reachable step can reach an end; return the reachable steps."""
    while True:
        reachable: set[str] = set()
        todo = list(start_kept)
        while todo:
            activity = todo.pop()
            if activity in reachable:
                continue
            reachable.add(activity)
            todo.extend(t for t in kept[activity] if t is not END)
        can_end = {a for a in reachable if END in kept[a]}
        changed = True
        while changed:
            changed = False
            for a in reachable - can_end:
                if any(t in can_end for t in kept[a] if t is not END):
                    can_end.add(a)
                    changed = True
        stuck = sorted(reachable - can_end)
        if not stuck:
            return reachable
        best = None
        for a in stuck:
            for target, count in dropped[a].items():
                if (target is END or target in can_end) and (best is None or count > best[2]):
                    best = (a, target, count)
        if best is None:
            # No dropped outcome of a stuck step leads to an end directly: restore the
            # likeliest dropped outcome of any stuck step (a step before the end, say,
            # when a high --min-share dropped both branches of a loop) and look again.
            candidates = [(count, a, target) for a in stuck for target, count in dropped[a].items()]
            if not candidates:  # nothing left to restore: the steps are what the log gives
                return reachable
            count, a, target = max(candidates, key=lambda item: (item[0], item[1], str(item[2])))
            best = (a, target, count)
        a, target, count = best
        kept[a][target] = dropped[a].pop(target)


def _bfs_order(start: str, steps: dict[str, dict]) -> dict[str, dict]:
    """Steps in reading order: breadth first from the start, likelier branches first."""
    order, seen, queue = [], {start}, deque([start])
    while queue:
        step_id = queue.popleft()
        order.append(step_id)
        for target, *_ in steps[step_id].get("next") or []:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    order.extend(s for s in steps if s not in seen)
    return {s: steps[s] for s in order}


def _header(log, options, uses_lifecycle, any_start_events, activities, kept_steps, dropped_branches,
            synthetic_start, start_activities, cases_used) -> list[str]:
    lines = [
        f"Discovered by journeyaudit discover from {log.name} ({log.format.upper()})",
        f"{log.n_cases} cases, {log.n_events} events; case {log.case_key}, activity {log.activity_key}"
        + (" + lifecycle:transition" if log.lifecycle else "")
        + f", timestamp {log.timestamp_key}, department {log.department_key}"
        + (" (no org:group in the log)" if log.department_fallback else ""),
        f"thresholds: --min-share {options.min_share:g}: an outcome (next activity, or the case ending) under"
        f" {options.min_share:.0%} of a step's outgoing transitions is dropped and the rest renormalised",
        f"kept {kept_steps} of {activities} activities (unreachable after filtering: dropped), "
        f"{dropped_branches} branches dropped",
    ]
    if uses_lifecycle:
        lines.append("graph from complete events; duration = median start-to-complete time" if any_start_events
                     else "graph from complete events")
    lines.append("wait = median time from the previous event of the case to the step (its start event when recorded)")
    if synthetic_start:
        lines.append(f"start: synthetic step: cases start at {start_activities} different activities")
    missing = []
    if log.events_missing_department:
        missing.append(f"{log.events_missing_department} events without a department (not counted for any step)")
    if log.events_missing_activity:
        missing.append(f"{log.events_missing_activity} events without an activity (skipped)")
    if log.events_missing_timestamp:
        missing.append(f"{log.events_missing_timestamp} events without a timestamp (kept in file order, no times)")
    if missing:
        lines.append("; ".join(missing))
    if options.channel:
        lines.append(f"channel: every step is on '{options.channel}' (given with --channel; an event log does not say): review")
    else:
        lines.append("channel: none written (an event log does not say): add each step's channel where you know it")
    return lines
