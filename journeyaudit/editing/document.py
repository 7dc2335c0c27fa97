"""Edits of a journey file's text that leave everything else as the author wrote it.

`JourneyText.open(path)` (or `JourneyText(text, file)`) composes the file once
with the loader's guarded YAML reading and keeps the node marks (line, column,
character offset). Every edit is a replacement of one node's span, or an
insertion at a line, against that original text; `text()` applies them all at
once. Bytes outside the edited spans are untouched: comments, key order,
quoting, flow or block style, blank lines, line endings.

Comments the writer adds go at the end of the edited line when that line has
no comment and does not end inside a multi-line scalar, else on a line of
their own above it. The result is composed again before it is returned, so an
edit can never produce a file that does not parse.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from journeyaudit.common.bounded_read import open_input, read_at_most
from journeyaudit.editing.scalars import comment_text, flow_scalar
from journeyaudit.loading.safe_yaml import LINE_BREAK, MAX_FILE_BYTES, Refused, check_text, compose, decode


class EditError(Exception):
    """The file cannot be edited as asked (not a journey's layout, overlapping edits)."""


@dataclass(frozen=True, slots=True)
class Branch:
    to: str
    p: float | str | None = None  # a float is written with up to 6 decimals; a str as given
    when: str | None = None
    comment: str | None = None


@dataclass(slots=True)
class _Edit:
    start: int
    end: int
    text: str
    order: int


def _number(value: float | str) -> str:
    if isinstance(value, str):
        return value
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"



class JourneyText:
    def __init__(self, text: str, file: str = "<journey>"):
        self.original = text
        self.file = file
        try:
            check_text(text, file)
            root = compose(text, file)
        except Refused as refused:
            raise EditError(refused.problem.format()) from None
        if not isinstance(root, yaml.MappingNode):
            raise EditError(f"{file}: not a journey file (the document is not a mapping)")
        self.root = root
        # new lines get the file's own line break: CRLF, a lone CR (old Mac files), else LF
        self.newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
        # lines as YAML counts them (its marks do): after CRLF, CR, LF, NEL, LS or PS
        self._line_starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
        self._edits: list[_Edit] = []
        self._line_comments: dict[int, list[str]] = {}  # line -> comments at its end
        self._above_comments: dict[int, list[str]] = {}  # line -> comment lines above it
        self._no_end_comment, self._no_insert_before = self._multiline_scalar_lines(root)

    # -- opening ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, max_bytes: int = MAX_FILE_BYTES) -> JourneyText:
        shown = os.fspath(path)
        try:
            with open_input(path) as handle:
                data = read_at_most(handle, max_bytes)
        except OSError as error:
            raise EditError(f"{shown}: cannot read: {error.strerror or error}") from None
        if len(data) > max_bytes:
            raise EditError(f"{shown}: larger than {max_bytes // (1024 * 1024)} MiB")
        try:
            text, _ = decode(data, shown)
        except Refused as refused:
            raise EditError(refused.problem.format()) from None
        return cls(text, shown)

    # -- finding nodes --------------------------------------------------------
    @staticmethod
    def entry(mapping: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        if not isinstance(mapping, yaml.MappingNode):
            return None
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
        return None

    def steps_node(self) -> yaml.MappingNode:
        found = self.entry(self.root, "steps")
        if found is None or not isinstance(found[1], yaml.MappingNode):
            raise EditError(f"{self.file}: no `steps:` mapping to edit")
        return found[1]

    def step_node(self, step_id: str) -> tuple[yaml.Node, yaml.MappingNode]:
        found = self.entry(self.steps_node(), step_id)
        if found is None or not isinstance(found[1], yaml.MappingNode):
            raise EditError(f"{self.file}: no step '{step_id}' to edit")
        return found[0], found[1]

    def branch_nodes(self, step_id: str) -> list[yaml.Node]:
        """The entries of a step's `next`: one scalar node for `next: id`, else the list's items."""
        found = self.entry(self.step_node(step_id)[1], "next")
        if found is None:
            return []
        value = found[1]
        return list(value.value) if isinstance(value, yaml.SequenceNode) else [value]

    # -- edits ------------------------------------------------------------------
    def set_top_value(self, key: str, value: str, comment: str | None = None, after: tuple[str, ...] = ()) -> None:
        """Set a top-level key to a YAML value text (`flow_scalar` writes one); a new key goes
        after the last present of `after`, else at the end."""
        self._set_value(self.root, key, value, comment, after=after)

    def set_step_value(self, step_id: str, key: str, value: str, comment: str | None = None,
                       after: tuple[str, ...] = ()) -> None:
        """Set a step's key to a YAML value text; a new key goes after the last present of `after`."""
        self._set_value(self.step_node(step_id)[1], key, value, comment, after=after)

    def set_branch_probabilities(self, step_id: str, probabilities: Sequence[float | str], comments: Sequence[str | None]) -> None:
        """Give each entry of a step's `next` its `p`, in place: a `p` is replaced, a branch
        mapping without one gets it, a bare step id becomes `{to: id, p: ...}`."""
        entries = self.branch_nodes(step_id)
        if len(entries) != len(probabilities):
            raise EditError(f"{self.file}: step '{step_id}' has {len(entries)} branches, not {len(probabilities)}")
        alone = len(entries) == 1 and isinstance(entries[0], yaml.ScalarNode)  # `next: id`, not a list
        for entry, probability, comment in zip(entries, probabilities, comments):
            text = _number(probability)
            if isinstance(entry, yaml.ScalarNode):
                branch = "{to: " + flow_scalar(entry.value) + ", p: " + text + "}"
                self._replace(entry, f"[{branch}]" if alone else branch)
            elif isinstance(entry, yaml.MappingNode):
                found = self.entry(entry, "p")
                if found is not None:
                    self._replace(found[1], text)
                else:
                    self._set_value(entry, "p", text, None, after=("to",))
            else:
                raise EditError(f"{self.file}: a branch of step '{step_id}' is neither a step id nor a mapping")
            if comment:
                self.comment_node(entry, comment)

    def set_next(self, step_id: str, branches: list[Branch], comment: str | None = None) -> None:
        """Replace a step's `next` with these branches (a new `next` when it has none)."""
        key_node, step = self.step_node(step_id)
        flow = step.flow_style or self._inside_flow(step)
        found = self.entry(step, "next")
        if flow:
            value = "[" + ", ".join(self._branch_text(branch) for branch in branches) + "]"
            self._set_value(step, "next", value, comment, after=())
            return
        indent = self._child_indent(step, key_node)
        lines = [f"{' ' * (indent + 2)}- {self._branch_text(branch)}" + (f"  # {_one_line(branch.comment)}" if branch.comment else "")
                 for branch in branches]
        block = self.newline + self.newline.join(lines)
        if found is None:
            self._insert_key_lines(step, [f"{' ' * indent}next:" + block], after=())
            return
        next_key, next_value = found
        start = self.original.index(":", self._index(next_key.end_mark)) + 1
        end = self._content_end(next_value)
        self._edits.append(_Edit(start, end, block, len(self._edits)))
        if comment:
            self._add_line_comment(next_key.start_mark.line, comment)

    def insert_step_after(self, after_id: str, step_id: str, fields: list[tuple[str, str]], comment: str | None = None) -> None:
        """A new step (fields as (key, YAML value text), in order) right after step `after_id`."""
        steps = self.steps_node()
        if self.entry(steps, step_id) is not None:
            raise EditError(f"{self.file}: step '{step_id}' already exists")
        key_node, step = self.step_node(after_id)
        if steps.flow_style or self._inside_flow(steps):
            body = "{" + ", ".join(f"{key}: {value}" for key, value in fields) + "}"
            self._edits.append(_Edit(self._content_end(step), self._content_end(step), f", {flow_scalar(step_id)}: {body}", len(self._edits)))
            return
        indent = key_node.start_mark.column
        child = self._child_indent(step, key_node) if not step.flow_style else indent + 2
        lines = []
        if comment:
            lines.append(f"{' ' * indent}# {_one_line(comment)}")
        lines.append(f"{' ' * indent}{flow_scalar(step_id)}:")
        lines.extend(f"{' ' * child}{key}: {value}" for key, value in fields)
        self._insert_lines_after(self._last_line(step), lines)

    def comment_step(self, step_id: str, lines: list[str]) -> None:
        """Comment lines right above a step's key."""
        key_node, _ = self.step_node(step_id)
        self._above_comments.setdefault(key_node.start_mark.line, []).extend(_one_line(line) for line in lines)

    def comment_node(self, node: yaml.Node, text: str) -> None:
        """A comment on the line where `node` ends (or above the line where it starts)."""
        line = self._last_line(node)
        if self._can_end_line(line, node):
            self._add_line_comment(line, text)
        else:
            self._add_above(node.start_mark.line, text)

    def append_comment_block(self, lines: list[str]) -> None:
        """Comment lines at the end of the file."""
        last = len(self._line_starts) - 1
        if self._line_starts[-1] == len(self.original):  # the file ends with a line break
            last -= 1
        self._insert_lines_after(last, [f"# {_one_line(line)}".rstrip() for line in lines], force_column_zero=True)

    # -- applying -------------------------------------------------------------
    def text(self) -> str:
        edits = list(self._edits)
        order = len(edits)
        for line, comments in self._line_comments.items():
            at = self._line_end(line)
            edits.append(_Edit(at, at, "  # " + "; ".join(comments), order))
            order += 1
        for line, comments in self._above_comments.items():
            at = self._line_starts[line]
            indent = self._indent_of(line)
            edits.append(_Edit(at, at, "".join(f"{indent}# {c}{self.newline}" for c in comments), -1))
        edits.sort(key=lambda edit: (edit.start, edit.order))
        out, position = [], 0
        for edit in edits:
            if edit.start < position:
                raise EditError(f"{self.file}: two edits overlap near line {self._line_of(edit.start) + 1}")
            out.append(self.original[position:edit.start])
            out.append(edit.text)
            position = edit.end
        out.append(self.original[position:])
        result = "".join(out)
        try:
            check_text(result, self.file)
            compose(result, self.file)
        except Refused as refused:  # a bug here, never the author's: say so plainly
            raise EditError(f"{self.file}: the edited text does not parse ({refused.problem.message})") from None
        return result

    # -- internals ----------------------------------------------------------------
    def _set_value(self, mapping: yaml.MappingNode, key: str, value: str, comment: str | None, after: tuple[str, ...] | None) -> None:
        found = self.entry(mapping, key)
        if found is not None:
            self._replace(found[1], value)
            if comment:
                self.comment_node(found[1], comment)
            return
        if mapping.flow_style or self._inside_flow(mapping):
            at = self._index(mapping.end_mark) - 1
            while at > 0 and self.original[at] != "}":
                at -= 1
            separator = ", " if mapping.value else ""
            self._edits.append(_Edit(at, at, f"{separator}{key}: {value}", len(self._edits)))
            if comment:
                self._add_line_comment(self._line_of(at), comment)
            return
        line_text = f"{' ' * self._child_indent(mapping, None)}{key}: {value}"
        if comment:
            line_text += f"  # {_one_line(comment)}"
        self._insert_key_lines(mapping, [line_text], after=after or ())

    def _insert_key_lines(self, mapping: yaml.MappingNode, lines: list[str], after: tuple[str, ...]) -> None:
        """New lines in a block mapping: after the value of the last key of `after` present, else at its end."""
        anchor = None
        for key in after:
            found = self.entry(mapping, key)
            if found is not None:
                anchor = found[1]
        if anchor is None:
            anchor = mapping.value[-1][1] if mapping.value else mapping
        self._insert_lines_after(self._last_line(anchor), lines)

    def _insert_lines_after(self, line: int, lines: list[str], force_column_zero: bool = False) -> None:
        if line + 1 < len(self._line_starts):
            at = self._line_starts[line + 1]
            text = "".join(item + self.newline for item in lines)
        else:  # the last line has no line break
            at = len(self.original)
            text = "".join(self.newline + item for item in lines)
        if (line + 1) in self._no_insert_before:
            raise EditError(f"{self.file}: cannot insert inside the multi-line text at line {line + 2}")
        self._edits.append(_Edit(at, at, text, len(self._edits)))

    def _replace(self, node: yaml.Node, text: str) -> None:
        start = self._index(node.start_mark)
        self._edits.append(_Edit(start, self._content_end(node), text, len(self._edits)))

    def _branch_text(self, branch: Branch) -> str:
        parts = [f"to: {flow_scalar(branch.to)}"]
        if branch.p is not None:
            parts.append(f"p: {_number(branch.p)}")
        if branch.when is not None:
            parts.append(f"when: {flow_scalar(branch.when)}")
        return "{" + ", ".join(parts) + "}"

    def _child_indent(self, mapping: yaml.MappingNode, key_node: yaml.Node | None) -> int:
        if mapping.value and not mapping.flow_style:
            return mapping.value[0][0].start_mark.column
        return (key_node.start_mark.column if key_node is not None else 0) + 2

    def _inside_flow(self, node: yaml.Node) -> bool:
        """Is the node written inside a flow collection ({...} or [...])?"""
        return self._flow_depth_at(self._index(node.start_mark)) > 0

    def _flow_depth_at(self, index: int) -> int:
        depth = 0
        for outer in self._ancestors(self.root, index):
            if getattr(outer, "flow_style", False):
                depth += 1
        return depth

    def _ancestors(self, node: yaml.Node, index: int):
        """Collections whose span holds `index`, outermost first."""
        stack = [node]
        while stack:
            current = stack.pop()
            if not isinstance(current, (yaml.MappingNode, yaml.SequenceNode)):
                continue
            if not (self._index(current.start_mark) < index < self._content_end(current)):
                continue
            yield current
            children = [v for pair in current.value for v in pair] if isinstance(current, yaml.MappingNode) else current.value
            stack.extend(children)

    def _content_end(self, node: yaml.Node) -> int:
        """Where the node's own text ends: block collections and block scalars stop at their last character."""
        end = self._index(node.end_mark)
        if isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">"):
            return end
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.flow_style:
            return end
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
            last = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
            return self._content_end(last)
        while end > 0 and self.original[end - 1] in "\r\n\x85\u2028\u2029":
            end -= 1
        return end

    def _last_line(self, node: yaml.Node) -> int:
        return self._line_of(max(self._content_end(node) - 1, self._index(node.start_mark)))

    def _can_end_line(self, line: int, node: yaml.Node) -> bool:
        if line in self._no_end_comment:
            return False
        rest = self.original[self._content_end(node):self._line_end(line)]
        return "#" not in rest

    def _add_line_comment(self, line: int, text: str) -> None:
        existing = self.original[self._line_starts[line]:self._line_end(line)]
        if line in self._no_end_comment or ("#" in existing and line not in self._line_comments):
            self._add_above(line, text)
            return
        self._line_comments.setdefault(line, []).append(_one_line(text))

    def _add_above(self, line: int, text: str) -> None:
        if line in self._no_insert_before:
            raise EditError(f"{self.file}: cannot comment inside the multi-line text at line {line + 1}")
        self._above_comments.setdefault(line, []).append(_one_line(text))

    def _indent_of(self, line: int) -> str:
        start = self._line_starts[line]
        end = self._line_end(line)
        content = self.original[start:end]
        return content[: len(content) - len(content.lstrip(" "))]

    def _index(self, mark) -> int:
        return mark.index

    def _line_of(self, index: int) -> int:
        low, high = 0, len(self._line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._line_starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        return low

    def _line_end(self, line: int) -> int:
        """Where the line's text ends, before its line break (one character, or CRLF)."""
        if line + 1 >= len(self._line_starts):
            return len(self.original)
        end = self._line_starts[line + 1] - 1
        if end > self._line_starts[line] and self.original[end - 1] == "\r":
            end -= 1
        return end

    def _multiline_scalar_lines(self, root: yaml.Node) -> tuple[set[int], set[int]]:
        """Lines whose end lies inside a scalar (no comment may be appended), and lines
        inside a scalar (no line may be inserted before them)."""
        no_end: set[int] = set()
        no_before: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                stack.extend(v for pair in node.value for v in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, yaml.ScalarNode):
                first = node.start_mark.line
                last = self._line_of(max(self._content_end(node) - 1, node.start_mark.index))
                if last > first or node.style in ("|", ">"):
                    no_end.update(range(first, last + (1 if node.style in ("|", ">") else 0)))
                    no_before.update(range(first + 1, last + 1))
        return no_end, no_before


def _one_line(text: str | None) -> str:
    return comment_text(text or "")
