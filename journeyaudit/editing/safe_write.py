"""Writing an output file without ever destroying something the user did not ask to replace.

`write_safely(path, text, inputs=..., force=...)` refuses (UnsafeOutput, one
line naming the file) to write over one of the command's inputs, over an
existing file unless `force`, or to a path that is a symbolic link (renaming
over it would replace the link, writing through it could land anywhere). The
text goes to a temporary file in the target folder, which is then renamed
into place: a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable


class UnsafeOutput(Exception):
    """The output cannot be written there; the message names the file and says why."""


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(path: str | os.PathLike, inputs: Iterable[str | os.PathLike] = (), force: bool = False) -> None:
    """Raise UnsafeOutput when `path` may not be written (see the module's rules)."""
    target = os.fspath(path)
    for source in inputs:
        if source is not None and os.path.exists(target) and _same_file(target, os.fspath(source)):
            raise UnsafeOutput(f"{target}: is one of the inputs of this command; write the output to another file")
    if os.path.islink(target):
        raise UnsafeOutput(f"{target}: is a symbolic link; write to a regular file")
    if os.path.isdir(target):
        raise UnsafeOutput(f"{target}: is a folder; name a file")
    if os.path.exists(target) and not force:
        raise UnsafeOutput(f"{target}: already exists; use --force to overwrite")
    folder = os.path.dirname(os.path.abspath(target))
    for parent in (folder, *_parents(folder)):
        if os.path.exists(parent) and not os.path.isdir(parent):
            raise UnsafeOutput(f"{target}: cannot write: '{parent}' is a file, not a folder")


def _parents(folder: str):
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        yield parent
        folder = parent


def write_safely(path: str | os.PathLike, text: str, inputs: Iterable[str | os.PathLike] = (), force: bool = False) -> None:
    """Write `text` (UTF-8, newlines as given) to `path` by temporary file and rename."""
    target = os.fspath(path)
    inputs = list(inputs)
    check_output(target, inputs, force)
    folder = os.path.dirname(os.path.abspath(target))
    try:
        os.makedirs(folder, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as error:
        raise UnsafeOutput(f"{target}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        # checked again just before the rename: a link or file may have appeared meanwhile
        check_output(target, inputs, force)
        os.replace(temporary, target)
    except UnsafeOutput:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UnsafeOutput(f"{target}: cannot write: {error.strerror or error}") from None
