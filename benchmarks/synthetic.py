"""Seeded synthetic journeys (YAML text) for the benchmarks.

`make_journey(n_steps, n_departments, n_data, loop_share, seed)` writes a
journey that looks like a real one at scale: steps mostly lead forward to
one of the next few steps, some are decisions with two or three branches,
a `loop_share` of the steps send the customer back a few steps (rework), a
few branches give up (an `abandoned` end), and the journey finishes in a
success or a failure end. The same arguments always give the same text.

`ladder(n)`: n two-way decisions in a row (2^n loop-free ways).

`dense(n)`: every step linked to every other (150 steps: the ~125 KB
reproducer of a 162-second audit).
"""

from __future__ import annotations

import random

CHANNELS = ("phone", "web", "app", "email", "chat", "branch", "mail")
ACTORS = ("staff", "staff", "system", "customer")
KINDS = ("task", "task", "task", "verification", "decision", "notification", "payment")
VALUES = ("customer", "customer", "business", "none")
WAITS = ("0s", "30s", "2m", "5m", "20m", "1h", "1d")
DURATIONS = ("30s", "1m", "3m", "6m", "15m")


def make_journey(n_steps: int, n_departments: int, n_data: int, loop_share: float, seed: int) -> str:
    rng = random.Random(seed)
    width = len(str(n_steps))
    names = [f"s{i:0{width}d}" for i in range(n_steps)]
    lines = [
        "journeyaudit: 1",
        f"title: Synthetic journey {n_steps} steps, seed {seed}",
        "stage: support",
        f"known: [{', '.join(f'x{i}' for i in range(min(n_data, 2)))}]",
        "departments:",
    ]
    lines += [f"  d{i}: {{title: Department {i}}}" for i in range(n_departments)]
    if n_data:
        lines.append("data:")
        lines += [f"  x{i}: {{title: Data item {i}}}" for i in range(n_data)]
    lines.append("steps:")
    body_end = n_steps - 3  # the last three steps are the ends
    for i, name in enumerate(names):
        lines.append(f"  {name}:")
        lines.append(f"    title: Step {i}")
        lines.append(f"    department: d{rng.randrange(n_departments)}")
        lines.append(f"    channel: {rng.choice(CHANNELS)}")
        if i >= body_end:
            lines.append("    actor: system")
            lines.append("    kind: notification")
            lines.append(f"    end: {('success', 'failure', 'abandoned')[i - body_end]}")
            continue
        lines.append(f"    actor: {rng.choice(ACTORS)}")
        lines.append(f"    kind: {rng.choice(KINDS)}")
        lines.append(f"    value: {rng.choice(VALUES)}")
        lines.append(f"    wait: {rng.choice(WAITS)}")
        lines.append(f"    duration: {rng.choice(DURATIONS)}")
        if n_data:
            asks = rng.sample(range(n_data), k=min(n_data, rng.choice((0, 0, 1, 1, 2, 3))))
            if asks:
                lines.append(f"    asks: [{', '.join(f'x{a}' for a in asks)}]")
        branches = _branches(rng, i, body_end, loop_share)
        lines.append("    next:")
        for target, p in branches:
            lines.append(f"      - {{to: {names[target]}, p: {p}}}")
    return "\n".join(lines) + "\n"


def _branches(rng: random.Random, i: int, body_end: int, loop_share: float) -> list[tuple[int, float]]:
    success, failure, abandoned = body_end, body_end + 1, body_end + 2

    def forward() -> int:
        target = i + rng.choice((1, 1, 1, 2, 3))
        return target if target < body_end else success

    targets = [forward()]
    if rng.random() < 0.3:  # a decision
        targets.append(forward())
        if rng.random() < 0.2:
            targets.append(failure if rng.random() < 0.5 else abandoned)
    if rng.random() < loop_share and i > 0:  # rework: back a few steps
        targets.append(max(0, i - rng.choice((1, 2, 3, 4))))
    # probabilities in tenths that add up to exactly 1
    tenths = [1] * len(targets)
    for _ in range(10 - len(targets)):
        tenths[rng.randrange(len(targets))] += 1
    return [(t, tenth / 10) for t, tenth in zip(targets, tenths)]


def ladder(n: int) -> str:
    """n two-way decisions in a row, each to a slow (10m) or a quick (1m) step."""
    lines = ["journeyaudit: 1", f"title: Ladder of {n} decisions", "departments:", "  a: {title: A}", "  b: {title: B}", "steps:"]
    for i in range(n):
        after = f"d{i + 1}" if i + 1 < n else "done"
        lines += [
            f"  d{i}:",
            f"    title: Decision {i}",
            "    department: a",
            "    kind: decision",
            f"    next: [slow{i}, quick{i}]",
            f"  slow{i}:",
            f"    title: Slow {i}",
            "    department: b",
            "    duration: 10m",
            f"    next: {after}",
            f"  quick{i}:",
            f"    title: Quick {i}",
            "    department: a",
            "    duration: 1m",
            f"    next: {after}",
        ]
    lines += ["  done:", "    title: Done", "    department: a", "    end: success"]
    return "\n".join(lines) + "\n"


def dense(steps: int) -> str:
    """Every step linked to every other (the reproducer of a 162-second audit): 150 steps, ~125 KB.

    Five departments in turn, phone and web in turn, an automated SMS every seventh
    step, waits of distinct lengths, a promise, one success end.
    """
    lines = [
        "journeyaudit: 1",
        "title: Every step linked to every other",
        "promise: {duration: 1d, contacts: 2}",
        "departments:",
        *(f"  d{i}: {{title: Department {i}}}" for i in range(5)),
        "data:",
        "  x: {title: X}",
        "steps:",
    ]
    for i in range(steps):
        kind = "kind: notification, actor: system, channel: sms" if i % 7 == 3 else f"channel: {('phone', 'web')[i % 2]}"
        common = f"title: Step {i}, department: d{i % 5}, {kind}, wait: {i + 1}m{i}s"
        if i == steps - 1:
            lines.append(f"  s{i}: {{{common}, end: success}}")
        else:
            others = ", ".join(f"s{j}" for j in range(steps) if j != i)
            lines.append(f"  s{i}: {{{common}, asks: [x], next: [{others}]}}")
    return "\n".join(lines) + "\n"

