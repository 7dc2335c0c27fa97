"""Code actions: the fixes of a finding, each an edit of the buffer titled with its measured effect.

`fixes_for(finding, checked)` is the one place fixes come from: the fix
catalogue and its what-if engine (`journeyaudit.fixes`) measure every fix of
the checked journey once per checked version; a finding's fixes are those
that resolve it, best first, each a `Fix` whose title says what it changes and
what it buys ("Stop asking for Full name at 'loans-desk': score +6, 1 ask
fewer") and whose `new_text` is the whole journey file with that fix written
in (comments and layout kept, checked to give the figures announced).
`code_action_edits` turns that into the few line edits an editor applies (so
undo, folding and the cursor survive).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from journeyaudit.lsp.checking import Checked
from journeyaudit.model.findings import Finding

MAX_FIXES = 5  # code actions offered for one finding, the best ones


@dataclass(frozen=True, slots=True)
class Fix:
    title: str  # what it changes and its measured effect
    new_text: str  # the journey file with the fix applied
    preferred: bool = False  # the fix an editor may apply with its "fix this" shortcut


# The measured fixes of the last checked versions (a code action is asked for several
# diagnostics of one version in a row): id(checked) -> (checked, its JourneyFixes).
_MEASURED: dict[int, tuple[Checked, Any]] = {}


def fixes_for(finding: Finding, checked: Checked) -> list[Fix]:
    """The fixes of one finding of a checked document, best first."""
    from journeyaudit.analysis import JourneyAnalysis

    if checked.journey is None or not isinstance(checked.analysis, JourneyAnalysis) or checked.config is None:
        return []
    from journeyaudit.audit.run import JourneyResult
    from journeyaudit.fixes.run import measure_journey
    from journeyaudit.fixes.tobe import ToBeError, apply_to_text
    from journeyaudit.rules.registry import all_rules

    config = checked.config.config
    result = JourneyResult(checked.journey, checked.analysis, list(checked.findings))
    cached = _MEASURED.get(id(checked))
    if cached is None or cached[0] is not checked:
        _MEASURED.clear()
        cached = _MEASURED[id(checked)] = (checked, measure_journey(result, config, all_rules()))
    found: list[Fix] = []
    for fix in cached[1].fixes:
        if finding.fingerprint not in fix.findings:
            continue
        try:
            text, _ = apply_to_text(result, checked.text, [fix.plan], config, all_rules())
        except ToBeError:
            continue  # a layout the writer cannot edit: no action rather than a wrong one
        found.append(Fix(title=fix.line(), new_text=text, preferred=not found))
        if len(found) == MAX_FIXES:
            break
    return found


def code_action_edits(old_text: str, new_text: str) -> list[tuple[int, int, str]]:
    """Line edits from `old_text` to `new_text`: (first line, end line, replacement lines),
    0-based and end-exclusive, each replacing whole lines."""
    old_lines = old_text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, old_first, old_end, new_first, new_end in matcher.get_opcodes():
        if tag != "equal":
            edits.append((old_first, old_end, "".join(new_lines[new_first:new_end])))
    return edits
