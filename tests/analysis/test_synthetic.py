"""The benchmark generator writes valid, reproducible journeys the engine handles quickly."""

from __future__ import annotations

import time

from benchmarks.synthetic import ladder, make_journey
from journeyaudit.analysis import analyze
from journeyaudit.loading import load_text


def test_same_seed_same_journey_and_it_loads_without_problems():
    text = make_journey(200, 8, 30, 0.1, seed=3)
    assert text == make_journey(200, 8, 30, 0.1, seed=3)
    assert text != make_journey(200, 8, 30, 0.1, seed=4)
    result = load_text(text)
    assert result.problems == []
    a = analyze(result.journey)
    assert a.metrics["steps"] == 200
    assert abs(sum(a.absorption.values()) - 1) < 1e-9


def test_loaded_ladder_of_60_decisions_analyses_in_well_under_half_a_second():
    # 60 decisions, each to slow (10m) or quick (1m): worst way 60 x 10 min = 36,000 s,
    # expected 60 x (10 + 1) / 2 min = 330 min = 19,800 s.
    journey = load_text(ladder(60)).journey
    began = time.perf_counter()
    a = analyze(journey)
    assert time.perf_counter() - began < 0.5
    assert a.metrics["worst_duration_s"] == 36000.0
    assert a.metrics["expected_duration_s"] == 19800.0
    assert a.metrics["approximate"] is False
