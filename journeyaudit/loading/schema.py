"""The journey format (docs/format.md): a composed node tree into `journeyaudit.model`.

One pass over the tree reads every section (top keys, departments, data,
steps, next and branches, waivers, the promise) and checks every reference,
collecting every problem (not only the first), each with file, line, column
and a fix hint. A journey is returned only when there is none.

Adding a key to the format: its name in the section's table below (the
allowed keys, which also drive did-you-mean) and one line reading it in the
section's reader (`_journey`, `_step`, ...), which hands it to the model.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from journeyaudit.common.text import SLUG, brief, did_you_mean, printable, slugify
from journeyaudit.loading.nodes import Fields, NodeReader, kind_of, location
from journeyaudit.loading.safe_yaml import TAG_INT, TAG_MERGE, TAG_NULL, Refused
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

FORMAT_VERSION = 1

# The keys of each section, in the order the documentation lists them.
TOP_KEYS = (
    "journeyaudit",
    "id",
    "title",
    "description",
    "segment",
    "stage",
    "counterpart",
    "variant_of",
    "replaces",
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
    "after",
    "duration",
    "asks",
    "value",
    "next",
    "end",
    "waive",
    "phase",
    "feeling",
    "description",
)
BRANCH_KEYS = ("to", "p", "when")
WAIVER_KEYS = ("rule", "reason")
PROMISE_KEYS = ("duration", "contacts")
PROBABILITY_TOLERANCE = 1e-6


def read_journey(
    root: yaml.Node | None, file: str, default_id: str | None, known_rules: Iterable[str] | None
) -> tuple[Journey | None, list[Problem]]:
    """The journey of a composed document (None when it has problems) and its problems, sorted by place."""
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == TAG_NULL and not root.value):
        return None, [
            Problem(file, 1, 1, "the file is empty: start with `journeyaudit: 1` (try `journeyaudit init`)", "empty-file")
        ]
    reader = JourneyReader(file, frozenset(known_rules) if known_rules is not None else None)
    journey: Journey | None
    try:
        journey = reader.journey(root, default_id)
    except Refused as refused:  # the alias budget ran out: the rest cannot be trusted
        reader.problems.append(refused.problem)
        journey = None
    except RecursionError:
        reader.problems.append(Problem(file, 1, 1, "the document is too deeply nested", "too-deep"))
        journey = None
    problems = sorted(reader.problems, key=lambda p: (p.line, p.column))
    return None if problems else journey, problems


class JourneyReader(NodeReader):
    """Reads one composed document against the format, collecting problems."""

    def __init__(self, file: str, known_rules: frozenset[str] | None):
        super().__init__(file)
        self.known_rules = known_rules

    def journey(self, root: yaml.Node, default_id: str | None) -> Journey | None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                root,
                f"a journey file must be a mapping of keys (journeyaudit, title, departments, steps), found {kind_of(root)}",
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
        root_location = location(root)

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
                    f"the file name gives the journey id '{printable(brief(default_id))}', which is not a valid id; add `id: {slugify(default_id) or 'my-journey'}`",
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
        replaces = self.slug(top["replaces"][1], "replaces") if "replaces" in top else None

        # None: the section itself is broken or missing; references to it are not checked.
        departments = self._departments(top["departments"][1]) if "departments" in top else None
        data = self._data(top["data"][1]) if "data" in top else ({} if "data" not in self.suggested_keys(root) else None)
        known = self.id_list(top["known"][1], "known") if "known" in top else []
        for item, node in known:
            if data is not None and item not in data:
                self.unknown(node, "data item", item, data, "known names", "data")
        promise = self._promise(top["promise"][1]) if "promise" in top else None
        waivers = self._waivers(top["waive"][1], None) if "waive" in top else []

        steps = self._steps(top["steps"][1], departments, data) if "steps" in top else {}
        start = None
        if "start" in top:
            start_node = top["start"][1]
            start = self.slug(start_node, "start")
            if start is not None and steps and start not in steps:
                self.unknown(start_node, "step", start, steps, "start names", None)
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
            replaces=replaces,
            known=tuple(dict.fromkeys(item for item, _ in known)),
            promise=promise,
            waivers=tuple(waivers),
            key_locations={key: location(pair[0]) for key, pair in top.items()},
        )

    def _version(self, top: Fields, root_location: Location) -> None:
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
        shown = brief(node.value) if isinstance(node, yaml.ScalarNode) else kind_of(node)
        self.problem(
            node,
            f"unsupported format version {shown!r}: this journeyaudit reads `journeyaudit: {FORMAT_VERSION}`",
            "bad-version",
        )

    def _titled(self, value_node: yaml.Node, what: str, allowed: tuple[str, ...]) -> Fields:
        """A department or data item: a mapping, a bare title (extension) or nothing."""
        if isinstance(value_node, yaml.ScalarNode):
            if value_node.tag == TAG_NULL and not value_node.style:
                return {}
            return {"title": (value_node, value_node)}  # the bare title stands for its key
        return self.mapping(value_node, what, allowed)

    def _description(self, fields: Fields, what: str) -> None:
        """A description is free text for readers (no figure uses it), but text: `[1, 2]` is a mistake."""
        if "description" in fields:
            self.text(fields["description"][1], f"the description of {what}", required=False)

    def _departments(self, node: yaml.Node) -> dict[str, Department]:
        departments = {}
        for key, key_node, value_node in self.named_entries(node, "departments"):
            fields = self._titled(value_node, f"department '{key}'", DEPARTMENT_KEYS)
            title = self.text(fields["title"][1], f"the title of department '{key}'") if "title" in fields else key
            facing = self.boolean(fields["customer_facing"][1], f"customer_facing of department '{key}'") if "customer_facing" in fields else True
            self._description(fields, f"department '{key}'")
            departments[key] = Department(key, title or key, True if facing is None else facing, location(key_node))
        return departments

    def _data(self, node: yaml.Node) -> dict[str, DataItem]:
        data: dict[str, DataItem] = {}
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_NULL:
            return data
        for key, key_node, value_node in self.named_entries(node, "data"):
            fields = self._titled(value_node, f"data item '{key}'", DATA_KEYS)
            title = self.text(fields["title"][1], f"the title of data item '{key}'") if "title" in fields else key
            sensitive = self.boolean(fields["sensitive"][1], f"sensitive of data item '{key}'") if "sensitive" in fields else False
            self._description(fields, f"data item '{key}'")
            data[key] = DataItem(key, title or key, bool(sensitive), location(key_node))
        return data

    def _promise(self, node: yaml.Node) -> Promise:
        fields = self.mapping(node, "promise", PROMISE_KEYS)
        duration = self.duration(fields["duration"][1], "promise.duration") if "duration" in fields else None
        contacts = None
        if "contacts" in fields:
            contacts = self.number(fields["contacts"][1], "promise.contacts")
            if contacts is not None and contacts < 0:
                self.problem(fields["contacts"][1], "promise.contacts must be zero or more", "bad-value")
                contacts = None
        return Promise(duration, contacts, location(node))

    def _waivers(self, node: yaml.Node, step_id: str | None) -> list[Waiver]:
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
                waivers.append(Waiver(rule, reason.strip(), location(item), step_id))
        return waivers

    def _steps(
        self, node: yaml.Node, departments: dict[str, Department] | None, data: dict[str, DataItem] | None
    ) -> dict[str, Step]:
        entries = self.named_entries(node, "steps")
        step_ids = {key for key, _, _ in entries}
        steps: dict[str, Step] = {}
        for index, (key, key_node, value_node) in enumerate(entries):
            step = self._step(key, key_node, value_node, index, departments, data, step_ids)
            if step is not None:
                steps[key] = step
        return steps

    def _step(
        self,
        key: str,
        key_node: yaml.Node,
        value_node: yaml.Node,
        index: int,
        departments: dict[str, Department] | None,
        data: dict[str, DataItem] | None,
        step_ids: set[str],
    ) -> Step | None:
        what = f"step '{key}'"
        fields = self.mapping(value_node, what, STEP_KEYS)
        if not isinstance(value_node, yaml.MappingNode):
            return None
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
                self.unknown(department_node, "department", department, departments, f"{what} names", "departments")
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
        after = self.duration(fields["after"][1], f"after of {what}") if "after" in fields else 0.0
        phase = self.text(fields["phase"][1], f"the phase of {what}") if "phase" in fields else None
        feeling = None
        if "feeling" in fields:
            feeling = self.integer_between(fields["feeling"][1], f"feeling of {what} (-2 angry .. 2 delighted)", -2, 2)
        duration = self.duration(fields["duration"][1], f"duration of {what}") if "duration" in fields else 0.0
        asks: list[str] = []
        if "asks" in fields:
            for item, item_node in self.id_list(fields["asks"][1], f"asks of {what}"):
                if data is not None and item not in data:
                    self.unknown(item_node, "data item", item, data, f"{what} asks for", "data")
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
        self._description(fields, what)
        # a value read as None was reported; the step is left out so nothing else trips on it
        if (
            not ok
            or title is None
            or department is None
            or actor is None
            or kind is None
            or value is None
            or wait is None
            or after is None
            or duration is None
            or ("phase" in fields and phase is None)
            or ("feeling" in fields and feeling is None)
            or ("end" in fields and end is None)
        ):
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
            location=location(key_node),
            index=index,
            channel_given=channel is not None,
            after_s=after,
            phase=phase,
            feeling=feeling,
        )

    def _next(self, source: str, key_node: yaml.Node, node: yaml.Node, step_ids: set[str]) -> tuple[Edge, ...]:
        what = f"next of step '{source}'"
        if isinstance(node, yaml.ScalarNode):
            target = self._target(node, what, step_ids)
            return (Edge(source, target, 1.0, None, location(node)),) if target else ()
        entries = self.sequence(node, what)
        if isinstance(node, yaml.SequenceNode) and not entries:
            self.problem(node, f"{what} is an empty list: name a step, or mark the step with `end:`", "missing-value")
        branches: list[tuple[str, float | None, str | None, yaml.Node]] = []
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
            Edge(source, target, share if p is None else p, when, location(entry))
            for target, p, when, entry in branches
        )

    def _target(self, node: yaml.Node, what: str, step_ids: set[str]) -> str | None:
        target = self.text(node, f"a step named in {what}")
        if target is None:
            return None
        if target not in step_ids:
            self.unknown(node, "step", target, step_ids, f"{what} names", None)
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
