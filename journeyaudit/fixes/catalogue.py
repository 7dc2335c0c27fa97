"""The fix catalogue: for each rule, the concrete edits that resolve its findings.

`plans_for(base, finding)` turns one finding into the plans that resolve it
(none when no edit is safe); each planner here reads the finding and the
journey's analysis and writes down the edits (`ops`), never a bare "fix
this". The kinds and their documentation (what they change, why they are
safe, a failing and a passing example) live with their rule, as the rule's
`fixes` (journeyaudit/rules/*.py); this module is the code behind them.

| rule | kind | the edit |
|---|---|---|
| repeated-ask | use-held-data | drop the asks of data held on every way to the step |
| long-wait | cut-wait | cut the wait to the channel's limit |
| ping-pong | keep-with-department | the department the case comes back to does the steps in between |
| handoffs | fewer-handoffs | steps of the worst way done by the department already handling the case |
| departments-touched | fewer-departments | the same, on the most likely way, until few enough departments |
| repeated-verification | merge-verifications | the later checks removed, their questions asked at the first |
| no-feedback | add-feedback | a survey after the likeliest successful end |
| no-follow-up | add-follow-up | a follow-up message after each successful end concerned |
| exit-without-human | add-retention-offer | an agent's retention offer before each end reached without a person |
| silence-gap | status-message | status messages that split the silence into stretches within `max` |
| broken-promise | keep-promise, match-promise | journeyaudit.fixes.promise (built from the measured others) |
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from journeyaudit.analysis.worstcase import worst_way
from journeyaudit.common.durations import format_duration
from journeyaudit.fixes.model import Plan
from journeyaudit.fixes.ops import DeleteStep, EndToNext, NewStep, Retarget, SetAsks, SetTime
from journeyaudit.fixes.planning import (
    department_plan,
    dominates,
    last_department,
    likeliest_predecessor,
    new_step_id,
    worst_handoff_way,
)
from journeyaudit.fixes.whatif import Baseline
from journeyaudit.model import HOLD_CHANNELS, INTERNAL_CHANNELS, MAX_HOLD_S, Journey
from journeyaudit.model.findings import Finding
from journeyaudit.rules._common import join, q

# Rounds of an iterative plan (hand-offs reassigned, verifications merged) before it gives up.
MAX_ROUNDS = 12


def use_held_data(base: Baseline, finding: Finding) -> list[Plan]:
    journey, analysis = base.journey, base.analysis
    step = journey.steps.get(finding.step or "")
    if step is None or step.id not in analysis.reachable:
        return []
    held = analysis.held_must.get(step.id, frozenset())
    items = [item for item in step.asks if item in held]
    if not items:
        return []
    keep = tuple(item for item in step.asks if item not in held)
    titles = join(journey.data_title(item) for item in items)
    visits = analysis.visits.get(step.id, 0.0)
    return [
        Plan(
            id=f"use-held-data@{step.id}",
            kind="use-held-data",
            rule=finding.rule,
            title=f"Stop asking for {titles} at {q(step.id)}",
            reason="they are already held" if len(items) > 1 else "it is already held",
            targets=(finding.fingerprint,),
            ops=(SetAsks(step.id, keep, f"no longer asks for {', '.join(items)} (already held)"),),
            estimate=visits * 3.0 * len(items),  # an ask and its repetition, per visit
        )
    ]


def cut_wait(base: Baseline, finding: Finding) -> list[Plan]:
    journey, analysis = base.journey, base.analysis
    step = journey.steps.get(finding.step or "")
    if step is None:
        return []
    options = base.options(finding.rule)
    channel = step.channel if step.id in analysis.stated_channels else None
    limit = options.get(channel, options.get("other")) if channel else options.get("other")
    if not isinstance(limit, (int, float)) or step.wait_s <= limit:
        return []
    if channel is None:
        whose = "steps whose channel the file does not state"
    else:
        whose = channel if channel in options else "channels without a limit of their own"
    visits = analysis.visits.get(step.id, 0.0)
    saved = step.wait_s - limit
    if step.channel in HOLD_CHANNELS:
        held = min(step.wait_s, MAX_HOLD_S) - min(limit, MAX_HOLD_S)
        estimate = visits * (held / 600 + (saved - held) / 86400)
    else:
        estimate = visits * saved / 86400
    return [
        Plan(
            id=f"cut-wait@{step.id}",
            kind="cut-wait",
            rule=finding.rule,
            title=f"Cut the wait before {q(step.id)} from {format_duration(step.wait_s)} to {format_duration(limit)}",
            reason=f"the limit for {whose}",
            targets=(finding.fingerprint,),
            ops=(SetTime(step.id, "wait", float(limit), f"wait cut to the limit for {whose} (was {format_duration(step.wait_s)})"),),
            estimate=estimate,
        )
    ]


def keep_with_department(base: Baseline, finding: Finding) -> list[Plan]:
    journey = base.journey
    way = [step for step in finding.steps if step in journey.steps]
    if len(way) < 3:
        return []
    home = journey.steps[way[-1]].department
    movers = [s for s in way[1:-1] if journey.steps[s].is_handling and journey.steps[s].department != home]
    if not movers:
        return []
    other = journey.steps[movers[0]].department
    assignments = dict.fromkeys(movers, home)
    return [
        department_plan(
            base,
            f"keep-with-department@{movers[0]}",
            "keep-with-department",
            finding,
            assignments,
            reason=f"the case no longer goes to {journey.department_title(other)} and back",
            estimate=6.0 * base.analysis.visits.get(way[-1], 0.0),
        )
    ]


def fewer_handoffs(base: Baseline, finding: Finding) -> list[Plan]:
    limit = base.options(finding.rule).get("max", 3)
    assignments: dict[str, str] = {}
    for _ in range(MAX_ROUNDS):
        journey, worst = worst_handoff_way(base, assignments)
        way = [s for s in worst if s in journey.steps and journey.steps[s].is_handling]
        runs: list[tuple[str, list[str]]] = []
        for step in way:
            department = journey.steps[step].department
            if runs and runs[-1][0] == department:
                runs[-1][1].append(step)
            else:
                runs.append((department, [step]))
        if len(runs) - 1 <= limit:
            break
        # absorb the run whose department change removes the most hand-offs (A B A: two), moving
        # the fewest steps, earliest first: its steps go to the department before it
        best = min(
            range(1, len(runs)),
            key=lambda i: (-(2 if i + 1 < len(runs) and runs[i + 1][0] == runs[i - 1][0] else 1), len(runs[i][1]), i),
        )
        for step in runs[best][1]:
            assignments[step] = runs[best - 1][0]
    else:
        return []
    if not assignments:
        return []
    return [department_plan(base, "fewer-handoffs", "fewer-handoffs", finding, assignments,
                            reason=f"at most {limit} hand-offs on the worst way", estimate=float("inf"))]


def fewer_departments(base: Baseline, finding: Finding) -> list[Plan]:
    journey, analysis = base.journey, base.analysis
    limit = base.options(finding.rule).get("max", 3)
    way = [s for s in analysis.most_likely_way if s in journey.steps and journey.steps[s].is_handling]
    departments = [journey.steps[s].department for s in way]
    assignments: dict[str, str] = {}
    while len(set(departments)) > limit:
        first_met = {d: departments.index(d) for d in departments}
        # the department with the fewest steps on the way (ties: the one met last) hands them on
        chosen = min(first_met, key=lambda d: (departments.count(d), -first_met[d]))
        for i, department in enumerate(departments):
            if department != chosen:
                continue
            before = [departments[j] for j in range(i - 1, -1, -1) if departments[j] != chosen]
            after = [departments[j] for j in range(i + 1, len(departments)) if departments[j] != chosen]
            target = before[0] if before else after[0] if after else None
            if target is None:
                return []
            departments[i] = target
            assignments[way[i]] = target
    if not assignments:
        return []
    return [department_plan(base, "fewer-departments", "fewer-departments", finding, assignments,
                            reason=f"at most {limit} departments on the most likely way", estimate=float("inf"))]


def merge_verifications(base: Baseline, finding: Finding) -> list[Plan]:
    ops: list = []
    first = None
    removed: list[str] = []
    for _ in range(MAX_ROUNDS):
        if ops:
            draft, _, _ = base.edit([Plan("merge", "merge", finding.rule, "", "", (), tuple(ops))])
            journey, analysis = base.analyse(draft)
        else:
            journey, analysis = base.journey, base.analysis
        base.charge(0.5)  # the worst way for verifications
        worst = worst_way(journey, analysis.graph, lambda step: 1.0 if step.kind == "verification" else 0.0)
        checks = [s for s in worst.steps if s in journey.steps and journey.steps[s].kind == "verification"]
        if len(checks) <= 1:
            break
        if first is None:
            first = checks[0]
        elif checks[0] != first:
            return []
        later = [s for s in checks[1:] if _removable(journey, s, first)]
        if not later:
            return []
        moved: list[str] = []
        duration = 0.0
        for step_id in later:
            step = journey.steps[step_id]
            new_items = [item for item in step.asks if item not in analysis.held_must.get(step_id, frozenset())]
            if new_items:
                moved += [item for item in new_items if item not in moved]
                duration += step.duration_s
            ops.append(DeleteStep(step_id, f"a check '{first}' already made on every way here"))
            removed.append(step_id)
        head = journey.steps[first]
        if moved:
            ops.append(SetAsks(first, head.asks + tuple(item for item in moved if item not in head.asks),
                               f"also asks what {join(q(s) for s in later)} asked"))
            ops.append(SetTime(first, "duration", head.duration_s + duration, f"takes the time of {join(q(s) for s in later)}'s questions"))
    else:
        return []
    if first is None or not removed:
        return []
    return [
        Plan(
            id=f"merge-verifications@{first}",
            kind="merge-verifications",
            rule=finding.rule,
            title=f"Verify the customer once, at {q(first)}: remove {join(q(s) for s in removed)}",
            reason=f"every way to {'them' if len(removed) > 1 else 'it'} passes {q(first)}",
            targets=(finding.fingerprint,),
            ops=tuple(ops),
            estimate=float("inf"),
        )
    ]


def _removable(journey: Journey, step_id: str, first: str) -> bool:
    step = journey.steps[step_id]
    return (
        step_id not in (first, journey.start)
        and step.end is None
        and bool(step.next)
        and all(edge.target != step_id for edge in step.next)
        and dominates(journey, first, step_id)
    )


def add_feedback(base: Baseline, finding: Finding) -> list[Plan]:
    journey, analysis = base.journey, base.analysis
    ends = [s for s, step in journey.steps.items() if step.end == "success" and s in analysis.reachable]
    if not ends:
        return []
    end = max(ends, key=lambda s: (analysis.absorption.get(s, 0.0), -journey.steps[s].index))
    step = journey.steps[end]
    survey = new_step_id(base, "feedback-survey")
    channel = step.channel if step.channel not in INTERNAL_CHANNELS else "email"
    ops = (
        NewStep(survey, "Two-question survey: how did it go?", last_department(base, end), channel, "customer", "feedback",
                "the customer says how it went", duration_s=60.0, end=step.end),
        EndToNext(end, survey, f"goes on to the survey '{survey}'"),
    )
    return [_journey_plan(f"add-feedback@{end}", "add-feedback", finding, ops,
                          f"Ask for feedback after {q(end)} (a two-question survey, '{survey}')",
                          "unhappy customers can say what went wrong")]


def add_follow_up(base: Baseline, finding: Finding) -> list[Plan]:
    journey = base.journey
    ends = [s for s in finding.steps if s in journey.steps and journey.steps[s].end == "success"]
    if not ends:
        return []
    ops: list = []
    added = []
    for end in ends:
        follow_up = new_step_id(base, "follow-up")
        added.append(follow_up)
        ops.append(NewStep(follow_up, "Follow-up: did the customer get what was promised?", last_department(base, end),
                           "email", "system", "follow-up", "checks the customer got the value promised",
                           duration_s=120.0, end=journey.steps[end].end))
        ops.append(EndToNext(end, follow_up, f"goes on to the follow-up '{follow_up}'"))
    return [_journey_plan(f"add-follow-up@{ends[0]}", "add-follow-up", finding, tuple(ops),
                          f"Follow up after {join(q(e) for e in ends)} ({join(repr(a) for a in added)})",
                          "someone checks the customer got the value promised")]


def add_retention_offer(base: Baseline, finding: Finding) -> list[Plan]:
    journey, analysis = base.journey, base.analysis
    steps = journey.steps

    def allowed(step_id: str) -> bool:
        return steps[step_id].actor != "staff" and steps[step_id].kind != "retention-offer"

    if journey.start not in steps or not allowed(journey.start) or steps[journey.start].is_end:
        return []
    reached = {journey.start}
    queue = deque([journey.start])
    ends: dict[str, list[str]] = {}
    while queue:
        current = queue.popleft()
        for edge in steps[current].next:
            target = edge.target
            if target not in steps or not allowed(target):
                continue
            if steps[target].is_end:
                sources = ends.setdefault(target, [])
                if current not in sources:
                    sources.append(current)
            if target not in reached:
                reached.add(target)
                queue.append(target)
    if not ends:
        return []
    ops: list = []
    for end in sorted(ends, key=lambda s: steps[s].index):
        offer = new_step_id(base, "retention-offer")
        lead = likeliest_predecessor(analysis, ends[end], end) or ends[end][0]
        channel = steps[lead].channel if steps[lead].channel not in INTERNAL_CHANNELS else "phone"
        ops.append(NewStep(offer, "An agent asks why the customer leaves and what would keep them", last_department(base, lead),
                           channel, "staff", "retention-offer", "a person talks to the customer before they go",
                           duration_s=300.0, next=((end, 1.0),)))
        ops += [Retarget(source, end, offer, f"goes to the retention offer '{offer}' first") for source in ends[end]]
    return [_journey_plan(f"add-retention-offer@{sorted(ends, key=lambda s: steps[s].index)[0]}", "add-retention-offer",
                          finding, tuple(ops), f"Offer the customer a conversation before {join(q(e) for e in ends)}",
                          "nobody leaves without a person asking why")]


def _journey_plan(plan_id: str, kind: str, finding: Finding, ops: tuple, title: str, reason: str) -> Plan:
    return Plan(plan_id, kind, finding.rule, title, reason, (finding.fingerprint,), ops, estimate=float("inf"))


# rule id -> its planners (silence-gap's and broken-promise's live in their own modules)
PLANNERS: dict[str, tuple[Callable[[Baseline, Finding], list[Plan]], ...]] = {
    "repeated-ask": (use_held_data,),
    "long-wait": (cut_wait,),
    "ping-pong": (keep_with_department,),
    "handoffs": (fewer_handoffs,),
    "departments-touched": (fewer_departments,),
    "repeated-verification": (merge_verifications,),
    "no-feedback": (add_feedback,),
    "no-follow-up": (add_follow_up,),
    "exit-without-human": (add_retention_offer,),
}


def plans_for(base: Baseline, finding: Finding) -> list[Plan]:
    """The plans for one finding (a waived one gets none: it is accepted as it is)."""
    from journeyaudit.fixes.silence import status_messages

    if finding.waived:
        return []
    planners = PLANNERS.get(finding.rule, ())
    if finding.rule == "silence-gap":
        planners = (status_messages,)
    plans = []
    for planner in planners:
        plans += planner(base, finding)
    return plans

