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
    assert f"{target}: cannot write: it already exists; use --force to overwrite" in result.output
    assert target.read_text() == "# enriched by hand\n"
    forced = CliRunner().invoke(main, ["discover", str(log), "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "journeyaudit: 1" in target.read_text()


def test_discover_with_min_share_1_and_a_loop_drafts_a_journey_that_validates(tmp_path):
    # hypothesis found it: every branch of 'Decide' is under 100 %, the repair found no
    # dropped branch straight to an end and crashed (max() of an empty sequence)
    log = tmp_path / "loop.csv"
    log.write_text(
        "case:concept:name,concept:name,time:timestamp,org:group\n"
        "c0,Decide,2024-01-01T10:00:00,Sales\nc0,Call,2024-01-01T10:00:00,Sales\n"
        "c0,Decide,2024-01-01T10:00:00,Sales\nc0,Check,2024-01-01T10:00:00,Sales\n"
    )
    target = tmp_path / "loop.yaml"
    result = CliRunner().invoke(main, ["discover", str(log), "--min-share", "1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["validate", str(target)]).exit_code == 0
