"""`journeyaudit lsp`: the Language Server for editors, over stdio."""

from __future__ import annotations

import click

from journeyaudit.common.exit_codes import EXIT_USAGE

MISSING = (
    "journeyaudit lsp needs the language server library pygls, an optional dependency: "
    "install it with `pip install 'journeyaudit[lsp]'`"
)


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
def command(stdio: bool) -> None:
    """Run the Language Server for journey files, for your editor (docs/editors.md).

    Editors start it and talk to it over stdin/stdout: diagnostics as you
    type (format problems and audit findings, the project's configuration
    applied), hover, completion of ids, go-to-definition, references and
    rename. Needs `pip install 'journeyaudit[lsp]'`.
    """
    try:
        from journeyaudit.lsp.main import start_io
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        click.echo(f"journeyaudit: {MISSING}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    start_io()
