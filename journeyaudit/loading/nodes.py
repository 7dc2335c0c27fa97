"""Typed reading of a composed YAML node tree, every problem located (file:line:column).

`NodeReader` reads mappings (merge keys applied, duplicate and unknown keys
reported with a did-you-mean), lists, text, ids, choices, booleans, numbers,
durations and id lists; each reader returns None for a value it reported as
wrong, so callers go on and every problem of a file is collected. Generic:
knows nothing of journeys (`schema.py` does).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import yaml

from journeyaudit.common.durations import DurationError, parse_duration
from journeyaudit.common.text import SLUG, brief, did_you_mean, slugify
from journeyaudit.loading.safe_yaml import (
    TAG_BOOL,
    TAG_FLOAT,
    TAG_INT,
    TAG_MERGE,
    TAG_NULL,
    TAG_STR,
    VisitBudget,
)
from journeyaudit.model import Location
from journeyaudit.model.findings import Problem

# YAML 1.2 numbers with an exponent and no dot (1e-3): YAML 1.1 reads them as text
PLAIN_NUMBER = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")
TRUE_WORDS = {"true", "yes", "on", "y"}
FALSE_WORDS = {"false", "no", "off", "n"}

# A mapping read: key -> (key node, value node).
Fields = dict[str, tuple[yaml.Node, yaml.Node]]


def location(node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(mark.line + 1, mark.column + 1)


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == TAG_NULL:
        return "nothing (null)"
    if node.tag in (TAG_INT, TAG_FLOAT):
        return f"the number {brief(node.value)}"
    if node.tag == TAG_BOOL:
        return f"the boolean {node.value}"
    return f"the text '{brief(node.value)}'"  # its start only: a message may end up in a report or a PR comment


def _not_an_id(value: str) -> str:
    example = slugify(value)
    return "is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter" + (
        f" (e.g. '{brief(example)}')" if example else ""
    )


class NodeReader:
    """Reads the nodes of one composed document, collecting located problems."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self._reported: set[tuple[int, int, str, str]] = set()
        self.budget = VisitBudget(file)
        # Keys suggested by "did you mean": their absence is already explained.
        self.suggested: set[tuple[int, str]] = set()

    # -- reporting ------------------------------------------------------------
    def problem(self, node_or_location: yaml.Node | Location, message: str, code: str) -> None:
        where = node_or_location if isinstance(node_or_location, Location) else location(node_or_location)
        problem = Problem(self.file, where.line, where.column, message, code)
        key = (problem.line, problem.column, message, code)
        if key not in self._reported:  # an alias repeats its node: say it once
            self._reported.add(key)
            self.problems.append(problem)

    def unknown(self, node: yaml.Node, kind: str, name: str, known: Iterable[str], where: str, section: str | None) -> None:
        """A reference to something not declared; `where` reads as the start of a sentence:
        "step 'a' asks for", "start names"; `section` is where it would be declared."""
        hint = did_you_mean(name, known)
        if not hint and section:
            hint = f"; declare it under `{section}:`"
        self.problem(node, f"{where} unknown {kind} '{brief(name)}'{hint}", "unknown-reference")

    def suggested_keys(self, node: yaml.Node) -> set[str]:
        return {key for node_id, key in self.suggested if node_id == id(node)}

    # -- generic node readers --------------------------------------------------
    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> Fields:
        """Key -> (key node, value node), merge keys applied, duplicates and unknown keys reported."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of keys, found {kind_of(node)}", "wrong-type")
            return {}
        items: Fields = {}
        merged: Fields = {}
        self.budget.spend(len(node.value))
        for key_node, value_node in node.value:
            if key_node.tag == TAG_MERGE:
                for source in self._merge_sources(value_node, what):
                    for key, pair in self.mapping(source, what, allowed).items():
                        merged.setdefault(key, pair)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"{what} has a key that is {kind_of(key_node)}; keys must be plain words", "wrong-type")
                continue
            key = key_node.value
            if key in items:
                first = items[key][0]
                self.problem(
                    key_node,
                    f"duplicate key '{brief(key)}' in {what} (first at line {first.start_mark.line + 1}); "
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
                    f"unknown key '{brief(key)}' in {what}{hint}" + ("" if hint else f" (allowed: {', '.join(allowed)})"),
                    "unknown-key",
                )
                continue
            items[key] = (key_node, value_node)
        for key, pair in merged.items():
            items.setdefault(key, pair)
        return items

    def _merge_sources(self, node: yaml.Node, what: str) -> list[yaml.MappingNode]:
        if isinstance(node, yaml.MappingNode):
            return [node]
        if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.MappingNode) for n in node.value):
            return list(node.value)
        self.problem(node, f"the merge key '<<' in {what} must name a mapping (an alias like *defaults)", "wrong-type")
        return []

    def named_entries(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """A mapping whose keys are ids: (id, key node, value node) in file order."""
        entries = self.mapping(node, what, ())
        result = []
        for key, (key_node, value_node) in entries.items():
            if not SLUG.match(key):
                self.problem(key_node, f"'{brief(key)}' under {what} {_not_an_id(key)}", "bad-id")
                continue
            result.append((key, key_node, value_node))
        if isinstance(node, yaml.MappingNode) and not node.value:
            self.problem(node, f"{what} is empty; add at least one entry", "missing-value")
        return result

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            self.budget.spend(len(node.value))
            return node.value
        self.problem(node, f"{what} must be a list, found {kind_of(node)}", "wrong-type")
        return []

    def text(self, node: yaml.Node, what: str, required: bool = True) -> str | None:
        """A string; YAML's implicit types are undone (`title: no` is the text 'no')."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be text, found {kind_of(node)}", "wrong-type")
            return None
        if (node.tag == TAG_NULL and not node.style) or (required and not node.value.strip()):
            if required:
                self.problem(node, f"{what} is empty; write a value", "missing-value")
            return None
        return node.value

    def slug(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if not SLUG.match(value):
            self.problem(node, f"{what} '{brief(value)}' {_not_an_id(value)}", "bad-id")
            return None
        return value

    def enum(self, node: yaml.Node, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in choices:
            self.problem(
                node,
                f"{what} '{brief(value)}' is not one of {', '.join(choices)}{did_you_mean(value, choices)}",
                "bad-value",
            )
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_BOOL:
            word = node.value.lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        self.problem(node, f"{what} must be true or false, found {kind_of(node)}", "wrong-type")
        return None

    def number(self, node: yaml.Node, what: str) -> float | None:
        """A number; also `1e-3`, which YAML 1.1 reads as text (its floats need a dot) but everyone means as a number."""
        plain_exponent = (
            isinstance(node, yaml.ScalarNode) and not node.style and node.tag == TAG_STR and PLAIN_NUMBER.match(node.value)
        )
        if isinstance(node, yaml.ScalarNode) and (node.tag in (TAG_INT, TAG_FLOAT) or plain_exponent):
            text = node.value.replace("_", "")
            value: float | None
            try:
                value = math.nan if text.lower().lstrip("+-") in (".inf", ".nan") else float(text)
            except ValueError:
                value = None
            if value is not None and math.isfinite(value):
                return value
            if value is not None:
                self.problem(node, f"{what} must be a finite number, found {brief(node.value)}", "wrong-type")
                return None
        self.problem(node, f"{what} must be a number, found {kind_of(node)}", "wrong-type")
        return None

    def integer_between(self, node: yaml.Node, what: str, lowest: int, highest: int) -> int | None:
        """A whole number from `lowest` to `highest` (`1.5`, `true` or `happy` are not one; `1.0` is, as in JSON Schema)."""
        if isinstance(node, yaml.ScalarNode) and node.tag in (TAG_INT, TAG_FLOAT):
            try:
                number = float(node.value.replace("_", ""))
            except ValueError:
                number = math.nan
            if number.is_integer() and lowest <= number <= highest:
                return int(number)
        self.problem(node, f"{what} must be a whole number from {lowest} to {highest}, found {kind_of(node)}", "bad-value")
        return None

    def duration(self, node: yaml.Node, what: str) -> float | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == TAG_NULL:
            self.problem(node, f"{what} must be a duration like 20m, found {kind_of(node)}", "bad-duration")
            return None
        try:
            return parse_duration(node.value)
        except DurationError as error:
            self.problem(node, f"{what}: {error}", "bad-duration")
            return None

    def id_list(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        """A list of ids (a single id is accepted as a list of one), each with its node."""
        if isinstance(node, yaml.ScalarNode) and node.tag != TAG_NULL:
            nodes: list[yaml.Node] = [node]
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
