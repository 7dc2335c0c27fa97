"""Turn a BPMN 2.0 model into journey dicts (format v1), ready for the YAML writer.

The conversion is a draft for a consultant to enrich, so every guess is kept
next to the value it produced (see `ImportedJourney.comments`). The heuristics
are described for users in docs/import-bpmn.md; in short:

- departments: innermost named lane, else the pool, else the task performer
  (`potentialOwner`/`performer` resources, `camunda:candidateGroups`);
- steps: activities; a sub-process is one step unless flattened;
- intermediate catch events (timer, message, ...) fold into a `wait` on the
  next step when that step is reached only through them, otherwise they stay
  as a waiting step of their own;
- gateways fold into `next` branches, equal chances unless a flow name gives a
  percentage;
- pools that exchange messages are one organisation: the case follows the
  message flows, so a model with one pool per department gives the same
  hand-offs as one pool with a lane per department;
- a black-box pool named like a customer makes its message flows contacts.

XML is parsed with defusedxml: DTD entities and external references are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from journeyaudit.common.durations import DurationError, parse_duration
from journeyaudit.common.text import slugify

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

CUSTOMER_WORDS = re.compile(
    r"\b(customers?|clients?|consumers?|patients?|citizens?|applicants?|buyers?|users?|members?|guests?|"
    r"passengers?|students?|tenants?|callers?|requesters?|requestors?|prospects?|visitors?|subscribers?|"
    r"policy ?holders?|kunden?|kundin)\b",
    re.IGNORECASE,
)
DEPARTMENT_WORDS = re.compile(
    r"\b(service|services|care|support|success|relations?|management|manager|department|dept|team|desk|"
    r"cent(er|re)|office|experience|advisors?|agents?|onboarding)\b",
    re.IGNORECASE,
)
FAILURE_WORDS = re.compile(
    r"\b(fail\w*|reject\w*|cancel\w*|declin\w*|abort\w*|error\w*|refus\w*|denied|deny|not|unsuccessful\w*|"
    r"no|without|lost|invalid\w*|timeout|timed out|expired|withdraw\w*)\b",
    re.IGNORECASE,
)
# Words in a task, message or flow name that reveal the channel, first match wins.
CHANNEL_WORDS = [
    ("email", re.compile(r"\b(e-?mails?|mails? to|by mail|inbox)\b", re.IGNORECASE)),
    ("phone", re.compile(r"\b(phone\w*|call\w*|telephone|hotline|ivr)\b", re.IGNORECASE)),
    ("sms", re.compile(r"\b(sms|text message)\b", re.IGNORECASE)),
    ("chat", re.compile(r"\b(chat\w*)\b", re.IGNORECASE)),
    ("app", re.compile(r"\b(app|mobile)\b", re.IGNORECASE)),
    ("web", re.compile(r"\b(web\w*|online|portal|internet|website|form)\b", re.IGNORECASE)),
    ("mail", re.compile(r"\b(letter|post|postal|mail)\b", re.IGNORECASE)),
    ("branch", re.compile(r"\b(branch|desk|counter|office|in person|visit\w*|meeting|interview\w*)\b", re.IGNORECASE)),
]
NAMED_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|[smhdw])\b", re.IGNORECASE
)
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


class BpmnImportError(Exception):
    """Bad input: the message is one line that names the file."""


@dataclass
class ImportedJourney:
    """One journey made from one process (or from pools linked by messages)."""

    name: str  # suggested file stem, a slug
    journey: dict
    # Comments for the YAML writer, keyed by the path of the value they explain,
    # e.g. ("steps", "open-ticket", "channel"); ("steps",) is the key line itself.
    comments: dict[tuple, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)


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
class _Branch:
    target: str
    p: float
    labels: list[str]
    given: bool  # the probability came from the model
    parallel: bool  # the path passed a parallel split


def local_name(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def clean_text(text: str | None) -> str:
    return " ".join((text or "").split())


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


def parse_xml(path: Path) -> Element:
    """The root element, parsed safely; BpmnImportError for anything unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BpmnImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BpmnImportError(f"{path}: is a directory, not a BPMN file") from None
    except OSError as exc:
        raise BpmnImportError(f"{path}: cannot read: {exc.strerror}") from None
    parser = SafeElementTree.DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        expat = getattr(parser, "parser", None)  # where the declaration is, as for XML syntax errors
        where = f"{path}:{expat.CurrentLineNumber}:{expat.CurrentColumnNumber + 1}" if expat is not None else f"{path}"
        raise BpmnImportError(
            f"{where}: refused: the XML declares entities or external references "
            f"({type(exc).__name__}); BPMN files never need them, and they can be an attack"
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = re.sub(r":? line \d+, column \d+", "", str(exc)).strip() or "syntax error"
        raise BpmnImportError(f"{path}:{line}:{column + 1}: not well-formed XML: {reason}") from None
    except ValueError as exc:  # e.g. an unknown encoding name
        raise BpmnImportError(f"{path}: cannot decode the XML: {exc}") from None
    if local_name(root.tag) != "definitions":
        raise BpmnImportError(
            f"{path}: not a BPMN 2.0 model: the root element is <{local_name(root.tag)}>, expected <definitions>"
        )
    return root


def _attr_by_local_name(element: Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None


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

    def _collect(self, container: Element, process_id: str, parent_sub: str | None) -> None:
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
                    groups = _attr_by_local_name(element, "candidateGroups")
                    if groups:
                        node.performer = groups.split(",")[0].strip() or None
                self.nodes[node_id] = node
                if tag in SUBPROCESS_TAGS:
                    # An empty (collapsed) sub-process has nothing to flatten: it stays a step.
                    if self.flatten and any(local_name(child.tag) in ACTIVITY_TAGS for child in element):
                        node.flattened = True
                        self._collect(element, process_id, node_id)
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
        def walk(lane_set: Element, depth: int) -> None:
            for lane in lane_set:
                if local_name(lane.tag) != "lane":
                    continue
                entry = (depth, clean_text(lane.get("name")) or None, lane.get("id", ""))
                for child in lane:
                    child_tag = local_name(child.tag)
                    if child_tag == "flowNodeRef" and child.text:
                        node = self.nodes.get(child.text.strip())
                        if node and (node.lane is None or node.lane[0] < depth):
                            node.lane = entry
                    elif child_tag == "childLaneSet":
                        walk(child, depth + 1)

        for child in container:
            if local_name(child.tag) == "laneSet":
                walk(child, 0)

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


def _is_customer_name(name: str | None) -> bool:
    """"VIP customer" stands for the customer; "Customer Service" is a department."""
    return bool(name and CUSTOMER_WORDS.search(name) and not DEPARTMENT_WORDS.search(name))


def _channel_from_words(*texts: str | None) -> str | None:
    for channel, pattern in CHANNEL_WORDS:
        for text in texts:
            if text and pattern.search(text):
                return channel
    return None


def _is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except DurationError:
        return False
    return True


def _wait_from_timer(node: _Node) -> tuple[str | None, str]:
    """The wait a timer event stands for, and how it was found."""
    if "timer" not in node.event_defs:
        return None, ""
    if node.timer and _is_duration(node.timer):
        return node.timer, f"wait from the timer {node.name or 'event'!r} of the model"
    match = NAMED_DURATION.search(node.name or "")
    if match:
        # The unit word's first letter is the journey unit: minutes -> m, hrs -> h.
        wait = f"{match.group(1).replace(',', '.')}{match.group(2)[0].lower()}"
        if _is_duration(wait):
            return wait, f"wait guessed from the timer name {node.name!r}"
    if node.timer:
        return None, f"timer {node.timer!r} is not a fixed duration: add a wait if you know it"
    return None, ""


def end_outcome(node: _Node) -> str:
    """failure for error/cancel end events and ends named like a failure, else success."""
    if {"error", "cancel"} & node.event_defs:
        return "failure"
    if node.name and FAILURE_WORDS.search(node.name):
        return "failure"
    return "success"


def _format_when(labels: list[str]) -> str | None:
    labels = [label for label in labels if label]
    return " / ".join(dict.fromkeys(labels)) or None


class _JourneyBuilder:
    """Builds one journey from a set of processes that exchange messages."""

    def __init__(self, model: _Model, process_ids: list[str], source_name: str):
        self.model = model
        self.process_ids = process_ids
        self.source_name = source_name
        self.nodes = {nid: n for nid, n in model.nodes.items() if n.process in process_ids}
        self.flows: dict[str, list[_Flow]] = {
            nid: list(flows) for nid, flows in model.flows.items() if nid in self.nodes
        }
        self.black_boxes = model.black_box_pools()
        self.customer_pools = {pid for pid, name in self.black_boxes.items() if _is_customer_name(name)}
        self.customer_processes = {
            pid for pid in process_ids if _is_customer_name(model.participant_of(pid)[1])
        }
        self.customer_touch: dict[str, list[str]] = {}  # node -> texts of its messages with the customer
        self.external_notes: dict[str, list[str]] = {}
        self.customer_black_box_touch: set[str] = set()
        self._failure_ends: set[str] | None = None
        self._sequence_parallel_blocks()
        self._stitch_messages()

    # -- parallel blocks -----------------------------------------------------------

    def _sequence_parallel_blocks(self) -> None:
        """Put the branches of a simple parallel block one after the other.

        A journey walks one way at a time, so "A and B at the same time" is
        closer to "A then B" (all steps happen) than to "A or B". Only blocks
        whose branches are plain chains of steps from one parallel split to
        one parallel join are rewritten; anything else stays as branches.
        """
        incoming: dict[str, int] = {}
        for flows in self.flows.values():
            for flow in flows:
                incoming[flow.target] = incoming.get(flow.target, 0) + 1
        with_messages = set()
        for source_ref, target_ref, _ in self.model.message_flows:
            for ref in (source_ref, target_ref):
                kind, node_id = self.model.resolve(ref)
                if kind == "node":
                    with_messages.add(node_id)

        for split in list(self.nodes.values()):
            flows = self.flows.get(split.id, [])
            if split.tag != "parallelGateway" or len(flows) < 2 or any(f.kind != "seq" for f in flows):
                continue
            chains: list[list[str]] = []
            join = None
            for flow in flows:
                chain, node_id = [], flow.target
                while True:
                    node = self.nodes.get(node_id)
                    if node is None:
                        break
                    if node.tag == "parallelGateway":
                        break
                    out = self.flows.get(node_id, [])
                    if (
                        not (node.is_activity or node.is_catch)
                        or len(out) != 1
                        or out[0].kind != "seq"
                        or incoming.get(node_id, 0) != 1
                        or node_id in with_messages
                        or node_id in chain
                    ):
                        node = None
                        break
                    chain.append(node_id)
                    node_id = out[0].target
                if node is None or (join is not None and node_id != join):
                    break
                join = node_id
                chains.append(chain)
            else:
                if join is None or join == split.id or incoming.get(join, 0) != len(flows):
                    continue
                chains = [chain for chain in chains if chain]
                if not chains:
                    continue
                self.flows[split.id] = [_Flow(chains[0][0], None, None, "seq")]
                for chain, next_chain in zip(chains, chains[1:] + [None]):
                    target = next_chain[0] if next_chain else join
                    self.flows[chain[-1]] = [_Flow(target, None, None, "seq")]
                    if next_chain:
                        first = self.nodes[chains[0][0]].name or "the other branch"
                        self.external_notes.setdefault(next_chain[0], []).append(
                            f"parallel with {first!r} in the model: put one after the other"
                        )

    # -- message flows -----------------------------------------------------------

    def _stitch_messages(self) -> None:
        model = self.model
        internal: list[tuple[str, str, str]] = []
        for source_ref, target_ref, label in model.message_flows:
            source_kind, source = model.resolve(source_ref)
            target_kind, target = model.resolve(target_ref)
            source_in = source_kind == "node" and source in self.nodes
            target_in = target_kind == "node" and target in self.nodes
            if source_in and target_in:
                if self.nodes[source].process != self.nodes[target].process:
                    internal.append((source, target, label))
                continue
            inside, other, other_kind = (source, target, target_kind) if source_in else (target, source, source_kind)
            if not (source_in or target_in):
                continue
            pool = other if other_kind == "pool" else None
            if other_kind == "node":
                pool = model.participant_of(model.nodes[other].process)[0]
            if pool in self.customer_pools:
                self.customer_touch.setdefault(inside, []).append(label)
                self.customer_black_box_touch.add(inside)
            else:
                pool_name = model.participants.get(pool, ("",))[0] if pool else ""
                direction = "to" if source_in else "from"
                if pool_name:
                    self.external_notes.setdefault(inside, []).append(f"message {direction} {pool_name}")

        # Two tasks that message each other hold one conversation: the first
        # message in the file gives its direction, the answer adds no step.
        pairs = set()
        conversation = []
        for source, target, label in internal:
            if (target, source) not in pairs:
                conversation.append((source, target, label))
            pairs.add((source, target))
        internal = conversation

        # A task that sends to another pool and gets its answer back delegates its
        # work there: the case resumes after it when the answer arrives.
        pool_of = {nid: self.nodes[nid].process for nid in self.nodes}
        delegating = set()
        for source, target, _ in internal:
            if self.nodes[source].is_activity:
                replies = [s for s, t, _ in internal if t == source and pool_of[s] == pool_of[target]]
                if replies:
                    delegating.add(source)
        for node_id in delegating:
            resume = f"{node_id}#resume"
            self.nodes[resume] = _Node(resume, "resume", "", self.nodes[node_id].process, self.nodes[node_id].order)
            kept = [f for f in self.flows.get(node_id, []) if f.kind == "boundary"]
            self.flows[resume] = [f for f in self.flows.get(node_id, []) if f.kind != "boundary"]
            self.flows[node_id] = kept
        for source, _, _ in internal:
            if self.nodes[source].tag == "endEvent":
                # A message end event hands the case to the other pool.
                self.nodes[source].transparent_end = True
        for source, target, label in internal:
            if target in delegating:  # the answer: the delegated work is done
                target = f"{target}#resume"
            self.flows.setdefault(source, []).append(_Flow(target, label or None, None, "msg"))
        # A catch event that receives a message from another pool is where the
        # case arrives by that message: the pool's own flow into it only waits.
        entered_by_message = {target for _, target, _ in internal if self.nodes[target].is_catch}
        # An event-based gateway keeps its flows: it is a race between the
        # message and, say, a timer, and cutting it could leave a loop with no exit.
        for node_id, flows in list(self.flows.items()):
            if self.nodes[node_id].tag == "eventBasedGateway":
                continue
            kept = [f for f in flows if not (f.kind == "seq" and f.target in entered_by_message)]
            self.flows[node_id] = kept

        self._sequence_work_before_hand_over(entered_by_message)

        # Messages between the customer's own pool and the company are contacts.
        for source, target, label in internal:
            source_customer = self.nodes[source].process in self.customer_processes
            target_customer = self.nodes[target].process in self.customer_processes
            if source_customer != target_customer:
                self.customer_touch.setdefault(source, []).append(label)
                self.customer_touch.setdefault(target, []).append(label)

    def _sequence_work_before_hand_over(self, entered_by_message: set[str]) -> None:
        """A task that hands the case on by message and also goes on with its own
        last tasks (close the ticket, archive the original): those tasks run in
        parallel with the hand-over. A journey follows one way at a time, so they
        are put first and the hand-over follows them, rather than making the
        journey end there for half of the customers."""
        incoming: dict[str, int] = {}
        for flows in self.flows.values():
            for flow in flows:
                incoming[flow.target] = incoming.get(flow.target, 0) + 1
        for node_id, flows in list(self.flows.items()):
            messages = [f for f in flows if f.kind == "msg"]
            own = [f for f in flows if f.kind == "seq"]
            if not messages or len(own) != 1 or len(own) + len(messages) != len(flows):
                continue
            chain: list[str] = []
            current = own[0].target
            while True:
                node = self.nodes.get(current)
                if node is None or not node.is_activity or incoming.get(current, 0) != 1 or current in chain:
                    chain = []
                    break
                chain.append(current)
                out = self.flows.get(current, [])
                if not out or (len(out) == 1 and out[0].kind == "seq" and self._ends_well(out[0].target)):
                    break  # the pool's own work stops here
                if len(out) != 1 or out[0].kind != "seq":
                    chain = []
                    break
                current = out[0].target
            if not chain:
                continue
            self.flows[node_id] = own
            self.flows[chain[-1]] = messages
            sender = self.nodes[node_id].name or "the previous step"
            self.external_notes.setdefault(chain[0], []).append(
                f"in the model this runs in parallel with the message {sender!r} sends on: put before it"
            )

    def _ends_well(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and node.is_end and end_outcome(node) == "success"

    # -- walking the flow --------------------------------------------------------------

    def reach(self, source: str) -> list[_Branch]:
        """The stop nodes one step after `source`, gateways and pass-through events folded."""
        found: dict[str, _Branch] = {}
        order: list[str] = []

        def walk(node_id: str, p: float, labels: list[str], given: bool, parallel: bool, seen: frozenset) -> None:
            flows = self.flows.get(node_id, [])
            if node_id == source and any(f.kind == "msg" for f in flows):
                # A pool that hands the case on by message is done with it:
                # its own end event is not the end of the journey.
                flows = [f for f in flows if not self.nodes[f.target].is_end]
            if not flows:
                return
            node = self.nodes.get(node_id)
            splits_parallel = node is not None and (
                node.tag in ("parallelGateway", "inclusiveGateway")
                or (node.tag not in GATEWAY_TAGS and len(flows) > 1)
            )
            explicit = [f.percent for f in flows if f.percent is not None]
            unnamed = len(flows) - len(explicit)
            # Percentages are used only when they leave a share for every other
            # flow (or add up to 1 exactly); contradictory ones are ignored.
            if explicit and not (
                (unnamed and sum(explicit) < 1 - 1e-9) or (not unnamed and abs(sum(explicit) - 1) < 1e-9)
            ):
                flows = [_Flow(f.target, f.label, None, f.kind) for f in flows]
                explicit, unnamed = [], len(flows)
            rest = 1.0 - sum(explicit)
            for flow in flows:
                share = flow.percent if flow.percent is not None else rest / unnamed
                label = flow.label
                if label and node is not None and node.tag in GATEWAY_TAGS and node.name:
                    label = f"{node.name} {label}" if node.name.endswith("?") else f"{node.name}: {label}"
                branch_labels = labels + ([label] if label and len(flows) > 1 else [])
                target = self.nodes.get(flow.target)
                if target is None:
                    continue
                q = p * share
                is_given = given or flow.percent is not None
                is_parallel = parallel or (splits_parallel and flow.kind != "boundary")
                if target.is_stop:
                    if flow.target in found:
                        branch = found[flow.target]
                        branch.p += q
                        branch.labels += branch_labels
                        branch.given |= is_given
                        branch.parallel |= is_parallel
                    else:
                        found[flow.target] = _Branch(flow.target, q, branch_labels, is_given, is_parallel)
                        order.append(flow.target)
                elif flow.target not in seen:
                    walk(flow.target, q, branch_labels, is_given, is_parallel, seen | {flow.target})

        walk(source, 1.0, [], False, False, frozenset({source}))
        branches = [found[t] for t in order if found[t].p > 1e-12]
        return branches

    def outcome(self, node: _Node) -> str:
        """end_outcome, plus: an end reached right after an error or cancel boundary event fails."""
        if self._failure_ends is None:
            self._failure_ends = set()
            for boundary in self.nodes.values():
                if boundary.tag == "boundaryEvent" and {"error", "cancel"} & boundary.event_defs:
                    self._failure_ends |= {
                        b.target for b in self.reach(boundary.id) if self.nodes[b.target].is_end
                    }
        return "failure" if node.id in self._failure_ends else end_outcome(node)

    # -- building ------------------------------------------------------------------

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
        comments: dict[tuple, str] = {}
        start_id = self._choose_start()
        if start_id is None:
            raise ValueError("no tasks")

        stops = [n.id for n in sorted(self.nodes.values(), key=lambda n: n.order) if n.is_stop]
        sources = [start_id] + [s for s in stops if s != start_id]
        reached = {s: self.reach(s) for s in sources}

        # Fold a catch event into the step after it when that step is reached
        # only through the event: the event becomes the step's wait.
        predecessors: dict[str, set[str]] = {}
        for source, branches in reached.items():
            for branch in branches:
                predecessors.setdefault(branch.target, set()).add(source)
        folded: dict[str, str] = {}  # catch -> step
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

        def resolve_branches(branches: list[_Branch]) -> list[_Branch]:
            resolved: dict[str, _Branch] = {}
            for branch in branches:
                target = folded.get(branch.target, branch.target)
                if target in resolved:
                    resolved[target].p += branch.p
                    resolved[target].labels += branch.labels
                else:
                    resolved[target] = _Branch(target, branch.p, list(branch.labels), branch.given, branch.parallel)
            return list(resolved.values())

        # The start event stands for the first step when it leads to exactly one.
        first = resolve_branches(reached[start_id]) if not self.nodes[start_id].is_stop else []
        start_is_step = self.nodes[start_id].is_stop or not (
            len(first) == 1 and not self.nodes[first[0].target].is_end
        )
        journey_start = start_id if start_is_step else first[0].target

        # Which nodes become steps, in walking order from the start.
        step_nodes: list[str] = []
        end_of: dict[str, str] = {}
        next_of: dict[str, list[_Branch]] = {}
        seen: set[str] = set()

        def needs(node_id: str) -> None:
            if node_id in seen:
                return
            seen.add(node_id)
            step_nodes.append(node_id)
            node = self.nodes[node_id]
            if node.is_end:
                end_of[node_id] = self.outcome(node)
                return
            branches = resolve_branches(reached.get(node_id, []))
            ends = [b for b in branches if self.nodes[b.target].is_end]
            outcomes = {self.outcome(self.nodes[b.target]) for b in ends}
            if ends and len(ends) == len(branches) and len(outcomes) == 1:
                end_of[node_id] = outcomes.pop()
                return
            next_of[node_id] = branches
            for branch in branches:
                needs(branch.target)

        needs(journey_start)
        for node_id in stops:
            node = self.nodes[node_id]
            if node_id in folded or node_id in seen or node.is_end:
                continue
            needs(node_id)

        # Ids and departments.
        taken: set[str] = set()
        step_id: dict[str, str] = {}
        departments: dict[str, dict] = {}
        department_comments: dict[str, str] = {}
        steps: dict[str, dict] = {}
        for node_id in step_nodes:
            node = self.nodes[node_id]
            prefix = "wait" if node.is_catch else "end" if node.is_end else "step"
            step_id[node_id] = _unique(bpmn_id(self._title_of(node)[0], prefix), taken)

        has_customer_info = bool(self.customer_pools or self.customer_processes)
        for node_id in step_nodes:
            node = self.nodes[node_id]
            sid = step_id[node_id]
            title, title_note = self._title_of(node)
            department_title, department_note = self._department_of(node)
            department_id = bpmn_id(department_title, "dept")
            if department_id not in departments:
                departments[department_id] = {"title": department_title}
                if department_note:
                    department_comments[department_id] = department_note
            step: dict = {"title": title, "department": department_id}
            if title_note:
                comments[("steps", sid, "title")] = title_note
            if department_note:
                comments[("steps", sid, "department")] = department_note

            # Messages with the customer on this step or on the events folded into it.
            touching = list(self.customer_touch.get(node_id, []))
            for catch, target in folded.items():
                if target == node_id:
                    touching += self.customer_touch.get(catch, [])
            if node_id == journey_start and not start_is_step:
                touching += self.customer_touch.get(start_id, [])
            channel, channel_note, actor, actor_note, kind = self._channel_actor(node, touching, has_customer_info)
            step["channel"] = channel
            if channel_note:
                comments[("steps", sid, "channel")] = channel_note
            step["actor"] = actor
            if actor_note:
                comments[("steps", sid, "actor")] = actor_note
            if kind:
                step["kind"] = kind

            waits = [catch for catch, target in folded.items() if target == node_id]
            if node.is_catch:
                waits.append(node_id)
            for catch in waits:
                catch_node = self.nodes[catch]
                wait, note = _wait_from_timer(catch_node)
                what = catch_node.name or next(iter(sorted(catch_node.event_defs)), "an event")
                event_kind = ", ".join(sorted(catch_node.event_defs)) or "none"
                if wait:
                    step["wait"] = wait
                    comments[("steps", sid, "wait")] = note
                elif catch != node_id:
                    comments.setdefault(
                        ("steps", sid, "title"),
                        f"after waiting for {what!r} ({event_kind} event): {note or 'add a wait if you know it'}",
                    )
                else:
                    comments.setdefault(
                        ("steps", sid, "title"),
                        f"a waiting point of the model ({event_kind} event): {note or 'add a wait if you know it'}",
                    )
            notes = self.external_notes.get(node_id)
            if notes and ("steps", sid, "title") not in comments:
                comments[("steps", sid, "title")] = "; ".join(dict.fromkeys(notes))

            if node_id in end_of:
                step["end"] = end_of[node_id]
                if end_of[node_id] == "failure":
                    comments[("steps", sid, "end")] = (
                        "failure: an error/cancel end event, an end after an error, or an end named like a failure"
                    )
            else:
                branches = next_of.get(node_id, [])
                if branches:
                    step["next"], note = self._format_next(branches, step_id)
                    if note:
                        comments[("steps", sid, "next")] = note
                elif self.model.flows.get(node_id):
                    # Its way on waits for a message the case reaches by another
                    # way (see _stitch_messages): a parallel branch that stops here.
                    step["end"] = "success"
                    comments[("steps", sid, "end")] = (
                        "guessed: a parallel branch of the model; the case goes on by a message elsewhere"
                    )
                else:
                    note = comments.get(("steps", sid, "title"))
                    dead_end = "no way on in the model: add `next` or `end`"
                    comments[("steps", sid, "title")] = f"{note}; {dead_end}" if note else dead_end
            steps[sid] = step

        journey: dict = {"journeyaudit": 1, "title": journey_title, "departments": {}, "start": step_id[journey_start], "steps": steps}
        for department_id in departments:
            journey["departments"][department_id] = departments[department_id]
            if department_id in department_comments:
                comments[("departments", department_id)] = department_comments[department_id]
        if next(iter(steps)) == step_id[journey_start]:
            del journey["start"]  # the first step is the default start
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
        return ImportedJourney(journey_name, journey, comments, header)

    def _title_of(self, node: _Node) -> tuple[str, str | None]:
        if node.name:
            return node.name, None
        if node.is_end:
            return "End", None
        if node.tag == "startEvent":
            return "Start", None
        human = re.sub(r"(?<!^)([A-Z])", r" \1", node.tag).lower()
        return f"Unnamed {human}", "title guessed: the element has no name in the model"

    def _channel_actor(
        self, node: _Node, touching: list[str], has_customer_info: bool
    ) -> tuple[str, str | None, str, str | None, str | None]:
        kind: str | None = None
        if node.tag == "businessRuleTask":
            kind = "decision"
        if node.is_end or node.is_catch or node.tag == "startEvent":
            actor, actor_note = "system", "an event of the model, not a task"
            channel, channel_note = "internal", "an event of the model: not a contact"
            if node.is_end and touching:
                channel = _channel_from_words(node.name, *touching) or "web"
                channel_note = "channel guessed: message to the customer, no channel in the model"
                kind = "notification"
            return channel, channel_note, actor, actor_note, kind

        if node.process in self.customer_processes:
            actor, actor_note = "customer", "the pool stands for the customer"
        elif node.tag in HUMAN_TAGS:
            actor, actor_note = "staff", None
        elif node.tag in AUTOMATED_TAGS:
            actor, actor_note = "system", None
        else:
            actor, actor_note = "staff", "actor guessed: the task type does not say"

        words = _channel_from_words(node.name, *touching)
        if touching or node.process in self.customer_processes:
            if node.tag == "sendTask" and touching:
                kind = kind or "notification"
            if words:
                return words, "channel guessed from the names in the model", actor, actor_note, kind
            return "web", "channel guessed: no channel in the model", actor, actor_note, kind
        if has_customer_info:
            return "internal", "no message with the customer: back office", actor, actor_note, kind
        if node.tag in AUTOMATED_TAGS - {"sendTask"}:
            return "internal", "automated task: back office", actor, actor_note, kind
        if words:
            return words, "channel guessed from the task name", actor, actor_note, kind
        return "web", "channel guessed: no channel in the model", actor, actor_note, kind

    def _format_next(self, branches: list[_Branch], step_id: dict[str, str]):
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
    model = _Model(root, flatten)
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
