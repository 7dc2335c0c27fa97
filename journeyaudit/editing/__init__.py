"""Round-trip editing of journey files, and writing outputs safely.

`JourneyText` (document.py) changes values, branches, steps and comments of a
journey file in place and keeps everything else as written; `write_safely`
(safe_write.py) is how every command that writes a file writes it: never over
one of its inputs, never over an existing file without --force, never through
a symbolic link, through a temporary file renamed into place. `calibrate` and
`fix` use both.
"""

from journeyaudit.editing.document import Branch, EditError, JourneyText
from journeyaudit.editing.safe_write import UnsafeOutput, write_safely
from journeyaudit.editing.scalars import flow_scalar

__all__ = ["Branch", "EditError", "JourneyText", "UnsafeOutput", "flow_scalar", "write_safely"]
