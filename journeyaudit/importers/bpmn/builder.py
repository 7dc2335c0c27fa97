"""Building a journey from the case's flow: steps, departments, channels, waits, branches.

`import_bpmn` is the entry point: one journey per process, or per group of
pools that exchange messages. `_JourneyBuilder.build` turns the flow of one
group into a journey dict (format v1) and keeps every guess as a comment on
the value it produced, for the journey writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from journeyaudit.common.text import slugify
from journeyaudit.importers.bpmn.case_flow import _Branch, _CaseFlow
from journeyaudit.importers.bpmn.guesses import channel_and_actor, title_of, wait_from_timer
from journeyaudit.importers.bpmn.model import _Model, _Node
from journeyaudit.importers.bpmn.reading import BpmnImportError, clean_text, local_name, parse_xml
from journeyaudit.importers.journey_writer import Layout, Quoting

# Quotes only where YAML would misread; a department on one line, `{title: ...}`.
YAML_LAYOUT = Layout(Quoting.MINIMAL, one_line_departments=True)


@dataclass
class ImportedJourney:
    """One journey made from one process (or from pools linked by messages)."""

    name: str  # suggested file stem, a slug
    journey: dict
    # Comments for the YAML writer, keyed by the path of the value they explain,
    # e.g. ("steps", "open-ticket", "channel"); ("steps", "open-ticket") is the step's own line.
    comments: dict[tuple, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)


def bpmn_id(text: str, prefix: str = "s") -> str:
    """A journey id: lowercase ASCII letters, digits and '-', starting with a letter, at most 48 characters."""
    return slugify(text, prefix, keep_underscores=False, max_length=48)


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _format_when(labels: list[str]) -> str | None:
    labels = [label for label in labels if label]
    return " / ".join(dict.fromkeys(labels)) or None


@dataclass
class _Plan:
    """Which nodes of the flow become steps, and where each one leads."""

    start_id: str  # the node the case starts at
    journey_start: str  # the first step: the start event stands for it when it leads to one step
    start_is_step: bool
    folded: dict[str, str]  # catch event -> the step it is folded into, as its wait
    step_nodes: list[str]  # the nodes that become steps, in walking order from the start
    end_of: dict[str, str]  # step node -> its end outcome
    next_of: dict[str, list[_Branch]]  # step node -> its branches
    step_id: dict[str, str]  # step node -> its id in the journey


def _through_folded(branches: list[_Branch], folded: dict[str, str]) -> list[_Branch]:
    """The branches with a folded catch event replaced by the step it is folded into."""
    resolved: dict[str, _Branch] = {}
    for branch in branches:
        target = folded.get(branch.target, branch.target)
        if target in resolved:
            resolved[target].p += branch.p
            resolved[target].labels += branch.labels
        else:
            resolved[target] = _Branch(target, branch.p, list(branch.labels), branch.given, branch.parallel)
    return list(resolved.values())


class _JourneyBuilder(_CaseFlow):
    """Builds one journey from a set of processes that exchange messages."""

    def __init__(self, model: _Model, process_ids: list[str], source_name: str):
        super().__init__(model, process_ids)
        self.source_name = source_name

    def _department_of(self, node: _Node) -> tuple[str, str | None]:
        """(title, why it was guessed or None) for the department owning a node."""
        holder = node
        while holder.lane is None and holder.parent_sub and holder.parent_sub in self.model.nodes:
            holder = self.model.nodes[holder.parent_sub]
        _, pool = self.model.participant_of(node.process)
        if holder.lane is not None:
            _, lane_name, lane_id = holder.lane
            if lane_name:
                return lane_name, None
            if pool:
                return pool, "department from the pool: the lane has no name"
            return lane_id, "department from the lane id: the lane has no name"
        if pool:
            return pool, None
        if node.performer:
            return node.performer, None
        process_name = clean_text(self.model.processes[node.process].get("name"))
        if process_name:
            return process_name, "department guessed: no lane, pool or performer, named after the process"
        return "Unassigned", "department guessed: no lane, pool or performer in the model"

    def _choose_start(self) -> str | None:
        starts = [
            n
            for n in self.nodes.values()
            if n.tag == "startEvent" and n.parent_sub is None and n.id not in self.model.inner_owner
        ]
        internal_targets = {f.target for flows in self.flows.values() for f in flows if f.kind == "msg"}

        def rank(node: _Node) -> tuple:
            return (
                node.id not in self.customer_black_box_touch,
                node.process not in self.customer_processes,
                node.id in internal_targets,
                node.order,
            )

        if starts:
            return min(starts, key=rank).id
        activities = [n for n in self.nodes.values() if n.is_activity]
        if not activities:
            return None
        targets = {f.target for flows in self.flows.values() for f in flows}
        without_incoming = [n for n in activities if n.id not in targets]
        return min(without_incoming or activities, key=lambda n: n.order).id

    def build(self, journey_name: str, journey_title: str) -> ImportedJourney:
        start_id = self._choose_start()
        if start_id is None:
            raise ValueError("no tasks")
        plan = self._plan(start_id)
        has_customer_info = bool(self.customer_pools or self.customer_processes)
        comments: dict[tuple, str] = {}
        departments: dict[str, dict] = {}
        department_comments: dict[str, str] = {}
        steps: dict[str, dict] = {}
        for node_id in plan.step_nodes:
            sid = plan.step_id[node_id]
            step, notes = self._step(node_id, plan, has_customer_info, departments, department_comments)
            steps[sid] = step
            comments.update({("steps", sid, key): note for key, note in notes.items()})

        journey: dict = {"journeyaudit": 1, "title": journey_title, "departments": {}, "start": plan.step_id[plan.journey_start], "steps": steps}
        for department_id in departments:
            journey["departments"][department_id] = departments[department_id]
            if department_id in department_comments:
                comments[("departments", department_id)] = department_comments[department_id]
        if next(iter(steps)) == plan.step_id[plan.journey_start]:
            del journey["start"]  # the first step is the default start
        return ImportedJourney(journey_name, journey, comments, self._header(has_customer_info))

    # -- which nodes become steps ----------------------------------------------------

    def _plan(self, start_id: str) -> _Plan:
        stops = [n.id for n in sorted(self.nodes.values(), key=lambda n: n.order) if n.is_stop]
        sources = [start_id] + [s for s in stops if s != start_id]
        reached = {s: self.reach(s) for s in sources}
        folded = self._fold_catch_events(stops, reached)

        # The start event stands for the first step when it leads to exactly one.
        first = _through_folded(reached[start_id], folded) if not self.nodes[start_id].is_stop else []
        start_is_step = self.nodes[start_id].is_stop or not (
            len(first) == 1 and not self.nodes[first[0].target].is_end
        )
        journey_start = start_id if start_is_step else first[0].target

        step_nodes, end_of, next_of = self._walk_steps(journey_start, stops, reached, folded)
        return _Plan(
            start_id, journey_start, start_is_step, folded, step_nodes, end_of, next_of, self._step_ids(step_nodes)
        )

    def _fold_catch_events(self, stops: list[str], reached: dict[str, list[_Branch]]) -> dict[str, str]:
        """Catch event -> the step after it, when that step is reached only through the event.

        The event becomes the step's wait.
        """
        predecessors: dict[str, set[str]] = {}
        for source, branches in reached.items():
            for branch in branches:
                predecessors.setdefault(branch.target, set()).add(source)
        folded: dict[str, str] = {}
        for node_id in stops:
            node = self.nodes[node_id]
            if not node.is_catch:
                continue
            branches = reached[node_id]
            if (
                len(branches) == 1
                and self.nodes[branches[0].target].is_activity
                and predecessors.get(branches[0].target) == {node_id}
                and branches[0].target != node_id
            ):
                folded[node_id] = branches[0].target
        return folded

    def _walk_steps(
        self, journey_start: str, stops: list[str], reached: dict[str, list[_Branch]], folded: dict[str, str]
    ) -> tuple[list[str], dict[str, str], dict[str, list[_Branch]]]:
        """The nodes that become steps in walking order from the start, their end outcomes and branches."""
        step_nodes: list[str] = []
        end_of: dict[str, str] = {}
        next_of: dict[str, list[_Branch]] = {}
        seen: set[str] = set()

        def needs(start: str) -> None:
            # depth first, in branch order, with a stack of our own: a chain of 20,000 tasks
            # is as deep, far past Python's recursion limit
            pending = [iter([start])]
            while pending:
                node_id = next(pending[-1], None)
                if node_id is None:
                    pending.pop()
                    continue
                if node_id in seen:
                    continue
                seen.add(node_id)
                step_nodes.append(node_id)
                node = self.nodes[node_id]
                if node.is_end:
                    end_of[node_id] = self.outcome(node)
                    continue
                branches = _through_folded(reached.get(node_id, []), folded)
                ends = [b for b in branches if self.nodes[b.target].is_end]
                outcomes = {self.outcome(self.nodes[b.target]) for b in ends}
                if ends and len(ends) == len(branches) and len(outcomes) == 1:
                    end_of[node_id] = outcomes.pop()
                    continue
                next_of[node_id] = branches
                pending.append(iter([branch.target for branch in branches]))

        needs(journey_start)
        for node_id in stops:
            node = self.nodes[node_id]
            if node_id in folded or node_id in seen or node.is_end:
                continue
            needs(node_id)
        return step_nodes, end_of, next_of

    def _step_ids(self, step_nodes: list[str]) -> dict[str, str]:
        taken: set[str] = set()
        step_id: dict[str, str] = {}
        for node_id in step_nodes:
            node = self.nodes[node_id]
            prefix = "wait" if node.is_catch else "end" if node.is_end else "step"
            step_id[node_id] = _unique(bpmn_id(title_of(node)[0], prefix), taken)
        return step_id

    # -- one step ----------------------------------------------------------------------

    def _step(
        self,
        node_id: str,
        plan: _Plan,
        has_customer_info: bool,
        departments: dict[str, dict],
        department_comments: dict[str, str],
    ) -> tuple[dict, dict[str, str]]:
        """The step a node becomes, and the notes on its fields (field -> note)."""
        node = self.nodes[node_id]
        notes: dict[str, str] = {}
        title, title_note = title_of(node)
        department_title, department_note = self._department_of(node)
        department_id = bpmn_id(department_title, "dept")
        if department_id not in departments:
            departments[department_id] = {"title": department_title}
            if department_note:
                department_comments[department_id] = department_note
        step: dict = {"title": title, "department": department_id}
        if title_note:
            notes["title"] = title_note
        if department_note:
            notes["department"] = department_note
        self._add_channel_and_actor(step, notes, node_id, plan, has_customer_info)
        self._add_wait(step, notes, node_id, plan)
        external = self.external_notes.get(node_id)
        if external and "title" not in notes:
            notes["title"] = "; ".join(dict.fromkeys(external))
        self._add_way_on(step, notes, node_id, plan)
        return step, notes

    def _add_channel_and_actor(
        self, step: dict, notes: dict[str, str], node_id: str, plan: _Plan, has_customer_info: bool
    ) -> None:
        # Messages with the customer on this step or on the events folded into it.
        touching = list(self.customer_touch.get(node_id, []))
        for catch, target in plan.folded.items():
            if target == node_id:
                touching += self.customer_touch.get(catch, [])
        if node_id == plan.journey_start and not plan.start_is_step:
            touching += self.customer_touch.get(plan.start_id, [])
        node = self.nodes[node_id]
        channel, channel_note, actor, actor_note, kind = channel_and_actor(
            node, touching, node.process in self.customer_processes, has_customer_info
        )
        step["channel"] = channel
        if channel_note:
            notes["channel"] = channel_note
        step["actor"] = actor
        if actor_note:
            notes["actor"] = actor_note
        if kind:
            step["kind"] = kind

    def _add_wait(self, step: dict, notes: dict[str, str], node_id: str, plan: _Plan) -> None:
        """The wait of the catch events folded into the step (or of the step, a waiting point)."""
        waits = [catch for catch, target in plan.folded.items() if target == node_id]
        if self.nodes[node_id].is_catch:
            waits.append(node_id)
        for catch in waits:
            catch_node = self.nodes[catch]
            wait, note = wait_from_timer(catch_node)
            what = catch_node.name or next(iter(sorted(catch_node.event_defs)), "an event")
            event_kind = ", ".join(sorted(catch_node.event_defs)) or "none"
            if wait:
                step["wait"] = wait
                notes["wait"] = note
            elif catch != node_id:
                notes.setdefault(
                    "title", f"after waiting for {what!r} ({event_kind} event): {note or 'add a wait if you know it'}"
                )
            else:
                notes.setdefault(
                    "title", f"a waiting point of the model ({event_kind} event): {note or 'add a wait if you know it'}"
                )

    def _add_way_on(self, step: dict, notes: dict[str, str], node_id: str, plan: _Plan) -> None:
        """`end` or `next`; a step with neither says so in its title's note."""
        if node_id in plan.end_of:
            step["end"] = plan.end_of[node_id]
            if plan.end_of[node_id] == "failure":
                notes["end"] = "failure: an error/cancel end event, an end after an error, or an end named like a failure"
            return
        branches = plan.next_of.get(node_id, [])
        if branches:
            step["next"], note = self._format_next(branches, plan.step_id)
            if note:
                notes["next"] = note
        elif self.model.flows.get(node_id):
            # Its way on waits for a message the case reaches by another
            # way (see _stitch_messages): a parallel branch that stops here.
            step["end"] = "success"
            notes["end"] = "guessed: a parallel branch of the model; the case goes on by a message elsewhere"
        else:
            note = notes.get("title")
            dead_end = "no way on in the model: add `next` or `end`"
            notes["title"] = f"{note}; {dead_end}" if note else dead_end

    def _header(self, has_customer_info: bool) -> list[str]:
        header = [f"Imported from {self.source_name} by `journeyaudit import bpmn`."]
        names = [self.model.process_name(pid) for pid in self.process_ids]
        if len(names) > 1:
            header.append("Pools linked by message flows, merged into one journey: " + ", ".join(names) + ".")
        else:
            header.append(f"Process: {names[0]} (id {self.process_ids[0]}).")
        header.append("Values marked in comments were guessed: check them, then add waits, durations and asks.")
        if not has_customer_info:
            header.append("No pool stands for the customer: every channel is a guess.")
        header += [note[0].upper() + note[1:] + "." for note in self.model.skipped]
        return header

    def _format_next(self, branches: list[_Branch], step_id: dict[str, str]) -> tuple[str | list[dict], str | None]:
        """`next`: one step id, or the branches with their p and when; and the note on how p was found."""
        if len(branches) == 1:
            return step_id[branches[0].target], None
        equal = all(abs(b.p - branches[0].p) < 1e-9 for b in branches)
        given = any(b.given for b in branches)
        parallel = any(b.parallel for b in branches)
        out = []
        for branch in branches:
            entry: dict = {"to": step_id[branch.target]}
            if not equal:
                entry["p"] = round(branch.p, 6)
            when = _format_when(branch.labels)
            if when:
                entry["when"] = when
            out.append(entry)
        if not equal:
            # Rounded shares must still add up to 1.
            out[-1]["p"] = round(1.0 - sum(e["p"] for e in out[:-1]), 6)
        if given:
            note = "probabilities from the flow names of the model"
        elif equal:
            note = "equal chances: the model gives no probabilities"
        else:
            note = "equal chances at each gateway (the model gives no probabilities), multiplied along the way"
        if parallel:
            note += "; parallel in the model: the journey follows one branch at a time"
        return out, note


def _components(model: _Model, process_ids: list[str]) -> list[list[str]]:
    """Processes linked by message flows, in file order."""
    parent = {pid: pid for pid in process_ids}

    def find(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for source_ref, target_ref, _ in model.message_flows:
        source_kind, source = model.resolve(source_ref)
        target_kind, target = model.resolve(target_ref)
        if source_kind == target_kind == "node":
            a, b = model.nodes[source].process, model.nodes[target].process
            if a in parent and b in parent:
                parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for pid in process_ids:
        groups.setdefault(find(pid), []).append(pid)
    return list(groups.values())


def import_bpmn(path: Path | str, process: str | None = None, flatten: bool = False) -> list[ImportedJourney]:
    """One journey per process, or per group of pools that exchange messages."""
    path = Path(path)
    root = parse_xml(path)
    try:
        model = _Model(root, flatten)
    except BpmnImportError as refused:
        raise BpmnImportError(f"{path}: {refused}") from None
    with_nodes = [pid for pid in model.processes if any(n.is_activity for n in model.nodes.values() if n.process == pid)]
    if not with_nodes:
        has_choreography = any(local_name(e.tag) == "choreography" for e in root)
        what = "only a choreography" if has_choreography else "no process with tasks"
        raise BpmnImportError(f"{path}: nothing to import: the model has {what}")

    if process is not None:
        wanted = [
            pid
            for pid in with_nodes
            if process in (pid, model.participant_of(pid)[0])
            or bpmn_id(process) in (bpmn_id(model.process_name(pid)), bpmn_id(pid))
        ]
        if not wanted:
            choices = ", ".join(f"{pid} ({model.process_name(pid)})" for pid in with_nodes)
            raise BpmnImportError(f"{path}: no process {process!r}; the model has: {choices}")
        groups = [[wanted[0]]]
    else:
        groups = _components(model, with_nodes)

    journeys: list[ImportedJourney] = []
    taken: set[str] = set()
    file_title = model.title or re.sub(r"[_\s]+", " ", path.stem).strip()
    for group in groups:
        builder = _JourneyBuilder(model, group, path.name)
        start = builder._choose_start()
        main_process = builder.nodes[start].process if start else group[0]
        name = model.process_name(main_process)
        named = name != main_process  # process_name falls back to the process id
        # Title: the pool or process name; pools merged into the only journey of
        # the file, or an unnamed process, take the model's name.
        if model.title and len(groups) == 1 and (len(group) > 1 or not named):
            title = model.title
        else:
            title = name if named else file_title
        journey_name = _unique(bpmn_id(name if named else file_title, "journey"), taken)
        journeys.append(builder.build(journey_name, title))
    return journeys
