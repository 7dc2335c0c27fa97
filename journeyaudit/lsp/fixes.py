"""Code actions: the fixes of a finding, each an edit of the buffer titled with its measured effect.

`fixes_for(finding, checked)` is the one place fixes come from. The fix
catalogue and its what-if engine (the issue "Fixes with their measured
effect") are not in the package yet, so it returns no fix; when they land
(`journeyaudit/fixes/`), this function asks them for the finding's fixes and
returns each as a `Fix`: its title says what it changes and what it buys
("Stop asking for Full name here: score +6"), its `new_text` is the whole
journey file after the edit. `code_action_edits` turns that into the few
line edits an editor applies (so undo, folding and the cursor survive).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from journeyaudit.lsp.checking import Checked
from journeyaudit.model.findings import Finding


@dataclass(frozen=True, slots=True)
class Fix:
    title: str  # what it changes and its measured effect
    new_text: str  # the journey file with the fix applied
    preferred: bool = False  # the fix an editor may apply with its "fix this" shortcut


def fixes_for(finding: Finding, checked: Checked) -> list[Fix]:
    """The fixes of one finding of a checked document, best first.

    Plug the fix catalogue in here when it exists: for each of its fixes of
    `finding` (matched by fingerprint), a `Fix` with the effect it measured
    and the edited text of `checked.text`.
    """
    return []


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
