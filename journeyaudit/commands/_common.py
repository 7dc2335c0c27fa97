"""Helpers the commands share: printing problems, the rule ids waivers may name."""

from __future__ import annotations

import sys

import click

from journeyaudit.findings import Problem


def known_rule_ids() -> frozenset[str] | None:
    """Rule ids a waiver may name (None while no rule is registered: no check)."""
    from journeyaudit.rules.registry import all_rules

    ids = frozenset(all_rules())
    return ids or None


def echo_problems(problems: list[Problem], err: bool = False) -> None:
    for problem in problems:
        click.echo(problem.format(), err=err)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
