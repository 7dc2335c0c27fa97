"""`journeyaudit diff OLD NEW` / `diff --base-ref REF PATH...`: what a change does to customers."""

from __future__ import annotations

import json
import sys

import click

from journeyaudit.commands._common import (
    COLOR_OPTION,
    MAX_FILE_SIZE_OPTION,
    OUTPUT_OPTION,
    echo_problems,
    resolve_config,
    write_output,
)
from journeyaudit.common.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from journeyaudit.common.text import no_journey_files, printable


def diff_formats() -> list[str]:
    """text, json, html, and every registered format with a `render_diff` (markdown, github)."""
    from journeyaudit.reports import output_formats

    names = ["text", "json"]
    names += [name for name, module in output_formats().items() if hasattr(module, "render_diff") and name not in names]
    return names + ["html"]


def render_diff(name: str, diff, config, color: bool) -> str:
    from journeyaudit.audit.diff import render_text
    from journeyaudit.reports import RenderOptions, output_formats

    if name == "text":
        return render_text(diff, color=color)
    if name == "json":
        return json.dumps(diff.to_json(), indent=2, ensure_ascii=False) + "\n"
    if name == "html":
        from journeyaudit.audit.diff import render_html

        return render_html(diff)
    return output_formats()[name].render_diff(diff, RenderOptions(config=config, command="diff"))


def _place_function(old_paths, new_paths):
    """Where a journey lives, comparable between the two sides: its file relative to the folder
    compared (`diff OLD/ NEW/`), nothing when two files are compared (they are the same journey),
    its path in the working tree with --base-ref (old files keep their working-tree paths)."""
    import os

    if old_paths is None:
        return lambda side, result: os.path.abspath(result.journey.file)
    roots = {"old": old_paths[0], "new": new_paths[0]}

    def place(side, result):
        root = roots[side]
        if not os.path.isdir(root):
            return ""
        return os.path.relpath(os.path.abspath(result.journey.file), os.path.abspath(root))

    return place


@click.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--base-ref", metavar="REF", help="Compare PATH... with their versions at this git ref (e.g. origin/main); REF... (three dots) means the merge base of REF and HEAD.")
@click.option("--format", "output_format", type=click.Choice(diff_formats()), default="text", show_default=True)
@OUTPUT_OPTION
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file (default: the closest to the new journeys).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), help="Lowest severity of a new finding that is a regression (default: the config's, else error).")
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
    from journeyaudit.audit import audit_journeys, run_audit
    from journeyaudit.audit.diff import Tolerance, diff_results
    from journeyaudit.commands.check import resolve_budgets

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
    budgets = resolve_budgets(config, budget_arguments)

    new = run_audit(new_paths, config, max_bytes=max_bytes)
    if base_ref is not None:
        from journeyaudit.commands._common import known_rule_ids
        from journeyaudit.loading.gitrefs import GitError, load_at_ref

        try:
            commit, journeys, old_problems = load_at_ref(
                base_ref, new_paths, known_rules=known_rule_ids(), max_bytes=max_bytes,
                exclude=config.is_excluded if config.exclude else None,
            )
        except GitError as error:
            click.echo(printable(f"journeyaudit: {error}"), err=True)
            raise SystemExit(EXIT_USAGE) from None
        old = audit_journeys(journeys, config, problems=old_problems)
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
        place=_place_function(old_paths, new_paths),
        budgets=budgets,
        fail_on=config.fail_on,
        tolerance=Tolerance(points=tolerance, percent=tolerance_percent),
        old_label=old_label,
        new_label=new_label,
    )
    if color is None:
        color = output is None and sys.stdout.isatty()
    write_output(render_diff(output_format, diff, config, color), output)
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
