"""Small helpers the rules share: wording of messages and graph walks.

The leading underscore keeps the registry from looking for rules here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from journeyaudit.common.durations import format_duration, format_figure
from journeyaudit.model import Journey


def q(step_id: str) -> str:
    """A step named in a message: its id in quotes."""
    return f"'{step_id}'"


def join(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def shorten(items: Iterable[str], limit: int = 12) -> list[str]:
    """At most `limit` items: a long list keeps its head and tail around "… N more …"."""
    items = list(items)
    if len(items) <= limit:
        return items
    head, tail = items[: limit - 3], items[-2:]
    return [*head, f"… {len(items) - len(head) - len(tail)} more …", *tail]


def way_text(steps: Iterable[str], limit: int = 12) -> str:
    return " → ".join(shorten([q(step) for step in steps], limit))


# Messages and reports write durations the same way.
duration = format_duration


# ... and figures (at most 2 decimals, as in the reports).
number = format_figure


def successors(journey: Journey, step_id: str) -> list[str]:
    """Targets of a step's edges, each once, in file order (edges to unknown steps are dropped)."""
    seen: list[str] = []
    for edge in journey.steps[step_id].next:
        if edge.target in journey.steps and edge.target not in seen:
            seen.append(edge.target)
    return seen


def bfs_way(
    journey: Journey,
    start: str,
    allowed: Callable[[str], bool],
    goal: Callable[[str], bool],
) -> tuple[str, ...] | None:
    """The shortest way from `start` to a step satisfying `goal`, through allowed steps only.

    `start` and the goal step must be allowed too. Linear in the graph size.
    """
    if start not in journey.steps or not allowed(start):
        return None
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if goal(current):
            way = [current]
            previous = parent[current]
            while previous is not None:
                way.append(previous)
                previous = parent[previous]
            return tuple(reversed(way))
        for target in successors(journey, current):
            if target not in parent and allowed(target):
                parent[target] = current
                queue.append(target)
    return None


def file_order(journey: Journey, step_ids: Iterable[str]) -> list[str]:
    return sorted(set(step_ids), key=lambda step: journey.steps[step].index)


def connected_groups(journey: Journey, step_ids: Iterable[str]) -> list[list[str]]:
    """The steps given, grouped by the edges among them (either direction), each group in file order.

    One problem, one finding: a region of steps sharing a fault (a trap loop, an
    unreachable fragment) is one problem. Groups come in the file order of their
    first step. Linear in the edges.
    """
    members = set(step_ids)
    neighbours: dict[str, list[str]] = {step: [] for step in members}
    for step in members:
        for target in successors(journey, step):
            if target in members:
                neighbours[step].append(target)
                neighbours[target].append(step)
    groups = []
    seen: set[str] = set()
    for step in file_order(journey, members):
        if step in seen:
            continue
        seen.add(step)
        group = [step]
        queue = deque([step])
        while queue:
            for other in neighbours[queue.popleft()]:
                if other not in seen:
                    seen.add(other)
                    group.append(other)
                    queue.append(other)
        groups.append(file_order(journey, group))
    return groups
