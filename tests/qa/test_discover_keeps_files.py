"""QA: `discover -o` overwrote a journey the user had enriched by hand; `import bpmn` and `init` never do."""

from __future__ import annotations

from click.testing import CliRunner

from journeyaudit.cli import main

CSV = "case:concept:name,concept:name,time:timestamp,org:group\n1,A,2020-01-01T00:00:00,X\n1,B,2020-01-01T01:00:00,Y\n"


def test_discover_keeps_an_existing_file_unless_forced(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(CSV)
    target = tmp_path / "journey.yaml"
    target.write_text("# enriched by hand\n")
    result = CliRunner().invoke(main, ["discover", str(log), "-o", str(target)])
    assert result.exit_code == 2
    assert f"{target}: already exists; use --force to overwrite" in result.output
    assert target.read_text() == "# enriched by hand\n"
    forced = CliRunner().invoke(main, ["discover", str(log), "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "journeyaudit: 1" in target.read_text()
