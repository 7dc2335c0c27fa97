"""Descriptions are free text anywhere, but text: `description: [1, 2]` is a located mistake."""

from __future__ import annotations

import pytest

from journeyaudit.loading import load_text

JOURNEY = """\
journeyaudit: 1
title: Cancel a card
description: {journey}
departments:
  support: {{title: Support, description: {department}}}
data:
  card: {{title: Card number, description: {data}}}
steps:
  ask:
    title: Ask to cancel
    department: support
    asks: [card]
    description: {step}
    end: success
"""
TEXT = {"journey": "Why we audit it", "department": "The hotline", "data": "16 digits", "step": "By phone"}


def load(**changed):
    return load_text(JOURNEY.format(**{**TEXT, **changed}), "card.yaml")


def test_text_descriptions_and_empty_ones_load():
    assert load().ok
    assert load(step="", department="~").ok


@pytest.mark.parametrize(
    ("where", "line", "column", "what"),
    [
        ("journey", 3, 14, "the description"),
        ("department", 5, 42, "the description of department 'support'"),
        ("data", 7, 43, "the description of data item 'card'"),
        ("step", 13, 18, "the description of step 'ask'"),
    ],
)
def test_a_list_as_a_description_is_refused_where_it_stands(where, line, column, what):
    result = load(**{where: "[1, 2]"})
    assert result.journey is None
    assert [(p.line, p.column, p.message, p.code) for p in result.problems] == [
        (line, column, f"{what} must be text, found a list", "wrong-type")
    ]


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("journeyaudit: 1", "journeyaudit: " + "9" * 5000, "unsupported format version '" + "9" * 80 + "… (5,000 characters)'"),
        ("channel: web", "channel: web\n    actor: " + "x" * 10_000, "actor of step 'ask' '" + "x" * 80 + "… (10,000 characters)'"),
        ("    end: success", "    wait: " + "9" * 5000 + "h\n    end: success", "'" + "9" * 80 + "… (5,001 characters)' is too large"),
        ("steps:", "? " + "y" * 100_000 + "\n: 1\nsteps:", "unknown key '" + "y" * 80 + "… (100,000 characters)'"),
    ],
    ids=["version", "enum", "duration", "key"],
)
def test_a_huge_value_is_quoted_short_in_its_message(old, new, shown):
    text = JOURNEY.format(**TEXT).replace("    asks: [card]\n", "    asks: [card]\n    channel: web\n")
    result = load_text(text.replace(old, new, 1), "big.yaml")
    messages = [p.message for p in result.problems]
    assert any(shown in message for message in messages), messages
    assert all(len(message) < 400 for message in messages), [len(m) for m in messages]
