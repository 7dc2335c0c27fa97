"""JSON output, version 1 (shared/spec/output.md): stable keys, byte-stable text."""

from __future__ import annotations

import json

NAME = "json"
DESCRIPTION = "the machine-readable document of shared/spec/output.md"


def render(result, options) -> str:
    document = result.to_json()
    if options.extra:
        document.update(options.extra)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
