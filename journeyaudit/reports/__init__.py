"""Output formats of `audit` / `check`: one module per format under `reports/formats/`.

A format module defines `NAME`, `DESCRIPTION` and
`render(result: AuditResult, options: RenderOptions) -> str`. The HTML report
(a folder of pages, not one text) lives in `reports/html.py`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass(slots=True)
class RenderOptions:
    config: Any = None  # journeyaudit.loading.config.Config
    color: bool = False
    command: str = "audit"
    # Extra figures some formats show (budget results of `check`, baseline state).
    extra: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def output_formats() -> dict[str, Any]:
    """Format name -> module, in a stable order (text and json first)."""
    package = importlib.import_module("journeyaudit.reports.formats")

    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found[module.NAME] = module
    order = ["text", "json"]
    return {name: found[name] for name in sorted(found, key=lambda n: (order.index(n) if n in order else 99, n))}


def render(name: str, result, options: RenderOptions | None = None) -> str:
    return output_formats()[name].render(result, options or RenderOptions())
