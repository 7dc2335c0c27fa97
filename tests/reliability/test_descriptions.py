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
