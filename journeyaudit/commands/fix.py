"""`journeyaudit fix FILE [--only ID]... [--all] [-o OUT]`: the journey's fixes, and its to-be written out."""

from __future__ import annotations

import click

from journeyaudit.commands._common import CONFIG_OPTION, MAX_FILE_SIZE_OPTION, echo_problems, resolve_config, run_inputs
from journeyaudit.common.exit_codes import EXIT_OK, EXIT_USAGE


def _fail(message: str) -> None:
    from journeyaudit.common.text import printable

    click.echo(printable(message), err=True)
    raise SystemExit(EXIT_USAGE)


@click.command("fix")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str, readable=False))
@click.option("--only", "only", multiple=True, metavar="ID", help="Apply this fix (repeat for more); the ids are those `fix FILE` lists.")
@click.option("--all", "apply_all", is_flag=True, help="Apply every fix that fits with the others (the default with -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the to-be journey to this file.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists (never the journey itself).")
@CONFIG_OPTION
@MAX_FILE_SIZE_OPTION
def command(file, only, apply_all, output, force, config_path, max_file_size) -> None:
    """List the fixes of a journey with their measured effect, or write the journey with them applied.

    Without -o, print each fix (id, what it changes, what it buys) and the effect of
    applying them all. With -o OUT, write the to-be journey: FILE as written, with the
    chosen fixes (all of them unless --only names some), a comment at each change, and
    `replaces:` naming FILE's journey; auditing OUT gives the figures printed. Exit 0
    when done, 2 when FILE, the configuration or the command line cannot be used.
    """
    from journeyaudit.audit import run_audit
    from journeyaudit.common.safe_write import UnsafeOutput, check_file, write_file
    from journeyaudit.editing import EditError, JourneyText
    from journeyaudit.fixes.run import measure_journey
    from journeyaudit.fixes.tobe import ToBeError, to_be
    from journeyaudit.rules.registry import all_rules

    if only and apply_all:
        _fail("journeyaudit fix: --only and --all cannot be used together")
    config = resolve_config([file], config_path, None)
    inputs = run_inputs([file], config)
    if output:
        try:  # refuse before the work, not after it
            check_file(output, inputs=inputs, overwrite=force)
        except UnsafeOutput as refused:
            _fail(str(refused))
    result = run_audit([file], config, max_bytes=max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)
    if result.problems or len(result.journeys) != 1:
        if not result.problems:
            _fail(f"{file}: not a journey file")
        raise SystemExit(EXIT_USAGE)
    journey_result = result.journeys[0]
    rules = all_rules()
    if not output:
        if only or apply_all:
            _fail("journeyaudit fix: --only and --all choose what -o OUT gets: name the file")
        _list(measure_journey(journey_result, config, rules), journey_result)
        raise SystemExit(EXIT_OK)
    try:
        text = JourneyText.open(file, max_file_size * 1024 * 1024).original
        written = to_be(journey_result, text, list(only) or None, config, rules)
    except (EditError, ToBeError) as error:
        _fail(f"{file}: {error}")
    if not written.applied:
        click.echo(f"{file}: no fix to apply; nothing written", err=True)
        raise SystemExit(EXIT_OK)
    try:
        write_file(output, written.text, inputs=inputs, overwrite=force)
    except UnsafeOutput as refused:
        _fail(str(refused))
    from journeyaudit.common.text import printable
    from journeyaudit.fixes.model import effect_text

    before, after = journey_result.metrics, written.metrics
    click.echo(
        printable(
            f"{output}: to-be of '{journey_result.journey.id}' written with {len(written.applied)} "
            f"fix{'es' if len(written.applied) != 1 else ''} ({', '.join(written.applied)}); "
            f"score {before.get('score')} -> {after.get('score')}, {effect_text(written.outcome.impact)}"
        ),
        err=True,
    )
    raise SystemExit(EXIT_OK)


def _list(fixes, journey_result) -> None:
    from journeyaudit.common.text import printable

    journey = journey_result.journey
    click.echo(printable(f"{journey.file}: {journey.title} ({journey.id})"))
    if not fixes.fixes:
        click.echo("  no fix: no finding has an edit journeyaudit can make safely")
        return
    for fix in fixes.fixes:
        click.echo(printable(f"  {fix.id}"))
        click.echo(printable(f"      {fix.summary}"))
        click.echo(printable(f"      {fix.effect_text()}" + (f"; new: {', '.join(f.rule for f in fix.new_findings)}" if fix.new_findings else "")))
    if fixes.combined is not None:
        combined = fixes.combined
        click.echo(printable(f"  all {len(combined.applied)} together (--all): {combined.effect_text()}"
                             + (f"; left out, as they change what others change: {', '.join(combined.skipped)}" if combined.skipped else "")))
    if fixes.not_measured:
        click.echo(f"  {fixes.not_measured} more not measured (the work budget of a journey this large)")
