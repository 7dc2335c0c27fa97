"""`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, twice as fast.

With an indent the standard library encodes in pure Python, a generator per
container; a hand-off report of a large log has tens of thousands of small
objects, and its JSON took a twentieth of the whole read. Here each scalar
goes through the standard library's own C functions (strings) or reprs (the
same `float.__repr__` json uses), so the text cannot differ; anything else
(a non-string key, a type json would convert or refuse) is left to
`json.dumps` itself. A property test holds the two equal.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C version when there is one

_INFINITY = float("inf")


class _Other(Exception):
    """A value this encoder leaves to json.dumps."""


def dumps_indented(value) -> str:
    """The text `json.dumps(value, indent=2, ensure_ascii=False)` returns."""
    try:
        parts: list[str] = []
        _encode(value, parts, "\n")
        return "".join(parts)
    except (_Other, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)


def _scalar(value) -> str:
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float.__repr__(value)
    raise _Other


def _item(item, parts: list[str], newline: str) -> None:
    kind = type(item)
    if kind is dict or kind is list or kind is tuple:
        _encode(item, parts, newline)
    else:
        parts.append(_scalar(item))


def _encode(value, parts: list[str], newline: str) -> None:
    kind = type(value)
    if kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        parts.append("{")
        separator = inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Other  # json converts int, float, bool and None keys its own way
            parts.append(separator)
            parts.append(encode_basestring(key))
            parts.append(": ")
            _item(item, parts, inner)
            separator = "," + inner
        parts.append(newline)
        parts.append("}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        parts.append("[")
        separator = inner
        for item in value:
            parts.append(separator)
            _item(item, parts, inner)
            separator = "," + inner
        parts.append(newline)
        parts.append("]")
    else:
        parts.append(_scalar(value))
