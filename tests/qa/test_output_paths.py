"""QA: -o / --html under a path whose parent is a file: exit 2, one line naming the culprit."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from tests.conftest import EXAMPLES

CSV = "case:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n1,B,2020-01-01T01:00:00,Y\n"
BPMN = """<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="P">
<startEvent id="s"/><task id="t" name="Do it"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
</process></definitions>
"""


@pytest.fixture
def setup(tmp_path):
    shutil.copy(EXAMPLES / "loan-payoff.yaml", tmp_path)
    (tmp_path / "log.csv").write_text(CSV)
    (tmp_path / "model.bpmn").write_text(BPMN)
    (tmp_path / "plain-file").write_text("not a folder")
    return tmp_path


COMMANDS = [
    ["schema", "-o", "{blocked}/schema.json"],
    ["audit", "{dir}/loan-payoff.yaml", "--exit-zero", "-o", "{blocked}/audit.json"],
    ["audit", "{dir}/loan-payoff.yaml", "--exit-zero", "--html", "{blocked}/report"],
    ["report", "{dir}/loan-payoff.yaml", "-o", "{blocked}/report"],
    ["baseline", "{dir}/loan-payoff.yaml", "-o", "{blocked}/baseline.json"],
    ["diff", "{dir}/loan-payoff.yaml", "{dir}/loan-payoff.yaml", "-o", "{blocked}/diff.txt"],
    ["init", "{blocked}/new"],
    ["import", "bpmn", "{dir}/model.bpmn", "-o", "{blocked}/model.yaml"],
    ["discover", "{dir}/log.csv", "-o", "{blocked}/found.yaml"],
    ["handoffs", "{dir}/log.csv", "-o", "{blocked}/handoffs.txt"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_writing_under_a_file_says_which_path_is_a_file(setup, args):
    blocked = setup / "plain-file"
    argv = [a.format(dir=setup, blocked=blocked) for a in args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert f"cannot write: '{blocked}' is a file, not a folder" in result.output, result.output
