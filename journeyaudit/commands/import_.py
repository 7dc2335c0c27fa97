"""`journeyaudit import bpmn`: draft journey files from BPMN 2.0 models."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.importers.bpmn import YAML_LAYOUT, BpmnImportError, import_bpmn
from journeyaudit.importers.journey_writer import write_journey

# Other importers (event logs, ...) add their subcommand to this group.
command = click.Group("import", help="Draft journey files from other formats, to enrich by hand.")


def _fail(message: str) -> None:
    from journeyaudit.common.text import printable

    click.echo(printable(f"journeyaudit import: {message}"), err=True)  # names from the model may hold control characters
    sys.exit(EXIT_USAGE)


@command.command("bpmn")
@click.argument("model", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (NAME.yaml), or a folder: one file per journey. Default: standard output.",
)
@click.option("--process", "process", metavar="ID", help="Import only this process (id, pool id or pool name).")
@click.option(
    "--flatten-subprocesses",
    is_flag=True,
    help="Replace each embedded sub-process by its tasks instead of one step.",
)
@click.option("--force", is_flag=True, help="Overwrite journey files that already exist.")
def bpmn(model: Path, output: Path | None, process: str | None, flatten_subprocesses: bool, force: bool) -> None:
    """Turn the processes of MODEL (a .bpmn file) into journey YAML to enrich.

    One journey per process; pools that exchange messages are merged into one
    journey. With several journeys, -o must be a folder (one NAME.yaml each);
    without -o they are printed as one YAML stream separated by '---'.
    """
    try:
        journeys = import_bpmn(model, process=process, flatten=flatten_subprocesses)
    except BpmnImportError as exc:
        _fail(str(exc))
        return
    texts = [(j.name, write_journey(j.journey, j.comments, j.header, YAML_LAYOUT)) for j in journeys]

    if output is None:
        click.echo("---\n".join(text for _, text in texts), nl=False)
        return
    as_folder = output.is_dir() or output.suffix.lower() not in (".yaml", ".yml")
    if not as_folder and len(texts) > 1:
        names = ", ".join(name for name, _ in texts)
        _fail(
            f"{model}: the model gives {len(texts)} journeys ({names}): "
            "give a folder to -o, or pick one with --process"
        )
    try:
        if as_folder:
            output.mkdir(parents=True, exist_ok=True)
            targets = [(output / f"{name}.yaml", text) for name, text in texts]
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            targets = [(output, texts[0][1])]
        existing = [str(target) for target, _ in targets if target.exists()]
        if existing and not force:
            # An imported file is a draft the user enriches: never lose that work silently.
            _fail(f"{', '.join(existing)}: already exists; use --force to overwrite")
        for target, text in targets:
            target.write_text(text, encoding="utf-8")
            click.echo(f"wrote {target}", err=True)
    except OSError as exc:
        from journeyaudit.commands._common import cannot_write

        _fail(cannot_write(output, exc))
