"""The typed journey model the loader produces and every analysis reads.

Every element keeps the 1-based line and column of its key in the file, so a
finding can point at it. Durations are seconds (floats); probabilities are
floats in [0, 1]. The model is plain data: no behaviour beyond small lookups.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

FEELINGS = range(-2, 3)  # -2 angry, 0 neutral, 2 delighted
STAGES = ("acquire", "onboard", "use", "support", "leave")
ACTORS = ("staff", "system", "customer")
KINDS = (
    "task",
    "verification",
    "decision",
    "notification",
    "feedback",
    "follow-up",
    "retention-offer",
    "payment",
)
VALUES = ("customer", "business", "none")
ENDS = ("success", "failure", "abandoned")
KNOWN_CHANNELS = ("phone", "web", "app", "email", "chat", "sms", "branch", "mail")
# Channels the customer never sees (the format's back-office channels, plus the
# spelling `backoffice`): a step on one of them is not a contact step.
INTERNAL_CHANNELS = ("internal", "back-office", "backoffice", "none")
DEFAULT_CHANNEL = "web"
# Channels where waiting means holding on (a queue on the line, in chat, in the
# branch): the customer cannot do anything else. Waiting elsewhere (for a
# letter, an email, a visit) is elapsed time, not effort held. Nobody holds
# longer than an hour: beyond it a wait is an appointment, not a queue.
HOLD_CHANNELS = ("phone", "chat", "branch")
MAX_HOLD_S = 3600.0


@dataclass(frozen=True, slots=True)
class Location:
    """1-based line and column of a key in the journey file."""

    line: int
    column: int


@dataclass(slots=True)
class Department:
    id: str
    title: str
    customer_facing: bool
    location: Location


@dataclass(slots=True)
class DataItem:
    id: str
    title: str
    sensitive: bool
    location: Location


@dataclass(slots=True)
class Waiver:
    rule: str
    reason: str
    location: Location
    step: str | None = None  # None: the waiver covers the whole journey


@dataclass(slots=True)
class Edge:
    """One branch of a step's `next`: the customer goes from `source` to `target`."""

    source: str
    target: str
    probability: float
    when: str | None
    location: Location


@dataclass(slots=True)
class Step:
    id: str
    title: str
    department: str
    channel: str
    actor: str
    kind: str
    wait_s: float
    duration_s: float
    asks: tuple[str, ...]
    value: str
    next: tuple[Edge, ...]
    end: str | None
    waivers: tuple[Waiver, ...]
    location: Location
    index: int  # position in file order, 0-based
    channel_given: bool = True  # False when the channel was inherited
    after_s: float = 0.0  # time booked by appointment before the step (`after`): elapsed, never a hold
    phase: str | None = None  # the journey phase the step belongs to (reports draw bands)
    feeling: int | None = None  # how customers feel here, -2 (angry) .. 2 (delighted)

    # What counts as what (shared/spec/journey-format.md, "What counts as what").

    @property
    def is_message(self) -> bool:
        """A `notification`: a letter, SMS or e-mail the company sends; a touchpoint, not a contact."""
        return self.kind == "notification"

    @property
    def is_handling(self) -> bool:
        """Every step but an automated message (`notification` by `system`): it handles the case.

        Hand-offs and departments touched are counted over handling steps only.
        """
        return not (self.kind == "notification" and self.actor == "system")

    @property
    def is_contact_step(self) -> bool:
        """Staff or system deals with the customer on a channel the customer sees (no notification).

        A contact (a conversation, a visit) begins at a contact step; whether the
        step begins a new one depends on the way (journeyaudit.analysis.contacts).
        """
        return self.kind != "notification" and self.actor in ("staff", "system") and self.channel not in INTERNAL_CHANNELS

    @property
    def is_touchpoint(self) -> bool:
        """A contact step or a message: silence is the time between two touchpoints."""
        return self.is_message or self.is_contact_step

    @property
    def elapsed_s(self) -> float:
        """Elapsed time of one visit: the wait, the appointment delay and the active time."""
        return self.wait_s + self.after_s + self.duration_s

    @property
    def is_end(self) -> bool:
        return self.end is not None


@dataclass(slots=True)
class Promise:
    duration_s: float | None
    contacts: float | None
    location: Location


@dataclass(slots=True)
class Journey:
    id: str
    title: str
    file: str
    location: Location
    departments: dict[str, Department]
    data: dict[str, DataItem]
    steps: dict[str, Step]  # file order
    start: str
    description: str | None = None
    segment: str | None = None
    stage: str | None = None
    counterpart: str | None = None
    variant_of: str | None = None
    replaces: str | None = None  # the journey this one redesigns (the as-is of this to-be)
    known: tuple[str, ...] = ()
    promise: Promise | None = None
    waivers: tuple[Waiver, ...] = ()
    # Lines of the source file, kept for reports that quote the file.
    key_locations: dict[str, Location] = field(default_factory=dict)

    def edges(self) -> Iterator[Edge]:
        for step in self.steps.values():
            yield from step.next

    def department_title(self, department_id: str) -> str:
        department = self.departments.get(department_id)
        return department.title if department else department_id

    def data_title(self, data_id: str) -> str:
        item = self.data.get(data_id)
        return item.title if item else data_id
