"""The model of a BPMN file: what a journey needs of it, namespace prefixes ignored.

Processes and their flow nodes (activities, gateways, events), lanes (nested
lane sets too), pools (participants) and black-box pools, sequence flows with
their names and percentages, message flows labelled by their message, task
performers. Sub-processes are one node, or their content when flattened;
boundary events and link events become flows of the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from journeyaudit.importers.bpmn.reading import BpmnImportError, attr_by_local_name, clean_text, local_name

ACTIVITY_TAGS = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
}
SUBPROCESS_TAGS = {"subProcess", "transaction", "adHocSubProcess"}
GATEWAY_TAGS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
EVENT_TAGS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
FLOW_NODE_TAGS = ACTIVITY_TAGS | GATEWAY_TAGS | EVENT_TAGS
AUTOMATED_TAGS = {"serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask"}
HUMAN_TAGS = {"userTask", "manualTask"}
PERFORMER_TAGS = {"potentialOwner", "humanPerformer", "performer"}

PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


# how many sub-processes inside each other --flatten-subprocesses opens; no drawn model comes near
MAX_FLATTENED_DEPTH = 200


@dataclass
class _Node:
    id: str
    tag: str
    name: str
    process: str
    order: int
    element: Element | None = None
    event_defs: frozenset = frozenset()
    timer: str | None = None
    link: str | None = None
    attached_to: str | None = None
    parent_sub: str | None = None  # the flattened sub-process that holds it
    flattened: bool = False  # a sub-process replaced by its content
    lane: tuple[int, str | None, str] | None = None  # depth, name, lane id
    performer: str | None = None
    transparent_end: bool = False  # end event inside a flattened sub-process

    @property
    def is_activity(self) -> bool:
        return self.tag in ACTIVITY_TAGS and not self.flattened

    @property
    def is_catch(self) -> bool:
        return self.tag == "intermediateCatchEvent" and "link" not in self.event_defs

    @property
    def is_end(self) -> bool:
        return self.tag == "endEvent" and not self.transparent_end

    @property
    def is_stop(self) -> bool:
        """Where a walk through the flow stops: a step or a candidate for one."""
        return self.is_activity or self.is_catch or self.is_end


@dataclass
class _Flow:
    target: str
    label: str | None
    percent: float | None
    kind: str  # "seq", "msg", "boundary", "link", "sub"


@dataclass

class _Model:
    """The parts of a BPMN file the journey needs, namespace prefixes ignored."""

    def __init__(self, root: Element, flatten: bool):
        self.root = root
        self.flatten = flatten
        self.title = clean_text(root.get("name"))
        self.nodes: dict[str, _Node] = {}
        self.inner_owner: dict[str, str] = {}  # node inside a collapsed sub-process -> the sub-process
        self.flows: dict[str, list[_Flow]] = {}
        self.seq_flows: list[tuple[str, str, str | None, str | None, float | None]] = []
        self.defaults: set[str] = set()  # ids of default sequence flows
        self.processes: dict[str, Element] = {}
        self.participants: dict[str, tuple[str, str | None]] = {}  # id -> (name, processRef)
        self.message_flows: list[tuple[str, str, str]] = []  # source, target, label
        self.messages: dict[str, str] = {}
        self.resources: dict[str, str] = {}
        self.skipped: list[str] = []
        self._order = 0

        message_refs: list[str | None] = []
        for element in root:
            tag = local_name(element.tag)
            if tag == "process":
                self.processes[element.get("id", f"process-{len(self.processes) + 1}")] = element
            elif tag == "collaboration":
                for child in element:
                    child_tag = local_name(child.tag)
                    if child_tag == "participant":
                        self.participants[child.get("id", "")] = (
                            clean_text(child.get("name")),
                            child.get("processRef"),
                        )
                    elif child_tag == "messageFlow":
                        self.message_flows.append(
                            (child.get("sourceRef", ""), child.get("targetRef", ""), clean_text(child.get("name")))
                        )
                        message_refs.append(child.get("messageRef"))
            elif tag == "message":
                self.messages[element.get("id", "")] = clean_text(element.get("name"))
            elif tag == "resource":
                self.resources[element.get("id", "")] = clean_text(element.get("name"))
        # An unnamed message flow is labelled by its message ("Invoice by e-mail").
        self.message_flows = [
            (source, target, label or self.messages.get(ref or "", ""))
            for (source, target, label), ref in zip(self.message_flows, message_refs)
        ]

        for process_id, element in self.processes.items():
            self._collect(element, process_id, None)
            self._assign_lanes(element)
        self._build_flows()

    # -- reading -------------------------------------------------------------

    def _collect(self, container: Element, process_id: str, parent_sub: str | None, depth: int = 0) -> None:
        if depth > MAX_FLATTENED_DEPTH:  # one Python call per level: thousands would exhaust the interpreter's stack
            raise BpmnImportError(
                f"sub-processes nested deeper than {MAX_FLATTENED_DEPTH} levels (at {parent_sub!r}): "
                "import without --flatten-subprocesses"
            )
        for element in container:
            tag = local_name(element.tag)
            if tag in FLOW_NODE_TAGS:
                node_id = element.get("id")
                if not node_id:
                    continue
                if tag in SUBPROCESS_TAGS and element.get("triggeredByEvent") == "true":
                    self.skipped.append(
                        f"event sub-process {clean_text(element.get('name')) or node_id!r} left out: "
                        "it interrupts the flow rather than following it"
                    )
                    self._mark_inner(element, node_id)
                    continue
                self._order += 1
                node = _Node(node_id, tag, clean_text(element.get("name")), process_id, self._order, element)
                node.parent_sub = parent_sub
                node.attached_to = element.get("attachedToRef")
                definitions = set()
                for child in element:
                    child_tag = local_name(child.tag)
                    if child_tag.endswith("EventDefinition"):
                        kind = child_tag[: -len("EventDefinition")]
                        definitions.add(kind)
                        if kind == "timer":
                            for timer_child in child:
                                if local_name(timer_child.tag) == "timeDuration":
                                    node.timer = clean_text(timer_child.text)
                        if kind == "link":
                            node.link = clean_text(child.get("name")) or node.name
                    elif child_tag in PERFORMER_TAGS and node.performer is None:
                        node.performer = self._performer_name(child)
                node.event_defs = frozenset(definitions)
                if node.performer is None:
                    groups = attr_by_local_name(element, "candidateGroups")
                    if groups:
                        node.performer = groups.split(",")[0].strip() or None
                self.nodes[node_id] = node
                if tag in SUBPROCESS_TAGS:
                    # An empty (collapsed) sub-process has nothing to flatten: it stays a step.
                    if self.flatten and any(local_name(child.tag) in ACTIVITY_TAGS for child in element):
                        node.flattened = True
                        self._collect(element, process_id, node_id, depth + 1)
                        self._assign_lanes(element)
                    else:
                        self._mark_inner(element, node_id)
            elif tag == "sequenceFlow":
                source, target = element.get("sourceRef"), element.get("targetRef")
                if not source or not target:
                    continue
                name = clean_text(element.get("name"))
                condition = None
                for child in element:
                    if local_name(child.tag) == "conditionExpression":
                        condition = clean_text(child.text)
                percent = None
                for text in (name, condition):
                    match = PERCENT.search(text or "")
                    if match and 0 <= float(match.group(1)) <= 100:
                        percent = float(match.group(1)) / 100
                        break
                self.seq_flows.append((element.get("id", ""), source, target, name or None, percent))
            default = element.get("default")
            if tag in GATEWAY_TAGS | ACTIVITY_TAGS and default:
                self.defaults.add(default)

    def _mark_inner(self, container: Element, owner: str) -> None:
        for element in container.iter():
            node_id = element.get("id")
            if node_id and local_name(element.tag) in FLOW_NODE_TAGS and node_id != owner:
                self.inner_owner.setdefault(node_id, owner)

    def _performer_name(self, performer: Element) -> str | None:
        for child in performer.iter():
            if local_name(child.tag) == "resourceRef" and child.text:
                name = self.resources.get(child.text.strip())
                if name:
                    return name
            if local_name(child.tag) == "formalExpression" and child.text and child.text.strip():
                return clean_text(child.text)
        return None

    def _assign_lanes(self, container: Element) -> None:
        def walk(lane_set: Element) -> None:
            # lanes in document order, the innermost winning; a stack of our own, not recursion:
            # lanes nested thousands deep must not exhaust Python's
            pending = [(iter(lane_set), 0)]
            while pending:
                lanes, depth = pending[-1]
                lane = next(lanes, None)
                if lane is None:
                    pending.pop()
                    continue
                if local_name(lane.tag) != "lane":
                    continue
                entry = (depth, clean_text(lane.get("name")) or None, lane.get("id", ""))
                inner = []
                for child in lane:
                    child_tag = local_name(child.tag)
                    if child_tag == "flowNodeRef" and child.text:
                        node = self.nodes.get(child.text.strip())
                        if node and (node.lane is None or node.lane[0] < depth):
                            node.lane = entry
                    elif child_tag == "childLaneSet":
                        inner.append(child)
                pending.extend((iter(child), depth + 1) for child in reversed(inner))

        for child in container:
            if local_name(child.tag) == "laneSet":
                walk(child)

    # -- the flow graph --------------------------------------------------------

    def _add(self, source: str, flow: _Flow) -> None:
        self.flows.setdefault(source, []).append(flow)

    def _build_flows(self) -> None:
        exits = {node.id: f"{node.id}#exit" for node in self.nodes.values() if node.flattened}
        for flow_id, source, target, name, percent in self.seq_flows:
            if source not in self.nodes or target not in self.nodes:
                continue
            label = name
            if label is None and flow_id in self.defaults:
                label = "otherwise"
            self._add(exits.get(source, source), _Flow(target, label, percent, "seq"))
        for node in list(self.nodes.values()):
            if node.flattened:
                inner = [n for n in self.nodes.values() if n.parent_sub == node.id]
                targets = {target for flows in self.flows.values() for target in (f.target for f in flows)}
                starts = [n for n in inner if n.tag == "startEvent"] or [
                    n for n in inner if n.id not in targets and n.tag != "boundaryEvent"
                ]
                for start in starts:
                    self._add(node.id, _Flow(start.id, None, None, "sub"))
                if self.flows.get(exits[node.id]):
                    for end in inner:
                        if end.tag == "endEvent" and not ({"error", "cancel", "terminate"} & end.event_defs):
                            end.transparent_end = True
                            self._add(end.id, _Flow(exits[node.id], None, None, "sub"))
                # The exit is a plain pass-through node.
                self.nodes[exits[node.id]] = _Node(
                    exits[node.id], "subProcessExit", node.name, node.process, node.order, None, parent_sub=node.id
                )
            if node.tag == "boundaryEvent" and node.attached_to in self.nodes:
                kind = next(iter(sorted(node.event_defs)), "event")
                label = f"{node.name} ({kind})" if node.name else f"{kind} event"
                self._add(node.attached_to, _Flow(node.id, label, None, "boundary"))
        links = {}
        for node in self.nodes.values():
            if node.tag == "intermediateCatchEvent" and "link" in node.event_defs:
                links[(node.process, node.link)] = node.id
        for node in self.nodes.values():
            if node.tag == "intermediateThrowEvent" and "link" in node.event_defs:
                target = links.get((node.process, node.link))
                if target:
                    self._add(node.id, _Flow(target, None, None, "link"))

    # -- who is who --------------------------------------------------------------

    def participant_of(self, process_id: str) -> tuple[str | None, str | None]:
        for participant_id, (name, process_ref) in self.participants.items():
            if process_ref == process_id:
                return participant_id, name or None
        return None, None

    def process_name(self, process_id: str) -> str:
        _, pool = self.participant_of(process_id)
        return pool or clean_text(self.processes[process_id].get("name")) or process_id

    def has_flow_nodes(self, process_id: str) -> bool:
        return any(node.process == process_id for node in self.nodes.values())

    def resolve(self, ref: str) -> tuple[str, str]:
        """A message-flow end: ("node", id), ("pool", participant id) or ("none", "")."""
        ref = self.inner_owner.get(ref, ref)
        if ref in self.nodes:
            return "node", ref
        if ref in self.participants:
            return "pool", ref
        return "none", ""

    def black_box_pools(self) -> dict[str, str]:
        """Participant id -> name for pools without a process of their own."""
        pools = {}
        for participant_id, (name, process_ref) in self.participants.items():
            if not process_ref or process_ref not in self.processes or not self.has_flow_nodes(process_ref):
                pools[participant_id] = name or participant_id
        return pools

