"""Hostile input fails fast with a clear message: alias bombs, deep nesting, huge files, symlink loops."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from journeyaudit.common.text import display_path
from journeyaudit.loading import find_journey_files, load_file, load_text
from journeyaudit.loading.config import Config

BASE = """\
journeyaudit: 1
title: Hostile
departments: {ops: {title: Operations}}
data: {a: {title: A}}
"""


def test_billion_laughs_fails_fast_without_expanding():
    levels = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        levels.append(f"lol{level}: &lol{level} [{refs}]")
    text = "\n".join(levels) + "\n"
    # Placed where the reader descends (asks, known, next), 9^10 values would be walked naively.
    document = BASE + "x-bomb:\n" + "".join("  " + line + "\n" for line in levels) + "known: *lol9\nsteps:\n  s: {title: S, department: ops, asks: *lol9, end: success}\n"
    started = time.perf_counter()
    result = load_text(document, "bomb.yaml")
    assert time.perf_counter() - started < 2.0
    assert result.journey is None and result.problems
    assert text  # the bomb itself is valid YAML: only its use is refused


def test_an_alias_fanning_out_a_huge_list_is_refused_as_an_alias_bomb():
    items = ", ".join("a" for _ in range(20000))
    steps = "".join(f"  s{i}: {{title: S, department: ops, asks: *many, next: s{i + 1}}}\n" for i in range(200))
    document = BASE + f"x-many: &many [{items}]\nsteps:\n" + steps + "  s200: {title: End, department: ops, end: success}\n"
    started = time.perf_counter()
    result = load_text(document, "fanout.yaml")
    assert time.perf_counter() - started < 5.0
    assert [p.code for p in result.problems] == ["alias-bomb"]
    assert "alias" in result.problems[0].message


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_before_it_can_crash_the_yaml_library(opening, closing):
    # libyaml's composer segfaults on ~100,000 nested levels: this must be a message, not a crash.
    depth = 100_000
    result = load_text(BASE + "x-deep: " + opening * depth + closing * depth + "\n", "deep.yaml")
    assert [p.code for p in result.problems] == ["too-deep"]


@pytest.mark.parametrize("nesting", ["- " * 60_000 + "a", "? " * 60_000 + "a", " " * 600 + "- " * 600 + "a"],
                         ids=["dashes", "question marks", "indentation and dashes"])
def test_block_indicators_in_a_row_are_refused_before_they_crash_the_yaml_library(tmp_path, nesting):
    # `- - - a` nests one level per dash on one line: neither brackets nor indentation show it, and libyaml's
    # composer crashed the process (exit 139, nothing reported) at about 50,000; in a subprocess, so a crash fails
    # this test and not the suite
    import subprocess
    import sys

    from tests.conftest import EXAMPLES, PROJECT

    (tmp_path / "deep.yaml").write_text(f"x-deep:\n  {nesting}\n")
    for name, prefix in (("bom", b"\xef\xbb\xbf"), ("cr", b"# c\r"), ("nel", b"# c\xc2\x85"), ("ls", b"# c\xe2\x80\xa8")):
        # the run's line may start after any YAML line break, or after a byte order mark
        (tmp_path / f"deep-{name}.yaml").write_bytes(prefix + nesting.encode() + b"\n")
    result = subprocess.run([sys.executable, "-m", "journeyaudit", "validate", str(EXAMPLES / "loan-payoff.yaml"),
                             str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 2, result.stderr
    assert "deep.yaml:2:" in result.stdout and "nests deeper than 1000 levels [too-deep]" in result.stdout
    assert result.stdout.count("[too-deep]") == 5, result.stdout
    assert "6 files: 1 valid, 5 problems" in result.stdout + result.stderr  # the good file is still read


def test_the_block_indicator_check_stays_linear_on_a_long_line():
    # short runs of `- ` on one 2.4 MB line: the first version looked back to the line's start for each, 35 s here
    started = time.perf_counter()
    result = load_text(BASE + "description: " + "- - x " * 400_000 + "\n", "runs.yaml")
    assert time.perf_counter() - started < 5.0
    assert "too-deep" not in [p.code for p in result.problems]


def test_a_few_block_indicators_in_a_row_are_ordinary_yaml():
    result = load_text(BASE + "x-list:\n  - - - a\n    - b\n", "fine.yaml")
    assert "too-deep" not in [p.code for p in result.problems]


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(BASE + "description: " + "x" * 3 * 1024 * 1024 + "\n")
    result = load_file(path, max_bytes=2 * 1024 * 1024)
    assert [p.code for p in result.problems] == ["too-large"]
    assert "2 MiB" in result.problems[0].message and "--max-file-size" in result.problems[0].message


def test_symlink_loops_in_folders_are_walked_once(tmp_path):
    folder = tmp_path / "journeys"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.yaml").write_text(BASE)
    os.symlink(folder, folder / "sub" / "loop")
    os.symlink(folder / "sub", folder / "again")
    files, problems = find_journey_files([folder])
    assert problems == []
    assert [f.name for f in files] == ["a.yaml"]


def test_yaml_1_1_words_mean_what_the_author_wrote():
    document = BASE.replace("{ops: {title: Operations}}", "{ops: {title: Operations, customer_facing: no}}") + (
        "steps:\n  no:\n    title: no\n    department: ops\n    channel: off\n    next: yes\n"
        "  yes: {title: Yes, department: ops, end: success}\n"
    )
    journey = load_text(document, "words.yaml").journey
    assert list(journey.steps) == ["no", "yes"]
    assert journey.steps["no"].title == "no"
    assert journey.steps["no"].channel == "off"
    assert journey.steps["no"].next[0].target == "yes"
    assert journey.departments["ops"].customer_facing is False


def test_merge_keys_share_defaults_between_steps():
    document = BASE + (
        "x-phone: &phone {department: ops, channel: phone, wait: 5m}\n"
        "steps:\n"
        "  a: {<<: *phone, title: Call, next: b}\n"
        "  b: {<<: *phone, title: Call back, wait: 1m, end: success}\n"
    )
    journey = load_text(document, "merge.yaml").journey
    assert journey.steps["a"].wait_s == 300 and journey.steps["a"].channel == "phone"
    assert journey.steps["b"].wait_s == 60  # the explicit key wins over the merged default


def test_links_out_of_the_walked_folder_are_not_followed(tmp_path):
    # a committed `journeys/creds.yaml -> ../home/.git-credentials` made the audit quote the token in its SARIF
    secrets = tmp_path / "home"
    secrets.mkdir()
    (secrets / ".git-credentials").write_text("https://bot:ghp_TOKEN@github.com\n")
    (secrets / "other.yaml").write_text(BASE)
    folder = tmp_path / "journeys"
    (folder / "inside").mkdir(parents=True)
    (folder / "inside" / "a.yaml").write_text(BASE)
    os.symlink(secrets / ".git-credentials", folder / "creds.yaml")
    os.symlink(secrets, folder / "home")
    os.symlink(folder / "inside", folder / "alias")  # a link within the folder is still followed (once)
    os.symlink(folder / "inside" / "a.yaml", folder / "b.yaml")
    files, problems = find_journey_files([folder])
    # each link out is named (a CI gate must not pass quietly on fewer journeys), none is read
    assert sorted((p.file, p.code) for p in problems) == [
        (display_path(folder / "creds.yaml"), "outside-link"), (display_path(folder / "home"), "outside-link")]
    assert "a link to a file outside" in next(p.message for p in problems if p.file.endswith("creds.yaml"))
    # one journey (three names lead to it), and nothing from outside
    assert [os.path.realpath(f) for f in files] == [os.path.realpath(folder / "inside" / "a.yaml")]
    # named on the command line, a file is read wherever it is
    named, _ = find_journey_files([secrets / "other.yaml"])
    assert [f.name for f in named] == ["other.yaml"]


def test_a_value_quoted_in_a_message_is_only_its_start():
    result = load_text("x" * 5000 + "\n", "text.yaml")
    message = result.problems[0].message
    assert "found the text 'xxxx" in message and "(5,000 characters)" in message and len(message) < 300
    long = "x" * 3000  # an unknown reference too
    result = load_text(BASE + f"steps:\n  s: {{title: S, department: {long}, next: {long}}}\n", "ref.yaml")
    unknown = [p.message for p in result.problems if p.code == "unknown-reference"]
    assert len(unknown) == 2 and all("(3,000 characters)" in m and len(m) < 300 for m in unknown), unknown


def test_a_linked_journeys_folder_is_read_when_named_and_named_as_a_problem_when_walked_from_above(tmp_path):
    (tmp_path / "repo" / "journeys").mkdir(parents=True)
    (tmp_path / "repo" / "journeys" / "a.yaml").write_text(BASE)
    (tmp_path / "other").mkdir()
    os.symlink(tmp_path / "repo" / "journeys", tmp_path / "other" / "journeys")
    files, problems = find_journey_files([tmp_path / "other" / "journeys"])
    assert [f.name for f in files] == ["a.yaml"] and problems == []
    files, problems = find_journey_files([tmp_path / "other"])
    assert files == [] and [p.code for p in problems] == ["outside-link"]


def test_a_link_out_that_the_exclude_globs_cover_is_left_out_without_a_problem(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "repo" / "node_modules").mkdir(parents=True)
    (tmp_path / "repo" / "a.yaml").write_text(BASE)
    os.symlink(tmp_path / "outside", tmp_path / "repo" / "node_modules" / "pkg")
    os.symlink(tmp_path / "outside", tmp_path / "repo" / "sysinc")
    os.symlink(tmp_path / "outside" / "x.yaml", tmp_path / "repo" / "linked.yaml")
    config = Config(file=str(tmp_path / "repo" / "journeyaudit.toml"), exclude=["node_modules/**", "sysinc", "linked.yaml"])
    files, problems = find_journey_files([tmp_path / "repo"], exclude=config.is_excluded)
    assert [f.name for f in files] == ["a.yaml"] and problems == []
    config.exclude = ["node_modules/**"]
    _, problems = find_journey_files([tmp_path / "repo"], exclude=config.is_excluded)
    assert sorted(Path(p.file).name for p in problems) == ["linked.yaml", "sysinc"]
    assert all(p.message.endswith("name its target on the command line to audit it, or exclude it") for p in problems)
