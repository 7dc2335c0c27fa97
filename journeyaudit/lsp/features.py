"""The LSP methods the server answers, registered on a `JourneyServer`.

Notifications (open, change, save, close) schedule checks; requests read the
document's last check and the index of its current text (`_view`), and turn
code-point spans into the client's position units at the edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path

from journeyaudit.lsp.completion import slot_at
from journeyaudit.lsp.fixes import code_action_edits, fixes_for
from journeyaudit.lsp.navigation import RenameRefused, View, hover_markdown, references, rename_edits
from journeyaudit.lsp.positions import Positions
from journeyaudit.lsp.symbols import DATA, DEPARTMENT, JOURNEY, RULE, STEP, FileIndex, Occurrence, index_text
from journeyaudit.lsp.text_lines import split_lines

if TYPE_CHECKING:
    from journeyaudit.lsp.server import Document, JourneyServer

# A request on a buffer not yet checked indexes it on the spot; not one this large (the
# check refuses files over the loader's size limit anyway)
MAX_INDEXED_CHARS = 4 * 1024 * 1024
REQUEST_FAILED = -32803  # LSP's code for a request that is understood but cannot be done
COMPLETION_KINDS = {
    STEP: types.CompletionItemKind.Function,
    DEPARTMENT: types.CompletionItemKind.Module,
    DATA: types.CompletionItemKind.Variable,
    RULE: types.CompletionItemKind.Keyword,
    JOURNEY: types.CompletionItemKind.File,
}


def _view(server: JourneyServer, uri: str) -> tuple[View, Positions, Positions] | None:
    """The document's view, the positions of its current text (for the request's position)
    and of the text its index was built from (for the answer's ranges)."""
    document = server.documents.get(uri)
    if document is None or (document.checked is not None and not document.checked.is_journey):
        return None
    text, version = document.text, document.version
    current_lines = split_lines(text)
    encoding = server.encoding()
    checked = document.checked
    if checked is not None and checked.index is not None and checked.text == text:
        return View(checked.index, checked, True), Positions(current_lines, encoding), Positions(checked.lines, encoding)
    index: FileIndex | None
    if document.index_version == version and document.last_index is not None:
        index = document.last_index  # already indexed for an earlier request on this version
    else:
        index = index_text(text) if len(text) <= MAX_INDEXED_CHARS else None
    if index is not None:
        document.last_index, document.last_index_lines, document.index_version = index, current_lines, version
        return View(index, checked, False), Positions(current_lines, encoding), Positions(current_lines, encoding)
    if document.last_index is None or document.last_index_lines is None:
        return None
    return (
        View(document.last_index, checked, False),
        Positions(current_lines, encoding),
        Positions(document.last_index_lines, encoding),
    )


def _at(server: JourneyServer, uri: str, position: types.Position) -> tuple[View, Positions, Occurrence] | None:
    found = _view(server, uri)
    if found is None:
        return None
    view, here, there = found
    occurrence = view.index.at(*here.from_client(position))
    return (view, there, occurrence) if occurrence is not None else None


def _rule_summary(server: JourneyServer, document: Document | None, rule_id: str) -> str | None:
    from journeyaudit.rules.registry import all_rules

    rule = all_rules().get(rule_id)
    if rule is None:
        return None
    config = document.checked.config if document is not None and document.checked is not None else None
    severity = config.config.severity(rule) if config is not None else rule.default_severity
    text = f"**Rule `{rule.id}`** ({severity}, {rule.category})\n\n{rule.summary}"
    if server.rules_doc:
        text += f"\n\n[Documentation]({server.rules_doc}#{rule.id})"
    return text


def _completion_items(server: JourneyServer, document: Document, view: View, kind: str, edit_range: types.Range) -> list[types.CompletionItem]:
    if kind == RULE:
        from journeyaudit.rules.registry import all_rules

        choices = [(rule_id, rule.summary) for rule_id, rule in all_rules().items()]
    elif kind == JOURNEY:
        folder = document.checked.folder if document.checked is not None else {}
        own = view.index.journey_id() or (view.journey.id if view.journey else None)
        choices = [(journey_id, journey.title) for journey_id, journey in sorted(folder.items()) if journey_id != own]
    else:
        choices = [(name, view.index.titles.get((kind, name), "")) for name in view.index.names(kind)]
    return [
        types.CompletionItem(
            label=name,
            kind=COMPLETION_KINDS[kind],
            detail=detail or None,
            sort_text=f"{order:05d}",
            filter_text=name,
            text_edit=types.TextEdit(range=edit_range, new_text=name),
        )
        for order, (name, detail) in enumerate(choices)
    ]


def register(server: JourneyServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        debounce = options.get("debounce")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and 0 <= debounce <= 10_000:
            server.debounce_s = debounce / 1000
        docs = options.get("rulesDocumentation")
        if isinstance(docs, str) and docs:
            server.rules_doc = docs.split("#", 1)[0]

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        server.warm_up()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        from journeyaudit.lsp.server import is_journey_name

        document = params.text_document
        if is_journey_name(document.uri):
            server.open(document.uri, document.text, document.version)
            server.schedule(document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.change(params)
        server.schedule(params.text_document.uri, server.debounce_s)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, 0)
        document = server.documents.get(params.text_document.uri)
        if document is not None:
            server.schedule_folder(document)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        if params.text_document.uri in server.documents:
            server.close(params.text_document.uri)

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None = None) -> None:
        server.worker.shutdown(wait=False, cancel_futures=True)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        found = _at(server, params.text_document.uri, params.position)
        if found is None:
            return None
        view, there, occurrence = found
        document = server.documents.get(params.text_document.uri)
        folder = document.checked.folder if document is not None and document.checked is not None else {}
        text = hover_markdown(view, occurrence, lambda rule_id: _rule_summary(server, document, rule_id), folder)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=there.range(occurrence.span)
        )

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "[", ","]))
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        document = server.documents.get(params.text_document.uri)
        found = _view(server, params.text_document.uri)
        if document is None or found is None:
            return None
        view, here, _ = found
        slot = slot_at(here.lines, *here.from_client(params.position))
        if slot is None:
            return types.CompletionList(is_incomplete=False, items=[])
        items = _completion_items(server, document, view, slot.kind, here.range(slot.span))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        found = _at(server, uri, params.position)
        if found is None:
            return None
        view, there, occurrence = found
        if occurrence.kind == JOURNEY and not occurrence.definition:
            document = server.documents.get(uri)
            checked = document.checked if document is not None else None
            path = checked.folder_files.get(occurrence.name) if checked is not None else None
            other = checked.folder.get(occurrence.name) if checked is not None else None
            if path is None or other is None:
                return None
            where = other.key_locations.get("id", other.location)
            start = types.Position(line=where.line - 1, character=where.column - 1)
            return types.Location(uri=from_fs_path(str(path)) or str(path), range=types.Range(start=start, end=start))
        target = view.index.definition(occurrence.kind, occurrence.name)
        if target is None or occurrence.kind not in (STEP, DEPARTMENT, DATA):
            return None
        return types.Location(uri=uri, range=there.range(target.span))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def find_references(params: types.ReferenceParams) -> list[types.Location] | None:
        uri = params.text_document.uri
        found = _at(server, uri, params.position)
        if found is None:
            return None
        view, there, occurrence = found
        spans = references(view.index, occurrence, params.context.include_declaration)
        return [types.Location(uri=uri, range=there.range(span)) for span in spans]

    def renaming(uri: str, position: types.Position, new_name: str | None):
        """The id under the cursor and the spans a rename rewrites; None where there is no id."""
        found = _at(server, uri, position)
        if found is None:
            return None
        view, there, occurrence = found
        try:
            spans = rename_edits(view.index, occurrence, occurrence.name if new_name is None else new_name)
        except RenameRefused as refused:
            raise JsonRpcException(str(refused), code=REQUEST_FAILED) from None
        return there, occurrence, spans

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        found = renaming(params.text_document.uri, params.position, None)
        if found is None:
            return None
        there, occurrence, _ = found
        return types.PrepareRenamePlaceholder(range=there.range(occurrence.span), placeholder=occurrence.name)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    def rename(params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = renaming(params.text_document.uri, params.position, params.new_name)
        if found is None:
            return None
        there, _, spans = found
        edits = [types.TextEdit(range=there.range(span), new_text=params.new_name) for span in spans]
        return types.WorkspaceEdit(changes={params.text_document.uri: edits})

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = server.documents.get(uri)
        if document is None or document.checked is None or document.checked.text != document.text:
            return []  # fixes are measured on the checked text: none while it is out of date
        checked = document.checked
        by_fingerprint = {finding.fingerprint: finding for finding in checked.findings}
        actions = []
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            finding = by_fingerprint.get(data.get("fingerprint", ""))
            if finding is None:
                continue
            for fix in fixes_for(finding, checked):
                positions = Positions(checked.lines, server.encoding())
                edits = [
                    types.TextEdit(
                        range=types.Range(start=positions.to_client(first, 0), end=positions.to_client(end, 0)),
                        new_text=replacement,
                    )
                    for first, end, replacement in code_action_edits(checked.text, fix.new_text)
                ]
                actions.append(
                    types.CodeAction(
                        title=fix.title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=fix.preferred,
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
        return actions
