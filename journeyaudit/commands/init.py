"""`journeyaudit init [NAME]`: write a commented starter journey that validates."""

from __future__ import annotations

import re
from pathlib import Path

import click

from journeyaudit.cli import EXIT_USAGE

STARTER = """\
# yaml-language-server: $schema=journey.schema.json
# (editor completion: write the schema beside this file with `journeyaudit schema -o journey.schema.json`)
# A customer journey for journeyaudit (format: docs/format.md).
# Check it with `journeyaudit validate {file}`, audit it with `journeyaudit audit {file}`.
journeyaudit: 1
title: {title}
segment: existing        # who walks it: new, existing, vip, ...
stage: support           # acquire, onboard, use, support or leave
known: [name]            # what the company already holds when the journey starts
promise:                 # what the customer was told (checked by broken-promise)
  duration: 2d
  contacts: 2

departments:
  contact-center: {{title: Contact center}}
  back-office: {{title: Back office, customer_facing: false}}

data:
  name: {{title: Full name}}
  reference: {{title: Order reference}}

steps:
  contact:                         # the first step is the start
    title: Customer writes in through the web form
    department: contact-center
    channel: web
    actor: customer                # staff (default), system or customer
    duration: 5m
    asks: [reference]
    next: handle
  handle:
    title: Back office handles the request
    department: back-office
    channel: internal              # back-office work: not a contact
    duration: 1h
    next:
      - to: confirm
        p: 0.9
      - to: contact
        when: details missing      # without p: takes the rest (0.1)
  confirm:
    title: Confirmation email with the outcome
    department: contact-center
    channel: email
    actor: system
    kind: notification
    wait: 4h                       # waiting before the step starts
    next: survey
  survey:
    title: One-question satisfaction survey
    department: contact-center
    actor: system
    kind: feedback
    end: success
"""


@click.command("init")
@click.argument("name", required=False, default="my-journey")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def command(name: str, force: bool) -> None:
    """Write NAME.yaml (default my-journey.yaml): a commented journey to start from."""
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if path.exists() and not force:
        click.echo(f"{path}: already exists; use --force to overwrite", err=True)
        raise SystemExit(EXIT_USAGE)
    stem = path.name.rsplit(".", 1)[0]
    title = re.sub(r"[-_]+", " ", stem).strip().capitalize() or "My journey"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(STARTER.format(file=path.as_posix(), title=title), encoding="utf-8")
    except OSError as error:
        click.echo(f"{path}: cannot write: {error.strerror or error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    click.echo(f"wrote {path.as_posix()}: edit it, then run `journeyaudit audit {path.as_posix()}`")
