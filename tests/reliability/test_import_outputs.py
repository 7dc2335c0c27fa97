"""`import bpmn -o`: never through a link, never over the model, and a file that validates whatever its name."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli import main
from journeyaudit.loading import load_file
from tests.conftest import REALDATA

BPMN = """<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="company" name="Company">
<startEvent id="s"/><task id="t" name="Do it"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
</process></definitions>
"""


def run(*args):
    return CliRunner().invoke(main, ["import", "bpmn", *map(str, args)])


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.bpmn"
    path.write_text(BPMN)
    return path


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
@pytest.mark.parametrize("as_folder", [True, False], ids=["-o DIR/", "-o DIR/NAME.yaml"])
def test_a_dangling_link_in_the_output_folder_is_not_written_through(tmp_path, model, as_folder, force):
    # issue 15, problem 2: out/company.yaml -> ../elsewhere.yaml created elsewhere.yaml
    out = tmp_path / "out"
    out.mkdir()
    (out / "company.yaml").symlink_to("../elsewhere.yaml")
    result = run(model, "-o", out if as_folder else out / "company.yaml", *force)
    assert result.exit_code == 2, result.output
    assert f"{out / 'company.yaml'}: cannot write: it is a symbolic link" in result.output
    assert not (tmp_path / "elsewhere.yaml").exists()
    assert (out / "company.yaml").is_symlink()


def test_the_model_itself_is_never_the_output_even_with_force(tmp_path, model):
    copy = tmp_path / "model.yaml"
    copy.write_text(BPMN)
    result = run(copy, "-o", tmp_path / "." / "model.yaml", "--force")
    assert result.exit_code == 2, result.output
    assert "cannot write: it is one of the inputs of this command" in result.output
    assert copy.read_text() == BPMN


def test_nothing_is_written_when_one_file_of_a_folder_import_is_refused(tmp_path):
    out = tmp_path / "journeys"
    out.mkdir()
    (out / "payroll.yaml").write_text("# enriched by hand\n")
    result = run(REALDATA / "bpmn" / "miwg" / "C.4.0.bpmn", "-o", out)
    assert result.exit_code == 2
    assert f"{out / 'payroll.yaml'}: cannot write: it already exists; use --force to overwrite" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["payroll.yaml"]


@pytest.mark.parametrize(
    ("file_name", "expected_id"),
    [("A.1.0.yaml", "a-1-0"), ("My Order.yaml", "my-order"), ("2024 claims.yml", "journey-2024-claims"), ("a-1.yaml", None)],
)
def test_an_imported_file_validates_whatever_its_name(tmp_path, file_name, expected_id):
    # `import bpmn A.1.0.bpmn -o journeys/A.1.0.yaml` wrote a file whose id, from its
    # name, is not valid: the importer writes `id:` whenever the name would not give one
    target = tmp_path / "journeys" / file_name
    result = run(REALDATA / "bpmn" / "miwg" / "A.1.0.bpmn", "-o", target)
    assert result.exit_code == 0, result.output
    loaded = load_file(target)
    assert loaded.problems == []
    text = target.read_text()
    if expected_id:
        assert f"\nid: {expected_id}\n" in text and loaded.journey.id == expected_id
    else:
        assert "\nid:" not in text and loaded.journey.id == "a-1"


HEAD = '<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="P">'


def test_lanes_nested_3000_deep_import_without_a_recursion_error(tmp_path):
    lanes = (
        '<laneSet id="ls">'
        + "".join(f'<lane id="l{i}" name="L{i}"><childLaneSet id="c{i}">' for i in range(3000))
        + '<lane id="x" name="Deepest"><flowNodeRef>t</flowNodeRef></lane>'
        + "</childLaneSet></lane>" * 3000
        + "</laneSet>"
    )
    model = tmp_path / "deep.bpmn"
    model.write_text(HEAD + lanes + '<startEvent id="s"/><task id="t" name="T"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/></process></definitions>')
    result = run(model)
    assert result.exit_code == 0, result.output
    assert "department: deepest" in result.output  # the innermost lane


def test_a_chain_of_5000_tasks_imports_without_a_recursion_error(tmp_path):
    tasks = "".join(f'<task id="t{i}" name="Task {i}"/>' for i in range(5000))
    flows = "".join(f'<sequenceFlow id="f{i}" sourceRef="t{i}" targetRef="t{i + 1}"/>' for i in range(4999))
    model = tmp_path / "chain.bpmn"
    model.write_text(HEAD + '<startEvent id="s"/>' + tasks + flows + '<sequenceFlow id="f" sourceRef="s" targetRef="t0"/></process></definitions>')
    target = tmp_path / "chain.yaml"
    result = run(model, "-o", target)
    assert result.exit_code == 0, result.output
    loaded = load_file(target)
    assert loaded.problems == [] and len(loaded.journey.steps) == 5000
    assert list(loaded.journey.steps)[:3] == ["task-0", "task-1", "task-2"]  # walking order kept
