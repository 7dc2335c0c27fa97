"""The share of customers who reach a successful end within `promise.duration`.

A customer's elapsed time is the sum, over the steps of their way (start and
end step included), of wait + after + duration. The share kept is

    promise_kept_rate = P(the way ends at a `success` end and its elapsed time <= D)

over all customers (D = `promise.duration`). Times are counted in whole
microseconds, so sums are exact and a way taking exactly D keeps the promise. Loops make the number of ways infinite, so
it is computed as a distribution, not by listing ways: a dynamic programme
over (step, elapsed time) states, in order of elapsed time (times never go
down, so a state is final once every earlier time is done). Mass that goes
past D is dropped exactly (it can never be kept); a state whose mass falls
below `MASS_FLOOR` is dropped and its mass added to the error bound, and so
is every state left once `EDGE_BUDGET` transitions have been followed
(journeys whose elapsed times take too many distinct values: a dense graph
of steps with distinct times). The true share lies in

    [promise_kept_rate, promise_kept_rate + promise_kept_rate_error]

and the error is 0 (or below 1e-9) on every journey a person writes.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from journeyaudit.analysis.graph import JourneyGraph
from journeyaudit.model import Step

MASS_FLOOR = 1e-13
EDGE_BUDGET = 200_000
MICROSECONDS = 1_000_000
# An error bound from this size on makes the share approximate: figures and messages say so.
APPROXIMATE_ERROR = 5e-4


@dataclass(slots=True)
class PromiseResult:
    kept: float  # a lower bound of the share, within `error` of it
    error: float


def promise_kept(graph: JourneyGraph, steps: list[Step], promised_s: float) -> PromiseResult:
    if not graph.size:
        return PromiseResult(0.0, 0.0)
    limit = round(promised_s * MICROSECONDS)
    success = [s.end == "success" for s in steps]
    elapsed = [round(s.elapsed_s * MICROSECONDS) for s in steps]
    # Within one time, zero-time steps follow each other: expand them in a
    # topological order of the zero-time edges (loop regions share a rank).
    rank = graph.component

    kept = 0.0
    error = 0.0
    followed = 0
    pending: dict[tuple[int, int], float] = {}
    heap: list[tuple[int, int, int]] = []

    def arrive(step: int, time: int, mass: float) -> None:
        nonlocal kept, error
        if time > limit:
            return  # too late: never kept
        if graph.absorbing[step]:
            if success[step]:
                kept += mass
            return
        key = (time, step)
        if key in pending:
            pending[key] += mass
        else:
            pending[key] = mass
            heapq.heappush(heap, (time, rank[step], step))

    arrive(graph.start, elapsed[graph.start], 1.0)
    while heap:
        time, _, step = heapq.heappop(heap)
        mass = pending.pop((time, step))
        if mass < MASS_FLOOR:
            error += mass
            continue
        followed += len(graph.successors[step])
        if followed > EDGE_BUDGET:
            error += mass + sum(pending.values())
            break
        for target, p in graph.successors[step]:
            if p > 0:
                arrive(target, time + elapsed[target], mass * p)
    return PromiseResult(min(kept, 1.0), min(error, 1.0))
