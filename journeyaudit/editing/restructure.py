"""Edits that change a journey's structure, for the to-be files `journeyaudit fix` writes.

`JourneyRewrite` is a `JourneyText` (every edit a replacement of one node's
span against the original text, everything else kept as written) with the
edits a fix needs beyond setting values: remove a step, turn a key into
another (`end: success` into `next: survey`), point one branch of a `next`
at another step, set a key of a nested mapping (`promise.duration`).
"""

from __future__ import annotations

import yaml

from journeyaudit.editing.document import EditError, JourneyText, _Edit, _one_line
from journeyaudit.editing.scalars import flow_scalar


class JourneyRewrite(JourneyText):
    def delete_step(self, step_id: str, comment: str | None = None) -> None:
        """Remove a step, its key and its value; `comment` takes its place (block layout) or goes above it."""
        steps = self.steps_node()
        key_node, value = self.step_node(step_id)
        start = self._index(key_node.start_mark)
        end = self._content_end(value)
        if steps.flow_style or self._inside_flow(steps):
            start, end = self._flow_entry_span(start, end)
            self._edits.append(_Edit(start, end, "", len(self._edits)))
            if comment:
                self._add_above(key_node.start_mark.line, comment)
            return
        first_line = key_node.start_mark.line
        last_line = self._last_line(value)
        if self._line_starts[first_line] + key_node.start_mark.column != start or self.original[self._line_starts[first_line]:start].strip():
            raise EditError(f"{self.file}: step '{step_id}' does not start its own line; cannot remove it")
        if self.original[end:self._line_end(last_line)].strip() and "#" not in self.original[end:self._line_end(last_line)]:
            raise EditError(f"{self.file}: step '{step_id}' shares its last line; cannot remove it")
        block_start = self._line_starts[first_line]
        block_end = self._line_starts[last_line + 1] if last_line + 1 < len(self._line_starts) else len(self.original)
        text = f"{' ' * key_node.start_mark.column}# {_one_line(comment)}{self.newline}" if comment else ""
        if block_end == len(self.original) and not self.original.endswith("\n") and text:
            text = text[: -len(self.newline)]
        self._edits.append(_Edit(block_start, block_end, text, len(self._edits)))

    def replace_step_key(self, step_id: str, old_key: str, new_key: str, value: str, comment: str | None = None) -> None:
        """Turn a step's `old_key: ...` into `new_key: value`, in place."""
        found = self.entry(self.step_node(step_id)[1], old_key)
        if found is None:
            raise EditError(f"{self.file}: step '{step_id}' has no '{old_key}' to replace")
        key_node, value_node = found
        self._replace(key_node, new_key)
        self._replace(value_node, value)
        if comment:
            self.comment_node(value_node, comment)

    def retarget_branch(self, step_id: str, index: int, target: str, comment: str | None = None) -> None:
        """Point the `index`-th entry of a step's `next` at `target`; its `p` and `when` stay."""
        entries = self.branch_nodes(step_id)
        if not 0 <= index < len(entries):
            raise EditError(f"{self.file}: step '{step_id}' has no branch {index + 1}")
        entry = entries[index]
        if isinstance(entry, yaml.MappingNode):
            found = self.entry(entry, "to")
            if found is None:
                raise EditError(f"{self.file}: a branch of step '{step_id}' has no 'to'")
            node = found[1]
        elif isinstance(entry, yaml.ScalarNode):
            node = entry
        else:
            raise EditError(f"{self.file}: a branch of step '{step_id}' is neither a step id nor a mapping")
        self._replace(node, flow_scalar(target))
        if comment:
            self.comment_node(node, comment)

    def set_nested_value(self, parent: str, key: str, value: str, comment: str | None = None,
                         after: tuple[str, ...] = ()) -> None:
        """Set `key` of the top-level mapping `parent` (`promise`), adding the key if it is missing."""
        found = self.entry(self.root, parent)
        if found is None or not isinstance(found[1], yaml.MappingNode):
            raise EditError(f"{self.file}: no `{parent}:` mapping to edit")
        self._set_value(found[1], key, value, comment, after=after)

    def _flow_entry_span(self, start: int, end: int) -> tuple[int, int]:
        """An entry of a flow mapping with the comma that separates it from a neighbour."""
        after = end
        while after < len(self.original) and self.original[after] in " \t\r\n":
            after += 1
        if after < len(self.original) and self.original[after] == ",":
            after += 1
            while after < len(self.original) and self.original[after] in " \t":
                after += 1
            return start, after
        before = start
        while before > 0 and self.original[before - 1] in " \t\r\n":
            before -= 1
        if before > 0 and self.original[before - 1] == ",":
            return before - 1, end
        return start, end
