"""Reports: every renderer of an audit, never a computation of one.

The text formats of `audit` / `check` are one module each under
`reports/formats/`, found by `output_formats()`: a format module defines
`NAME`, `DESCRIPTION` and `render(result: AuditResult, options: RenderOptions)
-> str`, and may define `render_diff(diff: DiffResult, options)` for `diff`
(`OutputFormat` below). The HTML pages (the report, the diff page, the
hand-off page) live in `reports/html/` with their one jinja environment; the
terminal forms of a diff and of hand-offs in `diff_text.py` and `handoffs.py`.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from journeyaudit.audit.baseline import BaselineMatch
    from journeyaudit.audit.budgets import BudgetCheck
    from journeyaudit.audit.diff import DiffResult
    from journeyaudit.audit.gate import Gate
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.loading.config import Config


@dataclass(slots=True)
class RenderOptions:
    config: Config | None = None
    color: bool = False
    command: str = "audit"
    # What `check` adds to an audit (audit.check.CheckOutcome.extra): "budgets", the
    # BudgetChecks (broken ones are also findings of rule `budget`); "baseline", the
    # BaselineMatch (findings it covers are reported as such and never fail a check).
    extra: dict[str, Any] = field(default_factory=dict)
    # The text format's line width: None asks the terminal (reports/terminal.py), 0 never wraps.
    width: int | None = None

    @property
    def baseline(self) -> BaselineMatch | None:
        return (self.extra or {}).get("baseline")

    @property
    def budgets(self) -> list[BudgetCheck]:
        return (self.extra or {}).get("budgets") or []

    def gate(self) -> Gate:
        """Which findings fail, and which are waived or in the baseline, as `check` decides."""
        from journeyaudit.audit.gate import Gate  # here: `handoffs` renders through this package without any audit

        return Gate.of(self.config, self.baseline)


class OutputFormat(Protocol):
    """A module of `reports/formats/` (a module satisfies this Protocol by its globals)."""

    NAME: str
    DESCRIPTION: str

    def render(self, result: AuditResult, options: RenderOptions) -> str: ...


class DiffFormat(OutputFormat, Protocol):
    """A format that also renders `journeyaudit diff` (markdown, github)."""

    def render_diff(self, diff: DiffResult, options: RenderOptions) -> str: ...


@lru_cache(maxsize=1)
def output_formats() -> dict[str, OutputFormat]:
    """Format name -> module, in a stable order (text and json first)."""
    package = importlib.import_module("journeyaudit.reports.formats")

    found: dict[str, OutputFormat] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = cast("OutputFormat", importlib.import_module(f"{package.__name__}.{info.name}"))
        found[module.NAME] = module
    order = ["text", "json"]
    return {name: found[name] for name in sorted(found, key=lambda n: (order.index(n) if n in order else 99, n))}


def render(name: str, result: AuditResult, options: RenderOptions | None = None) -> str:
    return output_formats()[name].render(result, options or RenderOptions())


def diff_formats() -> list[str]:
    """What `diff --format` takes: text, json, every format with a `render_diff` (markdown, github), html."""
    names = ["text", "json"]
    names += [name for name, module in output_formats().items() if hasattr(module, "render_diff") and name not in names]
    return names + ["html"]


def render_diff(name: str, diff: DiffResult, config: Config | None = None, color: bool = False) -> str:
    if name == "text":
        from journeyaudit.reports.diff_text import render_text

        return render_text(diff, color=color)
    if name == "json":
        return json.dumps(diff.to_json(), indent=2, ensure_ascii=False) + "\n"
    if name == "html":
        from journeyaudit.reports.html.diff_page import render_html

        return render_html(diff)
    module = cast("DiffFormat", output_formats()[name])
    return module.render_diff(diff, RenderOptions(config=config, command="diff"))
