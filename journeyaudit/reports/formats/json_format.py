"""JSON output, version 1 (shared/spec/output.md): stable keys, byte-stable text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.reports import RenderOptions

NAME = "json"
DESCRIPTION = "the machine-readable document of shared/spec/output.md"


def _json_ready(value):
    """What `check` adds (budget checks, the baseline match) as JSON values."""
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    to_json = getattr(value, "to_json", None)
    return to_json() if to_json is not None else value


def render(result: AuditResult, options: RenderOptions) -> str:
    document = result.to_json()
    # the document gains keys (output.md allows additions): budgets, baseline
    document.update({key: _json_ready(value) for key, value in (options.extra or {}).items()})
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
