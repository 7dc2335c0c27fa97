"""Every file journeyaudit writes is written here, so no command can lose or leak data.

Two calls and one exception:

    write_file(path, content, inputs=..., overwrite=...)
        one output the user named (`-o FILE`, `import -o x.yaml`, `init NAME`);
    OutputFolder(folder, inputs=..., overwrite=..., is_own=...).write(name, content)
        files the command names inside a folder the user named (report pages, assets,
        one journey per process of `import bpmn -o DIR/`); `.check(names)` first refuses
        what `write` would refuse, so a command writes all of its files or none;
    UnsafeOutput
        raised instead of writing; `str(error)` is the message to print,
        `PATH: cannot write: why`, and the command exits 2 (EXIT_USAGE).

`check_file(path, ...)` raises the same refusals without writing, for a command that
should fail before long work (reading a large log). `content` is `str` (written as
UTF-8, newlines untouched; a lone surrogate, from a file name that is not UTF-8, as
`\\udcXX`) or `bytes` (a PDF).

What is guaranteed, whoever calls:
- Never through a symbolic link: the file itself may not be a link (dangling or not),
  nor, inside an OutputFolder, any folder between the folder and the file. The folder
  and the folders of the path as the user typed them are the user's choice and are
  followed. The file is written under a temporary name created exclusively and then
  renamed over the name: even a link planted meanwhile is replaced, never written through.
- Never over one of the command's inputs: they are compared as files (device and inode),
  so another spelling, a hard link or a symbolic link to an input is that input.
- Never over an existing file unless `overwrite` is true: the caller passes `--force`
  for drafts the user edits (import, discover, init), `True` where the documentation
  says the output is regenerated (`-o` of audit/check/diff/handoffs/baseline).
  An OutputFolder with `is_own` replaces only the files that predicate recognises as
  its own (report pages carry the generator meta), others need `overwrite`.
- Atomic: the content goes to a hidden temporary file in the same folder, renamed into
  place; an interrupted or failed run leaves the old file or the new one, never half of
  one, and removes its temporary file (only SIGKILL can leave a hidden `.NAME.*.tmp`).
  There is no fsync (3 ms a file here, seconds for a large report): the guarantee is
  against the run being stopped, not the machine. A replaced file keeps its permission
  bits; a new one gets the usual 0666 less the umask.
- A stream stays a stream: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, a character device
  (`/dev/null`) or a named pipe given as the path is written to directly (a pipe without
  a reader is refused, not waited on); a block device or socket is refused.
- A command that edits a file in place (`fix`) passes that file as `path` with
  `overwrite=True` and does not list it among `inputs`.

In a command (`commands/_common.py` has `write_output` for `-o FILE` and `run_inputs`,
the files a run reads):

    try:
        write_file(output, text, inputs=[journey_file, config.path], overwrite=force)
    except UnsafeOutput as refused:
        click.echo(str(refused), err=True)
        raise SystemExit(EXIT_USAGE) from None
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from journeyaudit.common.text import YAML_SUFFIXES, display_path, printable

Content = str | bytes
PathLike = str | os.PathLike

_STREAM_ALIAS = re.compile(r"^/(dev/(stdout|stderr|fd/\d+)|proc/self/fd/\d+)$")
OWN_PAGE_MARK = b'<meta name="generator" content="journeyaudit'
_AN_INPUT = "it is one of the inputs of this command: write the output to another file"


class UnsafeOutput(Exception):
    """The output was not written; `str(self)` is `PATH: cannot write: why`."""

    def __init__(self, path: PathLike, why: str):
        self.path = os.fspath(path)
        self.why = why
        super().__init__(f"{printable(display_path(path))}: cannot write: {why}")


def is_own_page(existing: bytes) -> bool:
    """An HTML page journeyaudit wrote (its generator meta within the first bytes)."""
    return OWN_PAGE_MARK in existing[:4096]


# `overwrite=REGENERATED`: an output written again on every run (`-o FILE` of audit, check, diff, handoffs, schema,
# baseline) replaces an existing file, but is never written under a name like what journeyaudit reads (a journey, an
# evidence map, a configuration): those outputs are never YAML or TOML, so such a name is a slip (`-o
# journeys/cancel.yaml`) that would lose a hand-written file, or leave a file a folder audit reads as a journey
REGENERATED: Literal["regenerated"] = "regenerated"
SOURCE_SUFFIXES = (*YAML_SUFFIXES, ".toml")
Overwrite = bool | Literal["regenerated"]


def _refuse_a_source_name(target: str, overwrite: Overwrite) -> None:
    if overwrite == REGENERATED and target.lower().endswith(SOURCE_SUFFIXES):
        raise UnsafeOutput(target, "it is named like a journey, a map or a configuration, which this output is not "
                                   "(a later run would replace it, a folder audit read it): choose another name")


def write_file(path: PathLike, content: Content, *, inputs: Iterable[PathLike] = (), overwrite: Overwrite = False) -> None:
    """Write `content` to `path` (its folders created); raises UnsafeOutput."""
    target = os.fspath(path)
    if _STREAM_ALIAS.match(os.path.abspath(target)):
        _write_stream(target, content)
        return
    folder, name = os.path.split(os.path.abspath(target))
    if not name:
        raise UnsafeOutput(target, "names a folder, not a file")
    _make_folders(target, folder)
    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise UnsafeOutput(target, _reason(error)) from None
    try:
        _write_in(folder_fd, name, target, content, _identities(inputs), overwrite, None, True)
    finally:
        os.close(folder_fd)


def check_file(path: PathLike, *, inputs: Iterable[PathLike] = (), overwrite: Overwrite = False) -> None:
    """Raise the UnsafeOutput that write_file would raise before writing (nothing is created)."""
    target = os.fspath(path)
    if _STREAM_ALIAS.match(os.path.abspath(target)):
        return
    folder, name = os.path.split(os.path.abspath(target))
    if not name:
        raise UnsafeOutput(target, "names a folder, not a file")
    for parent in (Path(folder), *Path(folder).parents):
        if parent.exists():
            if not parent.is_dir():
                raise UnsafeOutput(target, f"'{printable(display_path(parent))}' is a file, not a folder")
            break
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        _refuse_a_source_name(target, overwrite)
        return
    except OSError as error:
        raise UnsafeOutput(target, _reason(error)) from None
    _refuse_existing(target, info, _identities(inputs), overwrite, None, None, True)


class OutputFolder:
    """A folder the user named, into which the command writes files it names itself.

    The folder is created when missing and opened once; every `write(name, ...)` is
    resolved from that handle, component by component, never following a link.
    `name` is relative and `/`-separated (`index.html`, `assets/report.css`).
    """

    def __init__(
        self,
        folder: PathLike,
        *,
        inputs: Iterable[PathLike] = (),
        overwrite: bool = False,
        is_own: Callable[[bytes], bool] | None = None,
    ):
        self.path = os.fspath(folder)
        self.overwrite = overwrite
        self.is_own = is_own
        self._inputs = _identities(inputs)
        self._written: set[str] = set()
        with contextlib.suppress(OSError):  # `-o model.bpmn`: say it is the input, not only that it is no folder
            info = os.stat(self.path)
            if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) in self._inputs:
                raise UnsafeOutput(self.path, _AN_INPUT)
        _make_folders(self.path, self.path)
        try:
            self._fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise UnsafeOutput(self.path, _reason(error)) from None

    def write(self, name: str, content: Content) -> Path:
        """Write one file of the folder; returns its path. Raises UnsafeOutput."""
        self._at(name, content)
        self._written.add(name)
        return Path(self.path, name)

    def check(self, names: Iterable[str]) -> None:
        """Raise the refusal `write` would raise for any of `names`, writing nothing: a command
        that writes several files checks them all first (all or nothing)."""
        listed: set[str] = set()
        for name in names:
            if name in listed:
                raise UnsafeOutput(os.path.join(self.path, name), "two outputs of this run share the name")
            listed.add(name)
            self._at(name, None)

    def _at(self, name: str, content: Content | None) -> None:
        shown = os.path.join(self.path, name)
        parts = name.split("/")
        if not name or name.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise UnsafeOutput(shown, "the name must stay inside the folder")
        if name in self._written:
            # two outputs of one run under one name: the second would silently replace the first
            raise UnsafeOutput(shown, "written twice by this run (two outputs share the name)")
        folder_fd = self._fd
        try:
            for part in parts[:-1]:
                folder_fd = _open_subfolder(folder_fd, part, shown, create=content is not None)
                if folder_fd < 0:
                    return  # not there yet: nothing in it to refuse
            _write_in(folder_fd, parts[-1], shown, content, self._inputs, self.overwrite, self.is_own, False)
        finally:
            if folder_fd not in (self._fd, -1):
                os.close(folder_fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# --------------------------------------------------------------------------


def _identities(inputs: Iterable[PathLike]) -> frozenset[tuple[int, int]]:
    """(device, inode) of each input that exists (links followed: a link to an input is it)."""
    found = set()
    for item in inputs:
        if item is None:
            continue
        with contextlib.suppress(OSError, ValueError):
            info = os.stat(item)
            if stat.S_ISREG(info.st_mode):
                found.add((info.st_dev, info.st_ino))
    return frozenset(found)


def _make_folders(target: str, folder: str) -> None:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        if os.path.islink(folder) and not os.path.exists(folder):
            raise UnsafeOutput(target, f"'{printable(display_path(folder))}' is a symbolic link to nothing") from None
        for parent in (Path(folder), *Path(folder).parents):
            if parent.exists():
                if not parent.is_dir():
                    raise UnsafeOutput(target, f"'{printable(display_path(parent))}' is a file, not a folder") from None
                break
        raise UnsafeOutput(target, _reason(error)) from None


def _open_subfolder(parent_fd: int, part: str, shown: str, *, create: bool = True) -> int:
    """The open subfolder `part` (created when missing and `create`, else -1), never a link."""
    try:
        if create:
            os.mkdir(part, dir_fd=parent_fd)
    except FileExistsError:
        pass
    except OSError as error:
        raise UnsafeOutput(shown, _reason(error)) from None
    try:
        return os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent_fd)
    except FileNotFoundError:
        if create:
            raise UnsafeOutput(shown, f"'{printable(part)}' vanished while being written") from None
        return -1
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeOutput(shown, f"'{printable(part)}' is a symbolic link or a file, not a folder") from None
        raise UnsafeOutput(shown, _reason(error)) from None


def _refuse_existing(
    shown: str,
    info: os.stat_result,
    inputs: frozenset[tuple[int, int]],
    overwrite: Overwrite,
    is_own: Callable[[bytes], bool] | None,
    read_head: Callable[[], bytes] | None,
    streams: bool,
) -> None:
    """Raise when the existing entry `info` (lstat) may not be replaced; `streams`: a pipe
    or character device the user named is written to (not inside an OutputFolder)."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise UnsafeOutput(shown, "it is a symbolic link (journeyaudit never writes through one): remove it or choose another name")
    if stat.S_ISDIR(mode):
        raise UnsafeOutput(shown, "it is a folder")
    if not stat.S_ISREG(mode):
        if streams and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            return  # /dev/null, a named pipe: written to directly
        if streams:
            raise UnsafeOutput(shown, "it is a device or a socket, not a file")
        raise UnsafeOutput(shown, "it is not a regular file (a pipe, a device or a socket)")
    if (info.st_dev, info.st_ino) in inputs:
        raise UnsafeOutput(shown, _AN_INPUT)
    _refuse_a_source_name(shown, overwrite)
    if overwrite:
        return
    if is_own is not None and read_head is not None and is_own(read_head()):
        return
    raise UnsafeOutput(shown, "it already exists; use --force to overwrite")


def _write_in(
    folder_fd: int,
    name: str,
    shown: str,
    content: Content | None,
    inputs: frozenset[tuple[int, int]],
    overwrite: Overwrite,
    is_own: Callable[[bytes], bool] | None,
    streams: bool,
) -> None:
    """Write `name` inside the open folder: checks, temporary file, rename (`content` None: checks only)."""
    try:
        info: os.stat_result | None = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise UnsafeOutput(shown, _reason(error)) from None
    if info is not None:
        _refuse_existing(shown, info, inputs, overwrite, is_own, lambda: _head(folder_fd, name), streams)
    else:
        _refuse_a_source_name(shown, overwrite)
    if content is None:
        return  # only checked
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            _write_stream(shown, content, name=name, folder_fd=folder_fd)
            return
        mode = stat.S_IMODE(info.st_mode)
    else:
        mode = 0o666 & ~_umask()
    data = _encoded(content)
    # hidden, unique, and short enough for the 255-byte limit of a file name
    temporary = f".{os.fsdecode(os.fsencode(name)[:200])}.{secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder_fd
        )
    except OSError as error:
        raise UnsafeOutput(shown, _reason(error)) from None
    try:
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), mode)
            os.rename(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        except OSError as error:
            raise UnsafeOutput(shown, _reason(error)) from None
    except BaseException:  # also Ctrl-C: no temporary file left behind
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder_fd)
        raise


def _head(folder_fd: int, name: str) -> bytes:
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError:
        return b""
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(4096)


def _write_stream(shown: str, content: Content, *, name: str | None = None, folder_fd: int | None = None) -> None:
    """Write to a device or pipe directly (a rename would replace the device node itself)."""
    path = name if name is not None else shown
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise UnsafeOutput(shown, "it is a named pipe that nobody reads") from None
        raise UnsafeOutput(shown, _reason(error)) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISREG(mode)):
            raise UnsafeOutput(shown, "it is a device or a socket, not a file")
        os.set_blocking(descriptor, True)
        data = _encoded(content)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except OSError as error:
        raise UnsafeOutput(shown, _reason(error)) from None
    finally:
        os.close(descriptor)


def _encoded(content: Content) -> bytes:
    # a lone surrogate (a file name that is not UTF-8, quoted in a message) as `\\udcXX`:
    # the file stays UTF-8, and in JSON that is the escape of the same character
    return content.encode("utf-8", "backslashreplace") if isinstance(content, str) else content


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
