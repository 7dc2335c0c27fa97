"""Build `Journey` objects from compact dicts, without the YAML loader.

    journey({"a": {"next": "b", "dept": "x"}, "b": {"end": "success"}})

Step keys: `dept` (default "d"), `channel` ("web"), `actor` ("staff"),
`kind` ("task"), `wait`/`duration` (seconds), `asks` (list), `value`
("customer"), `end`, `next`: one id, a list of ids (equal chances) or a list
of (id, p) pairs. The first step is the start unless `start` is given.
"""

from __future__ import annotations

from journeyaudit.model import DataItem, Department, Edge, Journey, Location, Step

HERE = Location(1, 1)


def edges_of(source: str, spec) -> tuple[Edge, ...]:
    if spec is None:
        return ()
    if isinstance(spec, str):
        return (Edge(source, spec, 1.0, None, HERE),)
    branches = list(spec)
    if all(isinstance(b, str) for b in branches):
        return tuple(Edge(source, t, 1.0 / len(branches), None, HERE) for t in branches)
    return tuple(Edge(source, t, float(p), None, HERE) for t, p in branches)


def journey(steps: dict, *, start: str | None = None, known=(), journey_id: str = "test") -> Journey:
    built = {}
    departments = {}
    data = {}
    for index, (step_id, spec) in enumerate(steps.items()):
        dept = spec.get("dept", "d")
        departments.setdefault(dept, Department(dept, dept, True, HERE))
        asks = tuple(spec.get("asks", ()))
        for item in asks:
            data.setdefault(item, DataItem(item, item, False, HERE))
        built[step_id] = Step(
            id=step_id,
            title=step_id,
            department=dept,
            channel=spec.get("channel", "web"),
            actor=spec.get("actor", "staff"),
            kind=spec.get("kind", "task"),
            wait_s=float(spec.get("wait", 0.0)),
            duration_s=float(spec.get("duration", 0.0)),
            asks=asks,
            value=spec.get("value", "customer"),
            next=edges_of(step_id, spec.get("next")),
            end=spec.get("end"),
            waivers=(),
            location=HERE,
            index=index,
        )
    for item in known:
        data.setdefault(item, DataItem(item, item, False, HERE))
    return Journey(
        id=journey_id,
        title=journey_id,
        file="<test>",
        location=HERE,
        departments=departments,
        data=data,
        steps=built,
        start=start or next(iter(steps)),
        known=tuple(known),
    )


def absorbing_and_reachable(transitions: dict[str, dict[str, float]], start: str) -> tuple[set[str], set[str]]:
    """Written from the definitions, for brute-force checks: the steps reachable from the start,
    and the absorbing ones: ends, dead ends and traps (no end or dead end reachable along
    branches taken)."""
    reachable = {start}
    frontier = [start]
    while frontier:
        u = frontier.pop()
        for v in transitions[u]:
            if v not in reachable:
                reachable.add(v)
                frontier.append(v)
    stops = {u for u in transitions if not transitions[u]}  # ends and dead ends
    can_stop = set(stops)
    changed = True
    while changed:
        changed = False
        for u in transitions:
            if u not in can_stop and any(v in can_stop for v, p in transitions[u].items() if p > 0):
                can_stop.add(u)
                changed = True
    return stops | (reachable - can_stop), reachable
