"""The fast indented JSON writer gives exactly the standard library's text."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from journeyaudit.common.json_text import dumps_indented

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=400, derandomize=True)
@given(values)
def test_same_text_as_json_dumps(value):
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_keys_and_types_json_converts_are_left_to_json():
    class Count(int):
        pass

    for value in ({1: "a", None: 2, 1.5: [], False: {}}, [Count(3)], {"a": {"b": [Count(4)]}}):
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_the_usual_edge_values():
    value = {"empty": {}, "none": [], "floats": [1e16, -0.0, 1.5e-7, float("nan"), float("-inf")],
             "text": "é \u2028 \" \\ \n \x00", "nested": [[{}], [[]]], "tuple": (1, (2,))}
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
