"""ping-pong: the case goes back to a department it had left (A → B → A)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from journeyaudit.analysis.graph import bfs_distance
from journeyaudit.rules._common import file_order, join, q, shorten, way_text
from journeyaudit.rules.base import FixDoc, JourneyRule, RawFinding

if TYPE_CHECKING:  # handling.py imports NumPy and SciPy: `validate` loads the rules and must not pay for them
    from journeyaudit.analysis.handling import PairGraph

# Edges walked in all (from, to) department searches together; beyond it the
# rule stops and says so (only hostile, very dense journeys come near it).
SEARCH_BUDGET = 3_000_000


class PingPong(JourneyRule):
    id = "ping-pong"
    default_severity = "warning"
    category = "handoffs"
    summary = "The customer's case returns to a department it had left (A → B → A), one finding per problem."
    description = (
        "Counting handling steps only (an automated message, a `notification` by `system`, "
        "neither breaks nor makes a hand-off), a *return* is a way on which the case leaves "
        "department A for department B, stays with B (its steps and the messages in between), "
        "and comes back to a step of A. Returns between the same two departments that share a "
        "step belong to one problem: the loop that sends the case back and forth between A "
        "and B, however many ways, branches or laps lead through it, is one finding; the same "
        "two departments passing the case back and forth again elsewhere in the journey is "
        "another. The finding points at the step where "
        "the case first comes back (the return whose A-step is nearest the start), lists "
        "that way, and names the other steps it comes back at. A case that visits a third "
        "department in between is not a ping-pong (it is a longer chain, which `handoffs` "
        "reports). The search walks each department's stretch once per department entering "
        "it, never way by way, so a dense journey stays fast."
    )
    story = (
        '"paying it back required two (2) hours and the involvement of at least four (4) '
        "different departments (I stopped counting). Amazingly, Chase Bank had to verify that "
        'it was authorized to accept payment." (000_25f2e47d2d27e5e7.txt)'
    )
    seed = "000"
    fix = "Give department A what it needs from B up front (a rule, an access, a delegation) so the case does not go back and forth."
    failing = """\
journeyaudit: 1
title: Dispute a card payment
departments:
  cards: {title: Card services}
  fraud: {title: Fraud team}
steps:
  report:
    title: Report the payment
    department: cards
    channel: phone
    next: investigate
  investigate:
    title: Fraud team reviews the payment
    department: fraud
    next: refund
  refund:
    title: Card services refunds the payment
    department: cards
    end: success
"""
    passing = """\
journeyaudit: 1
title: Dispute a card payment
departments:
  cards: {title: Card services}
  fraud: {title: Fraud team}
steps:
  report:
    title: Report the payment
    department: cards
    channel: phone
    next: investigate
  investigate:
    title: Fraud team reviews and refunds the payment
    department: fraud
    next: refund
  refund:
    title: Refund confirmed by an automated letter from card services
    department: cards
    channel: mail
    actor: system
    kind: notification
    end: success
"""

    reads = frozenset({"structure", "departments", "roles"})
    fixes = (
        FixDoc(
            kind="keep-with-department",
            changes=(
                "The steps the case passes on the way out and back (those of department B) "
                "are given to the department it comes back to (A): A does them."
            ),
            safe=(
                "Every step stays, with its time, channel and questions, and so does every "
                "way: only who does the work changes, to the department already handling the "
                "case (give it the rule, the access or the delegation it needs)."
            ),
            failing=failing,
            passing=failing.replace('    department: fraud\n', '    department: cards\n'),
        ),
    )

    def check(self, context, options):
        journey, analysis = context.journey, context.analysis
        graph, handling = analysis.graph, analysis.handling
        if graph is None or handling is None or not graph.size:
            return
        if handling.pairs is None:
            yield RawFinding(
                message="not judged: the journey has too many automated messages between departments to follow every return",
                severity="info",
                key="not-judged",
            )
            return
        search = _Returns(handling.pairs)
        groups = search.groups()
        distance = bfs_distance(graph)
        departments = handling.departments
        for members in groups:
            occurrences = [search.occurrence(member, distance) for member in members]
            key, way, _ = min(occurrences, key=lambda found: found[0])
            a, b = departments[key[2]], departments[key[3]]
            steps = tuple(graph.ids[u] for u in way)
            back = steps[-1]
            others = file_order(
                journey,
                {graph.ids[u] for found in occurrences for u in found[2]} - {back},
            )
            also = f"; it also comes back at {join(shorten([q(s) for s in others]))}" if others else ""
            yield RawFinding(
                message=(
                    f"the case goes from {journey.department_title(a)} to {journey.department_title(b)} "
                    f"and back to {journey.department_title(a)} at {q(back)} ({way_text(steps)}){also}"
                ),
                step=back,
                steps=steps,
            )
        if search.cut:
            yield RawFinding(
                message=(
                    "the search for returns stopped after "
                    f"{SEARCH_BUDGET:,} steps (a journey this dense): returns beyond those reported may exist"
                ),
                severity="info",
                key="search-cut",
            )


class _Returns:
    """Returns on the (step, last handling department) pair graph, grouped into problems.

    For a pair (A, B), B's stretch is the pair nodes carrying B (its handling
    steps, and messages after them). An *entry* is a pair edge from a node
    carrying A into a handling step of B; a *return* a pair edge from B's
    stretch into a handling step of A. A node of the stretch is on a return
    when an entry reaches it and it reaches a return, within the stretch; the
    weakly connected parts of those nodes are sub-problems, and sub-problems
    of the same two departments that share a step (the step a return comes
    back to is where B → A → B begins) are one problem. One forward and one backward search per
    (A, B) pair on B's stretch: linear in the stretch for each department
    entering it.
    """

    def __init__(self, pairs: PairGraph):
        self.pairs = pairs
        self.cut = False
        n = len(pairs.step_of)
        carries = pairs.label_of
        handling = [False] * n
        for node in pairs.node_of_step:
            if node >= 0:
                handling[node] = True
        self.handling = handling
        predecessors: list[list[int]] = [[] for _ in range(n)]
        for u in range(n):
            for v in pairs.successors[u]:
                predecessors[v].append(u)
        self.predecessors = predecessors
        # entries[B][A]: handling B-nodes entered from a node carrying A
        self.entries: dict[int, dict[int, list[int]]] = {}
        # returns_to[B][A]: B-stretch nodes with an edge into a handling A-node
        self.returns_to: dict[int, dict[int, list[int]]] = {}
        for u in range(n):
            a = carries[u]
            for v in pairs.successors[u]:
                b = carries[v]
                if a < 0 or not handling[v] or a == b:
                    continue
                self.entries.setdefault(b, {}).setdefault(a, []).append(v)
                self.returns_to.setdefault(a, {}).setdefault(b, []).append(u)
        self.subgroups: list[tuple[int, int, list[int]]] = []  # (A, B, participating nodes)

    def groups(self) -> list[list[int]]:
        """Problems: lists of sub-group indexes, in a stable order."""
        pairs = self.pairs
        carries = pairs.label_of
        budget = SEARCH_BUDGET
        for b in sorted(self.entries):
            for a in sorted(self.entries[b]):
                exits = self.returns_to.get(b, {}).get(a)
                if not exits:
                    continue
                forward = self._within(self.entries[b][a], b, pairs.successors)
                backward = self._within(exits, b, self.predecessors)
                budget -= len(forward) + len(backward)
                if budget < 0:
                    self.cut = True
                    break
                on_return = forward & backward
                seen: set[int] = set()
                for node in sorted(on_return):
                    if node in seen:
                        continue
                    part = [node]
                    seen.add(node)
                    queue = deque([node])
                    while queue:
                        current = queue.popleft()
                        for other in (*pairs.successors[current], *self.predecessors[current]):
                            if other in on_return and other not in seen and carries[other] == b:
                                seen.add(other)
                                part.append(other)
                                queue.append(other)
                    self.subgroups.append((a, b, part))
            if self.cut:
                break

        parent = list(range(len(self.subgroups)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        # Sub-problems of the same two departments that share a step (a node of the
        # stretch, the step left or the step returned to) are one problem.
        owner: dict[tuple[int, int, int], int] = {}
        for index, (a, b, part) in enumerate(self.subgroups):
            pair = (min(a, b), max(a, b))
            touched = {*part, *(u for u, _ in self._entry_edges(a, part)), *(z for _, z in self._return_edges(a, part))}
            for node in touched:
                element = (*pair, node)
                if element in owner:
                    parent[find(index)] = find(owner[element])
                else:
                    owner[element] = index
        merged: dict[int, list[int]] = {}
        for index in range(len(self.subgroups)):
            merged.setdefault(find(index), []).append(index)
        return list(merged.values())

    def _within(self, seeds, b, neighbours) -> set[int]:
        carries = self.pairs.label_of
        found = set(seeds)
        queue = deque(found)
        while queue:
            current = queue.popleft()
            for other in neighbours[current]:
                if other not in found and carries[other] == b:
                    found.add(other)
                    queue.append(other)
        return found

    def _entry_edges(self, a: int, part: list[int]) -> list[tuple[int, int]]:
        carries = self.pairs.label_of
        return [(u, y) for y in part if self.handling[y] for u in self.predecessors[y] if carries[u] == a]

    def _return_edges(self, a: int, part: list[int]) -> list[tuple[int, int]]:
        carries = self.pairs.label_of
        return [(j, z) for j in part for z in self.pairs.successors[j] if self.handling[z] and carries[z] == a]

    def occurrence(self, index: int, distance: list[int]):
        """((distance of the A-step, its index, A, B), the way as steps, the steps it comes back at)."""
        a, b, part = self.subgroups[index]
        pairs = self.pairs
        carries = pairs.label_of
        step_of = pairs.step_of
        members = set(part)
        entries = self._entry_edges(a, part)
        # the A-step the case leaves: the entry's source, or the handling A-step before its messages
        candidates = []
        for source, y in entries:
            lead = self._back_to_handling(source, a)
            x = lead[0]
            candidates.append(((distance[step_of[x]], step_of[x], step_of[y]), lead, y))
        (rank, lead, y) = min(candidates)
        # shortest stretch from y to a node with a return, then the first return
        parent: dict[int, int | None] = {y: None}
        queue = deque([y])
        way_end = None
        while queue and way_end is None:
            current = queue.popleft()
            for z in pairs.successors[current]:
                if self.handling[z] and carries[z] == a:
                    way_end = (current, z)
                    break
            else:
                for other in pairs.successors[current]:
                    if other in members and other not in parent:
                        parent[other] = current
                        queue.append(other)
        assert way_end is not None  # every participating node reaches a return
        last, back = way_end
        stretch = _path_to(parent, last)
        nodes = [*lead, *stretch, back]
        returns_at = {step_of[z] for _, z in self._return_edges(a, part)}
        return (rank[0], rank[1], a, b), tuple(step_of[node] for node in nodes), returns_at

    def _back_to_handling(self, node: int, a: int) -> list[int]:
        """From a node carrying A back to a handling A-node (itself if handling): the nodes in order."""
        if self.handling[node]:
            return [node]
        carries = self.pairs.label_of
        parent: dict[int, int | None] = {node: None}
        queue = deque([node])
        while queue:
            current = queue.popleft()
            for other in self.predecessors[current]:
                if other in parent or carries[other] != a:
                    continue
                parent[other] = current
                if self.handling[other]:
                    return _path_to(parent, other)[::-1]
                queue.append(other)
        return [node]  # not reached: a message carries A only after a handling A-step


def _path_to(parent: dict[int, int | None], node: int) -> list[int]:
    """The search tree's path from its root to `node`."""
    path = [node]
    previous = parent[node]
    while previous is not None:
        path.append(previous)
        previous = parent[previous]
    return path[::-1]
