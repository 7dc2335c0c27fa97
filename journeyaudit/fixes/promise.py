"""`broken-promise`: keep the promise with the fewest other fixes, or promise what the journey delivers.

`keep-promise` is made of fixes already measured: those that shorten the
expected time to a successful end (or cut its contacts) when the promise on
that figure is broken, taken by their own effect, largest first, until their
combination, measured, keeps every broken part of the promise. It is offered
only when some combination does.

`match-promise` changes the promise instead: the expected time of the
customers who succeed, rounded up (to the minute below an hour, the hour
below two days, else the day), and the expected contacts rounded up to a
whole number.
"""

from __future__ import annotations

import dataclasses
import math

from journeyaudit.common.durations import format_duration
from journeyaudit.fixes.model import Fix, Plan
from journeyaudit.fixes.ops import NotApplicable, SetPromise
from journeyaudit.fixes.whatif import Baseline, FixFailed
from journeyaudit.model.findings import Finding
from journeyaudit.rules._common import join

ALTERNATIVES = frozenset({"keep-promise", "match-promise"})  # other ways of resolving the same findings
FIGURES = {"duration": "expected_duration_success_s", "contacts": "expected_contacts_success"}
MAX_TRIALS = 8  # combinations measured before keep-promise gives up
TOLERANCE = 1e-6  # the rule's: a figure equal to the promise keeps it


def rounded_up(seconds: float) -> float:
    """A promise a person would make, not shorter than `seconds`."""
    for size, below in ((60, 3600), (3600, 2 * 86400)):
        if seconds <= below:
            return math.ceil(seconds / size - 1e-9) * size
    return math.ceil(seconds / 86400 - 1e-9) * 86400.0


def _broken(base: Baseline, findings: list[Finding]) -> dict[str, float]:
    """Broken figure -> what was promised, for the open broken-promise findings."""
    promise = base.journey.promise
    broken: dict[str, float] = {}
    for finding in findings:
        promised = None if promise is None else promise.duration_s if finding.key == "duration" else promise.contacts
        if finding.key in FIGURES and promised is not None:
            broken[FIGURES[finding.key]] = float(promised)
    return broken


def match_promise(base: Baseline, findings: list[Finding]) -> list[Plan]:
    metrics = base.analysis.metrics
    broken = _broken(base, findings)
    promise = base.journey.promise
    if not broken or promise is None:
        return []
    duration = contacts = None
    parts = []
    duration_now = metrics.get(FIGURES["duration"])
    if FIGURES["duration"] in broken and isinstance(duration_now, (int, float)) and math.isfinite(duration_now):
        duration = rounded_up(float(duration_now))
        parts.append(f"{format_duration(duration)} (was {format_duration(broken[FIGURES['duration']])})")
    contacts_now = metrics.get(FIGURES["contacts"])
    if FIGURES["contacts"] in broken and isinstance(contacts_now, (int, float)) and math.isfinite(contacts_now):
        contacts = float(math.ceil(contacts_now - 1e-9))
        parts.append(f"{contacts:g} contact{'s' if contacts != 1 else ''} (was {broken[FIGURES['contacts']]:g})")
    if not parts:
        return []
    return [
        Plan(
            id="match-promise",
            kind="match-promise",
            rule=findings[0].rule,
            title=f"Promise {join(parts)}",
            reason="what customers who succeed get on average",
            targets=tuple(f.fingerprint for f in findings),
            ops=(SetPromise(duration, contacts, "what the journey delivers on average"),),
        )
    ]


def keep_promise(base: Baseline, findings: list[Finding], fixes: list[Fix]) -> list[Plan]:
    broken = _broken(base, findings)
    if not broken:
        return []
    metrics = base.analysis.metrics
    need = {figure: float(metrics.get(figure) or 0.0) - promised for figure, promised in broken.items()}
    if any(value <= TOLERANCE for value in need.values()):
        return []

    def gain(fix: Fix) -> float:
        return sum(max(0.0, -float(fix.impact.get(figure, 0.0))) / need[figure] for figure in need)

    candidates = [fix for fix in fixes if fix.kind not in ALTERNATIVES and gain(fix) > 0]
    candidates.sort(key=lambda fix: (-gain(fix), fix.rank_key()))
    chosen: list[Fix] = []
    targets = {f.fingerprint for f in findings}
    trials = 0
    for fix in candidates:
        trial = [*chosen, fix]
        try:
            base.edit([f.plan for f in trial])
        except NotApplicable:
            continue  # it changes what a chosen fix changes
        chosen = trial
        enough = all(sum(-float(f.impact.get(figure, 0.0)) for f in chosen) >= need[figure] - TOLERANCE for figure in need)
        if not enough:
            continue
        trials += 1
        try:
            outcome = base.measure([f.plan for f in chosen])
        except (NotApplicable, FixFailed):
            return []
        if targets <= set(outcome.resolved):
            ops = tuple(dataclasses.replace(op, note=f"{op.note} ({f.id})") for f in chosen for op in f.plan.ops)
            return [
                Plan(
                    id="keep-promise",
                    kind="keep-promise",
                    rule=findings[0].rule,
                    title=f"Keep the promise with {len(chosen)} fix{'es' if len(chosen) > 1 else ''}: {join(f.id for f in chosen)}",
                    reason="the journey then delivers what the customer was told",
                    targets=tuple(sorted(targets)),
                    ops=ops,
                    includes=tuple(f.id for f in chosen),
                )
            ]
        if trials >= MAX_TRIALS:
            break
    return []
