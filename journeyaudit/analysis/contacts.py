"""Contacts as conversations, messages apart (shared/spec/journey-format.md, "What counts as what").

A contact is one conversation or visit. It begins at a contact step (staff
or system, not a notification, on a channel the customer sees), except where
the customer is still in the same conversation: the step before it on the
way is a contact step on the same channel, the step has no `after`, and the
edge does not loop back. An edge u → v *loops back* when v dominates u:
every way from the start to u passes v (so u → u loops back too). Calling
again after the case came round is a new contact, even on the same line.

Dominance only matters inside loop regions: if v dominates u and u → v is
an edge, v reaches u and u reaches v, so both are in one strongly connected
component. Every way into a component enters it at one of its entry steps
(the start, or a step with a predecessor outside), so v dominates u exactly
when v dominates u in the component alone, entered from a virtual root
linked to its entries. One `networkx.immediate_dominators` call on all loop
regions (each under its virtual root, the roots under one super-root) gives
every dominator tree at once; ancestor tests use DFS intervals of the tree.

The figures, with v(u) the expected visits, p(u, w) the transitions and
h(w) the probability of a success end from w (markov.py):

    expected_contacts = [start is a contact step]
                        + Σ over edges v(u)·p(u, w)·[a contact begins at w after u]
    expected_contacts_success = ([start is a contact step]·h(start)
                        + Σ over edges v(u)·p(u, w)·h(w)·[a contact begins ...]) / h(start)
    expected_messages = Σ_s v(s)·[kind(s) = notification]
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from journeyaudit.analysis.graph import JourneyGraph
from journeyaudit.analysis.markov import MarkovResult
from journeyaudit.model import Step


@dataclass(slots=True)
class ContactResult:
    loop_back: frozenset[tuple[int, int]]  # walked edges u -> v where v dominates u
    begins_contact: frozenset[tuple[int, int]]  # walked edges after which a new contact begins
    start_is_contact: bool
    expected_contacts: float
    expected_contacts_success: float | None  # None when no customer succeeds
    expected_messages: float


def loop_back_edges(graph: JourneyGraph) -> set[tuple[int, int]]:
    """Walked edges u -> v such that every way from the start to u passes v."""
    n = graph.size
    found: set[tuple[int, int]] = set()
    super_root = n + len(graph.component_members)
    links: list[tuple[int, int]] = []  # virtual roots, their entries, and the edges inside each region
    candidates: list[tuple[int, int]] = []
    for cid, members in enumerate(graph.component_members):
        if not graph.cyclic_component[cid] or not graph.reachable[members[0]]:
            continue
        root = n + cid
        links.append((super_root, root))
        for u in members:
            if u == graph.start or any(graph.reachable[p] and graph.component[p] != cid for p in graph.predecessors[u]):
                links.append((root, u))
            for v, _ in graph.walk_successors(u):
                if graph.component[v] != cid:
                    continue
                if v == u:
                    found.add((u, u))
                else:
                    candidates.append((u, v))
    if not candidates:
        return found
    tree: nx.DiGraph[int] = nx.DiGraph()
    tree.add_edges_from(links)
    tree.add_edges_from(candidates)
    idom = nx.immediate_dominators(tree, super_root)
    children: dict[int, list[int]] = {}
    for node, parent in idom.items():
        if parent is not None and node != parent:
            children.setdefault(parent, []).append(node)
    enter: dict[int, int] = {}
    leave: dict[int, int] = {}
    clock = 0
    stack = [(super_root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            leave[node] = clock
            clock += 1
            continue
        enter[node] = clock
        clock += 1
        stack.append((node, True))
        stack.extend((child, False) for child in children.get(node, ()))
    for u, v in candidates:
        if u in enter and v in enter and enter[v] <= enter[u] and leave[u] <= leave[v]:
            found.add((u, v))
    return found


def analyze_contacts(graph: JourneyGraph, steps: list[Step], markov: MarkovResult) -> ContactResult:
    loop_back = loop_back_edges(graph)
    begins: set[tuple[int, int]] = set()
    visits, h = markov.visits, markov.success_from
    contact = [s.is_contact_step for s in steps]
    channel = [s.channel for s in steps]
    booked = [s.after_s > 0 for s in steps]
    start_is_contact = bool(graph.size) and contact[graph.start]
    contacts = 1.0 if start_is_contact else 0.0
    contacts_success = h[graph.start] if start_is_contact else 0.0
    messages = 0.0
    for u in range(graph.size):
        if not graph.reachable[u]:
            continue
        if steps[u].is_message:
            messages += visits[u]
        for v, p in graph.walk_successors(u):
            if not contact[v]:
                continue
            # still in the same conversation (journey-format.md): no new contact
            if contact[u] and channel[u] == channel[v] and not booked[v] and (u, v) not in loop_back:
                continue
            begins.add((u, v))
            contacts += visits[u] * p
            contacts_success += visits[u] * p * h[v]
    succeeding = h[graph.start] if graph.size else 0.0
    return ContactResult(
        loop_back=frozenset(loop_back),
        begins_contact=frozenset(begins),
        start_is_contact=start_is_contact,
        expected_contacts=contacts,
        expected_contacts_success=contacts_success / succeeding if succeeding > 0 else None,
        expected_messages=messages,
    )
