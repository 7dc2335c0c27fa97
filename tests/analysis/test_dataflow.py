"""Information already held when a step asks: on every way (must) or on some way (may)."""

from __future__ import annotations

from journeyaudit.analysis import analyze
from tests.analysis.builders import journey


def diamond():
    # start asks name; left asks email, right asks phone; join asks name, email, phone.
    return journey(
        {
            "start": {"asks": ["name"], "next": ["left", "right"]},
            "left": {"asks": ["email"], "next": "join"},
            "right": {"asks": ["phone"], "next": "join"},
            "join": {"asks": ["name", "email", "phone"], "next": "end"},
            "end": {"end": "success"},
        },
        known=["account"],
    )


def test_diamond_held_on_every_way_and_on_some_way():
    a = analyze(diamond())
    assert a.held_must["start"] == {"account"}
    # name was asked at the start, on every way; email and phone on one branch each
    assert a.held_must["join"] == {"account", "name"}
    assert a.held_may["join"] == {"account", "name", "email", "phone"}
    # join itself asks email and phone, so after it everything is held on every way
    assert a.held_must["end"] == {"account", "name", "email", "phone"}


def test_diamond_repeated_and_possibly_repeated_asks():
    a = analyze(diamond())
    # join asks name (held on every way): 1 repeated ask;
    # email and phone are held on one branch only: 2 possibly repeated.
    assert a.metrics["repeated_asks"] == 1
    assert a.metrics["possibly_repeated_asks"] == 2
    assert a.first_given[("join", "name")] == "start"
    assert a.first_given[("join", "email")] == "left"
    assert a.first_given[("join", "phone")] == "right"


def test_known_data_is_held_from_the_start_and_was_given_by_nobody():
    j = journey({"a": {"asks": ["account"], "next": "b"}, "b": {"asks": ["account"], "end": "success"}}, known=["account"])
    a = analyze(j)
    assert a.held_must["a"] == {"account"}
    assert a.first_given[("a", "account")] is None
    assert a.first_given[("b", "account")] is None
    assert a.first_asked[("b", "account")] == "a"  # for "already given at 'a'"
    assert a.metrics["repeated_asks"] == 2


def test_loop_back_makes_an_ask_possibly_repeated_not_definitely():
    # form asks id; review sends back to form with p = 0.5.
    # The first time through, form does not hold id yet: only "possibly" repeated.
    j = journey(
        {
            "form": {"asks": ["id"], "next": "review"},
            "review": {"asks": ["id"], "next": [("form", 0.5), ("done", 0.5)]},
            "done": {"end": "success"},
        }
    )
    a = analyze(j)
    assert a.held_must["form"] == frozenset()
    assert a.held_may["form"] == {"id"}
    assert a.held_must["review"] == {"id"}  # every way into review passed form
    assert a.first_given[("form", "id")] == "form"  # asked at this step on an earlier lap
    assert a.first_given[("review", "id")] == "form"
    assert a.metrics["repeated_asks"] == 1
    assert a.metrics["possibly_repeated_asks"] == 1
    # review is visited 1/(1-0.5) = 2 times and each time repeats id: 2 expected repeated asks
    assert a.metrics["expected_repeated_asks"] == 2.0


def test_start_inside_a_loop_keeps_only_known_data_on_entry():
    # The start is re-entered from b: the virtual entry holds only `known`.
    j = journey(
        {
            "a": {"asks": ["x"], "next": "b"},
            "b": {"next": [("a", 0.5), ("end", 0.5)]},
            "end": {"end": "success"},
        },
        known=["k"],
    )
    a = analyze(j)
    assert a.held_must["a"] == {"k"}
    assert a.held_may["a"] == {"k", "x"}


def test_first_given_prefers_the_asker_closest_to_the_start_then_file_order():
    # s -> p, q (both ask x, both 1 step from s) -> t asks x: p comes first in the file.
    j = journey(
        {
            "s": {"next": ["q", "p"]},
            "p": {"asks": ["x"], "next": "t"},
            "q": {"asks": ["x"], "next": "t"},
            "t": {"asks": ["x"], "end": "success"},
        }
    )
    assert analyze(j).first_given[("t", "x")] == "p"
