"""`journeyaudit schema`: print the JSON Schema of the journey format."""

from __future__ import annotations

from importlib import resources

import click


def schema_text() -> str:
    return resources.files("journeyaudit.loading").joinpath("journey.schema.json").read_text(encoding="utf-8")


@click.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of printing.")
def command(output: str | None) -> None:
    """Print the JSON Schema (draft 7) of the journey format, for editors.

    Save it and point your editor at it with a first line like
    `# yaml-language-server: $schema=journey.schema.json`.
    """
    if output:
        from journeyaudit.commands._common import write_output

        write_output(schema_text(), output)  # exit 2 with a message when it cannot be written
        click.echo(f"wrote {output}")
    else:
        click.echo(schema_text(), nl=False)
