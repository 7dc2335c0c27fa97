"""`status-message`: touchpoints in the middle of a silent gap, so no stretch is longer than `max`.

The silence that ends at touchpoint t runs through quiet steps q1..qm (their
wait, `after` and duration) and t's own wait and `after`. A status message
can go where a step begins (before q_i, or before t), and it can take part
of the waiting before a step: the message comes `x` into that wait, the step
keeps the rest (so nobody waits longer or shorter: the time is only split).
It cannot go inside a step's active time. The cuts are placed greedily, each
as late as `max` allows; the message before a step takes every way into that
step (all its branches lead to the message first).

Each message is an automated `notification` of the step's department (no
hand-off: messages are transparent) on a channel where its part of the wait
is not a long wait and, for the last before the step, from which the
customer need not move (the step's own channel when it is a message channel).
"""

from __future__ import annotations

from journeyaudit.analysis.metrics import channel_switch
from journeyaudit.common.durations import format_duration
from journeyaudit.fixes.model import Plan
from journeyaudit.fixes.ops import NewStep, Retarget, SetTime
from journeyaudit.fixes.planning import new_step_id
from journeyaudit.fixes.whatif import ASPECT_COST, Baseline, OverBudget
from journeyaudit.model import Journey, Step
from journeyaudit.model.findings import Finding
from journeyaudit.rules._common import join, q

MESSAGE_CHANNELS = ("sms", "email", "mail", "app", "web")
MAX_MESSAGES = 12  # beyond this many status messages for one gap, no fix is offered
MAX_ROUNDS = 3  # another way to the same touchpoint may stay too quiet: planned again


def status_messages(base: Baseline, finding: Finding) -> list[Plan]:
    target = finding.step
    limit = base.options(finding.rule).get("max")
    if target is None or target not in base.journey.steps or not isinstance(limit, (int, float)) or limit <= 0:
        return []
    if not base.affords(ASPECT_COST["structure"]):  # it adds steps: an analysis at least, to check them
        raise OverBudget
    ops: list = []
    added: list[str] = []
    draft_plan = Plan("status", "status-message", finding.rule, "", "", (), ())
    for _ in range(MAX_ROUNDS):
        draft, _, _ = base.edit([draft_plan])
        journey, analysis = base.analyse(draft)
        silence = analysis.silences.get(target)
        if silence is None or silence.seconds <= limit:
            break
        if silence.approximate:
            return []
        cuts = _cuts(journey, silence.quiet + (target,), limit)
        if cuts is None or len(added) + len(cuts) > MAX_MESSAGES:
            return []
        for step_id, offsets in _by_step(cuts).items():
            new_ops, names = _messages_before(base, journey, step_id, offsets)
            ops += new_ops
            added += names
        draft_plan = Plan("status", "status-message", finding.rule, "", "", (), tuple(ops))
    else:
        return []
    if not added:
        return []
    return [
        Plan(
            id=f"status-message@{target}",
            kind="status-message",
            rule=finding.rule,
            title=f"Tell the customer where the case stands before {q(target)} "
                  f"({len(added)} status message{'s' if len(added) > 1 else ''}: {join(q(a) for a in added)})",
            reason=f"no silence longer than {format_duration(limit)}",
            targets=(finding.fingerprint,),
            ops=tuple(ops),
            estimate=float("inf"),
        )
    ]


def _cuts(journey: Journey, stretch: tuple[str, ...], limit: float) -> list[tuple[str, float]] | None:
    """Where the messages go: (step, seconds into the waiting before it), in time order."""
    windows = []  # (step, when its waiting begins, how long it waits)
    clock = 0.0
    for index, step_id in enumerate(stretch):
        step = journey.steps[step_id]
        waiting = step.wait_s + step.after_s
        if step_id != journey.start:
            windows.append((step_id, clock, waiting))
        clock += waiting + (step.duration_s if index < len(stretch) - 1 else 0.0)
    total = clock
    cuts: list[tuple[str, float]] = []
    position = 0.0
    while total - position > limit:
        reach = position + limit
        best = None
        for step_id, begins, waiting in windows:
            if begins > reach:
                break
            point = min(reach, begins + waiting)
            if point > position and (best is None or point >= best[1] + best[2]):
                best = (step_id, begins, point - begins)
        if best is None:
            return None
        cuts.append((best[0], best[2]))
        position = best[1] + best[2]
    return cuts


def _by_step(cuts: list[tuple[str, float]]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = {}
    for step_id, offset in cuts:
        grouped.setdefault(step_id, []).append(offset)
    return grouped


def _messages_before(base: Baseline, journey: Journey, step_id: str, offsets: list[float]) -> tuple[list, list[str]]:
    """Messages before `step_id` at these offsets into its waiting (wait first, then `after`)."""
    step = journey.steps[step_id]
    names = [new_step_id(base, "status-update") for _ in offsets]
    ops: list = []
    previous = 0.0
    for index, (name, offset) in enumerate(zip(names, offsets)):
        wait = max(0.0, min(offset, step.wait_s) - min(previous, step.wait_s))
        after = max(0.0, (offset - previous) - wait)
        following = names[index + 1] if index + 1 < len(names) else step_id
        channel = message_channel(base, journey, wait, step if following == step_id else None)
        ops.append(
            NewStep(name, f"Status update: where the case stands before '{step_id}'", step.department, channel, "system",
                    "notification", "tells the customer where the case stands", wait_s=wait, after_s=after,
                    next=((following, 1.0),))
        )
        previous = offset
    last = offsets[-1]
    if last > 0:
        kept_wait = max(0.0, step.wait_s - last)
        kept_after = (step.wait_s + step.after_s) - max(last, step.wait_s)
        if kept_wait != step.wait_s:
            ops.append(SetTime(step_id, "wait", kept_wait, f"{format_duration(step.wait_s - kept_wait)} of the wait now before the status messages"))
        if kept_after != step.after_s:
            ops.append(SetTime(step_id, "after", kept_after, "part of the time booked now before the status messages"))
    sources = [s for s, other in journey.steps.items() if any(edge.target == step_id for edge in other.next)]
    ops += [Retarget(source, step_id, names[0], f"a status message '{names[0]}' before '{step_id}'") for source in sources]
    return ops, names


def message_channel(base: Baseline, journey: Journey, wait_s: float, before: Step | None) -> str:
    """A channel for a status message: its wait within the channel's `long-wait` limit and, when it
    comes right before `before`, no channel switch to it; the step's own channel when it can carry one."""
    options = base.options("long-wait")
    stated = base.analysis.stated_channels

    def fits(channel: str) -> bool:
        limit = options.get(channel, options.get("other"))
        return not isinstance(limit, (int, float)) or wait_s <= limit

    def moves(channel: str) -> bool:
        if before is None:
            return False
        message = Step(id="", title="", department=before.department, channel=channel, actor="system", kind="notification",
                       wait_s=0.0, duration_s=0.0, asks=(), value="customer", next=(), end=None, waivers=(),
                       location=before.location, index=0)
        return channel_switch(message, before, {"", before.id} if before.id in stated else {""})

    candidates = ([before.channel] if before is not None and before.channel in MESSAGE_CHANNELS else []) + ["sms", "email", "mail"]
    for channel in candidates:
        if fits(channel) and not moves(channel):
            return channel
    for channel in candidates:
        if fits(channel):
            return channel
    return "mail"
