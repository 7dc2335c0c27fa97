"""How wide a line of diagram text is, and wrapping to a width, without a font library.

Browsers draw the diagrams' text in the reader's Helvetica, Arial or their sans-serif
fallback. The widths below are DejaVu Sans Bold's (in ems), the widest common fallback:
text wrapped to them fits in every one of those fonts (Arial and Liberation Sans are
about 12 % narrower), so a label is never cut by the box drawn around it.
"""

from __future__ import annotations

import unicodedata

_NARROW = set("il.,:;'!|`")
_SEMI = set("fjrt()[]{}-/\\\"")
_WIDE_LOWER = set("mw")
_WIDE_UPPER = set("MW@%")
REGULAR = 0.92  # a regular weight against the bold widths


def char_em(char: str) -> float:
    """The advance of one character, in ems of DejaVu Sans Bold (rounded up)."""
    if char == " ":
        return 0.35
    if char in _NARROW:
        return 0.36
    if char in _SEMI:
        return 0.5
    if char in _WIDE_LOWER:
        return 1.05
    if char in _WIDE_UPPER:
        return 1.12
    if char.isdigit():
        return 0.7
    if "a" <= char <= "z":
        return 0.72
    if "A" <= char <= "Z":
        return 0.84
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.05
    if unicodedata.combining(char):
        return 0.0
    return 0.9


def text_width(text: str, size: float, *, bold: bool = True) -> float:
    """The width of `text` at `size` points."""
    return sum(char_em(c) for c in text) * size * (1.0 if bold else REGULAR)


def wrap_to_width(text: str, width: float, size: float, *, bold: bool = True) -> list[str]:
    """Lines of `text` no wider than `width` points: whole words, a word too long for a line
    split between characters. Every character of `text` is kept (whitespace runs become one space)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while text_width(word, size, bold=bold) > width:
            cut = 1
            while cut < len(word) and text_width(word[: cut + 1], size, bold=bold) <= width:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]
