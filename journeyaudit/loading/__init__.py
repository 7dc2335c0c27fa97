"""Loading: journey files (safe YAML, the format's schema, discovery), the configuration, git refs.

The public face of the stage: what the other stages and the commands call.
"""

from journeyaudit.loading.journey_loader import (
    C_LOADER,
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    LoadResult,
    find_journey_files,
    journey_id_from_path,
    load_bytes,
    load_file,
    load_paths,
    load_text,
)

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
