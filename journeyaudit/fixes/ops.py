"""The edits a fix is made of, applied to the in-memory journey exactly as the file would read.

A fix is a tuple of `Op`s (plain data: comparable, replayable). A `Draft`
applies them copy-on-write to a journey (the as-is is never changed) and
records what each touched: the aspects the analysis must compute again
(journeyaudit.analysis.engine.ASPECTS), the (step, field) pairs (two fixes
touching the same one cannot both be applied), and a note per change for the
comment `fix -o` writes next to it.

Each edit builds what the loader builds from the text `writer.py` writes for
it: branches with the very probabilities that are written out, steps added
after the last one with every key stated, and a step removed from the middle
of the file leaves the step after it its channel (written out when it was
inherited from the removed one).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from journeyaudit.model import Edge, Journey, Promise, Step


class NotApplicable(Exception):
    """The op does not fit the journey as it is now (a step gone, a field changed by another fix)."""


@dataclass(frozen=True, slots=True)
class SetAsks:
    step: str
    asks: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class SetTime:
    step: str
    field: str  # wait, after, duration
    seconds: float
    note: str


@dataclass(frozen=True, slots=True)
class SetDepartment:
    step: str
    department: str
    note: str


@dataclass(frozen=True, slots=True)
class Retarget:
    """Every branch of `step` to `old` now leads to `new` (same chances)."""

    step: str
    old: str
    new: str
    note: str


@dataclass(frozen=True, slots=True)
class NewStep:
    """A step added after the last step of the file, every key stated."""

    id: str
    title: str
    department: str
    channel: str
    actor: str
    kind: str
    note: str
    wait_s: float = 0.0
    after_s: float = 0.0
    duration_s: float = 0.0
    next: tuple[tuple[str, float], ...] = ()  # (target, p)
    end: str | None = None


@dataclass(frozen=True, slots=True)
class EndToNext:
    """A final step is final no more: its customers go on to `target` (which takes its end)."""

    step: str
    target: str
    note: str


@dataclass(frozen=True, slots=True)
class DeleteStep:
    """Remove a step; each branch into it leads to its targets instead, chances multiplied."""

    step: str
    note: str


@dataclass(frozen=True, slots=True)
class SetPromise:
    duration_s: float | None  # None: keep
    contacts: float | None
    note: str


Op = SetAsks | SetTime | SetDepartment | Retarget | NewStep | EndToNext | DeleteStep | SetPromise

TIME_FIELDS = {"wait": ("wait_s", "times"), "after": ("after_s", "after"), "duration": ("duration_s", "times")}


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the file, with the note written beside it."""

    step: str | None  # None: the journey (promise)
    field: str  # asks, wait, after, duration, department, next, end, channel, step (added), deleted, promise
    note: str
    fix: str  # the fix id


class Draft:
    """A journey being edited by one or more fixes; `journey()` is the result."""

    def __init__(self, journey: Journey):
        self.base = journey
        self.steps: dict[str, Step] = dict(journey.steps)
        self.promise = journey.promise
        self.aspects: set[str] = set()
        self.changes: list[Change] = []
        self.fix = ""  # the fix whose ops are being applied
        self._owner: dict[str | None, dict[str, str]] = {}  # step -> field -> the fix that changed it
        self._renumber = False
        self._undo: list[tuple[str, Step | None]] = []  # (step id, the step before) of the fix being applied

    # -- applying -----------------------------------------------------------
    def apply(self, fix_id: str, ops) -> None:
        """Apply one fix's ops, all or none (NotApplicable leaves the draft as it was)."""
        saved = (self.promise, set(self.aspects), len(self.changes), self._renumber)
        order = list(self.steps) if any(isinstance(op, DeleteStep) for op in ops) else None
        self.fix = fix_id
        self._undo = []
        try:
            for op in ops:
                self._apply(op)
            for step_id, _ in self._undo:  # steps added: every branch leads to a step of the journey
                step = self.steps.get(step_id)
                if step is not None and any(edge.target not in self.steps for edge in step.next):
                    raise NotApplicable(f"a branch of '{step_id}' leads to no step")
        except NotApplicable:
            for step_id, before in reversed(self._undo):
                if before is None:
                    self.steps.pop(step_id, None)
                else:
                    self.steps[step_id] = before
            if order is not None:
                self.steps = {step_id: self.steps[step_id] for step_id in order if step_id in self.steps}
            self.promise, self.aspects, kept, self._renumber = saved
            del self.changes[kept:]
            for fields in self._owner.values():
                for field in [f for f, owner in fields.items() if owner == fix_id]:
                    del fields[field]
            raise

    def journey(self) -> Journey:
        steps = self.steps
        if self._renumber:
            steps = {step_id: _replace(step, index=i) if step.index != i else step for i, (step_id, step) in enumerate(steps.items())}
        return dataclasses.replace(self.base, steps=steps, promise=self.promise)

    def _apply(self, op: Op) -> None:
        if isinstance(op, SetAsks):
            step = self._step(op.step, "asks")
            self._set(op.step, _replace(step, asks=op.asks), "asks", op.note, "asks")
        elif isinstance(op, SetTime):
            attribute, aspect = TIME_FIELDS[op.field]
            step = self._step(op.step, op.field)
            self._set(op.step, _replace(step, **{attribute: float(op.seconds)}), op.field, op.note, aspect)
        elif isinstance(op, SetDepartment):
            step = self._step(op.step, "department")
            if op.department not in self.base.departments:
                raise NotApplicable(f"no department '{op.department}'")
            self._set(op.step, _replace(step, department=op.department), "department", op.note, "departments")
        elif isinstance(op, Retarget):
            step = self._step(op.step, "next")
            if op.new not in self.steps or not any(edge.target == op.old for edge in step.next):
                raise NotApplicable(f"'{op.step}' does not lead to '{op.old}'")
            edges = tuple(
                Edge(edge.source, op.new, edge.probability, edge.when, edge.location) if edge.target == op.old else edge
                for edge in step.next
            )
            self._set(op.step, _replace(step, next=edges), "next", op.note, "structure")
        elif isinstance(op, NewStep):
            self._new_step(op)
        elif isinstance(op, EndToNext):
            step = self._step(op.step, "next")
            self._claim(op.step, "end")
            if step.end is None or op.target not in self.steps:
                raise NotApplicable(f"'{op.step}' is not a final step")
            edges = (Edge(op.step, op.target, 1.0, None, step.location),)
            self._set(op.step, _replace(step, end=None, next=edges), "next", op.note, "structure")
        elif isinstance(op, DeleteStep):
            self._delete(op)
        elif isinstance(op, SetPromise):
            self._claim(None, "promise")
            if self.promise is None:
                raise NotApplicable("the journey makes no promise")
            duration = self.promise.duration_s if op.duration_s is None else float(op.duration_s)
            contacts = self.promise.contacts if op.contacts is None else float(op.contacts)
            self.promise = Promise(duration, contacts, self.promise.location)
            self.aspects.add("promise")
            self.changes.append(Change(None, "promise", op.note, self.fix))
        else:  # pragma: no cover - every op is handled above
            raise TypeError(op)

    # -- the ops that add or remove steps -----------------------------------
    def _new_step(self, op: NewStep) -> None:
        if op.id in self.steps or op.id in self.base.steps:
            raise NotApplicable(f"step '{op.id}' already exists")
        anchor = next(reversed(self.steps.values()))
        edges = tuple(Edge(op.id, target, float(p), None, anchor.location) for target, p in op.next)
        self.steps[op.id] = Step(
            id=op.id,
            title=op.title,
            department=op.department,
            channel=op.channel,
            actor=op.actor,
            kind=op.kind,
            wait_s=float(op.wait_s),
            duration_s=float(op.duration_s),
            asks=(),
            value="customer",
            next=edges,
            end=op.end,
            waivers=(),
            location=anchor.location,
            index=len(self.steps),
            channel_given=True,
            after_s=float(op.after_s),
        )
        self._owner.setdefault(op.id, {})["*"] = self.fix
        self._undo.append((op.id, None))
        self.aspects.add("structure")
        self.changes.append(Change(op.id, "step", op.note, self.fix))

    def _delete(self, op: DeleteStep) -> None:
        removed = self._step(op.step, "*")
        if op.step == self.base.start or removed.end is not None or not removed.next:
            raise NotApplicable(f"'{op.step}' cannot be removed")
        if any(edge.target == op.step for edge in removed.next):
            raise NotApplicable(f"'{op.step}' loops onto itself")
        ids = list(self.steps)
        position = ids.index(op.step)
        for step_id, step in list(self.steps.items()):
            if step_id == op.step or not any(edge.target == op.step for edge in step.next):
                continue
            self._claim(step_id, "next")
            edges: list[Edge] = []
            for edge in step.next:
                if edge.target != op.step:
                    edges.append(edge)
                    continue
                for onward in removed.next:
                    edges.append(Edge(step_id, onward.target, edge.probability * onward.probability,
                                      edge.when if edge.when is not None else onward.when, edge.location))
            self._undo.append((step_id, step))
            self.steps[step_id] = _replace(step, next=tuple(edges))
            self.changes.append(Change(step_id, "next", f"'{op.step}' removed: goes on to where it led", self.fix))
        follower = ids[position + 1] if position + 1 < len(ids) else None
        if follower is not None and removed.channel_given and follower != self.base.start:
            # the step after it in the file took its channel from it: now it is written out
            after = self.steps[follower]
            if not after.channel_given:
                self._claim(follower, "channel")
                self._undo.append((follower, after))
                self.steps[follower] = _replace(after, channel_given=True)
                self.changes.append(Change(follower, "channel", f"channel written out: '{op.step}' before it was removed", self.fix))
        self._undo.append((op.step, removed))
        del self.steps[op.step]
        self._renumber = True
        self.aspects.add("structure")
        self.changes.append(Change(op.step, "deleted", op.note, self.fix))

    # -- bookkeeping --------------------------------------------------------
    def _step(self, step_id: str, field: str) -> Step:
        step = self.steps.get(step_id)
        if step is None:
            raise NotApplicable(f"no step '{step_id}'")
        self._claim(step_id, field)
        return step

    def _claim(self, step_id: str | None, field: str) -> None:
        """Each (step, field) belongs to one fix: a second fix changing it does not apply."""
        fields = self._owner.setdefault(step_id, {})
        clashing = fields.items() if field == "*" else ((f, fields.get(f)) for f in (field, "*"))
        for _, owner in clashing:
            if owner is not None and owner != self.fix:
                raise NotApplicable(f"'{step_id}' is changed by {owner}")
        fields[field] = self.fix

    def _set(self, step_id: str, step: Step, field: str, note: str, aspect: str) -> None:
        self._undo.append((step_id, self.steps[step_id]))
        self.steps[step_id] = step
        self.aspects.add(aspect)
        self.changes.append(Change(step_id, field, note, self.fix))


def _replace(step: Step, **changes) -> Step:
    return dataclasses.replace(step, **changes)
