"""Property tests: mutated journeys and random bytes never give a traceback or a hang."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyaudit.loading import load_bytes, load_text
from tests.conftest import EXAMPLES

SOURCES = [(EXAMPLES / name).read_text(encoding="utf-8") for name in ("loan-payoff.yaml", "loan-application.yaml")]
TOKENS = [":", "-", " ", "\n", "  ", "[", "]", "{", "}", "&a", "*a", "<<: *a", "!!python/object", "'", '"', "#", "\t", "---", "~", "no", "1e9", "p: 2", "next: x", "\x00", "\ud83d\ude00", "😀", "é"]


@st.composite
def mutated_journeys(draw):
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "swap-lines", "duplicate-line", "truncate"]))
        if operation == "insert":
            text = text[:position] + draw(st.sampled_from(TOKENS) | st.text(max_size=8)) + text[position:]
        elif operation == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)) :]
        elif operation == "replace":
            text = text[:position] + draw(st.sampled_from(TOKENS)) + text[position + 1 :]
        elif operation == "truncate":
            text = text[:position]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if operation == "swap-lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(i, lines[j])
            text = "\n".join(lines)
    return text


def assert_clean(result):
    # Either a journey or located problems; never both, never neither.
    assert (result.journey is None) == bool(result.problems)
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_journeys())
def test_mutated_journeys_load_or_give_located_problems(text):
    started = time.perf_counter()
    assert_clean(load_text(text, "mutant.yaml"))
    assert time.perf_counter() - started < 2.0


@settings(max_examples=300, deadline=2000)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    assert_clean(load_bytes(data, "random.yaml"))


@settings(max_examples=300, deadline=2000)
@given(st.text(max_size=500))
def test_random_text_never_raises(text):
    assert_clean(load_text(text, "random.yaml"))
