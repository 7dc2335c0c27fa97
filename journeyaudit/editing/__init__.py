"""Round-trip editing of journey files.

`JourneyText` (document.py) changes values, branches, steps and comments of a
journey file in place and keeps everything else as written; `JourneyRewrite`
(restructure.py) adds the structural edits of `fix`: remove a step, turn
`end` into `next`, point a branch elsewhere, set a key of `promise`. The edited file is
written with the project's one safe writer, `journeyaudit/common/safe_write.py`
(never over an input, never over an existing file without --force, never
through a symbolic link, through a temporary file renamed into place), as
every output is; `calibrate` and `fix` use both.
"""

from journeyaudit.editing.document import Branch, EditError, JourneyText
from journeyaudit.editing.restructure import JourneyRewrite
from journeyaudit.editing.scalars import flow_scalar

__all__ = ["Branch", "EditError", "JourneyRewrite", "JourneyText", "flow_scalar"]
