"""Shared fixtures: paths to the contract material in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
EXAMPLES = SHARED / "examples"
REALDATA = SHARED / "realdata"
JOURNEYS = PROJECT / "journeys"

# shared/spec/output.md, journey loan-payoff (effort and score are ours to define)
OUTPUT_MD_LOAN_PAYOFF = {
    "steps": 7,
    "departments": 4,
    "expected_steps": 6.4,
    "expected_handoffs": 4.0,
    "max_handoffs": 4,
    "expected_duration_s": 109560.0,
    "worst_duration_s": 266160.0,
    "expected_wait_s": 107100.0,
    "expected_contacts": 1.4,
    "expected_messages": 1.0,
    "expected_scheduled_s": 0.0,
    "expected_asks": 10.4,
    "repeated_asks": 8,
    "expected_channel_switches": 0.8,
    "success_rate": 1.0,
    "value_added_ratio": 0.012,
}


@pytest.fixture
def examples_dir() -> Path:
    if not EXAMPLES.is_dir():
        pytest.fail(f"the shared examples are missing: {EXAMPLES}")
    return EXAMPLES
