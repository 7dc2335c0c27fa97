"""Expected figures from the absorbing Markov chain of a journey.

States are the reachable steps; transitions the aggregated `next`
probabilities. Absorbing states: end steps, dead ends and traps (cut at the
first trap step entered: the customer is stuck there). With Q the transitions
among the other (transient) steps, the expected number of visits from the
start is

    v = e_start (I - Q)^-1        (solved as (I - Q)^T v^T = e_start^T)

and an absorbing step a is reached with probability sum_u v(u) P(u, a), which
is also its expected number of visits (it is visited at most once). The
probability h(s) of ending in a `success` end from step s solves
(I - Q) h = b with b(s) = sum over success ends a of P(s, a). Both systems
share one sparse LU factorisation. No way is ever enumerated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix, identity
from scipy.sparse.linalg import SuperLU, splu

from journeyaudit.analysis.graph import JourneyGraph


@dataclass(slots=True)
class MarkovResult:
    visits: list[float]  # expected visits per step (0 for unreachable steps)
    absorption: dict[int, float]  # absorbing step -> probability of ending there
    success_from: list[float]  # h(s): probability of a success end from s (0 for unreachable)


def solve_transposed(lu: SuperLU, rhs: np.ndarray) -> np.ndarray:
    """Solve A^T x = rhs with the factorisation of A (scipy's `trans="T"`).

    scipy documents `SuperLU.solve(rhs, trans)`, but scipy-stubs 1.17 leave
    `trans` out of the signature: call it through an untyped handle rather
    than factorising A^T a second time.
    """
    solve: Callable[..., np.ndarray] = lu.solve
    return solve(rhs, trans="T")


def solve_chain(graph: JourneyGraph, success: list[bool]) -> MarkovResult:
    """`success[s]`: step s is a `success` end."""
    n = graph.size
    visits = [0.0] * n
    success_from = [0.0] * n
    absorption: dict[int, float] = {}
    if n == 0:
        return MarkovResult(visits, absorption, success_from)
    for u in range(n):
        if graph.reachable[u] and graph.absorbing[u]:
            success_from[u] = 1.0 if success[u] else 0.0

    start = graph.start
    if graph.absorbing[start]:
        visits[start] = 1.0
        absorption[start] = 1.0
        return MarkovResult(visits, absorption, success_from)

    transient = [u for u in range(n) if graph.reachable[u] and not graph.absorbing[u]]
    position = {u: i for i, u in enumerate(transient)}
    rows, cols, values = [], [], []
    success_step = np.zeros(len(transient))
    for i, u in enumerate(transient):
        for v, p in graph.successors[u]:
            j = position.get(v)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append(p)
            elif success[v]:
                success_step[i] += p
    size = len(transient)
    q = csc_matrix((values, (rows, cols)), shape=(size, size))
    lu = splu((identity(size, format="csc") - q).tocsc())

    unit = np.zeros(size)
    unit[position[start]] = 1.0
    transient_visits = solve_transposed(lu, unit)
    transient_success = lu.solve(success_step)

    for i, u in enumerate(transient):
        visits[u] = max(float(transient_visits[i]), 0.0)
        success_from[u] = min(max(float(transient_success[i]), 0.0), 1.0)
    for u in transient:
        for v, p in graph.successors[u]:
            if graph.absorbing[v]:
                absorption[v] = absorption.get(v, 0.0) + visits[u] * p
    for a, probability in absorption.items():
        visits[a] = probability
    return MarkovResult(visits, dict(sorted(absorption.items())), success_from)
