"""The way a case walks through the processes of one journey.

The flow graph of the model, restricted to a set of processes that exchange
messages, rewritten so that a journey can follow it one way at a time:
simple parallel blocks are put one after the other, message flows between
pools become the case's way on, and `reach` folds gateways and pass-through
events into branches with their probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyaudit.importers.bpmn.guesses import end_outcome, is_customer_name
from journeyaudit.importers.bpmn.model import GATEWAY_TAGS, _Flow, _Model, _Node


@dataclass
class _Branch:
    target: str
    p: float
    labels: list[str]
    given: bool  # the probability came from the model
    parallel: bool  # the path passed a parallel split


class _CaseFlow:
    """The flow graph of a set of processes that exchange messages, as a journey walks it."""

    def __init__(self, model: _Model, process_ids: list[str]):
        self.model = model
        self.process_ids = process_ids
        self.nodes = {nid: n for nid, n in model.nodes.items() if n.process in process_ids}
        self.flows: dict[str, list[_Flow]] = {
            nid: list(flows) for nid, flows in model.flows.items() if nid in self.nodes
        }
        self.black_boxes = model.black_box_pools()
        self.customer_pools = {pid for pid, name in self.black_boxes.items() if is_customer_name(name)}
        self.customer_processes = {
            pid for pid in process_ids if is_customer_name(model.participant_of(pid)[1])
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

