"""The to-be file: the author's journey file with the fixes' changes, and a comment at each.

`to_be_text(text, file, before, after, changes, ...)` compares the journey as
loaded (`before`) with the edited one (`after`) field by field and writes
each difference into the original text with `editing.JourneyRewrite`, so
comments, order, quoting and layout survive. Values are written so that the
loader reads back exactly the edited journey: durations to the last bit of
their seconds, branch chances as the shortest decimal of the float.

The to-be gets `id: <as-is id>-to-be`, a title saying so and `replaces: <as-is
id>`, and ends with a comment listing the fixes and the figures predicted.
"""

from __future__ import annotations

from decimal import Decimal

from journeyaudit.common.durations import written_duration
from journeyaudit.editing import Branch, EditError, JourneyRewrite, flow_scalar
from journeyaudit.fixes.ops import Change
from journeyaudit.model import Edge, Journey, Step

# Where a new key goes in a step, in the format's order.
KEY_ORDER = ("title", "department", "channel", "actor", "kind", "wait", "after", "duration", "asks", "value")
TOP_ORDER = ("journeyaudit", "id", "title", "description", "segment", "stage", "counterpart", "variant_of")


def duration_text(seconds: float) -> str:
    """A duration as the format writes it (shared/spec/journey-format.md, "Durations"), read
    back as exactly `seconds`: `5m`, `2d`, `P1DT6H26M`."""
    return written_duration(seconds)


def number_text(value: float) -> str:
    """The shortest decimal that reads back as `value`, without an exponent (durations take none)."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(value), "f")
    return text


def _keys_before(key: str) -> tuple[str, ...]:
    return KEY_ORDER[: KEY_ORDER.index(key)] if key in KEY_ORDER else KEY_ORDER


def _comment(changes: list[Change]) -> str | None:
    if not changes:
        return None
    by_fix: dict[str, list[str]] = {}
    for change in changes:
        notes = by_fix.setdefault(change.fix, [])
        if change.note not in notes:
            notes.append(change.note)
    return "; ".join(f"fix {fix}: {', '.join(notes)}" for fix, notes in by_fix.items())


def _branches_text(edges: tuple[Edge, ...]) -> str:
    if len(edges) == 1 and edges[0].probability == 1.0 and edges[0].when is None:
        return flow_scalar(edges[0].target)
    parts = []
    for edge in edges:
        branch = f"to: {flow_scalar(edge.target)}, p: {number_text(edge.probability)}"
        if edge.when is not None:
            branch += f", when: {flow_scalar(edge.when)}"
        parts.append("{" + branch + "}")
    return "[" + ", ".join(parts) + "]"


def _only_targets_changed(old: tuple[Edge, ...], new: tuple[Edge, ...]) -> bool:
    return len(old) == len(new) and all(
        a.probability == b.probability and a.when == b.when for a, b in zip(old, new)
    )


def _new_step_fields(step: Step) -> list[tuple[str, str]]:
    fields = [
        ("title", flow_scalar(step.title)),
        ("department", flow_scalar(step.department)),
        ("channel", flow_scalar(step.channel)),
        ("actor", step.actor),
        ("kind", step.kind),
    ]
    for key, seconds in (("wait", step.wait_s), ("after", step.after_s), ("duration", step.duration_s)):
        if seconds:
            fields.append((key, duration_text(seconds)))
    if step.end is not None:
        fields.append(("end", step.end))
    else:
        fields.append(("next", _branches_text(step.next)))
    return fields


def to_be_text(
    text: str,
    file: str,
    before: Journey,
    after: Journey,
    changes: list[Change],
    *,
    header: list[tuple[str, str, str | None]] | None = None,
    footer: list[str] | None = None,
) -> str:
    """The original `text` with every difference between `before` and `after` written in.

    Raises EditError when the file's layout does not allow an edit (a value shared through a
    YAML alias, a step on the line of another).
    """
    document = JourneyRewrite(text, file)
    notes: dict[tuple[str | None, str], list[Change]] = {}
    for change in changes:
        notes.setdefault((change.step, change.field), []).append(change)

    def note(step_id: str | None, *fields: str) -> str | None:
        return _comment([c for field in fields for c in notes.get((step_id, field), [])])

    for step_id, old in before.steps.items():
        new = after.steps.get(step_id)
        if new is None:
            document.delete_step(step_id, comment=note(step_id, "deleted"))
        else:
            _write_step(document, step_id, old, new, note)
    last = next(reversed(before.steps))  # new steps come after the last step of the file, removed or not
    for step_id, new in after.steps.items():
        if step_id not in before.steps:
            document.insert_step_after(last, step_id, _new_step_fields(new), comment=note(step_id, "step"))
    if after.promise != before.promise and after.promise is not None and before.promise is not None:
        comment = note(None, "promise")
        if after.promise.duration_s != before.promise.duration_s and after.promise.duration_s is not None:
            document.set_nested_value("promise", "duration", duration_text(after.promise.duration_s), comment)
            comment = None
        if after.promise.contacts != before.promise.contacts and after.promise.contacts is not None:
            document.set_nested_value("promise", "contacts", number_text(after.promise.contacts).removesuffix(".0"),
                                      comment, after=("duration",))
    for key, value, comment in header or []:
        document.set_top_value(key, value, comment, after=_top_before(key))
    if footer:
        document.append_comment_block(footer)
    return document.text()


def _top_before(key: str) -> tuple[str, ...]:
    return TOP_ORDER[: TOP_ORDER.index(key)] if key in TOP_ORDER else TOP_ORDER


def _write_step(document: JourneyRewrite, step_id: str, old: Step, new: Step, note) -> None:
    if new.department != old.department:
        document.set_step_value(step_id, "department", flow_scalar(new.department), note(step_id, "department"),
                                after=_keys_before("department"))
    if new.channel_given and not old.channel_given:
        document.set_step_value(step_id, "channel", flow_scalar(new.channel), note(step_id, "channel"),
                                after=_keys_before("channel"))
    for key, attribute in (("wait", "wait_s"), ("after", "after_s"), ("duration", "duration_s")):
        if getattr(new, attribute) != getattr(old, attribute):
            document.set_step_value(step_id, key, duration_text(getattr(new, attribute)), note(step_id, key),
                                    after=_keys_before(key))
    if new.asks != old.asks:
        document.set_step_value(step_id, "asks", "[" + ", ".join(flow_scalar(item) for item in new.asks) + "]",
                                note(step_id, "asks"), after=_keys_before("asks"))
    if new.end != old.end:
        if old.end is not None and new.end is None and new.next:
            document.replace_step_key(step_id, "end", "next", _branches_text(new.next), note(step_id, "next", "end"))
            return
        raise EditError(f"step '{step_id}': this end cannot be written")
    if new.next != old.next:
        if _only_targets_changed(old.next, new.next):
            comment = note(step_id, "next")
            for index, (a, b) in enumerate(zip(old.next, new.next)):
                if a.target != b.target:
                    document.retarget_branch(step_id, index, b.target, comment)
                    comment = None
        elif len(new.next) == 1 and new.next[0].probability == 1.0 and new.next[0].when is None:
            document.set_step_value(step_id, "next", flow_scalar(new.next[0].target), note(step_id, "next"))
        else:
            branches = [Branch(edge.target, number_text(edge.probability), edge.when) for edge in new.next]
            document.set_next(step_id, branches, note(step_id, "next"))
