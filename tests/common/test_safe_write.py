"""The safe writer: no write through a link, over an input, over a file without leave, or half done."""

from __future__ import annotations

import json
import os
import re
import stat
import threading

import pytest

from journeyaudit.common import safe_write
from journeyaudit.common.safe_write import OutputFolder, UnsafeOutput, check_file, is_own_page, write_file


def leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_a_new_file_is_written_with_the_usual_permissions(tmp_path):
    target = tmp_path / "sub" / "out.json"
    old = os.umask(0o022)
    try:
        write_file(target, "{}\n")
    finally:
        os.umask(old)
    assert target.read_text() == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert leftovers(target.parent) == []


def test_text_is_utf8_with_newlines_untouched_and_bytes_are_written_as_given(tmp_path):
    write_file(tmp_path / "a.txt", "é\r\nx\n")
    write_file(tmp_path / "b.pdf", b"%PDF-1.7\x00\xff")
    assert (tmp_path / "a.txt").read_bytes() == "é\r\nx\n".encode()
    assert (tmp_path / "b.pdf").read_bytes() == b"%PDF-1.7\x00\xff"


@pytest.mark.parametrize("dangling", [False, True], ids=["link to a file", "dangling link"])
def test_a_symbolic_link_as_the_file_is_refused_and_nothing_is_written_through_it(tmp_path, dangling):
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "good.html").symlink_to("../victim.txt")
    for write in (lambda: write_file(out / "good.html", "<html>", overwrite=True),
                  lambda: OutputFolder(out, overwrite=True).write("good.html", "<html>")):
        with pytest.raises(UnsafeOutput) as refused:
            write()
        assert str(refused.value).startswith(f"{out / 'good.html'}: cannot write: it is a symbolic link")
    assert victim.read_text() == "precious" if not dangling else not victim.exists()
    assert (out / "good.html").is_symlink()
    assert leftovers(out) == []


def test_a_linked_folder_inside_an_output_folder_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "report"
    out.mkdir()
    (out / "assets").symlink_to(elsewhere)
    with pytest.raises(UnsafeOutput, match="'assets' is a symbolic link or a file, not a folder"):
        OutputFolder(out).write("assets/report.css", "body{}")
    assert list(elsewhere.iterdir()) == []


def test_the_output_folder_itself_may_be_a_link_the_user_made(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "reports").symlink_to(real)
    OutputFolder(tmp_path / "reports").write("index.html", "<html>")
    assert (real / "index.html").read_text() == "<html>"


@pytest.mark.parametrize("name", ["../x.html", "/etc/x.html", "a/../../x", "", "a//b", "."])
def test_a_name_leaving_the_output_folder_is_refused(tmp_path, name):
    with pytest.raises(UnsafeOutput, match="must stay inside the folder"):
        OutputFolder(tmp_path / "out").write(name, "x")
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_an_output_folder_refuses_two_files_of_one_run_under_one_name(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.write("a.html", "first")
    with pytest.raises(UnsafeOutput, match="written twice by this run"):
        folder.write("a.html", "second")
    assert (tmp_path / "a.html").read_text() == "first"


def test_an_input_is_never_overwritten_whatever_its_spelling(tmp_path, monkeypatch):
    journey = tmp_path / "good.yaml"
    journey.write_text("journeyaudit: 1\n")
    os.link(journey, tmp_path / "hard.yaml")
    (tmp_path / "soft.yaml").symlink_to("good.yaml")
    monkeypatch.chdir(tmp_path)
    for spelling in ("good.yaml", "./good.yaml", f"../{tmp_path.name}/good.yaml", str(journey), "hard.yaml"):
        with pytest.raises(UnsafeOutput, match="it is one of the inputs of this command"):
            write_file(spelling, "{}", inputs=["soft.yaml"], overwrite=True)
        with pytest.raises(UnsafeOutput, match="it is one of the inputs"):
            check_file(spelling, inputs=["soft.yaml"], overwrite=True)
    assert journey.read_text() == "journeyaudit: 1\n"
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_replaced_only_when_allowed_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "draft.yaml"
    target.write_text("my edits")
    target.chmod(0o640)
    with pytest.raises(UnsafeOutput) as refused:
        write_file(target, "new")
    assert str(refused.value) == f"{target}: cannot write: it already exists; use --force to overwrite"
    with pytest.raises(UnsafeOutput, match="already exists"):
        check_file(target)
    assert target.read_text() == "my edits"
    write_file(target, "new", overwrite=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_an_output_folder_replaces_its_own_pages_and_no_other_file(tmp_path):
    (tmp_path / "index.html").write_text('<!DOCTYPE html>\n<meta name="generator" content="journeyaudit 0.1.0">old')
    (tmp_path / "notes.html").write_text("<h1>hand-written</h1>")
    folder = OutputFolder(tmp_path, is_own=is_own_page)
    folder.write("index.html", "new")
    with pytest.raises(UnsafeOutput, match=re.escape("notes.html: cannot write: it already exists; use --force")):
        folder.write("notes.html", "new")
    assert (tmp_path / "index.html").read_text() == "new"
    assert (tmp_path / "notes.html").read_text() == "<h1>hand-written</h1>"
    OutputFolder(tmp_path, overwrite=True).write("notes.html", "forced")
    assert (tmp_path / "notes.html").read_text() == "forced"


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_an_interrupted_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch, interruption):
    target = tmp_path / "index.html"
    target.write_text("old page")

    def fail(*args, **kwargs):
        raise interruption

    monkeypatch.setattr(safe_write.os, "rename", fail)
    with pytest.raises(KeyboardInterrupt if interruption is KeyboardInterrupt else UnsafeOutput):
        write_file(target, "new page" * 10000, overwrite=True)
    assert target.read_text() == "old page"
    assert leftovers(tmp_path) == []


def test_a_killed_writer_never_leaves_a_half_written_file(tmp_path):
    # the content is complete under its temporary name before the rename makes it visible
    target = tmp_path / "page.html"
    seen = []
    real_rename = os.rename

    def watch(source, destination, **kwargs):
        seen.append(os.stat(source, dir_fd=kwargs["src_dir_fd"]).st_size)
        assert not target.exists()
        real_rename(source, destination, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(safe_write.os, "rename", watch)
        write_file(target, "x" * 100_000)
    assert seen == [100_000]


def test_a_parent_that_is_a_file_is_named(tmp_path):
    (tmp_path / "plain").write_text("x")
    for call in (lambda: write_file(tmp_path / "plain" / "a.json", "{}"), lambda: check_file(tmp_path / "plain" / "a.json"),
                 lambda: OutputFolder(tmp_path / "plain" / "report")):
        with pytest.raises(UnsafeOutput, match=f"cannot write: '{tmp_path / 'plain'}' is a file, not a folder"):
            call()


def test_a_folder_as_the_file_is_refused(tmp_path):
    (tmp_path / "out.json").mkdir()
    with pytest.raises(UnsafeOutput, match=re.escape("out.json: cannot write: it is a folder")):
        write_file(tmp_path / "out.json", "{}", overwrite=True)


def test_dev_null_stays_a_device():
    write_file("/dev/null", "discarded", overwrite=True)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_named_pipe_without_reader_is_refused_at_once_and_one_with_a_reader_gets_the_text(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(UnsafeOutput, match="a named pipe that nobody reads"):
        write_file(pipe, "x", overwrite=True)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(pipe, "rb").read()))  # noqa: SIM115
    reader.start()
    for _ in range(200):  # the reader opens the pipe; until then writing is refused
        try:
            write_file(pipe, "through the pipe", overwrite=True)
            break
        except UnsafeOutput:
            threading.Event().wait(0.01)
    reader.join(5)
    assert received == [b"through the pipe"]
    with pytest.raises(UnsafeOutput, match="not a regular file"):
        OutputFolder(tmp_path, overwrite=True).write("pipe", "x")


def test_a_path_that_is_not_utf8_is_written_and_shown_escaped(tmp_path):
    name = os.fsdecode(b"caf\xe9.json")
    write_file(tmp_path / name, "{}")
    assert (tmp_path / name).read_text() == "{}"
    with pytest.raises(UnsafeOutput) as refused:
        write_file(tmp_path / name, "{}")
    message = str(refused.value)
    message.encode("utf-8")  # printable on any terminal: no lone surrogate
    assert "caf" in message and "already exists" in message


def test_a_lone_surrogate_in_the_text_is_written_as_its_json_escape(tmp_path):
    # a message quoting a file name that is not UTF-8 must not make the output unwritable
    write_file(tmp_path / "audit.json", '{"message": "id \'caf\udce9\'"}')
    data = (tmp_path / "audit.json").read_bytes()
    assert data == b'{"message": "id \'caf\\udce9\'"}'
    assert json.loads(data) == {"message": "id 'caf\udce9'"}


def test_a_folder_that_is_a_dangling_link_is_named_as_such(tmp_path):
    (tmp_path / "reports").symlink_to(tmp_path / "gone" / "away")
    with pytest.raises(UnsafeOutput, match=r"'.*reports' is a symbolic link to nothing"):
        OutputFolder(tmp_path / "reports")
    assert not (tmp_path / "gone").exists()
