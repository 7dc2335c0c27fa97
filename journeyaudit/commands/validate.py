"""`journeyaudit validate PATH...`: check journey files against the format."""

from __future__ import annotations

import json

import click

from journeyaudit.commands._common import (
    MAX_FILE_SIZE_OPTION,
    echo_problems,
    known_rule_ids,
    resolve_config,
)
from journeyaudit.common.exit_codes import EXIT_OK, EXIT_USAGE
from journeyaudit.common.text import no_journey_files
from journeyaudit.loading import load_paths


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str, readable=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@MAX_FILE_SIZE_OPTION
def command(paths: tuple[str, ...], output_format: str, max_file_size: int) -> None:
    """Check journey files (or folders, recursively *.yaml / *.yml) against the format.

    Prints `file:line:column: message [code]` for each problem. Exit 0 when
    every file is valid, 2 otherwise; every valid file is still read when
    another is broken.
    """
    config = resolve_config(paths, None, None)  # for its exclude globs
    results, problems = load_paths(
        paths,
        known_rules=known_rule_ids(),
        max_bytes=max_file_size * 1024 * 1024,
        exclude=config.is_excluded if config.exclude else None,
    )
    valid = sum(1 for result in results if result.ok)
    if output_format == "json":
        document = {
            "version": 1,
            "files": [
                {"file": r.file, "journey": r.journey.id if r.journey else None, "valid": r.ok} for r in results
            ],
            "problems": [p.to_json() for p in problems],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        echo_problems(problems)
        broken = len(results) - valid
        noun = "file" if len(results) == 1 else "files"
        summary = f"{len(results)} {noun}: {valid} valid"
        if broken or problems:
            summary += f", {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        click.echo(summary, err=True)
        if not results and not problems:
            click.echo(no_journey_files(paths), err=True)
    raise SystemExit(EXIT_USAGE if problems or not results else EXIT_OK)
