"""The editor stage: `journeyaudit lsp`, a Language Server for journey files (docs/editors.md).

It runs the pipeline on the buffer being edited: loading (located problems),
the audit with the project's configuration and the other journeys of the
folder (findings), and an index of where every id is written (`symbols.py`),
for diagnostics, hover, completion, go-to-definition, references, rename and
code actions. `server.py` wires it to pygls (the optional dependency
`journeyaudit[lsp]`) and `features.py` answers the requests; `positions.py`
and `diagnostics.py` speak the protocol's types; `checking.py`, `project.py`,
`symbols.py`, `completion.py`, `navigation.py` and `fixes.py` know nothing of
the protocol.
"""
