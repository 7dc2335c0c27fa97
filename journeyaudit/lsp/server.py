"""The language server: pygls over stdio, documents checked in a worker thread, debounced.

Open, change and save schedule a check of the document (a change waits for
the typing to pause: `debounce`); the check runs in one worker thread, so
hovers and completions are answered meanwhile, and its diagnostics are
published only if the document has not changed since. The request features
(hover, completion, definition, references, rename, code actions) are in
`features.py` and read the last check and the index of the current text.

Initialization options (all optional): `debounce` (milliseconds, default
50), `rulesDocumentation` (the address of docs/rules.md, whose `#rule-id`
anchors the diagnostics link to; default: the file in the source checkout,
when there is one).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cattrs import Converter
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter
from pygls.uris import from_fs_path, to_fs_path

from journeyaudit import __version__
from journeyaudit.common.text import YAML_SUFFIXES, printable
from journeyaudit.loading.discovery import MAP_SUFFIXES
from journeyaudit.lsp.checking import Checked, check_document
from journeyaudit.lsp.diagnostics import config_diagnostic, diagnostics_of, problem_diagnostic
from journeyaudit.lsp.positions import Positions, apply_change
from journeyaudit.lsp.project import Project
from journeyaudit.lsp.symbols import FileIndex
from journeyaudit.lsp.text_lines import split_lines

DEBOUNCE_S = 0.05
logger = logging.getLogger(__name__)
CHECKOUT_RULES_DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"


@dataclass(slots=True)
class Document:
    """An open journey file as the server follows it."""

    uri: str
    path: Path | None  # None for a buffer that is not a file (untitled)
    name: str
    text: str = ""  # the editor's text, changes applied with LSP's lines (`positions.apply_change`)
    version: int | None = None
    checked: Checked | None = None
    last_index: FileIndex | None = None  # the last index that composed, for completion in broken text
    last_index_lines: list[str] | None = None
    index_version: int | None = None  # the version `last_index` is of, when a request built it
    was_journey: bool = False
    pending: asyncio.Task | None = None


def is_journey_name(uri: str) -> bool:
    """A YAML file, but an evidence map (`*.map.yaml`, docs/evidence.md), as folder audits see it."""
    name = uri.split("?", 1)[0].split("#", 1)[0].lower()
    return name.endswith(YAML_SUFFIXES) and not name.endswith(MAP_SUFFIXES)


class JsonReady(dict):
    """Notification params already in JSON form (diagnostics: `diagnostics.py` builds them so)."""


def json_ready_converter() -> Converter:
    """pygls' converter, handing `JsonReady` params to the JSON encoder as they are."""
    converter = default_converter()
    converter.register_unstructure_hook(JsonReady, lambda params: params)
    return converter


class _OneLine(logging.Filter):
    """pygls logs a message it cannot read (not JSON, not UTF-8) and a request refused with an
    error with a traceback on stderr; one line says it (the client has its answer, or is told
    by `report_server_error`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = printable(f"{record.getMessage()}: {type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


class _Answered:
    """A message already dealt with while it was read (answered with an error, or dropped)."""

    jsonrpc = "answered"  # not "2.0": pygls' handler would only warn about it


ANSWERED = _Answered()


class JourneyProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        """As pygls, but a request whose params do not fit its method (a negative line, a missing
        position) is answered "invalid params" at once: pygls logs a traceback and never answers,
        so the editor waits for ever. Such a notification is dropped with one line of log."""
        method = data.get("method")
        if "jsonrpc" not in data or not isinstance(method, str):
            return super().structure_message(data)
        message_type = self.get_message_type(method)
        if message_type is None:
            return super().structure_message(data)
        try:
            return self._converter.structure(data, message_type)
        except Exception as error:
            if "id" not in data:
                logger.warning("journeyaudit: %s ignored: invalid params (%s)", printable(method), type(error).__name__)
                return ANSWERED
            message_id = data["id"] if isinstance(data["id"], (int, str)) and not isinstance(data["id"], bool) else None
            invalid = JsonRpcInvalidParams(message=f"invalid params for {printable(method)}")
            self._send_response(message_id, error=invalid.to_response_error())  # type: ignore[arg-type]
            return ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        # LSP: a request after shutdown is answered "invalid request" (pygls drops it unanswered)
        if self._shutdown and isinstance(getattr(message, "id", None), (int, str)) and getattr(message, "method", types.EXIT) != types.EXIT:
            refused = JsonRpcInvalidRequest(message="the server is shutting down")
            self._send_response(message.id, error=refused.to_response_error())
            return
        super().handle_message(message)

    @lru_cache  # noqa: B019 - as the method it overrides (one protocol per process)
    def get_message_type(self, method: str) -> type[Any] | None:
        # published diagnostics go out as a plain JSON-RPC notification of JsonReady params,
        # not through lsprotocol's classes: hundreds per file, those would cost more than the check
        if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            return None
        return super().get_message_type(method)


class JourneyServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "journeyaudit",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=JourneyProtocol,
            converter_factory=json_ready_converter,
        )
        self.documents: dict[str, Document] = {}
        self.project = Project()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journeyaudit-check")
        self.debounce_s = DEBOUNCE_S
        self.rules_doc: str | None = from_fs_path(str(CHECKOUT_RULES_DOC)) if CHECKOUT_RULES_DOC.is_file() else None
        self.config_uris: set[str] = set()  # configuration files we published problems on
        for name in ("pygls.server", "pygls.io_", "pygls.protocol.json_rpc"):
            reader_log = logging.getLogger(name)
            if not any(isinstance(existing, _OneLine) for existing in reader_log.filters):
                reader_log.addFilter(_OneLine())

    # -- documents --------------------------------------------------------
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    def open(self, uri: str, text: str, version: int | None) -> Document:
        path_text = to_fs_path(uri) if uri.startswith("file:") else None
        path = Path(path_text).resolve() if path_text else None
        document = Document(uri, path, path.name if path else uri.rsplit("/", 1)[-1], text, version)
        self.documents[uri] = document
        return document

    def change(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return
        for change in params.content_changes:
            document.text = apply_change(document.text, change, self.encoding())
        document.version = params.text_document.version

    def close(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is not None and document.pending is not None:
            document.pending.cancel()
        self.publish_diagnostics(uri, [])

    def schedule(self, uri: str, delay: float) -> None:
        document = self.documents.get(uri)
        if document is None:
            return
        if document.pending is not None and not document.pending.done():
            document.pending.cancel()
        document.pending = asyncio.get_running_loop().create_task(self._check_later(document, delay))

    def schedule_folder(self, document: Document) -> None:
        """Re-check the other open journeys of a saved file's folder: their portfolio changed."""
        if document.path is None:
            return
        for other in list(self.documents.values()):
            if other is not document and other.path is not None and other.path.parent == document.path.parent:
                self.schedule(other.uri, 0)

    def buffers(self, document: Document) -> dict[Path, str]:
        """The unsaved text of the other open files of the document's folder."""
        result = {}
        for other in self.documents.values():
            if other is not document and other.path is not None and document.path is not None and other.path.parent == document.path.parent:
                result[other.path] = other.text
        return result

    async def _check_later(self, document: Document, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self._check_now(document)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not stop the checks of the other files
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=f"journeyaudit: checking {document.name} failed: {type(error).__name__}: {error}",
                )
            )

    async def _check_now(self, document: Document) -> None:
        text, version = document.text, document.version
        buffers = self.buffers(document)

        def check() -> Checked | None:
            if document.version != version:
                return None  # changed while this check waited for the worker: the newer one will run
            return check_document(
                text, version, document.path, document.name, self.project, buffers, document.was_journey
            )

        checked = await asyncio.get_running_loop().run_in_executor(self.worker, check)
        if checked is None or self.documents.get(document.uri) is not document or document.version != version:
            return  # closed, or changed meanwhile: a newer check is on its way
        self.publish(document, checked)

    def publish(self, document: Document, checked: Checked) -> None:
        document.checked = checked
        document.was_journey = document.was_journey or checked.is_journey
        if checked.index is not None:
            document.last_index, document.last_index_lines = checked.index, checked.lines
            document.index_version = checked.version
        positions = Positions(checked.lines, self.encoding())
        diagnostics = diagnostics_of(checked, positions, document.uri, self.rules_doc)
        config = checked.config
        if checked.is_journey and config is not None and config.problems and config.file is not None:
            diagnostics.insert(0, config_diagnostic(config.file, config.problems[0]))
        self.publish_diagnostics(document.uri, diagnostics, checked.version)
        if config is not None and config.file is not None:
            self.publish_config(config.file, config.problems)

    def publish_config(self, file: Path, problems) -> None:
        """A broken configuration's own problems, shown in the configuration file."""
        uri = from_fs_path(str(file))
        if uri is None or (not problems and uri not in self.config_uris):
            return
        try:
            lines = split_lines(file.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            lines = []
        positions = Positions(lines, self.encoding())
        diagnostics = [problem_diagnostic(problem, positions) for problem in problems]
        if problems:
            self.config_uris.add(uri)
        else:
            self.config_uris.discard(uri)
        self.publish_diagnostics(uri, diagnostics)

    def publish_diagnostics(self, uri: str, diagnostics: list[dict], version: int | None = None) -> None:
        params = JsonReady(uri=uri, diagnostics=diagnostics)
        if version is not None:
            params["version"] = version
        self.protocol.notify(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

    def warm_up(self) -> None:
        """Import the audit stack in the worker before the first check needs it."""

        def imports() -> None:
            from journeyaudit.audit import audit_journeys
            from journeyaudit.loading import load_text
            from journeyaudit.rules.registry import all_rules

            all_rules()
            tiny = "journeyaudit: 1\ntitle: t\ndepartments: {d: {}}\nsteps: {s: {title: s, department: d, end: success}}\n"
            journey = load_text(tiny).journey
            if journey is not None:
                audit_journeys([journey])

        self.worker.submit(imports)
