"""`journeyaudit init [NAME]`: write a commented starter journey that validates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import yaml

from journeyaudit.commands._common import refuse_output
from journeyaudit.common.exit_codes import EXIT_USAGE
from journeyaudit.common.safe_write import UnsafeOutput, write_file
from journeyaudit.common.text import SLUG, slugify

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
  service: {{title: Customer service}}
  back-office: {{title: Back office, customer_facing: false}}

data:
  name: {{title: Full name}}
  reference: {{title: Order reference}}

steps:
  contact:                         # the first step is the start
    title: Customer writes in through the web form
    department: service
    channel: web
    actor: customer                # staff (default), system or customer
    duration: 5m
    asks: [reference]
    phase: Ask for help            # reports draw phases as bands
    feeling: -1                    # from research: -2 angry .. 2 delighted
    next: handle
  handle:
    title: Back office handles the request
    department: back-office
    channel: internal              # back-office work: not a contact
    duration: 1h
    phase: Get it sorted
    next:
      - to: confirm
        p: 0.9
      - to: call-back
        when: details missing      # without p: takes the rest (0.1)
  call-back:
    title: The back office calls the customer back for the missing details
    department: back-office
    channel: phone
    after: 1d                      # booked for the next day: elapsed time, not a hold
    duration: 10m
    next: handle
  confirm:
    title: Confirmation email with the outcome
    department: service
    channel: email
    actor: system
    kind: notification             # an automated message: no hand-off, not a contact
    wait: 4h                       # waiting before the step starts
    phase: Hear back
    feeling: 1
    next: survey
  survey:
    title: One-question satisfaction survey from the team that handled it
    department: back-office
    actor: system
    kind: feedback
    end: success
"""


def _reads_back(title: str) -> bool:
    """Does `title: TITLE`, unquoted, read back as that text?"""
    try:
        return yaml.safe_load(f"title: {title}") == {"title": title}
    except yaml.YAMLError:
        return False


@click.command("init")
@click.argument("name", required=False, default="my-journey")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def command(name: str, force: bool) -> None:
    """Write NAME.yaml (default my-journey.yaml): a commented journey to start from."""
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    stem = path.name.rsplit(".", 1)[0]
    if not stem.strip():
        click.echo(f"'{name}': give the journey a file name, e.g. `journeyaudit init cancel-card`", err=True)
        raise SystemExit(EXIT_USAGE)
    title = re.sub(r"[-_]+", " ", stem).strip().capitalize() or "My journey"
    # the starter must validate whatever the name: an id when the file name is not one,
    # a quoted title when the name would mean something else to YAML ("a: b", "#1", "no")
    if not _reads_back(title):
        title = json.dumps(title, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    text = STARTER.format(file=path.as_posix(), title=title)
    if not SLUG.match(stem):
        text = text.replace("journeyaudit: 1\n", f"journeyaudit: 1\nid: {slugify(stem) or 'my-journey'}\n", 1)
    try:
        write_file(path, text, overwrite=force)  # never through a link planted as NAME.yaml
    except UnsafeOutput as refused:
        refuse_output(refused)
    click.echo(f"wrote {path.as_posix()}: edit it, then run `journeyaudit audit {path.as_posix()}`")
