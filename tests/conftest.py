"""Shared fixtures: paths to the contract material in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
EXAMPLES = SHARED / "examples"
REALDATA = SHARED / "realdata"
JOURNEYS = PROJECT / "journeys"


@pytest.fixture
def examples_dir() -> Path:
    if not EXAMPLES.is_dir():
        pytest.fail(f"the shared examples are missing: {EXAMPLES}")
    return EXAMPLES
