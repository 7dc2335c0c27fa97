"""The one jinja environment of every HTML page, its filters and the inlined assets.

Every string from a journey file or an event log is text, never markup: the
environment autoescapes, and control characters become visible escapes.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from journeyaudit.common.durations import (
    duration_against,
    figure_against,
    format_duration,
    format_figure,
    format_share,
)
from journeyaudit.common.text import printable

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def visible(text: str) -> str:
    """Control characters as visible escapes (HTML cannot hold them, Graphviz rejects some); line breaks kept."""
    return printable(text, keep_line_breaks=True)


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every string from a journey file is text, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters["duration"] = lambda seconds: format_duration(seconds or 0.0)
    env.filters["num"] = number
    env.filters["code"] = inline_code
    env.filters["duration_against"] = lambda seconds, other: duration_against(seconds or 0.0, other or 0.0)
    env.filters["num_against"] = lambda value, other: figure_against(value or 0.0, other or 0.0)
    env.filters["pct"] = lambda value: format_share(value or 0.0)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def _visible(value: Any) -> Any:
    """Every printed value: control characters from journeys become visible escapes."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def number(value: float | None, digits: int = 2) -> str:
    """A figure on a page: as in messages and the terminal (at most 2 decimals, docs/report.md)."""
    if value is None:
        return "–"
    return format_figure(value)


def inline_code(text: str | None) -> Markup:
    """Rule documentation writes ids as `code`: escape the text, then mark those spans."""
    escaped = str(Markup.escape(text or ""))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def asset(name: str) -> Markup:
    """A package file (CSS, JavaScript), inlined as-is: not journey text."""
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def generated_at() -> str | None:
    """The "generated at" line: only from SOURCE_DATE_EPOCH, so builds stay reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return moment.strftime("%Y-%m-%d %H:%M UTC")
