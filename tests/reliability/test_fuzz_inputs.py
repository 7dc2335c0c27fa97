"""Fuzzing the readers of every input (journeys, configuration, event logs, baselines, BPMN) through the CLI.

Briefly in the normal suite; longer with more examples:

    JOURNEYAUDIT_FUZZ_EXAMPLES=20000 python3 -m pytest -q -p no:cacheprovider tests/reliability/test_fuzz_inputs.py

(coverage-guided: `python3 tests/reliability/fuzz_atheris.py TARGET`, see that file). A failure
prints the smallest input hypothesis found; the targets and the contract are in fuzz_targets.py.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability import fuzz_targets
from tests.reliability.fuzz_targets import (
    BPMN_SEEDS,
    CONFIG_SEEDS,
    CSV_SEED,
    JOURNEY_SEEDS,
    LOG_SUFFIXES,
    TOKENS,
    XES_SEED,
)

LONG_RUN = "JOURNEYAUDIT_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("JOURNEYAUDIT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    # the brief run of the suite draws the same examples every time (CI never fails by luck);
    # a long run explores
    derandomize=not LONG_RUN,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace", "repeat", "truncate", "flip"]),
        st.integers(0, 1 << 20),
        st.integers(1, 400),
        st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=12),
    ),
    min_size=1,
    max_size=8,
)


def mutants(seeds):
    return st.builds(fuzz_targets.mutate, st.sampled_from(seeds), edits)


@FUZZ
@given(mutants(JOURNEY_SEEDS))
def test_fuzzed_journeys_validate_or_exit_2_located(data):
    fuzz_targets.journey_file(data)


@FUZZ
@given(mutants(CONFIG_SEEDS))
def test_fuzzed_configurations_apply_or_exit_2_located(data):
    fuzz_targets.config_file(data)


@FUZZ
@given(
    mutants([CSV_SEED]),
    st.sampled_from([".csv", ".csv.gz"]),
    st.sampled_from(["handoffs", "discover"]),
    st.sampled_from(["expat", "duckdb"]),
)
def test_fuzzed_csv_logs_are_read_or_exit_2_in_one_line(data, suffix, command, engine):
    fuzz_targets.event_log(data, suffix, command, engine)


@FUZZ
@given(
    mutants([XES_SEED]),
    st.sampled_from([".xes", ".xes.gz"]),
    st.sampled_from(["handoffs", "discover"]),
    st.sampled_from(["expat", "etree", "duckdb"]),
)
def test_fuzzed_xes_logs_are_read_or_exit_2_in_one_line(data, suffix, command, engine):
    fuzz_targets.event_log(data, suffix, command, engine)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(LOG_SUFFIXES), st.sampled_from(["expat", "duckdb"]))
def test_random_bytes_as_a_log_exit_2_in_one_line(data, suffix, engine):
    fuzz_targets.event_log(data, suffix, engine=engine)


@FUZZ
@given(st.data())
def test_fuzzed_baselines_are_used_or_exit_2_located(data):
    fuzz_targets.baseline_file(data.draw(mutants([fuzz_targets.baseline_seed()])))


@FUZZ
@given(mutants(BPMN_SEEDS))
def test_fuzzed_bpmn_models_import_to_valid_journeys_or_exit_2_in_one_line(data):
    fuzz_targets.bpmn_model(data)
