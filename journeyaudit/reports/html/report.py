"""The HTML report: a portfolio index and one self-contained page per journey.

`write_report(result, folder)` writes `index.html` and `<journey-id>.html`.
Pages carry their CSS, SVG and the little JavaScript they use inline: no
request leaves the file, and everything is readable with JavaScript off.
Output is deterministic (same input, same bytes): ordering comes from the
audit result and the journey files, and the only date is the one taken from
`SOURCE_DATE_EPOCH` when that variable is set. docs/report.md explains every
part of the pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from journeyaudit import __version__
from journeyaudit.common.safe_write import OutputFolder
from journeyaudit.reports.html.compare_page import comparison_pages
from journeyaudit.reports.html.environment import asset, environment, generated_at
from journeyaudit.reports.html.index_page import index_context
from journeyaudit.reports.html.journey_page import journey_context
from journeyaudit.reports.html.large_files import findings_files, is_own_file
from journeyaudit.reports.html.parts import page_file

if TYPE_CHECKING:
    from journeyaudit.audit.run import AuditResult
    from journeyaudit.evidence.figures import Conformance
    from journeyaudit.loading.config import Config
    from journeyaudit.rules.base import Rule


def render_pages(
    result: AuditResult,
    *,
    config: Config | None = None,
    full_diagram: bool = False,
    rules: Mapping[str, Rule] | None = None,
    evidence: Mapping[str, Conformance] | None = None,
    audience: str = "team",
    fixes: Mapping[str, list[dict]] | None = None,
) -> dict[str, str]:
    """File name -> text of every file of the report (index.html first): the pages, and beside a
    large journey's page its findings and steps in full (CSV, JSON). `evidence`: journey id ->
    its conformance; `audience`: "team" (every detail) or "client" (no rule ids, file paths,
    CI gate or formulas); `fixes`: journey id -> its fixes with their effect, best first."""
    if rules is None:
        from journeyaudit.rules.registry import all_rules

        rules = all_rules()
    env = environment()
    client = audience == "client"
    common = page_common(client)
    fixes = fixes or {}
    pages = {
        "index.html": env.get_template("index.html").render(
            {**common, **index_context(result, rules, config, client=client, fixes=fixes)}
        )
    }
    by_id = {r.journey.id: r for r in result.journeys}
    template = env.get_template("journey.html")
    for journey_result in result.journeys:
        journey_id = journey_result.journey.id
        context = journey_context(journey_result, by_id, rules, full_diagram=full_diagram, client=client,
                                  fixes=fixes.get(journey_id))
        context["evidence"] = _evidence_view((evidence or {}).get(journey_id), client)
        pages[page_file(journey_id)] = template.render({**common, **context})
        if context["findings_files"]:
            pages.update(findings_files(journey_result, context["findings_files"], client))
    pages.update(comparison_pages(result, rules, common, client=client))
    return pages


def page_common(client: bool) -> dict:
    """What every page's frame (base.html) needs."""
    return {
        "version": __version__,
        "generated_at": generated_at(),
        "css": asset("report.css"),
        "js": asset("report.js"),
        "client": client,
    }


def _evidence_view(conformance: Conformance | None, client: bool = False) -> dict | None:
    if conformance is None:
        return None
    from journeyaudit.reports.conform_html import section_view

    view = section_view(conformance)
    if client:  # the log and the map by their names, not where they lie
        view = {**view, **{key: os.path.basename(view[key]) for key in ("log", "map") if view.get(key)}}
    return view


def write_report(
    result: AuditResult,
    html_dir: str | os.PathLike[str],
    *,
    config: Config | None = None,
    full_diagram: bool = False,
    rules: Mapping[str, Rule] | None = None,
    evidence: Mapping[str, Conformance] | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    force: bool = False,
    audience: str = "team",
    fixes: Mapping[str, list[dict]] | None = None,
) -> Path:
    """Write index.html and one page per journey into `html_dir`; return index.html's path.

    Through the safe writer (common/safe_write.py): never through a link, never over one of
    `inputs`; a page of an earlier report is regenerated, any other file with a page's name
    is kept unless `force`. Raises UnsafeOutput.
    """
    pages = render_pages(result, config=config, full_diagram=full_diagram, rules=rules, evidence=evidence,
                         audience=audience, fixes=fixes)
    with OutputFolder(html_dir, inputs=inputs, overwrite=force, is_own=is_own_file) as folder:
        folder.check(pages)  # a refused page is known before any page is replaced
        written = [folder.write(name, text) for name, text in pages.items()]
    return written[0]
