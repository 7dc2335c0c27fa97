"""Turns journey YAML files into the typed model, or into precise problems.

The file is composed into a YAML node tree (libyaml's C composer when
available: it keeps line and column marks) and then read against the format
(docs/format.md) in one pass. Reading the node tree, rather than PyYAML's
constructed objects, is what lets us see duplicate keys, keep the location of
everything, read `no` as the text the author wrote, and refuse alias bombs.

Every problem is collected (not only the first), each with file, line,
column and a fix hint.
"""

from __future__ import annotations

import gc
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from journeyaudit.common.durations import DurationError, parse_duration
from journeyaudit.common.text import (
    SLUG,
    YAML_SUFFIXES,
    did_you_mean,
    display_path,
    slugify,
)
from journeyaudit.model import (
    ACTORS,
    DEFAULT_CHANNEL,
    ENDS,
    KINDS,
    STAGES,
    VALUES,
    DataItem,
    Department,
    Edge,
    Journey,
    Location,
    Promise,
    Step,
    Waiver,
)
from journeyaudit.model.findings import Problem

try:  # libyaml keeps marks and composes 4-7x faster than the pure-Python loader
    from yaml import CSafeLoader as _YamlLoader

    C_LOADER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader

    C_LOADER = False

FORMAT_VERSION = 1
MAX_FILE_BYTES = 10 * 1024 * 1024
# Nodes the reader may visit, aliases counted each time they are followed: a
# "billion laughs" document is tiny but expands exponentially.
MAX_NODE_VISITS = 2_000_000
# libyaml's composer recurses per nesting level and crashes the process far
# below Python's limits; deeper documents are refused before composing.
MAX_NESTING = 1000


TAG_STR = "tag:yaml.org,2002:str"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_MERGE = "tag:yaml.org,2002:merge"
# YAML 1.2 numbers with an exponent and no dot (1e-3): YAML 1.1 reads them as text
PLAIN_NUMBER = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")
TRUE_WORDS = {"true", "yes", "on", "y"}
FALSE_WORDS = {"false", "no", "off", "n"}

TOP_KEYS = (
    "journeyaudit",
    "id",
    "title",
    "description",
    "segment",
    "stage",
    "counterpart",
    "variant_of",
    "known",
    "promise",
    "departments",
    "data",
    "start",
    "steps",
    "waive",
)
DEPARTMENT_KEYS = ("title", "customer_facing", "description")
DATA_KEYS = ("title", "sensitive", "description")
STEP_KEYS = (
    "title",
    "department",
    "channel",
    "actor",
    "kind",
    "wait",
    "duration",
    "asks",
    "value",
    "next",
    "end",
    "waive",
    "description",
)
BRANCH_KEYS = ("to", "p", "when")
WAIVER_KEYS = ("rule", "reason")
PROMISE_KEYS = ("duration", "contacts")
PROBABILITY_TOLERANCE = 1e-6


@dataclass(slots=True)
class LoadResult:
    file: str
    journey: Journey | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.journey is not None and not self.problems


class _Abort(Exception):
    """Stops reading a file whose remaining content cannot be trusted."""




def _location(node) -> Location:
    mark = node.start_mark
    return Location(mark.line + 1, mark.column + 1)


def _kind_of(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == TAG_NULL:
        return "nothing (null)"
    if node.tag in (TAG_INT, TAG_FLOAT):
        return f"the number {node.value}"
    if node.tag == TAG_BOOL:
        return f"the boolean {node.value}"
    return f"the text '{node.value}'"


class _Reader:
    """Reads one composed document against the format, collecting problems."""

    def __init__(self, file: str, known_rules: frozenset[str] | None):
        self.file = file
        self.known_rules = known_rules
        self.problems: list[Problem] = []
        self._reported: set[tuple] = set()
        self.visits = 0
        # Keys suggested by "did you mean": their absence is already explained.
        self.suggested: set[tuple[int, str]] = set()

    # -- reporting ------------------------------------------------------------
    def problem(self, node_or_location, message: str, code: str) -> None:
        location = node_or_location if isinstance(node_or_location, Location) else _location(node_or_location)
        problem = Problem(self.file, location.line, location.column, message, code)
        key = (problem.line, problem.column, message, code)
        if key not in self._reported:  # an alias repeats its node: say it once
            self._reported.add(key)
            self.problems.append(problem)

    def _count(self, n: int = 1) -> None:
        self.visits += n
        if self.visits > MAX_NODE_VISITS:
            self.problems.append(
                Problem(
                    self.file,
                    1,
                    1,
                    f"the document expands to more than {MAX_NODE_VISITS:,} values through aliases "
                    "(an alias bomb?); write the values out or use fewer aliases",
                    "alias-bomb",
                )
            )
            raise _Abort

    # -- generic node readers --------------------------------------------------
    def mapping(self, node, what: str, allowed: tuple[str, ...]) -> dict[str, tuple]:
        """Key -> (key node, value node), merge keys applied, duplicates and unknown keys reported."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of keys, found {_kind_of(node)}", "wrong-type")
            return {}
        items: dict[str, tuple] = {}
        merged: dict[str, tuple] = {}
        self._count(len(node.value))
        for key_node, value_node in node.value:
            if key_node.tag == TAG_MERGE:
                for source in self._merge_sources(value_node, what):
                    for key, pair in self.mapping(source, what, allowed).items():
                        merged.setdefault(key, pair)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"{what} has a key that is {_kind_of(key_node)}; keys must be plain words", "wrong-type")
                continue
            key = key_node.value
            if key in items:
                first = items[key][0]
                self.problem(
                    key_node,
                    f"duplicate key '{key}' in {what} (first at line {first.start_mark.line + 1}); "
                    "YAML would silently keep only the last one: remove or rename one",
                    "duplicate-key",
                )
                continue
            if allowed and key not in allowed and not key.startswith("x-"):
                hint = did_you_mean(key, allowed)
                if hint:
                    self.suggested.add((id(node), hint.split("'")[1]))
                self.problem(
                    key_node,
                    f"unknown key '{key}' in {what}{hint}" + ("" if hint else f" (allowed: {', '.join(allowed)})"),
                    "unknown-key",
                )
                continue
            items[key] = (key_node, value_node)
        for key, pair in merged.items():
            items.setdefault(key, pair)
        return items

    def _merge_sources(self, node, what: str) -> list:
        if isinstance(node, yaml.MappingNode):
            return [node]
        if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.MappingNode) for n in node.value):
            return list(node.value)
        self.problem(node, f"the merge key '<<' in {what} must name a mapping (an alias like *defaults)", "wrong-type")
        return []

    def sequence(self, node, what: str) -> list:
        if isinstance(node, yaml.SequenceNode):
            self._count(len(node.value))
            return node.value
        self.problem(node, f"{what} must be a list, found {_kind_of(node)}", "wrong-type")
        return []

    def text(self, node, what: str, required: bool = True) -> str | None:
        """A string; YAML's implicit types are undone (`title: no` is the text 'no')."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be text, found {_kind_of(node)}", "wrong-type")
            return None
        if (node.tag == TAG_NULL and not node.style) or (required and not node.value.strip()):
            if required:
                self.problem(node, f"{what} is empty; write a value", "missing-value")
            return None
        return node.value

    def slug(self, node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if not SLUG.match(value):
            self.problem(
                node,
                f"{what} '{value}' is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter"
                + (f" (e.g. '{slugify(value)}')" if slugify(value) else ""),
                "bad-id",
            )
            return None
        return value

    def enum(self, node, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in choices:
            self.problem(
                node,
                f"{what} '{value}' is not one of {', '.join(choices)}{did_you_mean(value, choices)}",
                "bad-value",
            )
            return None
        return value

    def boolean(self, node, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_BOOL:
            word = node.value.lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        self.problem(node, f"{what} must be true or false, found {_kind_of(node)}", "wrong-type")
        return None

    def number(self, node, what: str) -> float | None:
        """A number; also `1e-3`, which YAML 1.1 reads as text (its floats need a dot) but everyone means as a number."""
        plain_exponent = (
            isinstance(node, yaml.ScalarNode) and not node.style and node.tag == TAG_STR and PLAIN_NUMBER.match(node.value)
        )
        if isinstance(node, yaml.ScalarNode) and (node.tag in (TAG_INT, TAG_FLOAT) or plain_exponent):
            text = node.value.replace("_", "")
            try:
                value = math.nan if text.lower().lstrip("+-") in (".inf", ".nan") else float(text)
            except ValueError:
                value = None
            if value is not None and math.isfinite(value):
                return value
            if value is not None:
                self.problem(node, f"{what} must be a finite number, found {node.value}", "wrong-type")
                return None
        self.problem(node, f"{what} must be a number, found {_kind_of(node)}", "wrong-type")
        return None

    def duration(self, node, what: str) -> float | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == TAG_NULL:
            self.problem(node, f"{what} must be a duration like 20m, found {_kind_of(node)}", "bad-duration")
            return None
        try:
            return parse_duration(node.value)
        except DurationError as error:
            self.problem(node, f"{what}: {error}", "bad-duration")
            return None

    def id_list(self, node, what: str) -> list[tuple[str, object]]:
        """A list of ids (a single id is accepted as a list of one)."""
        if isinstance(node, yaml.ScalarNode) and node.tag != TAG_NULL:
            nodes = [node]
        elif isinstance(node, yaml.ScalarNode):
            return []
        else:
            nodes = self.sequence(node, what)
        result = []
        for item in nodes:
            value = self.slug(item, f"an entry of {what}")
            if value is not None:
                result.append((value, item))
        return result

    # -- the journey -------------------------------------------------------------
    def journey(self, root, default_id: str | None) -> Journey | None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                root,
                f"a journey file must be a mapping of keys (journeyaudit, title, departments, steps), found {_kind_of(root)}",
                "not-a-mapping",
            )
            return None
        keys = [k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode) and k.tag != TAG_MERGE]
        if keys and not any(key in TOP_KEYS or did_you_mean(key, TOP_KEYS) for key in keys):
            # another YAML file in an audited folder (a CI config, a baseline saved as .yaml):
            # one line saying so, not a missing version, missing keys and every key unknown
            shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
            self.problem(
                root,
                f"not a journey file: none of its keys ({shown}) belongs to the format; a journey starts "
                "with `journeyaudit: 1` (keep other YAML files out of the audited folders)",
                "not-a-journey",
            )
            return None
        top = self.mapping(root, "the journey", TOP_KEYS)
        root_location = _location(root)

        self._version(top, root_location)
        for key in ("title", "departments", "steps"):
            if key not in top and (id(root), key) not in self.suggested:
                example = {"title": "title: Pay off a loan", "departments": "departments: {sales: {title: Sales}}", "steps": "steps: {first: {title: ..., department: sales, end: success}}"}[key]
                self.problem(root_location, f"missing required key '{key}' (e.g. `{example}`)", "missing-key")

        journey_id = None
        if "id" in top:
            journey_id = self.slug(top["id"][1], "the journey id")
        elif default_id is not None:
            if SLUG.match(default_id):
                journey_id = default_id
            else:
                self.problem(
                    root_location,
                    f"the file name gives the journey id '{default_id}', which is not a valid id; add `id: {slugify(default_id) or 'my-journey'}`",
                    "bad-id",
                )
        else:
            journey_id = "journey"

        title = self.text(top["title"][1], "the journey title") if "title" in top else None
        description = self.text(top["description"][1], "the description", required=False) if "description" in top else None
        segment = self.slug(top["segment"][1], "segment") if "segment" in top else None
        stage = self.enum(top["stage"][1], "stage", STAGES) if "stage" in top else None
        counterpart = self.slug(top["counterpart"][1], "counterpart") if "counterpart" in top else None
        variant_of = self.slug(top["variant_of"][1], "variant_of") if "variant_of" in top else None

        # None: the section itself is broken or missing; references to it are not checked.
        departments = self._departments(top["departments"][1]) if "departments" in top else None
        data = self._data(top["data"][1]) if "data" in top else ({} if "data" not in self._suggested_keys(root) else None)
        known = self.id_list(top["known"][1], "known") if "known" in top else []
        for item, node in known:
            if data is not None and item not in data:
                self._unknown(node, "data item", item, data, "known names", "data")
        promise = self._promise(top["promise"][1]) if "promise" in top else None
        waivers = self._waivers(top["waive"][1], None) if "waive" in top else []

        steps = self._steps(top["steps"][1], departments, data) if "steps" in top else {}
        start = None
        if "start" in top:
            start_node = top["start"][1]
            start = self.slug(start_node, "start")
            if start is not None and steps and start not in steps:
                self._unknown(start_node, "step", start, steps, "start names", None)
                start = None
        elif steps:
            start = next(iter(steps))
        if steps:
            self._resolve_channels(steps, start)

        if self.problems or journey_id is None or title is None or start is None:
            return None
        return Journey(
            id=journey_id,
            title=title,
            file=self.file,
            location=root_location,
            departments=departments or {},
            data=data or {},
            steps=steps,
            start=start,
            description=description,
            segment=segment,
            stage=stage,
            counterpart=counterpart,
            variant_of=variant_of,
            known=tuple(dict.fromkeys(item for item, _ in known)),
            promise=promise,
            waivers=tuple(waivers),
            key_locations={key: _location(pair[0]) for key, pair in top.items()},
        )

    def _suggested_keys(self, node) -> set[str]:
        return {key for node_id, key in self.suggested if node_id == id(node)}

    def _version(self, top: dict, root_location: Location) -> None:
        if "journeyaudit" not in top:
            self.problem(root_location, "missing the format version: add `journeyaudit: 1` as the first line", "bad-version")
            return
        node = top["journeyaudit"][1]
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_INT and node.value.strip() == str(FORMAT_VERSION):
            return
        if isinstance(node, yaml.ScalarNode) and node.style and node.value.strip() == str(FORMAT_VERSION):
            self.problem(node, f"the format version is the number {FORMAT_VERSION}, not the text {node.value!r}: "
                               f"write `journeyaudit: {FORMAT_VERSION}` without quotes", "bad-version")
            return
        shown = node.value if isinstance(node, yaml.ScalarNode) else _kind_of(node)
        self.problem(
            node,
            f"unsupported format version {shown!r}: this journeyaudit reads `journeyaudit: {FORMAT_VERSION}`",
            "bad-version",
        )

    def _unknown(self, node, kind: str, name: str, known: Iterable[str], where: str, section: str | None) -> None:
        """`where` reads as the start of a sentence: "step 'a' asks for", "start names"."""
        hint = did_you_mean(name, known)
        if not hint and section:
            hint = f"; declare it under `{section}:`"
        self.problem(node, f"{where} unknown {kind} '{name}'{hint}", "unknown-reference")

    def _named_section(self, node, what: str):
        """Entries of `departments` / `data` / `steps`: (id, key node, value node) in file order."""
        entries = self.mapping(node, what, ())
        result = []
        for key, (key_node, value_node) in entries.items():
            if not SLUG.match(key):
                self.problem(
                    key_node,
                    f"'{key}' under {what} is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter"
                    + (f" (e.g. '{slugify(key)}')" if slugify(key) else ""),
                    "bad-id",
                )
                continue
            result.append((key, key_node, value_node))
        if isinstance(node, yaml.MappingNode) and not node.value:
            self.problem(node, f"{what} is empty; add at least one entry", "missing-value")
        return result

    def _titled(self, key: str, value_node, what: str, allowed: tuple[str, ...]) -> dict:
        """A department or data item: a mapping, a bare title (extension) or nothing."""
        if isinstance(value_node, yaml.ScalarNode):
            if value_node.tag == TAG_NULL and not value_node.style:
                return {}
            return {"title": (None, value_node)}
        return self.mapping(value_node, what, allowed)

    def _departments(self, node) -> dict[str, Department]:
        departments = {}
        for key, key_node, value_node in self._named_section(node, "departments"):
            fields = self._titled(key, value_node, f"department '{key}'", DEPARTMENT_KEYS)
            title = self.text(fields["title"][1], f"the title of department '{key}'") if "title" in fields else key
            facing = self.boolean(fields["customer_facing"][1], f"customer_facing of department '{key}'") if "customer_facing" in fields else True
            departments[key] = Department(key, title or key, True if facing is None else facing, _location(key_node))
        return departments

    def _data(self, node) -> dict[str, DataItem]:
        data = {}
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_NULL:
            return data
        for key, key_node, value_node in self._named_section(node, "data"):
            fields = self._titled(key, value_node, f"data item '{key}'", DATA_KEYS)
            title = self.text(fields["title"][1], f"the title of data item '{key}'") if "title" in fields else key
            sensitive = self.boolean(fields["sensitive"][1], f"sensitive of data item '{key}'") if "sensitive" in fields else False
            data[key] = DataItem(key, title or key, bool(sensitive), _location(key_node))
        return data

    def _promise(self, node) -> Promise | None:
        fields = self.mapping(node, "promise", PROMISE_KEYS)
        duration = self.duration(fields["duration"][1], "promise.duration") if "duration" in fields else None
        contacts = None
        if "contacts" in fields:
            contacts = self.number(fields["contacts"][1], "promise.contacts")
            if contacts is not None and contacts < 0:
                self.problem(fields["contacts"][1], "promise.contacts must be zero or more", "bad-value")
                contacts = None
        return Promise(duration, contacts, _location(node))

    def _waivers(self, node, step_id: str | None) -> list[Waiver]:
        where = f"waive of step '{step_id}'" if step_id else "waive"
        waivers = []
        for item in self.sequence(node, where):
            fields = self.mapping(item, f"a waiver in {where}", WAIVER_KEYS)
            if not fields:
                continue
            rule = self.text(fields["rule"][1], "the waiver's rule") if "rule" in fields else None
            if "rule" not in fields:
                self.problem(item, f"a waiver in {where} names no rule: add `rule: <rule id>`", "missing-key")
            elif rule is not None and self.known_rules is not None and rule not in self.known_rules:
                self.problem(
                    fields["rule"][1],
                    f"the waiver names unknown rule '{rule}'{did_you_mean(rule, self.known_rules)} (see `journeyaudit rules`)",
                    "unknown-rule",
                )
            reason = None
            if "reason" in fields:
                reason = self.text(fields["reason"][1], "the waiver's reason", required=False)
            if not reason or not reason.strip():
                self.problem(
                    item,
                    f"the waiver of '{rule or '?'}' has no reason: say why the finding is accepted (`reason: ...`)",
                    "waiver-without-reason",
                )
                continue
            if rule is not None:
                waivers.append(Waiver(rule, reason.strip(), _location(item), step_id))
        return waivers

    def _steps(self, node, departments: dict, data: dict) -> dict[str, Step]:
        entries = self._named_section(node, "steps")
        step_ids = {key for key, _, _ in entries}
        steps: dict[str, Step] = {}
        for index, (key, key_node, value_node) in enumerate(entries):
            step = self._step(key, key_node, value_node, index, departments, data, step_ids)
            if step is not None:
                steps[key] = step
        return steps

    def _step(self, key, key_node, value_node, index, departments, data, step_ids) -> Step | None:
        what = f"step '{key}'"
        fields = self.mapping(value_node, what, STEP_KEYS)
        if not isinstance(value_node, yaml.MappingNode):
            return None
        location = _location(key_node)
        ok = True
        for required in ("title", "department"):
            if required not in fields and (id(value_node), required) in self.suggested:
                ok = False
            elif required not in fields:
                self.problem(key_node, f"{what} has no '{required}'", "missing-key")
                ok = False
        title = self.text(fields["title"][1], f"the title of {what}") if "title" in fields else None
        department = None
        if "department" in fields:
            department_node = fields["department"][1]
            department = self.text(department_node, f"the department of {what}")
            if department is not None and departments is not None and department not in departments:
                self._unknown(department_node, "department", department, departments, f"{what} names", "departments")
                department = None
        channel = None
        if "channel" in fields:
            channel = self.text(fields["channel"][1], f"the channel of {what}")
            channel = channel.strip().lower() if channel else None
        actor = self.enum(fields["actor"][1], f"actor of {what}", ACTORS) if "actor" in fields else "staff"
        kind = self.enum(fields["kind"][1], f"kind of {what}", KINDS) if "kind" in fields else "task"
        value = self.enum(fields["value"][1], f"value of {what}", VALUES) if "value" in fields else "customer"
        end = self.enum(fields["end"][1], f"end of {what}", ENDS) if "end" in fields else None
        wait = self.duration(fields["wait"][1], f"wait of {what}") if "wait" in fields else 0.0
        duration = self.duration(fields["duration"][1], f"duration of {what}") if "duration" in fields else 0.0
        asks = []
        if "asks" in fields:
            for item, item_node in self.id_list(fields["asks"][1], f"asks of {what}"):
                if data is not None and item not in data:
                    self._unknown(item_node, "data item", item, data, f"{what} asks for", "data")
                    ok = False
                elif item not in asks:
                    asks.append(item)
        edges: tuple[Edge, ...] = ()
        if "next" in fields:
            if end is not None:
                self.problem(
                    fields["next"][0],
                    f"{what} has both `end: {end}` and `next`: an end step is final; remove one",
                    "end-with-next",
                )
            edges = self._next(key, fields["next"][0], fields["next"][1], step_ids)
        waivers = self._waivers(fields["waive"][1], key) if "waive" in fields else []
        if not ok or None in (title, department, actor, kind, value, wait, duration) or ("end" in fields and end is None):
            return None
        return Step(
            id=key,
            title=title,
            department=department,
            channel=channel or "",
            actor=actor,
            kind=kind,
            wait_s=wait,
            duration_s=duration,
            asks=tuple(asks),
            value=value,
            next=edges,
            end=end,
            waivers=tuple(waivers),
            location=location,
            index=index,
            channel_given=channel is not None,
        )

    def _next(self, source: str, key_node, node, step_ids: set[str]) -> tuple[Edge, ...]:
        what = f"next of step '{source}'"
        if isinstance(node, yaml.ScalarNode):
            target = self._target(node, what, step_ids)
            return (Edge(source, target, 1.0, None, _location(node)),) if target else ()
        entries = self.sequence(node, what)
        if isinstance(node, yaml.SequenceNode) and not entries:
            self.problem(node, f"{what} is an empty list: name a step, or mark the step with `end:`", "missing-value")
        branches = []  # (target, p or None, when, node)
        complete = True  # a branch was dropped: its error is enough, sums would mislead
        for entry in entries:
            if isinstance(entry, yaml.MappingNode):
                fields = self.mapping(entry, f"a branch of {what}", BRANCH_KEYS)
                if "to" not in fields:
                    self.problem(entry, f"a branch of {what} has no 'to': name the step it leads to", "missing-key")
                    continue
                target = self._target(fields["to"][1], what, step_ids)
                p = None
                if "p" in fields:
                    p = self.number(fields["p"][1], f"the probability p of a branch of {what}")
                    if p is not None and not 0.0 <= p <= 1.0:
                        self.problem(fields["p"][1], f"the probability {p:g} in {what} is outside [0, 1]", "bad-probability")
                        p = None
                        complete = False
                    elif p is None:
                        complete = False
                when = self.text(fields["when"][1], "when", required=False) if "when" in fields else None
                if target:
                    branches.append((target, p, when, entry))
                else:
                    complete = False
            else:
                target = self._target(entry, what, step_ids)
                if target:
                    branches.append((target, None, None, entry))
                else:
                    complete = False
        if not branches or not complete:
            return ()
        given = sum(p for _, p, _, _ in branches if p is not None)
        unset = [b for b in branches if b[1] is None]
        if given > 1.0 + PROBABILITY_TOLERANCE:
            self.problem(key_node, f"the probabilities of {what} add up to {given:g}, more than 1", "bad-probability")
            return ()
        if not unset and abs(given - 1.0) > PROBABILITY_TOLERANCE:
            self.problem(
                key_node,
                f"the probabilities of {what} add up to {given:g}, not 1: fix them, or leave one `p` out to take the rest",
                "bad-probability",
            )
            return ()
        share = max(0.0, 1.0 - given) / len(unset) if unset else 0.0
        return tuple(
            Edge(source, target, share if p is None else p, when, _location(entry))
            for target, p, when, entry in branches
        )

    def _target(self, node, what: str, step_ids: set[str]) -> str | None:
        target = self.text(node, f"a step named in {what}")
        if target is None:
            return None
        if target not in step_ids:
            self._unknown(node, "step", target, step_ids, f"{what} names", None)
            return None
        return target

    @staticmethod
    def _resolve_channels(steps: dict[str, Step], start: str | None) -> None:
        """A step without a channel takes the previous step's (file order); the start takes web."""
        previous = DEFAULT_CHANNEL
        for step in steps.values():
            if not step.channel_given:
                step.channel = DEFAULT_CHANNEL if step.id == start else previous
            previous = step.channel



def _nesting_too_deep(data: bytes) -> bool:
    """A cheap, conservative test for nesting that would crash libyaml's composer."""
    brackets = data.count(b"[") + data.count(b"{")
    if brackets > MAX_NESTING:
        depth = 0
        deepest = 0
        for match in re.finditer(rb"[\[\]{}]", data):
            depth += 1 if match.group() in (b"[", b"{") else -1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return True
    return re.search(rb"^[ \t]{%d}" % MAX_NESTING, data, re.MULTILINE) is not None


def _yaml_problem(file: str, error: yaml.YAMLError, text: str) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    at_mark = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if "expected a single document" in f"{problem} {context}":
        message = "a journey file holds one YAML document; split the documents after '---' into files of their own"
    elif at_mark == "\t":
        message += "; YAML indents with spaces, not tabs"
    elif "cannot start any token" in problem:
        message += "; quote the value"
    elif "mapping values are not allowed" in problem:
        message += "; a value containing ': ' needs quotes"
    return Problem(file, line, column, message, "yaml-syntax")


_WIDE_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xfe\xff", "utf-16"),
    (b"\xff\xfe", "utf-16"),
)


def _utf8_from_bom(data: bytes) -> bytes:
    """UTF-16 or UTF-32 text with its byte-order mark (PowerShell 5's `>` writes UTF-16;
    YAML allows both) as UTF-8; anything else unchanged (NUL bytes then mean binary)."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                return data
    return data


def load_bytes(
    data: bytes,
    file: str,
    *,
    default_id: str | None = None,
    known_rules: Iterable[str] | None = None,
) -> LoadResult:
    """Load a journey from the raw bytes of a file."""
    data = _utf8_from_bom(data)
    if b"\x00" in data:
        return LoadResult(file, None, [Problem(file, 1, 1, "this is a binary file, not a YAML journey", "binary-file")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return LoadResult(
            file,
            None,
            [
                Problem(
                    file,
                    line,
                    column,
                    f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
                    "encoding",
                )
            ],
        )
    return load_text(text, file, default_id=default_id, known_rules=known_rules, _checked_depth=_nesting_too_deep(data))


def load_text(
    text: str,
    file: str = "<string>",
    *,
    default_id: str | None = None,
    known_rules: Iterable[str] | None = None,
    _checked_depth: bool | None = None,
) -> LoadResult:
    """Load a journey from YAML text; `file` is the name used in messages."""
    too_deep = _checked_depth if _checked_depth is not None else _nesting_too_deep(text.encode("utf-8", "surrogatepass"))
    if too_deep:
        return LoadResult(
            file, None, [Problem(file, 1, 1, f"the document nests deeper than {MAX_NESTING} levels", "too-deep")]
        )
    if "\x00" in text:
        return LoadResult(file, None, [Problem(file, 1, 1, "this is a binary file, not a YAML journey", "binary-file")])
    # The node tree holds no reference cycles, but building it triggers the
    # cyclic garbage collector again and again: pausing it makes a big file
    # load 5-10x faster.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_document(text, file, default_id, known_rules)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_document(text: str, file: str, default_id: str | None, known_rules) -> LoadResult:
    try:
        root = yaml.compose(text, Loader=_YamlLoader)
    except yaml.YAMLError as error:
        return LoadResult(file, None, [_yaml_problem(file, error, text)])
    except (RecursionError, MemoryError):
        return LoadResult(file, None, [Problem(file, 1, 1, "the document is too deeply nested or too large", "too-deep")])
    except UnicodeEncodeError as error:  # lone surrogates: only a str built in memory has them
        return LoadResult(file, None, [Problem(file, 1, 1, f"the text is not valid Unicode: {error.reason}", "encoding")])
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == TAG_NULL and not root.value):
        return LoadResult(
            file,
            None,
            [Problem(file, 1, 1, "the file is empty: start with `journeyaudit: 1` (try `journeyaudit init`)", "empty-file")],
        )
    reader = _Reader(file, frozenset(known_rules) if known_rules is not None else None)
    try:
        journey = reader.journey(root, default_id)
    except _Abort:
        journey = None
    except RecursionError:
        reader.problems.append(Problem(file, 1, 1, "the document is too deeply nested", "too-deep"))
        journey = None
    problems = sorted(reader.problems, key=lambda p: (p.line, p.column))
    return LoadResult(file, None if problems else journey, problems)


def journey_id_from_path(path: str | os.PathLike) -> str:
    name = os.path.basename(os.fspath(path))
    for suffix in YAML_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def load_file(
    path: str | os.PathLike,
    *,
    known_rules: Iterable[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> LoadResult:
    """Load one journey file; never raises for bad input."""
    shown = display_path(path)
    try:
        # non-blocking, and only regular files: a named pipe or a device called x.yaml
        # would otherwise hang the run or read forever
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                if stat.S_ISDIR(os.fstat(descriptor).st_mode):
                    raise IsADirectoryError(path)
                return LoadResult(shown, None, [Problem(shown, 1, 1, NOT_REGULAR, "not-found")])
        except BaseException:
            os.close(descriptor)
            raise
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        return LoadResult(shown, None, [Problem(shown, 1, 1, "is a folder, not a journey file", "not-found")])
    except FileNotFoundError:
        return LoadResult(shown, None, [Problem(shown, 1, 1, "no such file", "not-found")])
    except OSError as error:
        return LoadResult(shown, None, [Problem(shown, 1, 1, f"cannot read the file: {error.strerror or error}", "not-found")])
    if len(data) > max_bytes:
        return LoadResult(
            shown,
            None,
            [
                Problem(
                    shown,
                    1,
                    1,
                    f"the file is larger than {max_bytes // (1024 * 1024)} MiB; split the journey, "
                    "or raise the limit with --max-file-size",
                    "too-large",
                )
            ],
        )
    return load_bytes(data, shown, default_id=journey_id_from_path(path), known_rules=known_rules)


NOT_REGULAR = "not a regular file (a pipe, a socket or a device): nothing to audit"


def find_journey_files(paths: Iterable[str | os.PathLike], exclude=None) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, `*.yaml`/`*.yml`) into a sorted, de-duplicated list.

    Hidden folders are skipped; symlinked folders are followed once (a
    symlink loop is visited once, not forever). `exclude(path)`, when given,
    drops files (the configuration's `exclude` globs).
    """
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            files.setdefault(os.path.realpath(path), path)
        elif path.is_dir():
            seen_dirs: set[str] = set()

            def unreadable(error: OSError, path: Path = path) -> None:  # os.walk would skip the folder silently
                shown = display_path(error.filename or path)
                problems.append(Problem(shown, 1, 1, f"cannot read the folder: {error.strerror or error}", "not-found"))

            for folder, dirnames, filenames in os.walk(path, followlinks=True, onerror=unreadable):
                real = os.path.realpath(folder)
                if real in seen_dirs:
                    dirnames[:] = []
                    continue
                seen_dirs.add(real)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                        candidate = Path(folder) / name
                        files.setdefault(os.path.realpath(candidate), candidate)
        elif path.exists():
            problems.append(Problem(display_path(path), 1, 1, NOT_REGULAR, "not-found"))
        else:
            shown = display_path(path)
            problems.append(Problem(shown, 1, 1, "no such file or folder", "not-found"))
    ordered = sorted((p for p in files.values() if exclude is None or not exclude(p)), key=lambda p: display_path(p))
    return ordered, problems


def load_paths(
    paths: Iterable[str | os.PathLike],
    *,
    known_rules: Iterable[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    progress=None,
    exclude=None,
) -> tuple[list[LoadResult], list[Problem]]:
    """Load every journey file under `paths`; problems of one file never stop the others.

    Returns the results (one per file, sorted by path) and the problems of the
    run: missing paths, unreadable or invalid files, and journey ids used by
    two files. `progress`, when given, is called once per file.
    """
    files, problems = find_journey_files(paths, exclude)
    rules = frozenset(known_rules) if known_rules is not None else None
    results = []
    first_file_of: dict[str, LoadResult] = {}
    for path in files:
        result = load_file(path, known_rules=rules, max_bytes=max_bytes)
        if progress is not None:
            progress(result)
        journey = result.journey
        if journey is not None:
            other = first_file_of.get(journey.id)
            if other is not None:
                result.problems.append(
                    Problem(
                        result.file,
                        journey.location.line,
                        journey.location.column,
                        f"journey id '{journey.id}' is already used by {other.file}; give one of them another `id:`",
                        "duplicate-journey",
                    )
                )
                result.journey = None
            else:
                first_file_of[journey.id] = result
        problems.extend(result.problems)
        results.append(result)
    return results, problems
