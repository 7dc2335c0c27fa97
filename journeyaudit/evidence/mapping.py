"""The map: how the log's activities read as the journey's steps (shared/spec/evidence.md).

`read_map_file(path)` reads a map file (YAML, every problem located
file:line:column); `check_map(...)` then checks it against the journey (a
step it names must exist) and the log (an activity it names must occur),
with "did you mean". `derive_map(journey, activities)` is the map used
without `--map`: an activity maps to the step whose id is the activity's
slug, or whose title equals the activity ignoring case. `render_map(...)`
writes a map as YAML (`--write-map`), the activities it leaves out listed as
comments for the user to map or ignore.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import yaml

from journeyaudit.common.bounded_read import open_input, read_at_most
from journeyaudit.common.text import did_you_mean, display_path, printable, slugify
from journeyaudit.editing.scalars import comment_text, flow_scalar
from journeyaudit.evidence.source import LogKeys
from journeyaudit.loading.nodes import NodeReader, location
from journeyaudit.loading.safe_yaml import MAX_FILE_BYTES, TAG_NULL, Refused, check_text, compose, decode
from journeyaudit.model import Journey, Location
from journeyaudit.model.findings import Problem

MAP_VERSION = 1
TOP_KEYS = ("journeyaudit-map", "log", "steps", "ignore")
LOG_KEYS = ("case", "activity", "timestamp", "lifecycle", "department")


@dataclass
class EvidenceMap:
    """activity -> step id, the activities ignored on purpose, and the log's keys."""

    steps: dict[str, str]
    ignore: frozenset[str] = frozenset()
    keys: LogKeys = field(default_factory=LogKeys)
    file: str | None = None  # None: derived from the journey's ids and titles
    # where each entry was written, for messages (map files only)
    step_locations: dict[str, tuple[Location, Location]] = field(default_factory=dict)  # activity -> (key, value)
    ignore_locations: dict[str, Location] = field(default_factory=dict)
    matched_by: dict[str, str] = field(default_factory=dict)  # derived maps: activity -> "id" or "title"
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # derived: activity -> steps it could be


class MapError(Exception):
    """The map cannot be used; `problems` say where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.format() for problem in problems))
        self.problems = problems


def read_map_file(path: str | os.PathLike, max_bytes: int = MAX_FILE_BYTES) -> EvidenceMap:
    """The map in a file, read but not yet checked against a journey or log; raises MapError."""
    shown = display_path(path)
    try:
        with open_input(path) as handle:  # a named pipe is refused, not waited on
            data = read_at_most(handle, max_bytes)
    except FileNotFoundError:
        raise MapError([Problem(shown, 1, 1, "no such file", "not-found")]) from None
    except IsADirectoryError:
        raise MapError([Problem(shown, 1, 1, "is a folder, not a map file", "not-found")]) from None
    except OSError as error:
        raise MapError([Problem(shown, 1, 1, f"cannot read the file: {error.strerror or error}", "not-found")]) from None
    if len(data) > max_bytes:
        raise MapError([Problem(shown, 1, 1, f"the map is larger than {max_bytes // (1024 * 1024)} MiB", "too-large")])
    try:
        text, too_deep = decode(data, shown)
        check_text(text, shown, too_deep)
        root = compose(text, shown)
    except Refused as refused:
        raise MapError([refused.problem]) from None
    return read_map_node(root, shown)


def read_map_text(text: str, file: str = "<map>") -> EvidenceMap:
    try:
        check_text(text, file)
        root = compose(text, file)
    except Refused as refused:
        raise MapError([refused.problem]) from None
    return read_map_node(root, file)


def read_map_node(root: yaml.Node | None, file: str) -> EvidenceMap:
    reader = NodeReader(file)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == TAG_NULL):
        raise MapError([Problem(file, 1, 1, "the map is empty; start it with `journeyaudit-map: 1`", "missing-key")])
    top = reader.mapping(root, "the map", TOP_KEYS)
    if not isinstance(root, yaml.MappingNode):
        raise MapError(reader.problems)
    if "journeyaudit-map" not in top:
        reader.problem(root, "a map starts with `journeyaudit-map: 1` (the map format's version)", "missing-key")
    else:
        version = reader.number(top["journeyaudit-map"][1], "journeyaudit-map")
        if version is not None and version != MAP_VERSION:
            reader.problem(top["journeyaudit-map"][1], f"map format version {version:g} is not supported (this version reads 1)", "bad-value")
    keys = _read_log_keys(reader, top["log"][1]) if "log" in top else LogKeys()
    steps: dict[str, str] = {}
    step_locations: dict[str, tuple[Location, Location]] = {}
    if "steps" not in top:
        reader.problem(root, "the map has no `steps:`: map each activity of the log to a step id", "missing-key")
    else:
        for activity, (key_node, value_node) in reader.mapping(top["steps"][1], "steps of the map", ()).items():
            step = reader.text(value_node, f"the step of activity '{activity}'")
            if step is not None:
                steps[activity] = step
                step_locations[activity] = (location(key_node), location(value_node))
    ignore: set[str] = set()
    ignore_locations: dict[str, Location] = {}
    if "ignore" in top:
        node = top["ignore"][1]
        items = [] if isinstance(node, yaml.ScalarNode) and node.tag == TAG_NULL else reader.sequence(node, "ignore")
        for item in items:
            ignored = reader.text(item, "an entry of ignore")
            if ignored is None:
                continue
            activity = ignored
            if activity in ignore:
                reader.problem(item, f"'{activity}' is listed twice under ignore", "duplicate-key")
                continue
            if activity in steps:
                key_at = step_locations[activity][0]
                reader.problem(
                    item,
                    f"'{activity}' is both mapped to a step (line {key_at.line}) and ignored: keep one",
                    "conflict",
                )
                continue
            ignore.add(activity)
            ignore_locations[activity] = location(item)
    if reader.problems:
        raise MapError(reader.problems)
    return EvidenceMap(steps, frozenset(ignore), keys, file, step_locations, ignore_locations)


def _read_log_keys(reader: NodeReader, node: yaml.Node) -> LogKeys:
    fields = reader.mapping(node, "log", LOG_KEYS)
    values: dict[str, object] = {}
    for key in ("case", "activity", "timestamp", "department"):
        if key in fields:
            text = reader.text(fields[key][1], f"log: {key}")
            if text is not None:
                values[key] = text
    if "lifecycle" in fields:
        flag = reader.boolean(fields["lifecycle"][1], "log: lifecycle")
        if flag is not None:
            values["lifecycle"] = flag
    return LogKeys(**values)  # type: ignore[arg-type]


def check_map(evidence_map: EvidenceMap, journey: Journey, activities: Iterable[str]) -> list[Problem]:
    """A step the map names must be the journey's; an activity it names must occur in the log."""
    if evidence_map.file is None:
        return []
    file = evidence_map.file
    known = set(activities)
    problems = []
    step_ids = list(journey.steps)
    for activity, step in evidence_map.steps.items():
        key_at, value_at = evidence_map.step_locations.get(activity, (Location(1, 1), Location(1, 1)))
        if activity not in known:
            problems.append(_unknown_activity(file, key_at, activity, known))
        if step not in journey.steps:
            hint = did_you_mean(step, step_ids) or f" (its steps: {', '.join(step_ids[:12])}{', ...' if len(step_ids) > 12 else ''})"
            problems.append(
                Problem(file, value_at.line, value_at.column,
                        f"activity '{activity}' maps to step '{step}', which journey '{journey.id}' does not have{hint}",
                        "unknown-step")
            )
    for activity in sorted(evidence_map.ignore, key=lambda a: (evidence_map.ignore_locations.get(a, Location(1, 1)).line, a)):
        if activity not in known:
            problems.append(_unknown_activity(file, evidence_map.ignore_locations.get(activity, Location(1, 1)), activity, known))
    return [Problem(p.file, p.line, p.column, printable(p.message), p.code) for p in problems]


def _unknown_activity(file: str, where: Location, activity: str, known: set[str]) -> Problem:
    hint = did_you_mean(activity, sorted(known))
    if not hint:
        hint = _case_insensitive_hint(activity, known)
    return Problem(file, where.line, where.column, f"no event of the log has the activity '{activity}'{hint}", "unknown-activity")


def _case_insensitive_hint(activity: str, known: set[str]) -> str:
    lowered = {name.lower(): name for name in sorted(known)}
    match = lowered.get(activity.lower())
    return f"; did you mean '{match}'?" if match else ""


def derive_map(journey: Journey, activities: Iterable[str], keys: LogKeys) -> EvidenceMap:
    """Without --map: an activity maps to the step whose id is its slug, else whose title equals it (any case)."""
    by_title: dict[str, list[str]] = {}
    for step in journey.steps.values():
        by_title.setdefault(step.title.strip().lower(), []).append(step.id)
    steps: dict[str, str] = {}
    matched_by: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for activity in sorted(set(activities)):
        slug = slugify(activity)
        titled = by_title.get(activity.strip().lower(), [])
        if slug in journey.steps:
            steps[activity], matched_by[activity] = slug, "id"
            others = [s for s in titled if s != slug]
        elif titled:
            steps[activity], matched_by[activity] = titled[0], "title"
            others = titled[1:]
        else:
            continue
        if others:
            ambiguous[activity] = [steps[activity], *others]
    return EvidenceMap(steps, frozenset(), keys, None, matched_by=matched_by, ambiguous=ambiguous)


# --------------------------------------------------------------------------
# writing a map (--write-map)

yaml_text = flow_scalar


def render_map(evidence_map: EvidenceMap, journey: Journey, unmapped: Mapping[str, int], log_name: str) -> str:
    """The map as a file the user can edit and pass back with --map; deterministic."""
    how = "written by --map " + evidence_map.file if evidence_map.file else "matched by step id (the activity's slug) or title"
    lines = [
        f"# Map of the event log {_comment_text(log_name)} onto journey '{journey.id}' ({how}).",
        "# Edit it and pass it with --map: steps maps an activity of the log to a step id,",
        "# ignore lists activities left out on purpose. docs/evidence.md explains the fields.",
        f"journeyaudit-map: {MAP_VERSION}",
        "log:",
        f"  case: {yaml_text(evidence_map.keys.case)}",
        f"  activity: {yaml_text(evidence_map.keys.activity)}",
        f"  timestamp: {yaml_text(evidence_map.keys.timestamp)}",
    ]
    if evidence_map.keys.lifecycle:
        lines.append("  lifecycle: true")
    if evidence_map.keys.department:
        lines.append(f"  department: {yaml_text(evidence_map.keys.department)}")
    order = {step_id: index for index, step_id in enumerate(journey.steps)}
    entries = sorted(evidence_map.steps.items(), key=lambda item: (order.get(item[1], len(order)), item[0]))
    if entries:
        lines.append("steps:")
        for activity, step in entries:
            note = ""
            if activity in evidence_map.ambiguous:
                note = f"  # also matches: {', '.join(evidence_map.ambiguous[activity][1:])}"
            lines.append(f"  {yaml_text(activity)}: {yaml_text(step)}{note}")
    else:
        lines.append("steps: {}")
    unmapped_steps = [step_id for step_id in journey.steps if step_id not in set(evidence_map.steps.values())]
    if unmapped_steps:
        lines.append(f"# steps no activity maps to: {', '.join(unmapped_steps)}")
    if evidence_map.ignore:
        lines.append("ignore:")
        lines.extend(f"  - {yaml_text(activity)}" for activity in sorted(evidence_map.ignore))
    else:
        lines.append("ignore: []")
    if unmapped:
        lines.append("# activities of the log this map leaves out (events): map each under steps, or list it under ignore")
        for activity, events in sorted(unmapped.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"#   {yaml_text(activity)}: {events}")
    return "\n".join(printable(line) for line in lines) + "\n"


def _comment_text(text: str) -> str:
    return comment_text(text)
