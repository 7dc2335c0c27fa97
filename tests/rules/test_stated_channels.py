"""Channel rules judge only a channel the file states: written on the step, or inherited from a step that states one."""

from __future__ import annotations

from .helpers import context_of, journey, run

DEFAULTED = journey(
    "  a: {title: A, department: d, wait: 2d, next: b}\n"  # the start, no channel: the web default
    "  b: {title: B, department: d, wait: 1h, next: c}\n"  # inherits only the default
    "  c: {title: C, department: d, channel: phone, wait: 10m, next: e}\n"
    "  e: {title: E, department: d, wait: 10m, end: success}\n"  # inherits phone: stated
)


def test_what_counts_as_stated():
    assert context_of(DEFAULTED).analysis.stated_channels == {"c", "e"}


def test_long_wait_judges_a_defaulted_channel_against_other_and_a_stated_one_against_its_own():
    found = {f.step: f.message for f in run("long-wait", DEFAULTED)}
    assert found == {
        "a": "the customer waits 2d (max 1d for steps whose channel the file does not state)",
        "c": "the customer waits 10m on phone (max 5m for phone)",
        "e": "the customer waits 10m on phone (max 5m for phone)",
    }  # b's hour is under `other`'s day, never judged against web's minute


def test_no_channel_switch_from_a_defaulted_channel():
    assert run("channel-switch", DEFAULTED) == []
    assert context_of(DEFAULTED).analysis.metrics["expected_channel_switches"] == 0.0
    stated = DEFAULTED.replace("  a: {title: A, department: d,", "  a: {title: A, department: d, channel: web,")
    (finding,) = run("channel-switch", stated)
    assert finding.steps == ("b", "c")  # b now inherits web from a, which states it


def test_after_is_never_a_hold():
    text = journey("  call: {title: A call-back booked for tomorrow, department: d, channel: phone, after: 1d, end: success}\n")
    assert run("long-wait", text) == []
    metrics = context_of(text).analysis.metrics
    assert metrics["expected_scheduled_s"] == 86400.0 and metrics["expected_hold_s"] == 0.0
    assert metrics["expected_duration_s"] == 86400.0 and metrics["expected_wait_s"] == 0.0
