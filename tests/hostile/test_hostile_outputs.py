"""Class 4 of issue 9: output targets. A full disk (a real tmpfs that fills up), a full or closed
standard output, names too long or that look like options or protocols, special files at the
target, and a target that fails late: one line each, nothing new left, every old file kept.

Cases run the command in this process (``invoke``); those marked "real process" run the installed
command (``run``): one per class, and every standard-output case, since a full or closed standard
output is met again when the interpreter flushes it at exit."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hostile_cli import ANIMATE_EM, assert_one_line_error, invoke, make_special, run, tree


# --- a full disk ---------------------------------------------------------------------------------

# From "full before the first byte" to "room for the frames but not for the rest" (the MP4's
# faststart rewrite and trailer, the GIF's palette pass, the PNG folder's last frames, the still,
# the poster, the manifest): tmpfs counts whole 4 kB pages, and the tiny render needs about 100 kB.
@pytest.mark.parametrize("size_kb", [8, 24])
@pytest.mark.parametrize("formats", [["--format", "mp4"], ["--format", "gif"], ["--format", "png"],
                                     ["--format", "webm", "--still", "--poster"]])
def test_a_full_disk_ends_in_one_line_and_keeps_old_files(full_disk, tiny_scene, size_kb, formats):
    disk = full_disk(size_kb)
    (disk / "out").mkdir()
    (disk / "out" / "tiny.mp4").write_bytes(b"an old render")
    before = tree(disk)
    real_process = formats == ["--format", "mp4"] and size_kb == 8
    result = (run if real_process else invoke)("render", tiny_scene, *formats, "-o", disk / "out", "--quiet",
                                               timeout=120)
    if result.returncode == 0:   # it fitted: then everything is complete, with no scratch beside it
        assert not [p for p in (disk / "out").iterdir() if ".tmp-" in p.name or ".old-" in p.name]
        assert (disk / "out" / "tiny.manifest.json").is_file()
        return
    assert_one_line_error(result, "no space left on device")
    assert tree(disk) == before


# --- standard output -------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["fit", "faithful", "-k", "2", "--json"], ["fit", "faithful", "-k", "2"],
                                  ["select", "blobs", "--k-max", "2", "--json"], ["datasets"]])
def test_a_full_standard_output_is_one_line(args):
    with open("/dev/full", "w") as full:
        result = run(*args, stdout=full)
    assert_one_line_error(result, "cannot write to standard output: no space left on device")


def test_a_closed_standard_output_is_one_line(tmp_path):
    result = subprocess.run(f"{ANIMATE_EM} fit faithful -k 2 >&-", shell=True, capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert_one_line_error(result, "standard output is closed")
    assert list(tmp_path.iterdir()) == []


# --- names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["-y.mp4", "a:b.gif", "pipe:1.mp4"])
def test_names_that_look_like_options_or_protocols_are_plain_files(tmp_path, tiny_scene, name):
    result = (run if name == "pipe:1.mp4" else invoke)(   # real process: ffmpeg's own protocol syntax
        "render", tiny_scene, "-o", f"./{name}" if name.startswith("-") else name, "--quiet", cwd=tmp_path,
        timeout=120)
    assert result.returncode == 0, result.stderr
    written = tmp_path / name
    assert written.exists() and (written.is_dir() or written.stat().st_size > 0)
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_name_longer_than_the_file_system_allows(tmp_path, tiny_scene, where):
    long = "n" * 300
    target = tmp_path / (f"{long}.mp4" if where == "file" else f"{long}/x.mp4")
    assert_one_line_error(invoke("render", tiny_scene, "-o", target), "file name too long")
    assert list(tmp_path.iterdir()) == [tiny_scene]


# --- special files and late targets --------------------------------------------------------------

@pytest.mark.parametrize("kind, at", [("fifo", "tiny.mp4"), ("socket", "tiny.mp4"), ("fifo", "tiny.png"),
                                      ("socket", "tiny_poster.png"), ("fifo", "tiny.manifest.json"),
                                      ("fifo", "tiny.chapters.vtt")])
def test_a_special_file_at_any_target_is_refused_before_drawing(tmp_path, tiny_scene, kind, at):
    out = tmp_path / "out"
    out.mkdir()
    (out / "tiny.mp4").write_bytes(b"old video") if at != "tiny.mp4" else None
    make_special(out / at, kind)
    before = tree(out)
    result = (run if (kind, at) == ("fifo", "tiny.mp4") else invoke)(      # real process: the first case
        "render", tiny_scene, "--format", "mp4", "--still", "--poster", "-o", out, timeout=60)
    assert_one_line_error(result, "never replaced")
    assert tree(out) == before
    assert result.stdout == ""


@pytest.mark.parametrize("device, name, options", [("null", "x.png", ["--still"]), ("full", "x.mp4", []),
                                                    ("zero", "x.gif", [])])
def test_a_device_at_the_target_is_refused_never_replaced(tmp_path, tiny_scene, device, name, options):
    (tmp_path / name).symlink_to(f"/dev/{device}")
    result = invoke("render", tiny_scene, *options, "-o", tmp_path / name)
    assert_one_line_error(result, "character device, which is never replaced")
    assert (tmp_path / name).resolve() == Path(f"/dev/{device}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "tiny.toml"])


@pytest.mark.parametrize("blocker", ["tiny.manifest.json", "tiny_poster.png", "tiny_frames/stranger.txt"])
def test_a_render_failing_on_a_late_target_keeps_every_old_file(tmp_path, tiny_scene, blocker):
    out = tmp_path / "out"
    out.mkdir()
    (out / "tiny.mp4").write_bytes(b"old video")
    (out / "tiny.png").write_bytes(b"old still")
    (out / blocker).mkdir(parents=True)
    before = tree(out)
    result = invoke("render", tiny_scene, "--format", "mp4", "--format", "png", "--still", "--poster", "-o", out)
    assert_one_line_error(result, "cannot write")
    assert tree(out) == before


def test_a_report_on_a_full_disk_leaves_nothing(full_disk, tiny_scene):
    disk = full_disk(40)
    result = invoke("report", tiny_scene, "--no-gif", "--restarts", 1, "--k-max", 2, "--select-n-init", 1,
                    "-o", disk / "report", "--quiet", timeout=180)
    assert_one_line_error(result, "no space left on device")
    assert tree(disk) == {}


def test_present_refuses_a_fifo_at_its_page(tmp_path, tiny_scene):
    make_special(tmp_path / "talk.html", "fifo")
    before = tree(tmp_path)
    assert_one_line_error(invoke("present", tiny_scene, "-o", tmp_path / "talk.html", "--quiet"),
                          "never replaced")
    assert tree(tmp_path) == before


def test_present_on_a_full_disk_leaves_nothing(full_disk, tiny_scene):
    disk = full_disk(12)
    result = invoke("present", tiny_scene, "-o", disk / "talk.html", "--pdf", disk / "handout.pdf", "--quiet",
                    timeout=120)
    assert_one_line_error(result, "no space left on device")
    assert tree(disk) == {}
