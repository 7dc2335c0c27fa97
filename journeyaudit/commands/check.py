"""`journeyaudit check PATH...`: the CI gate (findings, budgets, baseline) with an exit code."""

from __future__ import annotations

import sys

import click

from journeyaudit.commands._common import (
    COLOR_OPTION,
    CONFIG_OPTION,
    FAIL_ON_OPTION,
    MAX_FILE_SIZE_OPTION,
    OUTPUT_OPTION,
    echo_problems,
    failing_findings,
    resolve_config,
    run_with_progress,
    write_output,
)
from journeyaudit.common.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from journeyaudit.common.text import no_journey_files
from journeyaudit.reports import RenderOptions, output_formats, render


def resolve_budgets(config, budget_arguments) -> list:
    """Budgets of the config, replaced per metric by --budget values; exits 2 on a bad one."""
    from journeyaudit.audit.budgets import (
        BudgetError,
        budgets_from_config,
        merge_budgets,
        parse_budget_argument,
    )

    try:
        from_config = budgets_from_config(config)
    except BudgetError as error:
        echo_problems(error.problems, err=True)
        raise SystemExit(EXIT_USAGE) from None
    from_cli = []
    for argument in budget_arguments:
        try:
            from_cli.extend(parse_budget_argument(argument))
        except ValueError as error:
            click.echo(f"journeyaudit: {error}", err=True)
            raise SystemExit(EXIT_USAGE) from None
    return merge_budgets(from_config, from_cli)


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), help="Fail only on findings not in this baseline file (see `journeyaudit baseline`).")
@click.option("--budget", "budget_arguments", multiple=True, metavar="METRIC=VALUE", help="A budget, e.g. max_handoffs=3, score>=70, expected_duration_s=1h, loan-payoff:max_handoffs=5 (repeatable; replaces the config's).")
@click.option("--format", "output_format", type=click.Choice(list(output_formats())), default="text", show_default=True)
@OUTPUT_OPTION
@CONFIG_OPTION
@FAIL_ON_OPTION
@click.option("--fail-on-stale-baseline", is_flag=True, help="Also exit 1 when baseline entries no longer occur.")
@MAX_FILE_SIZE_OPTION
@COLOR_OPTION
def command(paths, baseline_path, budget_arguments, output_format, output, config_path, fail_on,
            fail_on_stale_baseline, max_file_size, color) -> None:
    """Gate CI on journeys: findings at or above fail-on, budgets, new findings beyond a baseline.

    Exit 0 when nothing fails; 1 when a finding that is neither waived nor in
    the baseline is at or above fail-on, or a budget is broken; 2 when a file,
    the config, the baseline, a --budget or the command line could not be used.
    """
    from journeyaudit.audit.baseline import BaselineError, load_baseline, match
    from journeyaudit.audit.budgets import (
        BUDGET_RULE,
        add_findings,
        budget_findings,
        evaluate,
        unknown_budget_journeys,
    )

    config = resolve_config(paths, config_path, fail_on)
    budgets = resolve_budgets(config, budget_arguments)
    baseline = None
    if baseline_path:
        try:
            baseline = load_baseline(baseline_path)
        except BaselineError as error:
            echo_problems([error.problem], err=True)
            raise SystemExit(EXIT_USAGE) from None
    result = run_with_progress(paths, config, max_file_size * 1024 * 1024)
    echo_problems(result.problems, err=True)

    # Budgets become findings of rule `budget` so every format reports them; the
    # baseline is matched before they are added: a broken budget is never "accepted".
    baseline_match = match(baseline, result.all_findings()) if baseline is not None else None
    checks = evaluate(result, budgets)
    add_findings(result, budget_findings(result, checks))
    for journey_id in unknown_budget_journeys(result, budgets):
        click.echo(f"journeyaudit: warning: budgets name journey '{journey_id}', which is not among the audited journeys", err=True)

    extra = {}
    if budgets:
        extra["budgets"] = checks
    if baseline_match is not None:
        extra["baseline"] = baseline_match
    if color is None:
        color = output is None and sys.stdout.isatty()
    options = RenderOptions(config=config, color=color, command="check", extra=extra)
    if output_format == "json":
        # The JSON document gains keys (output.md allows additions), all JSON-ready.
        json_extra = {}
        if budgets:
            json_extra["budgets"] = [check.to_json() for check in checks]
        if baseline_match is not None:
            json_extra["baseline"] = baseline_match.to_json()
        options = RenderOptions(config=config, color=color, command="check", extra=json_extra)
    text = render(output_format, result, options)
    write_output(text, output)

    failing = [f for f in failing_findings(result, config.fail_on) if f.rule != BUDGET_RULE]
    if baseline_match is not None:
        failing = [f for f in failing if f.fingerprint not in baseline_match.baselined]
    broken = [c for c in checks if not c.passed]
    if baseline_match is not None and baseline_match.stale:
        shown_paths = " ".join(paths)
        for entry in baseline_match.stale:
            click.echo(
                f"{baseline_match.file}:{entry.line}:{entry.column}: stale baseline entry {entry.fingerprint} "
                f"({entry.describe()}): no longer found [stale-baseline]",
                err=True,
            )
        click.echo(
            f"{len(baseline_match.stale)} stale baseline entries: remove them with "
            f"`journeyaudit baseline {shown_paths} -o {baseline_match.file}`",
            err=True,
        )
    if output_format != "text" or output is not None:
        # Machine formats go to stdout or a file: say on stderr why the job passes or fails.
        parts = [f"{len(failing)} failing findings (fail-on {config.fail_on})"]
        if budgets:
            parts.append(f"{len(broken)} of {len(checks)} budgets broken")
        if baseline_match is not None:
            parts.append(f"{len(baseline_match.baselined)} in the baseline, {len(baseline_match.stale)} stale")
        click.echo("journeyaudit check: " + ", ".join(parts), err=True)
    elif budgets or baseline_match is not None:
        if budgets:
            click.echo(f"budgets: {len(checks) - len(broken)} of {len(checks)} met", err=True)
        if baseline_match is not None:
            click.echo(f"baseline {baseline_match.file}: {len(baseline_match.baselined)} findings accepted", err=True)

    if result.problems:
        raise SystemExit(EXIT_USAGE)
    if not result.journeys:
        click.echo(no_journey_files(paths), err=True)
        raise SystemExit(EXIT_USAGE)
    if failing or broken or (fail_on_stale_baseline and baseline_match is not None and baseline_match.stale):
        raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_OK)
