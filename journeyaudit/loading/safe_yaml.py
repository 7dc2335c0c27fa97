"""Bytes or text into a composed YAML node tree, with every guard hostile input needs.

The file is composed into a node tree (libyaml's C composer when available: it
keeps line and column marks) rather than constructed into Python objects:
reading the tree is what lets `nodes.py` see duplicate keys, keep the location
of everything, read `no` as the text the author wrote, and refuse alias bombs.

Whatever cannot be read is refused with one located `Problem` (`Refused`):
byte-order marks of UTF-16/32 are converted, binary and non-UTF-8 files are
refused with line and column, nesting that would crash libyaml is refused
before composing. Knows nothing of journeys.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

import yaml

from journeyaudit.model.findings import Problem

YamlLoader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # libyaml keeps marks and composes 4-7x faster than the pure-Python loader
    from yaml import CSafeLoader

    YamlLoader = CSafeLoader
    C_LOADER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    YamlLoader = yaml.SafeLoader
    C_LOADER = False

MAX_FILE_BYTES = 10 * 1024 * 1024
# Nodes the reader may visit, aliases counted each time they are followed: a
# "billion laughs" document is tiny but expands exponentially.
MAX_NODE_VISITS = 2_000_000
# libyaml's composer recurses per nesting level and crashes the process far
# below Python's limits; deeper documents are refused before composing.
MAX_NESTING = 1000

TAG_STR = "tag:yaml.org,2002:str"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_MERGE = "tag:yaml.org,2002:merge"


class Refused(Exception):
    """The input cannot be read (further); `problem` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def too_large(file: str, max_bytes: int) -> Problem:
    return Problem(
        file,
        1,
        1,
        f"the file is larger than {max_bytes // (1024 * 1024)} MiB; split the journey, "
        "or raise the limit with --max-file-size",
        "too-large",
    )


class VisitBudget:
    """Counts the nodes a reader visits; refuses the document past MAX_NODE_VISITS (an alias bomb)."""

    def __init__(self, file: str, limit: int = MAX_NODE_VISITS):
        self.file = file
        self.limit = limit
        self.visits = 0

    def spend(self, n: int = 1) -> None:
        self.visits += n
        if self.visits > self.limit:
            raise Refused(
                Problem(
                    self.file,
                    1,
                    1,
                    f"the document expands to more than {self.limit:,} values through aliases "
                    "(an alias bomb?); write the values out or use fewer aliases",
                    "alias-bomb",
                )
            )


@contextmanager
def paused_gc() -> Iterator[None]:
    """The node tree holds no reference cycles, but building it triggers the cyclic
    garbage collector again and again: pausing it makes a big file load 5-10x faster."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()


# block indicators in a row at the start of a line (`- - - a`, `? ? a`, after `---` too): each opens a level on one
# line, where neither brackets nor indentation show it (libyaml's composer crashed the process at about 50,000);
# elsewhere on a line they open nothing (`key: - a` is an error, `a - - b` a plain text)
_BLOCK_INDICATORS = re.compile(rb"^([ \t]*)(?:---[ \t]+)?((?:[-?:][ \t]+){2,})", re.MULTILINE)


def _block_run_past(data: bytes) -> int | None:
    """Offset of the block indicator that opens level MAX_NESTING + 1 of a run, counting the line's indentation."""
    for match in _BLOCK_INDICATORS.finditer(data):
        depth = len(match.group(1))
        for indicator in re.finditer(rb"[-?:]", match.group(2)):
            depth += 1
            if depth > MAX_NESTING:
                return match.start(2) + indicator.start()
    return None


def _lines_as_yaml_breaks_them(data: bytes) -> bytes:
    """`data` of the same length with every YAML line break a `\\n` (a lone `\\r`, NEL, U+2028, U+2029: libyaml
    starts a line after each) and a UTF-8 byte order mark blanked, so `^` finds every line's start; a break of
    several bytes leaves spaces, which count as indentation (the tests only get more careful)."""
    return (data.replace(b"\r", b"\n").replace(b"\xc2\x85", b"\n ").replace(b"\xe2\x80\xa8", b"\n  ")
            .replace(b"\xe2\x80\xa9", b"\n  ").replace(b"\xef\xbb\xbf", b"   "))


def nesting_too_deep(data: bytes) -> bool:
    """A cheap, conservative test for nesting that would crash libyaml's composer."""
    data = _lines_as_yaml_breaks_them(data)
    brackets = data.count(b"[") + data.count(b"{")
    if brackets > MAX_NESTING:
        depth = 0
        deepest = 0
        for match in re.finditer(rb"[\[\]{}]", data):
            depth += 1 if match.group() in (b"[", b"{") else -1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return True
    if re.search(rb"^[ \t]{%d}" % MAX_NESTING, data, re.MULTILINE) is not None:
        return True
    return _block_run_past(data) is not None


def nesting_location(data: bytes) -> tuple[int, int]:
    """Line and column where `nesting_too_deep` saw the nesting pass MAX_NESTING (1, 1 if nowhere)."""
    data = _lines_as_yaml_breaks_them(data)
    depth = 0
    offset = None
    for match in re.finditer(rb"[\[\]{}]", data):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > MAX_NESTING:
            offset = match.start()
            break
    indented = re.search(rb"^[ \t]{%d}" % MAX_NESTING, data, re.MULTILINE)
    if indented is not None and (offset is None or indented.start() + MAX_NESTING < offset):
        offset = indented.start() + MAX_NESTING
    in_a_row = _block_run_past(data)
    if in_a_row is not None and (offset is None or in_a_row < offset):
        offset = in_a_row
    if offset is None:
        return 1, 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", "replace")) + 1


# What YAML counts as a line break (its marks count lines by them).
LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _yaml_problem(file: str, error: yaml.YAMLError, text: str) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    lines = LINE_BREAK.split(text)
    if line > len(lines):  # the end of a file without a final line break: its last line, not the next one
        line, column = len(lines), len(lines[-1]) + 1
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    at_mark = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if "expected a single document" in f"{problem} {context}":
        message = "a journey file holds one YAML document; split the documents after '---' into files of their own"
    elif at_mark == "\t":
        message += "; YAML indents with spaces, not tabs"
    elif "cannot start any token" in problem:
        message += "; quote the value"
    elif "mapping values are not allowed" in problem:
        message += "; a value containing ': ' needs quotes"
    return Problem(file, line, column, message, "yaml-syntax")


_WIDE_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xfe\xff", "utf-16"),
    (b"\xff\xfe", "utf-16"),
)


def _utf8_from_bom(data: bytes) -> bytes:
    """UTF-16 or UTF-32 text with its byte-order mark (PowerShell 5's `>` writes UTF-16;
    YAML allows both) as UTF-8; anything else unchanged (NUL bytes then mean binary)."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                return data
    return data


def _binary(file: str) -> Refused:
    return Refused(Problem(file, 1, 1, "this is a binary file, not a YAML journey", "binary-file"))


def decode(data: bytes, file: str) -> tuple[str, bool]:
    """The text of a file's bytes, and whether it nests too deep; raises `Refused`."""
    data = _utf8_from_bom(data)
    if b"\x00" in data:
        raise _binary(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise Refused(
            Problem(
                file,
                line,
                column,
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
                "encoding",
            )
        ) from None
    return text, nesting_too_deep(data)


def check_text(text: str, file: str, too_deep: bool | None = None) -> None:
    """Refuses text too deep to compose safely or holding NUL; `too_deep` when already measured."""
    if too_deep is None:
        too_deep = nesting_too_deep(text.encode("utf-8", "surrogatepass"))
    if too_deep:
        line, column = nesting_location(text.encode("utf-8", "surrogatepass"))
        raise Refused(Problem(file, line, column, f"the document nests deeper than {MAX_NESTING} levels", "too-deep"))
    if "\x00" in text:
        raise _binary(file)


def compose(text: str, file: str) -> yaml.Node | None:
    """The node tree of checked text (`check_text`), None for no document; raises `Refused`."""
    try:
        return yaml.compose(text, Loader=YamlLoader)
    except yaml.YAMLError as error:
        raise Refused(_yaml_problem(file, error, text)) from None
    except (RecursionError, MemoryError):
        raise Refused(Problem(file, 1, 1, "the document is too deeply nested or too large", "too-deep")) from None
    except UnicodeEncodeError as error:  # lone surrogates: only a str built in memory has them
        raise Refused(Problem(file, 1, 1, f"the text is not valid Unicode: {error.reason}", "encoding")) from None
