"""YAML scalars written so that reading them back gives exactly the text (in flow or block context)."""

from __future__ import annotations

import json
import re

# Plain in both block and flow context: no indicator, no ': ' or ' #', no ',[]{}'.
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 _().&+'/-]*$")
# YAML 1.1 (PyYAML) reads these as booleans or null when plain.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"}


def flow_scalar(text: str) -> str:
    """`text` plain when that reads back as the same string, else double-quoted (JSON escapes are YAML's)."""
    if _PLAIN.match(text) and text == text.strip() and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)
