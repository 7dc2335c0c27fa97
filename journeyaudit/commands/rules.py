"""`journeyaudit rules` (the catalog) and `journeyaudit explain RULE` (one rule's documentation)."""

from __future__ import annotations

import json
import sys

import click

from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.reports.terminal import terminal_width
from journeyaudit.rules.docs import ordered_rules, rule_json, rule_text


@click.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table for people, or JSON for tools.",
)
def rules_command(output_format: str) -> None:
    """List every rule with its default severity, category and summary."""
    rules = ordered_rules()
    if output_format == "json":
        click.echo(json.dumps({"version": 1, "rules": [rule_json(rule) for rule in rules]}, indent=2))
        return
    header = ("id", "default", "category", "summary")
    rows = [(rule.id, rule.default_severity, rule.category, rule.summary) for rule in rules]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3])
    click.echo(f"\n{len(rules)} rules; `journeyaudit explain RULE` for one rule's documentation.")


@click.command("explain")
@click.argument("rule_id", metavar="RULE")
def explain_command(rule_id: str) -> None:
    """Explain a rule in plain words: what it looks for, why it matters, how to fix it, its options and examples."""
    from journeyaudit.common.text import did_you_mean, printable

    rules = {rule.id: rule for rule in ordered_rules()}
    rule = rules.get(rule_id.strip())
    if rule is None:
        click.echo(
            f"journeyaudit: unknown rule '{printable(rule_id)}'{did_you_mean(rule_id, rules)} "
            "(`journeyaudit rules` lists them)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    click.echo(rule_text(rule, width=terminal_width() or 88))


commands = [rules_command, explain_command]
