"""Text helpers every stage shares: escaping control characters, paths and names in messages, ids.

Journey text may carry control characters (YAML's "\\e[31m" escapes): they are
shown as visible `\\xNN` escapes so a title can never drive a terminal, a CI log,
a Markdown page, an HTML page or Graphviz (C1 controls too: U+009B is a
one-character CSI for some terminals).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable

_CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]
# Lone surrogates cannot be written as UTF-8: a file name that is not UTF-8 reaches Python
# with its bytes as U+DC80..U+DCFF (shown as the byte, \xNN), a YAML "\ud800" as itself.
_SURROGATES = {
    code: f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}" for code in range(0xD800, 0xE000)
}
# One line of output (terminal, CI annotation, message): a tab is the only control kept, and
# the Unicode line and paragraph separators, line breaks to editors and log viewers, are escaped.
# bidirectional overrides and isolates reorder what a terminal or a CI annotation shows ("Trojan Source"): a
# one-line message shows them as escapes too
_BIDI_CONTROLS = {code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_CONTROL_ESCAPES = (
    {code: f"\\x{code:02x}" for code in _CONTROLS if code != 0x09} | _SURROGATES | {0x2028: "\\u2028", 0x2029: "\\u2029"}
    | _BIDI_CONTROLS
)
# Text that may span lines (HTML pages, diagram labels): line breaks are kept too.
_CONTROL_ESCAPES_MULTILINE = {
    code: f"\\x{code:02x}" for code in _CONTROLS if code not in (0x09, 0x0A, 0x0D)
} | _SURROGATES

# Ids are slugs: lowercase letters, digits, `-` and `_`, starting with a letter.
SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
YAML_SUFFIXES = (".yaml", ".yml")


def printable(text: str, *, keep_line_breaks: bool = False) -> str:
    """`text` with control characters as visible `\\xNN` escapes (tabs, and line breaks if asked, kept)."""
    return text.translate(_CONTROL_ESCAPES_MULTILINE if keep_line_breaks else _CONTROL_ESCAPES)


def display_path(path: str | os.PathLike) -> str:
    """The path as users see it in messages, `/`-separated.

    A relative path stays as given (normalised); an absolute one is shown
    relative to the working folder when it lies inside it (SARIF and GitLab
    want repository-relative paths), else absolute.
    """
    text = os.fspath(path)
    if os.path.isabs(text):
        try:
            relative = os.path.relpath(text)
        except ValueError:  # another drive on Windows
            relative = text
        shown = text if relative.startswith("..") else relative
    else:
        shown = os.path.normpath(text)
    # a name that is not UTF-8 (its bytes arrive as lone surrogates) or holds control
    # characters is shown escaped: every output stays valid UTF-8 and cannot drive a terminal
    return printable(shown.replace(os.sep, "/"))


def brief(text: str, limit: int = 80) -> str:
    """`text`, or its start and its length when longer: a value quoted in a message stays short."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def nesting_past(text: str, limit: int, tokens: re.Pattern[str]) -> int | None:
    """Offset of the bracket that opens level `limit + 1` of `[...]` and `{...}`, or None.

    `tokens` matches the format's strings and comments (skipped: their brackets do not count)
    and single brackets. Python's JSON and TOML parsers recurse once per level: text nested
    too deep is refused before parsing, at the place where it goes too deep.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in tokens.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif token in ("]", "}"):
            depth -= 1
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'x'?" or "" — the hint every unknown-name message carries."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def no_journey_files(paths: Iterable[str]) -> str:
    """The message of a run that found nothing to read."""
    return f"no journey files (*.yaml, *.yml) found in {', '.join(paths)}"


_ORDINALS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth"}


def slugify(text: str, prefix: str = "", *, keep_underscores: bool = True, max_length: int = 0) -> str:
    """A valid id close to `text`: accents dropped (Ünï → uni), other characters as '-'.

    An id must start with a letter: a leading ordinal is spelled out ("1st level"
    → "first-level"); any other leading non-letter gets `prefix-` in front, or is
    dropped when there is no prefix. Empty result: `prefix` ('' when none).
    `max_length` cuts a long slug at a '-'.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"^\s*(1st|2nd|3rd|4th|5th)\b", lambda m: _ORDINALS[m.group(1).lower()], ascii_text, flags=re.I)
    allowed = r"[^a-z0-9_-]+" if keep_underscores else r"[^a-z0-9]+"
    slug = re.sub(allowed, "-", ascii_text.strip().lower())
    slug = re.sub(r"-{2,}", "-", slug).strip("-_")
    if max_length and len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if not slug:
        return prefix
    if not slug[0].isalpha():
        slug = f"{prefix}-{slug}" if prefix else re.sub(r"^[^a-z]+", "", slug)
    return slug
