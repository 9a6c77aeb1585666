"""Class 3 of issue 9: SIGTERM and SIGHUP end a run like SIGINT. Real signals are sent to the real
command mid-render: exit status 128 + N, one line, no file at the target or beside it (GIF
palettes and intermediate videos included), and no ffmpeg left running."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from hostile_cli import ANIMATE_EM, TINY_SCENE, tree

SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]

#: Enough frames to be caught mid-encode: 30 iterations at one frame each, 256x144.
SLOW_SCENE = TINY_SCENE.replace("max_iter = 2", "max_iter = 30").replace("width = 128", "width = 256") \
    .replace("height = 72", "height = 144")


def _children(pid: int) -> list[int]:
    # The kernel lists each thread's children in /proc/PID/task/TID/children: reading them costs
    # microseconds, where starting pgrep every 50 ms of a wait took about 10 ms of CPU each time.
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []
    if tasks and not os.path.exists(f"/proc/{pid}/task/{tasks[0]}/children"):      # a kernel without it
        found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        return [int(child) for child in found]
    children = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                children += [int(child) for child in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue           # the thread (or the process) has just ended
    return children


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _start(tmp_path, *options):
    scene = tmp_path / "slow.toml"
    scene.write_text(SLOW_SCENE)
    out = tmp_path / "out"
    out.mkdir()
    (out / "slow.mp4").write_bytes(b"an old render")
    before = tree(tmp_path)
    process = subprocess.Popen([ANIMATE_EM, "render", scene, *options, "-o", f"{out}/"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               env={**os.environ, "MPLBACKEND": "Agg"}, start_new_session=True)
    return process, before


def _wait_for_ffmpeg(process, timeout=60.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        children = [c for c in _children(process.pid) if "ffmpeg" in _command(c)]
        if children:
            return children
        time.sleep(0.05)
    pytest.fail("the render never started ffmpeg")


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def _finish(process, signum, before, tmp_path, children):
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, (process.returncode, stderr)
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr and lines[-1] == (
        f"Error: interrupted by {signal.Signals(signum).name}; nothing partial was left behind"), stderr
    assert tree(tmp_path) == before     # the old render kept, nothing new beside it
    assert not [c for c in children if _alive(c)], "ffmpeg left running"


@pytest.mark.parametrize("signum, formats", [
    (signal.SIGTERM, ["--format", "mp4"]), (signal.SIGHUP, ["--format", "gif"]),
    (signal.SIGINT, ["--format", "png", "--still"]), (signal.SIGTERM, ["--format", "all", "--poster"]),
], ids=["SIGTERM-mp4", "SIGHUP-gif", "SIGINT-png", "SIGTERM-all"])
def test_a_signal_mid_render_leaves_nothing(tmp_path, signum, formats):
    process, before = _start(tmp_path, *formats)
    children = _wait_for_ffmpeg(process)
    time.sleep(0.3)
    process.send_signal(signum)
    _finish(process, signum, before, tmp_path, children)


def _catches(pid: int, signum: int) -> bool:
    """Whether the process has a handler for `signum` (the SigCgt mask of /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as handle:
        caught = next(line for line in handle if line.startswith("SigCgt:")).split()[1]
    return bool(int(caught, 16) >> (signum - 1) & 1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_as_soon_as_the_command_listens_leaves_nothing(tmp_path, signum):
    # The earliest a signal is handled: before any data is loaded, fitted or written.
    process, before = _start(tmp_path, "--format", "gif")
    deadline = time.monotonic() + 60
    while not _catches(process.pid, signum) and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signum)
    _finish(process, signum, before, tmp_path, [])


# Signals at many instants of a GIF render (its palette pass included): whatever the instant,
# the run ends cleanly or completes.
@pytest.mark.parametrize("delay", [0.05, 1.0, 2.5])
def test_a_signal_at_any_instant_leaves_nothing_or_a_whole_render(tmp_path, delay):
    process, before = _start(tmp_path, "--format", "gif", "--still")
    _wait_for_ffmpeg(process)
    time.sleep(delay)
    children = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    assert not [c for c in children if _alive(c)], "ffmpeg left running"
    out = tmp_path / "out"
    whole = ["slow.gif", "slow.manifest.json", "slow.mp4", "slow.png"]
    if out.is_dir() and sorted(p.name for p in out.iterdir()) == whole:
        # Finished before the signal, or the signal came while Python was shutting down after
        # the last file was in place (the default action then ends it: -15, which a shell
        # reports as 143 too). Either way the render is whole.
        assert process.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM), stderr
    else:
        assert process.returncode == 128 + signal.SIGTERM, stderr
        assert tree(tmp_path) == before


@pytest.mark.parametrize("command", ["report", "slides"])
def test_a_signal_mid_report_or_deck_leaves_nothing(tmp_path, command):
    scene = tmp_path / "slow.toml"
    scene.write_text(SLOW_SCENE)
    out = tmp_path / "out"
    args = (["report", scene, "--restarts", 1, "--k-max", 1, "--select-n-init", 1, "--select-covariance", "full",
             "-o", out] if command == "report"
            else ["slides", scene, "-o", out / "deck.pptx"])
    before = tree(tmp_path)
    process = subprocess.Popen([ANIMATE_EM, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, env={**os.environ, "MPLBACKEND": "Agg"},
                               start_new_session=True)
    children = _wait_for_ffmpeg(process, timeout=120)   # the report's GIF, the deck's MP4
    process.send_signal(signal.SIGTERM)
    _finish(process, signal.SIGTERM, before, tmp_path, children)
