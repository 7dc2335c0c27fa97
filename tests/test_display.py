"""How figures are shown to people (docs/metrics.md, "How figures are shown")."""

from __future__ import annotations

import pytest

from journeyaudit.common.durations import format_duration, format_figure, format_share


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0s"),
        (45, "45s"),
        (18 * 60, "18m"),
        (3900, "1h 5m"),
        (109560, "1d 6h"),  # 1d 6h 26m
        (280478.571, "3d 6h"),  # 3d 5h 54m: rounded, not cut
        (3 * 86400 + 40 * 60, "3d 40m"),  # no hours: the next non-zero unit
        (3570, "59m 30s"),
        (86399, "1d"),  # 23h 59m 59s rounds up to a day
        (121, "2m 1s"),
    ],
)
def test_durations_keep_two_units_and_round_the_rest(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    "value, text",
    [(5.0, "5"), (3.964, "3.96"), (10.4, "10.4"), (0.08, "0.08"), (0.004, "<0.01"), (1250.0, "1,250"), (-0.0, "0")],
)
def test_figures_have_at_most_two_decimals(value, text):
    assert format_figure(value) == text


@pytest.mark.parametrize(
    "share, text",
    [(0.0, "0%"), (1.0, "100%"), (0.8, "80%"), (0.038, "4%"), (0.996, "99.6%"), (0.004, "0.4%"), (0.9996, ">99.9%")],
)
def test_a_share_that_is_not_all_never_reads_100_percent(share, text):
    assert format_share(share) == text


def test_an_upper_bound_reads_as_one():
    from journeyaudit.reports.formats.text import key_figures

    metrics = {"score": 80, "expected_duration_s": 120.0, "expected_handoffs": 1.667, "max_handoffs": 20,
               "expected_asks": 0.0, "repeated_asks": 0, "success_rate": 1.0}
    assert "1.67 hand-offs expected (20 worst)" in key_figures(metrics)
    assert "(at most 20 worst)" in key_figures({**metrics, "approximate": True})


def test_a_figure_never_reads_like_the_promise_it_breaks():
    from journeyaudit.common.durations import duration_against, figure_against

    assert duration_against(109560, 30 * 3600) == "1d 6h 26m"  # not "1d 6h" against "1d 6h"
    assert duration_against(109560, 3600) == "1d 6h"
    assert figure_against(1.002, 1) == "1.002" and figure_against(1.5, 1) == "1.5"


def test_the_branches_of_a_step_add_up_to_100_percent():
    from journeyaudit.common.durations import format_shares

    assert format_shares([1 / 3] * 3) == ["34%", "33%", "33%"]  # largest remainder, ties in order
    assert format_shares([0.7, 0.3]) == ["70%", "30%"]
    assert format_shares([0.996, 0.004]) == ["99.6%", "0.4%"]  # never 100% and 0% for a real branch


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0s"), (45, "45s"), (60, "1m"), (548, "PT9M8S"), (7200, "2h"), (86400, "1d"), (1209600, "2w"),
     (93965, "P1DT2H6M5S"), (0.5, "0.5s")],
)
def test_durations_written_into_journeys_are_the_formats_own_and_read_back_exactly(seconds, text):
    from journeyaudit.common.durations import parse_duration, written_duration

    assert written_duration(float(seconds)) == text
    assert parse_duration(text) == seconds
