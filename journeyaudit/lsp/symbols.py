"""Where every id of a journey file is, to the character: the index the editor features read.

The loader's model keeps the line and column of keys; an editor needs more:
the exact span of every value that names an id (a `next` target, a
department, an asked data item, a waiver's rule), whether it defines the id or
refers to it, and the span of every scalar so that a located problem can be
underlined whole. `index_text` composes the text with the loader's guarded
composer (`journeyaudit.loading.safe_yaml`) and walks the node tree once.

Spans are 0-based lines as LSP counts them (`text_lines.py`) and columns
counted in code points (what PyYAML's marks count); the server converts
them to the client's units (UTF-16 by default). Aliases and merge keys are followed once: a node reached twice is
indexed once, so an alias bomb costs no more than its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from journeyaudit.loading.safe_yaml import TAG_MERGE, TAG_NULL, Refused, check_text, compose, paused_gc
from journeyaudit.lsp.text_lines import LineMap, split_lines

# What an id names.
STEP, DEPARTMENT, DATA, RULE, JOURNEY = "step", "department", "data", "rule", "journey"
# The top-level keys whose value names another journey.
JOURNEY_REFERENCES = ("counterpart", "variant_of", "replaces")


class Span(NamedTuple):  # a tuple: thousands are made per check, a dataclass costs 5x more
    """One line's stretch of text: 0-based line, code-point columns [start, end)."""

    line: int
    start: int
    end: int

    def contains(self, line: int, column: int) -> bool:
        """The cursor is on the span, or just after its last character (where typing ends)."""
        return line == self.line and self.start <= column <= self.end


@dataclass(slots=True)
class Occurrence:
    """An id written in the file: its definition (a key under `steps:`...) or a reference to it."""

    kind: str  # STEP, DEPARTMENT, DATA, RULE or JOURNEY
    name: str
    span: Span
    definition: bool
    role: str  # the key it is the value of: next, to, start, department, asks, known, rule, counterpart...
    step: str | None = None  # the step whose mapping holds it


@dataclass(slots=True)
class FileIndex:
    """Every id occurrence of one file, and the spans of its scalars and keys."""

    occurrences: list[Occurrence] = field(default_factory=list)  # in file order
    # (line, column) of a node's start, as YAML counts them (the loader's problems do) -> the
    # span to underline for a problem located there; filled only when asked
    # (`index_text(..., node_spans=True)`): a file that loads needs none
    spans_at: dict[tuple[int, int], Span] = field(default_factory=dict)
    # (kind, id) -> its occurrences, the definition (the first one) first when there is one
    by_name: dict[tuple[str, str], list[Occurrence]] = field(default_factory=dict)
    top_keys: dict[str, Span] = field(default_factory=dict)  # top-level key -> the key's span
    top_values: dict[str, Span] = field(default_factory=dict)  # top-level key -> its scalar value's span
    # step id -> field -> the span of the field's scalar value (wait, channel, value...)
    step_values: dict[str, dict[str, Span]] = field(default_factory=dict)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> the title written

    def at(self, line: int, column: int) -> Occurrence | None:
        for occurrence in self.occurrences:
            if occurrence.span.contains(line, column):
                return occurrence
        return None

    def definition(self, kind: str, name: str) -> Occurrence | None:
        found = self.by_name.get((kind, name))
        return found[0] if found and found[0].definition else None

    def of(self, kind: str, name: str) -> list[Occurrence]:
        """The occurrences of an id in file order."""
        return sorted(self.by_name.get((kind, name), []), key=lambda o: (o.span.line, o.span.start))

    def add(self, occurrence: Occurrence) -> None:
        self.occurrences.append(occurrence)
        same = self.by_name.setdefault((occurrence.kind, occurrence.name), [])
        if occurrence.definition and not (same and same[0].definition):
            same.insert(0, occurrence)
        else:
            same.append(occurrence)

    def names(self, kind: str) -> list[str]:
        """The ids of `kind` defined in the file, in file order."""
        return list(dict.fromkeys(o.name for o in self.occurrences if o.kind == kind and o.definition))

    def journey_id(self) -> str | None:
        for occurrence in self.occurrences:
            if occurrence.kind == JOURNEY and occurrence.definition:
                return occurrence.name
        return None


def index_text(text: str, node_spans: bool = False) -> FileIndex | None:
    """The index of a journey's text; None when the text cannot be composed (its problem
    is the loader's to report). `node_spans`: also the span of every scalar (`spans_at`)."""
    with paused_gc():  # the walk, too, builds many objects while the tree is alive
        try:
            check_text(text, "<buffer>")
            root = compose(text, "<buffer>")
        except Refused:
            return None
        index = FileIndex()
        if root is not None:
            walker = _Walker(index, split_lines(text), LineMap(text))
            if node_spans:
                walker.scalar_spans(root)
            walker.journey(root)
        return index


def span_of(node: yaml.Node, lines: list[str], line_map: LineMap) -> Span:
    """The span of a node on its first line (LSP lines); a quoted scalar's quotes left out."""
    line, first = line_map.from_yaml(node.start_mark.line, node.start_mark.column)
    end_line, last = line_map.from_yaml(node.end_mark.line, node.end_mark.column)
    if end_line != line:
        last = len((lines[line] if line < len(lines) else "").rstrip())
    elif isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') and last - first >= 2:
        first, last = first + 1, last - 1
    return Span(line, first, max(first, last))


class _Walker:
    """One pass over the composed tree, following the format's layout (docs/format.md)."""

    def __init__(self, index: FileIndex, lines: list[str], line_map: LineMap):
        self.index = index
        self.lines = lines
        self.line_map = line_map
        self.seen: set[int] = set()  # collections already walked (aliases, merge keys)
        self.added: set[int] = set()  # scalars already indexed

    def first_visit(self, node: yaml.Node) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    def scalar_spans(self, root: yaml.Node) -> None:
        """Every node's span by its start, for problems located at a value."""
        stack = [root]
        visited: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in visited:
                continue
            visited.add(id(node))
            position = (node.start_mark.line, node.start_mark.column)
            if isinstance(node, yaml.ScalarNode):
                self.index.spans_at[position] = span_of(node, self.lines, self.line_map)
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack.extend((key, value))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)

    def title(self, kind: str, name: str, node: yaml.Node) -> None:
        """The title of a step, department or data item: its `title:`, or a bare title (`sales: Sales`)."""
        if isinstance(node, yaml.ScalarNode):
            title_node: yaml.Node | None = node
        else:
            pairs = node.value if isinstance(node, yaml.MappingNode) else []
            title_node = next((value for key, value in pairs if isinstance(key, yaml.ScalarNode) and key.value == "title"), None)
        if isinstance(title_node, yaml.ScalarNode) and title_node.value and title_node.tag != TAG_NULL:
            self.index.titles.setdefault((kind, name), title_node.value)

    def add(self, kind: str, node: yaml.Node, definition: bool, role: str, step: str | None = None) -> None:
        if not isinstance(node, yaml.ScalarNode) or not node.value or (node.tag == TAG_NULL and not node.style):
            return
        if id(node) in self.added:  # an alias repeats its node: it is written once
            return
        self.added.add(id(node))
        self.index.add(Occurrence(kind, node.value, span_of(node, self.lines, self.line_map), definition, role, step))

    def items(self, node: yaml.Node) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
        """A mapping's (key, key node, value node), merged mappings (`<<: *defaults`) included once."""
        if not isinstance(node, yaml.MappingNode):
            return
        for key_node, value_node in node.value:
            if key_node.tag == TAG_MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    if isinstance(source, yaml.MappingNode) and self.first_visit(source):
                        yield from self.items(source)
            elif isinstance(key_node, yaml.ScalarNode):
                yield key_node.value, key_node, value_node

    def each(self, node: yaml.Node) -> list[yaml.Node]:
        """A list's entries, or the one value standing for a list of one."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return [node]

    def journey(self, root: yaml.Node) -> None:
        for key, key_node, value in self.items(root):
            self.index.top_keys.setdefault(key, span_of(key_node, self.lines, self.line_map))
            if isinstance(value, yaml.ScalarNode):
                self.index.top_values.setdefault(key, span_of(value, self.lines, self.line_map))
            elif not self.first_visit(value):
                continue
            if key == "id":
                self.add(JOURNEY, value, True, "id")
            elif key in JOURNEY_REFERENCES:
                self.add(JOURNEY, value, False, key)
            elif key == "start":
                self.add(STEP, value, False, "start")
            elif key == "known":
                for item in self.each(value):
                    self.add(DATA, item, False, "known")
            elif key == "departments":
                for name, name_node, entry in self.items(value):
                    self.add(DEPARTMENT, name_node, True, "departments")
                    self.title(DEPARTMENT, name, entry)
            elif key == "data":
                for name, name_node, entry in self.items(value):
                    self.add(DATA, name_node, True, "data")
                    self.title(DATA, name, entry)
            elif key == "steps":
                for name, name_node, step_node in self.items(value):
                    self.step(name, name_node, step_node)
            elif key == "waive":
                self.waivers(value, None)

    def step(self, name: str, name_node: yaml.Node, node: yaml.Node) -> None:
        self.add(STEP, name_node, True, "steps", name)
        values = self.index.step_values.setdefault(name, {})
        if not self.first_visit(node):
            return
        if isinstance(node, yaml.MappingNode):
            self.title(STEP, name, node)
        for key, _, value in self.items(node):
            if isinstance(value, yaml.ScalarNode):
                values.setdefault(key, span_of(value, self.lines, self.line_map))
            elif not self.first_visit(value):
                continue
            if key == "department":
                self.add(DEPARTMENT, value, False, "department", name)
            elif key == "asks":
                for item in self.each(value):
                    self.add(DATA, item, False, "asks", name)
            elif key == "next":
                for entry in self.each(value):
                    if isinstance(entry, yaml.MappingNode) and self.first_visit(entry):
                        for branch_key, _, target in self.items(entry):
                            if branch_key == "to":
                                self.add(STEP, target, False, "to", name)
                    else:
                        self.add(STEP, entry, False, "next", name)
            elif key == "waive":
                self.waivers(value, name)

    def waivers(self, node: yaml.Node, step: str | None) -> None:
        for waiver in self.each(node):
            if not self.first_visit(waiver):
                continue
            for key, _, value in self.items(waiver):
                if key == "rule":
                    self.add(RULE, value, False, "rule", step)
