"""`journeyaudit import bpmn`: draft journey files from BPMN 2.0 models."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from journeyaudit.commands._common import refuse_output
from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.common.safe_write import OutputFolder, UnsafeOutput, write_file
from journeyaudit.common.text import SLUG, slugify
from journeyaudit.importers.bpmn import YAML_LAYOUT, BpmnImportError, ImportedJourney, import_bpmn
from journeyaudit.importers.journey_writer import write_journey
from journeyaudit.loading import journey_id_from_path

# Other importers (event logs, ...) add their subcommand to this group.
command = click.Group("import", help="Draft journey files from other formats, to enrich by hand.")


def _fail(message: str) -> None:
    from journeyaudit.common.text import printable

    click.echo(printable(f"journeyaudit import: {message}"), err=True)  # names from the model may hold control characters
    sys.exit(EXIT_USAGE)


@command.command("bpmn")
@click.argument("model", type=click.Path(path_type=Path, dir_okay=True, readable=False))
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
    if output is None:
        texts = [write_journey(j.journey, j.comments, j.header, YAML_LAYOUT) for j in journeys]
        click.echo("---\n".join(texts), nl=False)
        return
    as_folder = output.is_dir() or output.suffix.lower() not in (".yaml", ".yml")
    if not as_folder and len(journeys) > 1:
        listed = ", ".join(j.name for j in journeys)
        _fail(
            f"{model}: the model gives {len(journeys)} journeys ({listed}): "
            "give a folder to -o, or pick one with --process"
        )
    names = [f"{j.name}.yaml" for j in journeys] if as_folder else [output.name]
    texts = [_journey_text(j, name) for j, name in zip(journeys, names)]
    try:
        if as_folder:
            with OutputFolder(output, inputs=[model], overwrite=force) as folder:
                folder.check(names)  # all or nothing: a refusal (a file kept, a link) before any file is written
                for name, text in zip(names, texts):
                    click.echo(f"wrote {folder.write(name, text)}", err=True)
        else:
            write_file(output, texts[0], inputs=[model], overwrite=force)
            click.echo(f"wrote {output}", err=True)
    except UnsafeOutput as refused:
        # an imported file is a draft the user enriches: never lose that work silently
        refuse_output(refused)  # a draft the user enriches: never lost silently


def _journey_text(imported: ImportedJourney, file_name: str) -> str:
    """The YAML of a journey written as `file_name`: with an `id:` whenever the file name
    would not give a valid one (`A.1.0.yaml`), so the file validates as written."""
    journey = imported.journey
    if not SLUG.match(journey_id_from_path(file_name)) and "id" not in journey:
        stem = file_name.rsplit(".", 1)[0]
        with_id = {"journeyaudit": journey["journeyaudit"], "id": slugify(stem, "journey") or imported.name}
        journey = with_id | {key: value for key, value in journey.items() if key not in with_id}
    return write_journey(journey, imported.comments, imported.header, YAML_LAYOUT)
