"""long-wait: a wait longer than its channel's limit."""

from __future__ import annotations

from journeyaudit.model import INTERNAL_CHANNELS
from journeyaudit.rules._common import duration
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding


class LongWait(JourneyRule):
    id = "long-wait"
    default_severity = "warning"
    options = {
        "phone": "5m",
        "chat": "2m",
        "branch": "15m",
        "web": "1m",
        "app": "1m",
        "email": "1d",
        "sms": "1d",
        "mail": "5d",
        "other": "1d",
    }
    duration_options = frozenset(options)
    # Any other channel name is an option too: `video: 3m` sets the limit for `channel: video`.
    extra_options = "duration"
    category = "hostile"
    summary = "A `wait` longer than the limit for its channel."
    description = (
        "Reports every step whose `wait` (the time the customer waits before the step starts: "
        "queue, hold, post) is strictly longer than the limit for the step's channel. Each "
        "channel has its own limit because customers expect different things of each: minutes "
        "on the phone, a day for an email, days for a letter. Channels without a limit of "
        "their own use `other`; any channel name can be given a limit (`video: 3m`). A step "
        "whose channel the file does not state (a start without `channel`, which defaults "
        "to `web`, and the steps that inherit only that default) is judged against `other`, "
        "never against a channel it may not be on. Time booked by appointment (`after`: a "
        "call-back tomorrow morning, a visit slot) is not a wait and is never judged. The "
        "rule judges every step as written, reachable or not."
    )
    story = (
        '"If you\'re like most customers, sick and tired of waiting on hold (\'thank you for '
        'holding... we\'re sorry for the inconvenience... we exist to serve you...\')" '
        "(002_1c67336fb9d03c36.txt)"
    )
    seed = "002"
    fix = "Shorten the queue (staffing, call-back, self-service) or move the step to a channel where the wait is expected."
    failing = """\
journeyaudit: 1
title: Ask about an invoice
departments:
  service: {title: Customer service}
steps:
  call:
    title: Call customer service
    department: service
    channel: phone
    wait: 25m
    duration: 5m
    end: success
"""
    passing = """\
journeyaudit: 1
title: Ask about an invoice
departments:
  service: {title: Customer service}
steps:
  call:
    title: Call customer service
    department: service
    channel: phone
    wait: 3m
    duration: 5m
    end: success
"""

    per_step = True
    reads = frozenset({"structure", "times", "roles"})
    fixes = (
        FixDoc(
            kind="cut-wait",
            changes=(
                "Sets the step's `wait` to the limit of its channel (the rule's option for "
                "the channel)."
            ),
            safe=(
                "The step, its channel, its questions and every way stay as they are: only "
                "the wait before it is shorter (staffing, a call-back or self-service make it "
                "so)."
            ),
            failing=failing,
            passing=failing.replace('    wait: 25m\n', '    wait: 5m\n'),
        ),
    )

    def check(self, context, options):
        stated = context.analysis.stated_channels
        for step in context.journey.steps.values():
            channel = step.channel if step.id in stated else None
            limit = options.get(channel, options.get("other")) if channel else options.get("other")
            if limit is None or step.wait_s <= limit:
                continue
            if channel is None:
                where, whose = "", "steps whose channel the file does not state"
            else:
                where = " while the back office works" if channel in INTERNAL_CHANNELS else f" on {channel}"
                whose = channel if channel in options else "channels without a limit of their own"
            yield RawFinding(
                message=f"the customer waits {duration(step.wait_s)}{where} (max {duration(limit)} for {whose})",
                step=step.id,
                steps=(step.id,),
            )
