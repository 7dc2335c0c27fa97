"""Helpers of the report tests: audits of YAML text, a small HTML tree, a journey generator."""

from __future__ import annotations

import random
from html.parser import HTMLParser
from pathlib import Path

from journeyaudit.audit import audit_journeys, run_audit
from journeyaudit.loading import load_text

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT.parent / "shared" / "examples"  # read in place, never copied

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def audit_examples():
    result = run_audit([str(EXAMPLES)])
    assert not result.problems, result.problems
    return result


def audit_texts(*texts: str):
    journeys = []
    for number, text in enumerate(texts):
        loaded = load_text(text, file=f"journey-{number}.yaml", default_id=f"journey-{number}")
        assert loaded.ok, "\n".join(problem.format() for problem in loaded.problems)
        journeys.append(loaded.journey)
    return audit_journeys(journeys)


class Element:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.children = []
        self.parent = parent

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if cls and cls not in element.classes:
                continue
            if any(element.attrs.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            yield element

    def find(self, tag=None, cls=None, **attrs):
        return next(self.find_all(tag, cls, **attrs), None)

    def by_id(self, element_id: str):
        return next((e for e in self.iter() if e.attrs.get("id") == element_id), None)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html_text: str) -> Element:
    builder = _Builder()
    builder.feed(html_text)
    builder.close()
    return builder.root


def make_journey(n_steps: int, n_departments: int = 6, seed: int = 1, loop_share: float = 0.05) -> str:
    """A seeded journey YAML: forward steps, some decisions, some rework loops, then the ends."""
    rng = random.Random(seed)
    names = [f"s{i}" for i in range(n_steps)]
    lines = ["journeyaudit: 1", f"title: Generated journey of {n_steps} steps", "departments:"]
    lines += [
        f"  d{i}: {{title: Department {i}{', customer_facing: false' if i % 3 == 2 else ''}}}"
        for i in range(n_departments)
    ]
    lines += ["data:", "  a: {title: Account}", "  b: {title: Birth date}", "steps:"]
    body_end = n_steps - 2
    for i, name in enumerate(names):
        lines += [f"  {name}:", f"    title: Step {i}", f"    department: d{rng.randrange(n_departments)}"]
        if i >= body_end:
            lines += ["    kind: notification", f"    end: {'success' if i == body_end else 'failure'}"]
            continue
        lines += [f"    wait: {rng.choice(['0s', '1m', '10m'])}", "    duration: 2m"]
        if rng.random() < 0.1:
            lines.append(f"    asks: [{rng.choice('ab')}]")
        targets = [min(i + 1, body_end)]
        if rng.random() < 0.2:
            targets.append(min(i + 2, body_end + 1))
        if rng.random() < loop_share and i > 3:
            targets.append(i - rng.randrange(1, 4))
        targets = list(dict.fromkeys(targets))
        if len(targets) == 1:
            lines.append(f"    next: {names[targets[0]]}")
        else:
            lines.append(f"    next: [{', '.join(names[t] for t in targets)}]")
    return "\n".join(lines) + "\n"
