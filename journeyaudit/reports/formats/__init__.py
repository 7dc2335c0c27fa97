"""One module per output format (see journeyaudit.reports); modules starting with `_` are not formats."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # mypy checks each format module against the protocols it implements
    from journeyaudit.reports import DiffFormat, OutputFormat
    from journeyaudit.reports.formats import github, gitlab, json_format, junit, markdown, sarif, text

    _formats: list[OutputFormat] = [github, gitlab, json_format, junit, markdown, sarif, text]
    _diff_formats: list[DiffFormat] = [github, markdown]
