"""What the words of a model reveal, when the model does not say it outright.

A pool named like a customer stands for the customer; words in a task,
message or flow name give the channel; an end named like a failure fails; a
timer's duration, or a duration in its name, is the wait.
"""

from __future__ import annotations

import re

from journeyaudit.common.durations import DurationError, parse_duration
from journeyaudit.importers.bpmn.model import AUTOMATED_TAGS, HUMAN_TAGS, _Node

CUSTOMER_WORDS = re.compile(
    r"\b(customers?|clients?|consumers?|patients?|citizens?|applicants?|buyers?|users?|members?|guests?|"
    r"passengers?|students?|tenants?|callers?|requesters?|requestors?|prospects?|visitors?|subscribers?|"
    r"policy ?holders?|kunden?|kundin)\b",
    re.IGNORECASE,
)
DEPARTMENT_WORDS = re.compile(
    r"\b(service|services|care|support|success|relations?|management|manager|department|dept|team|desk|"
    r"cent(er|re)|office|experience|advisors?|agents?|onboarding)\b",
    re.IGNORECASE,
)
FAILURE_WORDS = re.compile(
    r"\b(fail\w*|reject\w*|cancel\w*|declin\w*|abort\w*|error\w*|refus\w*|denied|deny|not|unsuccessful\w*|"
    r"no|without|lost|invalid\w*|timeout|timed out|expired|withdraw\w*)\b",
    re.IGNORECASE,
)
# Words in a task, message or flow name that reveal the channel, first match wins.
CHANNEL_WORDS = [
    ("email", re.compile(r"\b(e-?mails?|mails? to|by mail|inbox)\b", re.IGNORECASE)),
    ("phone", re.compile(r"\b(phone\w*|call\w*|telephone|hotline|ivr)\b", re.IGNORECASE)),
    ("sms", re.compile(r"\b(sms|text message)\b", re.IGNORECASE)),
    ("chat", re.compile(r"\b(chat\w*)\b", re.IGNORECASE)),
    ("app", re.compile(r"\b(app|mobile)\b", re.IGNORECASE)),
    ("web", re.compile(r"\b(web\w*|online|portal|internet|website|form)\b", re.IGNORECASE)),
    ("mail", re.compile(r"\b(letter|post|postal|mail)\b", re.IGNORECASE)),
    ("branch", re.compile(r"\b(branch|desk|counter|office|in person|visit\w*|meeting|interview\w*)\b", re.IGNORECASE)),
]
NAMED_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|[smhdw])\b", re.IGNORECASE
)

def is_customer_name(name: str | None) -> bool:
    """"VIP customer" stands for the customer; "Customer Service" is a department."""
    return bool(name and CUSTOMER_WORDS.search(name) and not DEPARTMENT_WORDS.search(name))


def channel_from_words(*texts: str | None) -> str | None:
    for channel, pattern in CHANNEL_WORDS:
        for text in texts:
            if text and pattern.search(text):
                return channel
    return None


def _is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except DurationError:
        return False
    return True


def wait_from_timer(node: _Node) -> tuple[str | None, str]:
    """The wait a timer event stands for, and how it was found."""
    if "timer" not in node.event_defs:
        return None, ""
    if node.timer and _is_duration(node.timer):
        return node.timer, f"wait from the timer {node.name or 'event'!r} of the model"
    match = NAMED_DURATION.search(node.name or "")
    if match:
        # The unit word's first letter is the journey unit: minutes -> m, hrs -> h.
        wait = f"{match.group(1).replace(',', '.')}{match.group(2)[0].lower()}"
        if _is_duration(wait):
            return wait, f"wait guessed from the timer name {node.name!r}"
    if node.timer:
        return None, f"timer {node.timer!r} is not a fixed duration: add a wait if you know it"
    return None, ""


def end_outcome(node: _Node) -> str:
    """failure for error/cancel end events and ends named like a failure, else success."""
    if {"error", "cancel"} & node.event_defs:
        return "failure"
    if node.name and FAILURE_WORDS.search(node.name):
        return "failure"
    return "success"


def title_of(node: _Node) -> tuple[str, str | None]:
    """The step title, and a note when it was made up."""
    if node.name:
        return node.name, None
    if node.is_end:
        return "End", None
    if node.tag == "startEvent":
        return "Start", None
    human = re.sub(r"(?<!^)([A-Z])", r" \1", node.tag).lower()
    return f"Unnamed {human}", "title guessed: the element has no name in the model"


def channel_and_actor(
    node: _Node, touching: list[str], customer_pool: bool, has_customer_info: bool
) -> tuple[str, str | None, str, str | None, str | None]:
    """(channel, its note, actor, its note, kind) of a step.

    `touching`: the texts of its messages with the customer; `customer_pool`:
    the node is in the customer's own pool; `has_customer_info`: some pool of
    the journey stands for the customer.
    """
    kind: str | None = None
    actor_note: str | None
    if node.tag == "businessRuleTask":
        kind = "decision"
    if node.is_end or node.is_catch or node.tag == "startEvent":
        actor, actor_note = "system", "an event of the model, not a task"
        channel, channel_note = "internal", "an event of the model: not a contact"
        if node.is_end and touching:
            channel = channel_from_words(node.name, *touching) or "web"
            channel_note = "channel guessed: message to the customer, no channel in the model"
            kind = "notification"
        return channel, channel_note, actor, actor_note, kind

    if customer_pool:
        actor, actor_note = "customer", "the pool stands for the customer"
    elif node.tag in HUMAN_TAGS:
        actor, actor_note = "staff", None
    elif node.tag in AUTOMATED_TAGS:
        actor, actor_note = "system", None
    else:
        actor, actor_note = "staff", "actor guessed: the task type does not say"

    words = channel_from_words(node.name, *touching)
    if touching or customer_pool:
        if node.tag == "sendTask" and touching:
            kind = kind or "notification"
        if words:
            return words, "channel guessed from the names in the model", actor, actor_note, kind
        return "web", "channel guessed: no channel in the model", actor, actor_note, kind
    if has_customer_info:
        return "internal", "no message with the customer: back office", actor, actor_note, kind
    if node.tag in AUTOMATED_TAGS - {"sendTask"}:
        return "internal", "automated task: back office", actor, actor_note, kind
    if words:
        return words, "channel guessed from the task name", actor, actor_note, kind
    return "web", "channel guessed: no channel in the model", actor, actor_note, kind
