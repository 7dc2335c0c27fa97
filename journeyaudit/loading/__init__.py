"""Loading: journey files (safe YAML, the format's schema, discovery), the configuration, git refs.

The public face of the stage: what the other stages and the commands call.
`safe_yaml.py` composes bytes into a YAML node tree behind every guard hostile
input needs; `nodes.py` reads nodes into typed values with located problems;
`schema.py` is the journey format; `discovery.py` finds and loads the files.
"""

from journeyaudit.loading.discovery import (
    LoadResult,
    find_journey_files,
    journey_id_from_path,
    load_bytes,
    load_file,
    load_paths,
    load_text,
)
from journeyaudit.loading.safe_yaml import C_LOADER, MAX_FILE_BYTES
from journeyaudit.loading.schema import FORMAT_VERSION

__all__ = [
    "C_LOADER",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "LoadResult",
    "find_journey_files",
    "journey_id_from_path",
    "load_bytes",
    "load_file",
    "load_paths",
    "load_text",
]
