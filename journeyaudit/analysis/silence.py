"""Silence: the elapsed time between two touchpoints (contacts or messages), or from the start to the first.

A touchpoint is a visit of a contact step or of a message (`notification`);
every other step is *quiet* (the customer works alone, the back office
works, an unseen system runs). On a way, the silence that ends at a
touchpoint t is the elapsed time since the previous touchpoint finished (or
since the journey began):

    silence = Σ over the quiet steps in between of (wait + after + duration)
              + wait(t) + after(t)

(the touchpoint itself begins once its own wait and appointment delay are
over). The figure for t is the longest such silence over every way, the
quiet stretch visiting no step twice: the worst-way search (worstcase.py)
on the quiet steps walked backwards from t, with one virtual node per
touchpoint, stopping where the stretch began (a quiet step right after a
touchpoint, or the start). One value per touchpoint, whatever the number of
ways or earlier touchpoints that lead to it; a stretch through a large quiet
loop region is an upper bound (`approximate`). The time after the last
touchpoint of a way is not a silence: nobody is waiting to hear.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyaudit.analysis.graph import JourneyGraph, strongly_connected_components
from journeyaudit.analysis.worstcase import NEG_INF, SearchSpace, search
from journeyaudit.model import Step


@dataclass(slots=True)
class Silence:
    """The longest silence that ends at one touchpoint."""

    seconds: float
    origin: int | None  # the touchpoint it starts after (None: the start of the journey)
    quiet: tuple[int, ...]  # the quiet steps in between, in the customer's order
    approximate: bool = False


def analyze_silences(graph: JourneyGraph, steps: list[Step]) -> dict[int, Silence]:
    """Touchpoint step -> its longest silence, for every reachable touchpoint."""
    n = graph.size
    if not n:
        return {}
    node: dict[int, int] = {}  # quiet step -> node
    touch: dict[int, int] = {}  # touchpoint step -> its virtual node
    values: list[float] = []
    owner: list[int] = []
    for u, step in enumerate(steps):
        if not graph.reachable[u]:
            continue
        if step.is_touchpoint:
            touch[u] = len(values)
            values.append(step.wait_s + step.after_s)
        else:
            node[u] = len(values)
            values.append(step.elapsed_s)
        owner.append(u)
    size = len(values)
    backwards: list[list[int]] = [[] for _ in range(size)]
    stop = [False] * size
    origin_of: dict[int, int] = {}  # first touchpoint before a quiet step or a touchpoint (file order)
    for u in range(n):
        if not graph.reachable[u]:
            continue
        for w, _ in graph.walk_successors(u):
            if u in node:
                backwards[touch[w] if w in touch else node[w]].append(node[u])
            else:  # u is a touchpoint: a silence can begin right after it
                target = touch[w] if w in touch else node[w]
                stop[target] = True
                origin_of.setdefault(target, u)
    start = graph.start
    start_node = touch[start] if start in touch else node[start]
    stop[start_node] = True

    space = _silence_space(backwards, list(node.values()), list(touch.values()))
    result = search(space, values, None, stop, list(touch.values()))
    silences = {}
    for t, virtual in touch.items():
        if result.best[virtual] == NEG_INF:
            continue
        way = result.way(virtual)  # t's node, then the quiet steps backwards
        quiet = tuple(owner[i] for i in reversed(way[1:]))
        first = way[-1]
        origin = None if owner[first] == start else origin_of.get(first)
        silences[t] = Silence(result.best[virtual], origin, quiet, result.approximate[virtual])
    return silences


def _silence_space(backwards: list[list[int]], quiet: list[int], touch: list[int]) -> SearchSpace:
    """The backwards graph as a search space: each virtual touchpoint node alone (nothing leads
    to one), then the loop regions of the quiet steps, found among them only (they are few)."""
    local = {q: i for i, q in enumerate(quiet)}
    component, members = strongly_connected_components(
        len(quiet), [[local[v] for v in backwards[q]] for q in quiet]
    )
    groups = [[t] for t in touch] + [[quiet[i] for i in group] for group in members]
    group_of = [0] * len(backwards)
    for gid, t in enumerate(touch):
        group_of[t] = gid
    for i, q in enumerate(quiet):
        group_of[q] = len(touch) + component[i]
    cyclic = [False] * len(touch) + [len(group) > 1 for group in members]
    for q in quiet:
        if q in backwards[q]:
            cyclic[group_of[q]] = True
    return SearchSpace(backwards, list(range(len(backwards))), groups, group_of, cyclic, [True] * len(backwards))
