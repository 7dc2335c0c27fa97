"""YAML scalars and comments written so that reading them back gives exactly the text."""

from __future__ import annotations

import re

from journeyaudit.importers.journey_writer import comment_text, double_quoted

# Plain in both block and flow context: starts with a letter, no indicator, no ': ', ' #' or ',[]{}'.
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 _().&+'/-]*$")
# YAML 1.1 (PyYAML) reads these as booleans or null when plain.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"}

__all__ = ["comment_text", "flow_scalar"]


def flow_scalar(text: str) -> str:
    """`text` plain when that reads back as the same string in any context, else double-quoted."""
    if _PLAIN.match(text) and text == text.strip() and text.lower() not in _RESERVED:
        return text
    return double_quoted(text)
