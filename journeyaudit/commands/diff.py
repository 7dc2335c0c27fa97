"""`journeyaudit diff OLD NEW` / `diff --base-ref REF PATH...`: what a change does to customers."""

from __future__ import annotations

import click

from journeyaudit.commands._common import (
    COLOR_OPTION,
    MAX_FILE_SIZE_OPTION,
    OUTPUT_OPTION,
    budgets_or_exit,
    echo_problems,
    resolve_config,
    run_inputs,
    use_color,
    write_output,
)
from journeyaudit.common.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from journeyaudit.common.text import no_journey_files, printable
from journeyaudit.model.findings import FAIL_ON_CHOICES
from journeyaudit.reports import diff_formats


@click.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str, readable=False))
@click.option("--base-ref", metavar="REF", help="Compare PATH... with their versions at this git ref (e.g. origin/main); REF... (three dots) means the merge base of REF and HEAD.")
@click.option("--format", "output_format", type=click.Choice(diff_formats()), default="text", show_default=True)
@OUTPUT_OPTION
@click.option("--config", "config_path", type=click.Path(dir_okay=False, readable=False), help="Configuration file (default: the closest to the new journeys).")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), help="Lowest severity of a new finding that is a regression (default: the config's, else error).")
@click.option("--fail-on-regression", is_flag=True, help="Exit 1 when a journey got worse (new failing finding, budget crossed, figure worse beyond the tolerance).")
@click.option("--budget", "budget_arguments", multiple=True, metavar="METRIC=VALUE", help="A budget (as for check); crossing it is a regression.")
@click.option("--tolerance", type=click.FloatRange(min=0), default=2.0, show_default=True, help="Score points a journey may lose before it is a regression.")
@click.option("--tolerance-percent", type=click.FloatRange(min=0), default=5.0, show_default=True, help="How much (in % of the old value) expected_duration_s, expected_handoffs, max_handoffs may grow or success_rate shrink before it is a regression.")
@MAX_FILE_SIZE_OPTION
@COLOR_OPTION
def command(paths, base_ref, output_format, output, config_path, fail_on, fail_on_regression, budget_arguments,
            tolerance, tolerance_percent, max_file_size, color) -> None:
    """Compare journeys: steps added/removed/changed, figures better or worse, findings new and fixed.

    `diff OLD NEW` compares two files or folders (journeys matched by id);
    `diff --base-ref REF PATH...` compares PATH... with their versions at a
    git ref. Exit 1 with --fail-on-regression when a journey got worse, 2
    when an input, the ref or the command line could not be used, else 0.
    Problems in the old versions are shown as warnings: the journey counts as new.
    """
    from journeyaudit.audit import run_audit
    from journeyaudit.audit.diff import Tolerance, diff_results, place_function
    from journeyaudit.reports import render_diff

    max_bytes = max_file_size * 1024 * 1024
    if base_ref is not None:
        if not paths:
            raise click.UsageError("diff --base-ref REF needs the PATH... to compare (e.g. journeys/)")
        old_paths, new_paths = None, list(paths)
    else:
        if len(paths) != 2:
            raise click.UsageError("diff takes OLD and NEW (two files or folders), or --base-ref REF PATH...")
        old_paths, new_paths = [paths[0]], [paths[1]]
    config = resolve_config(new_paths, config_path, fail_on)
    budgets = budgets_or_exit(config, budget_arguments)

    new = run_audit(new_paths, config, max_bytes=max_bytes)
    if old_paths is None:
        from journeyaudit.audit.run import audit_at_ref
        from journeyaudit.loading.gitrefs import GitError

        try:
            commit, old = audit_at_ref(base_ref, new_paths, config, max_bytes=max_bytes)
        except GitError as error:
            click.echo(printable(f"journeyaudit: {error}"), err=True)
            raise SystemExit(EXIT_USAGE) from None
        old_label, new_label = f"{base_ref} ({commit[:10]})", "working tree"
    else:
        old = run_audit(old_paths, config, max_bytes=max_bytes)
        old_label, new_label = old_paths[0], new_paths[0]
    for problem in old.problems:
        click.echo(printable(f"{problem.format()} (in the old version: ignored, its journey counts as new)"), err=True)
    echo_problems(new.problems, err=True)

    diff = diff_results(
        old,
        new,
        place=place_function(old_paths, new_paths),
        budgets=budgets,
        fail_on=config.fail_on,
        tolerance=Tolerance(points=tolerance, percent=tolerance_percent),
        old_label=old_label,
        new_label=new_label,
    )
    inputs = run_inputs([*(old_paths or []), *new_paths], config)
    write_output(render_diff(output_format, diff, config, use_color(color, output)), output, inputs)
    regressions = diff.regressions()
    if output_format != "text" or output is not None:
        click.echo(f"journeyaudit diff: {len(regressions)} regressions", err=True)
    if new.problems:
        raise SystemExit(EXIT_USAGE)
    if not new.journeys and not old.journeys:
        click.echo(no_journey_files(new_paths), err=True)
        raise SystemExit(EXIT_USAGE)
    if fail_on_regression and regressions:
        raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_OK)
