"""Issue 15, problems 1, 3, 4 and 8: what every command writes, and what it reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES, PROJECT


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --------------------------------------------------------------------------
# 1. report -o DIR wrote through a link inside DIR


@pytest.mark.parametrize("command", [["report", "good.yaml", "-o", "rep"], ["audit", "good.yaml", "--exit-zero", "--html", "rep"]])
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_a_link_inside_the_report_folder_is_never_written_through(project, command, force):
    (project / "victim.txt").write_text("precious")
    (project / "rep").mkdir()
    (project / "rep" / "good.html").symlink_to("../victim.txt")
    result = run(*command, *force)
    assert result.exit_code == 2, result.output
    assert "rep/good.html: cannot write: it is a symbolic link" in result.output
    assert (project / "victim.txt").read_text() == "precious"
    assert not (project / "rep" / "index.html").exists()  # all or nothing: no page was replaced


def test_the_report_regenerates_its_own_pages_and_keeps_other_files(project):
    assert run("report", "good.yaml", "-o", "rep").exit_code == 0
    assert run("report", "good.yaml", "-o", "rep").exit_code == 0  # its own pages: regenerated
    shutil.copy(EXAMPLES / "loan-payoff.yaml", project / "notes.yaml")
    (project / "rep" / "notes.html").write_text("<h1>my notes</h1>")
    refused = run("report", "good.yaml", "notes.yaml", "-o", "rep")
    assert refused.exit_code == 2
    assert "rep/notes.html: cannot write: it already exists; use --force to overwrite" in refused.output
    assert (project / "rep" / "notes.html").read_text() == "<h1>my notes</h1>"
    forced = run("report", "good.yaml", "notes.yaml", "-o", "rep", "--force")
    assert forced.exit_code == 0, forced.output
    assert 'content="journeyaudit' in (project / "rep" / "notes.html").read_text()


def test_the_report_never_writes_over_a_journey_it_reads(project):
    # the page of journey `good` is good.html; a journey file of that name in the folder is an input
    shutil.copy(EXAMPLES / "loan-payoff.yaml", project / "good.html")
    os.mkdir(project / "journeys")
    shutil.copy(EXAMPLES / "loan-payoff.yaml", project / "journeys" / "good.yaml")
    os.link(project / "journeys" / "good.yaml", project / "journeys" / "good.html")
    result = run("report", "journeys", "-o", "journeys", "--force")
    assert result.exit_code == 2
    assert "journeys/good.html: cannot write: it is one of the inputs of this command" in result.output


# --------------------------------------------------------------------------
# 3. ids `index` and `journey-index` shared one page


def test_every_journey_gets_a_page_of_its_own_whatever_the_ids(project):
    text = (EXAMPLES / "loan-payoff.yaml").read_text()
    for journey_id in ("index", "journey-index", "index-2"):
        (project / f"{journey_id}.yaml").write_text(text.replace("journeyaudit: 1\n", f"journeyaudit: 1\nid: {journey_id}\n", 1))
    os.unlink(project / "good.yaml")
    result = run("report", ".", "-o", "rep")
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in (project / "rep").iterdir())
    assert pages == ["_index.html", "index-2.html", "index.html", "journey-index.html"]
    portfolio = (project / "rep" / "index.html").read_text()
    for page in ("_index.html", "index-2.html", "journey-index.html"):
        assert f'href="{page}"' in portfolio


# --------------------------------------------------------------------------
# 4. baseline good.yaml -o good.yaml replaced the journey; no command writes over an input


INPUT_CASES = [
    ["baseline", "good.yaml", "-o", "good.yaml"],
    ["baseline", "good.yaml", "-o", "./good.yaml"],
    ["baseline", ".", "-o", "hard.yaml"],
    ["audit", "good.yaml", "--format", "json", "-o", "good.yaml"],
    ["audit", "good.yaml", "--exit-zero", "-o", "journeyaudit.toml"],
    ["check", "good.yaml", "--format", "sarif", "-o", "{project}/good.yaml"],
    ["check", "good.yaml", "--baseline", "base.json", "-o", "base.json"],
    ["diff", "good.yaml", "other.yaml", "-o", "other.yaml"],
]


@pytest.mark.parametrize("args", INPUT_CASES, ids=lambda a: " ".join(a))
def test_no_command_writes_over_one_of_its_inputs(project, args):
    os.link(project / "good.yaml", project / "hard.yaml")
    shutil.copy(project / "good.yaml", project / "other.yaml")
    assert run("baseline", "good.yaml", "-o", "base.json").exit_code == 0
    before = {name: (project / name).read_bytes() for name in ("good.yaml", "other.yaml", "journeyaudit.toml", "base.json")}
    result = run(*[a.format(project=project) for a in args])
    assert result.exit_code == 2, result.output
    assert "cannot write: it is one of the inputs of this command" in result.output
    assert {name: (project / name).read_bytes() for name in before} == before


@pytest.mark.parametrize(
    "args",
    [["audit", "good.yaml", "--exit-zero", "--format", "json", "-o", "out.json"], ["check", "good.yaml", "--format", "sarif", "-o", "out.json"],
     ["baseline", "good.yaml", "-o", "out.json"], ["diff", "good.yaml", "good.yaml", "-o", "out.json"], ["schema", "-o", "out.json"]],
    ids=lambda a: a[0],
)
def test_a_regenerated_output_replaces_the_file_but_never_follows_a_link(project, args):
    (project / "out.json").write_text("old")
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    assert (project / "out.json").read_text() != "old"
    os.unlink(project / "out.json")
    (project / "out.json").symlink_to("victim.json")
    result = run(*args)
    assert result.exit_code == 2 and "out.json: cannot write: it is a symbolic link" in result.output
    assert not (project / "victim.json").exists()


def test_an_output_to_dev_stdout_reaches_the_output(project):
    result = subprocess.run(
        [sys.executable, "-m", "journeyaudit", "baseline", "good.yaml", "-o", "/dev/stdout"],
        cwd=project, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT)}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tool"] == "journeyaudit"


# --------------------------------------------------------------------------
# 8. an unreadable file named on the command line stopped the run


def run_without_root_powers(args, cwd):
    """The CLI as a normal user sees files: root reads a chmod 000 file, so drop that power."""
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: a chmod 000 file stays readable")
        caps = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "journeyaudit", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)}, timeout=120,
    )


@pytest.mark.parametrize("command", [["audit"], ["check"], ["validate"], ["report", "-o", "rep"], ["baseline", "-o", "base.json"]])
def test_an_unreadable_file_on_the_command_line_is_a_located_problem_and_the_others_are_audited(project, command):
    shutil.copy(project / "good.yaml", project / "locked.yaml")
    (project / "locked.yaml").write_text((project / "locked.yaml").read_text().replace("journeyaudit: 1\n", "journeyaudit: 1\nid: locked\n"))
    os.chmod(project / "locked.yaml", 0)
    result = run_without_root_powers([command[0], "locked.yaml", "good.yaml", *command[1:]], project)
    said = result.stdout + result.stderr  # validate lists problems on stdout
    assert result.returncode == 2, said
    assert "locked.yaml:1:1: cannot read the file: Permission denied" in said
    assert "is not readable" not in said
    if command[0] == "audit":
        assert "good.yaml" in result.stdout and "loan" in result.stdout.lower()  # good.yaml was audited
    if command[0] == "validate":
        assert "2 files: 1 valid" in said
    # the same message when the file is found in a folder
    in_folder = run_without_root_powers([command[0], ".", *command[1:]], project)
    assert "locked.yaml:1:1: cannot read the file: Permission denied" in in_folder.stdout + in_folder.stderr


@pytest.mark.parametrize("command", [["audit"], ["check"], ["validate"], ["diff"], ["report", "-o", "rep"], ["baseline", "-o", "base.json"]])
def test_an_unreadable_folder_on_the_command_line_is_a_located_problem_and_the_others_are_audited(project, command):
    # the configuration search looked into the folder and pathlib raised: "internal error: PermissionError"
    os.mkdir(project / "locked")
    shutil.copy(project / "good.yaml", project / "locked" / "inside.yaml")
    os.chmod(project / "locked", 0)
    try:
        result = run_without_root_powers([command[0], "locked", "good.yaml", *command[1:]], project)
    finally:
        os.chmod(project / "locked", 0o755)
    said = result.stdout + result.stderr
    # diff ignores a problem of the old version (its journeys count as new), as documented
    assert result.returncode == (0 if command[0] == "diff" else 2), said
    assert "locked:1:1: cannot read the folder: Permission denied" in said
    assert "internal error" not in said and "Traceback" not in said
    if command[0] == "audit":
        assert "good.yaml" in result.stdout and "loan" in result.stdout.lower()  # good.yaml was audited


def test_an_unreadable_log_or_config_is_a_one_line_message(project):
    (project / "log.csv").write_text("case:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n")
    os.chmod(project / "log.csv", 0)
    os.chmod(project / "journeyaudit.toml", 0)
    log = run_without_root_powers(["handoffs", "log.csv"], project)
    assert log.returncode == 2 and "log.csv" in log.stderr and "Permission denied" in log.stderr
    assert "is not readable" not in log.stderr
    config = run_without_root_powers(["audit", "good.yaml", "--config", "journeyaudit.toml"], project)
    assert config.returncode == 2
    assert "journeyaudit.toml:1:1: cannot read the config file: Permission denied" in config.stderr


def test_a_report_killed_while_writing_leaves_only_whole_pages(project):
    # "an interrupted run leaves no half-written page": kill -9 as soon as the first page appears
    import signal
    import time

    text = (EXAMPLES / "loan-payoff.yaml").read_text().replace("counterpart: loan-application\n", "")
    os.mkdir(project / "many")
    for number in range(30):
        (project / "many" / f"j{number}.yaml").write_text(text)
    environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
    report = [sys.executable, "-m", "journeyaudit", "report", "many", "-o", "rep"]
    for _ in range(2):
        process = subprocess.Popen(report, cwd=project, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if (project / "rep").is_dir() and any((project / "rep").iterdir()):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        process.wait(30)
        for page in (project / "rep").glob("*.html"):
            assert page.read_text().rstrip().endswith("</html>"), page.name
    finished = subprocess.run(report, cwd=project, env=environment, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr  # the pages of the killed runs are its own: regenerated
    assert len(list((project / "rep").glob("*.html"))) == 31


# --------------------------------------------------------------------------
# a regenerated output (-o FILE, replaced on every run) named like a journey: a slip that would lose the file


@pytest.mark.parametrize("command", [
    ["schema", "-o", "{target}"],
    ["audit", "good.yaml", "--format", "json", "-o", "{target}"],
    ["check", "good.yaml", "--format", "json", "-o", "{target}"],
    ["diff", "good.yaml", "good.yaml", "--format", "json", "-o", "{target}"],
    ["baseline", "good.yaml", "-o", "{target}"],
    ["handoffs", str(PROJECT.parent / "shared" / "realdata" / "logs" / "07_bpic2013_incidents.xes.gz"), "-o", "{target}"],
], ids=["schema", "audit", "check", "diff", "baseline", "handoffs"])
def test_a_regenerated_output_never_replaces_a_journey_or_a_configuration(project, command):
    for target in ("other.yaml", "settings.toml"):
        (project / target).write_text("journeyaudit: 1\n")
        result = run(*[part.format(target=target) for part in command])
        assert result.exit_code == 2, result.output
        assert f"{target}: cannot write: it is named like a journey, a map or a configuration" in result.output
        assert not result.output.startswith("journeyaudit: error:")  # worded as every refusal: PATH: cannot write: why
        assert (project / target).read_text() == "journeyaudit: 1\n"
    # nor written under such a name where nothing is yet (a later run would refuse it, a folder audit read it)
    assert run(*[part.format(target="new.yaml") for part in command]).exit_code == 2
    assert not (project / "new.yaml").exists()
    # the same output is still regenerated under its own kind of name
    assert run(*[part.format(target="out.json") for part in command]).exit_code in (0, 1)
    assert run(*[part.format(target="out.json") for part in command]).exit_code in (0, 1)


def test_import_with_the_model_as_its_output_says_it_is_an_input(project):
    model = next((PROJECT.parent / "shared" / "realdata" / "bpmn").rglob("*.bpmn"))
    shutil.copy(model, project / "model.bpmn")
    result = run("import", "bpmn", "model.bpmn", "-o", "model.bpmn", "--force")
    assert result.exit_code == 2
    assert result.output == "model.bpmn: cannot write: it is one of the inputs of this command: write the output to another file\n"


def test_bidirectional_overrides_in_a_title_are_shown_as_escapes_in_the_terminal(project):
    # U+202E and the isolates reorder what a terminal or a CI log shows (Trojan Source): escaped, as control characters
    text = (project / "good.yaml").read_text(encoding="utf-8")
    (project / "good.yaml").write_text(text.replace("title: ", "title: Pay \u202eoff\u2069 now ", 1), encoding="utf-8")
    result = run("audit", "good.yaml", "--exit-zero")
    assert result.exit_code == 0, result.output
    assert "Pay \\u202eoff\\u2069 now" in result.output
    assert "\u202e" not in result.output and "\u2069" not in result.output
