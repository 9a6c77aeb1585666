"""Every output appears complete or not at all; bad paths fail before drawing."""

import gc
import os
import sys
import weakref

import numpy as np
import pytest
from encode_probe import Counting, H, W, leftovers, make_frames

from animate_em.encode import FrameError, Mp4Writer, RenderError, open_writer, write
from animate_em.encode import video as video_module
from animate_em.errors import UserError

TARGETS = ["em.mp4", "em.gif", "em.webm", "frames", "last.png"]


@pytest.mark.parametrize("name", TARGETS)
def test_failing_frame_source_leaves_nothing(tmp_path, name):
    src = Counting(make_frames(20), fail_at=6)
    with pytest.raises(RuntimeError, match="frame source failed"):
        write(src, tmp_path / name, fps=10)
    assert src.taken == 6
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["em.mp4", "em.gif", "frames"])
def test_keyboard_interrupt_leaves_nothing(tmp_path, name):
    src = Counting(make_frames(20), fail_at=3, exc=KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        write(src, tmp_path / name, fps=10)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["em.mp4", "frames"])
def test_failed_rewrite_keeps_the_old_output(tmp_path, name):
    old = write(make_frames(4), tmp_path / name, fps=10)
    before = sorted(leftovers(tmp_path))
    stamp = {p: (tmp_path / p).stat().st_mtime_ns for p in before if (tmp_path / p).is_file()}
    with pytest.raises(RuntimeError):
        write(Counting(make_frames(9), fail_at=5), old, fps=10)
    assert sorted(leftovers(tmp_path)) == before
    assert {p: (tmp_path / p).stat().st_mtime_ns for p in stamp} == stamp


def test_parent_that_is_a_file_fails_before_any_frame(tmp_path):
    (tmp_path / "plain").write_text("x")
    src = Counting(make_frames(5))
    target = tmp_path / "plain" / "em.mp4"
    with pytest.raises(UserError) as info:
        write(src, target, fps=10)
    message = str(info.value)
    assert str(target) in message and "\n" not in message
    assert src.taken == 0
    assert leftovers(tmp_path) == ["plain"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
@pytest.mark.parametrize("target", ["/proc/animate-em-test.mp4", "/proc/animate-em-test/sub/em.gif",
                                    "/proc/animate-em-frames"])
def test_unwritable_system_path_fails_before_any_frame(target):
    # Writable by nobody, not even root (root ignores a read-only chmod).
    src = Counting(make_frames(5))
    with pytest.raises(UserError, match=f"cannot write {target}"):
        write(src, target, fps=10)
    assert src.taken == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_fails_before_any_frame(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        src = Counting(make_frames(5))
        with pytest.raises(UserError, match="cannot write .*em.mp4"):
            write(src, ro / "em.mp4", fps=10)
        assert src.taken == 0
        assert leftovers(ro) == []
    finally:
        ro.chmod(0o755)


def test_missing_parent_folders_are_created(tmp_path):
    out = write(make_frames(3), tmp_path / "a" / "b" / "em.mp4", fps=10)
    assert out.is_file()
    assert leftovers(tmp_path) == ["a", "a/b", "a/b/em.mp4"]


def test_target_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "em.mp4").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        open_writer(tmp_path / "em.mp4", fps=10)


def test_unknown_extension_is_user_error(tmp_path):
    with pytest.raises(UserError, match="extension '.avi'"):
        write(make_frames(2), tmp_path / "em.avi", fps=10)
    with pytest.raises(UserError, match="unknown output format"):
        write(make_frames(2), tmp_path / "em.mp4", fps=10, format="mov")


def test_mismatched_frame_sizes_are_a_clear_error(tmp_path):
    frames = list(make_frames(3)) + list(make_frames(2, width=W + 2))
    with pytest.raises(FrameError, match=rf"same size: expected {W}x{H} .*got {W + 2}x{H}"):
        write(frames, tmp_path / "em.mp4", fps=10)
    assert leftovers(tmp_path) == []


def test_size_given_up_front_is_enforced(tmp_path):
    with pytest.raises(FrameError, match="same size"):
        write(make_frames(3), tmp_path / "em.gif", fps=10, size=(W, H + 2))
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("bad, match", [
    (np.zeros((H, W, 3), np.float32), "uint8"),
    (np.zeros((H, W), np.uint8), "shape"),
    (np.zeros((H, W, 2), np.uint8), "shape"),
])
def test_malformed_frames_are_refused(tmp_path, bad, match):
    with pytest.raises(FrameError, match=match):
        write([next(make_frames(1)), bad], tmp_path / "em.mp4", fps=10)
    assert leftovers(tmp_path) == []


def test_no_frames_writes_nothing(tmp_path):
    with pytest.raises(FrameError, match="no frames"):
        write([], tmp_path / "em.mp4", fps=10)
    assert leftovers(tmp_path) == []


def test_ffmpeg_failure_is_reported_and_cleaned(tmp_path, monkeypatch):
    real = Mp4Writer._output_args
    # A crop larger than the frame fails inside ffmpeg; the writer's own filter chain is replaced
    # by it (the last -vf wins), the output path stays last.
    monkeypatch.setattr(Mp4Writer, "_output_args",
                        lambda self, size, ch: [*real(self, size, ch)[:-1], "-vf", "crop=1000:1000",
                                                real(self, size, ch)[-1]])
    with pytest.raises(RenderError, match=r"ffmpeg failed \(exit \d+\) writing .*em.mp4"):
        write(make_frames(30), tmp_path / "em.mp4", fps=10)
    assert leftovers(tmp_path) == []


def test_wrong_frame_count_in_output_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr(video_module, "count_frames", lambda path: 2)
    with pytest.raises(RenderError, match="5 frames sent but 2 written"):
        write(make_frames(5), tmp_path / "em.mp4", fps=10)
    assert leftovers(tmp_path) == []


def test_abort_stops_the_encoder(tmp_path):
    w = open_writer(tmp_path / "em.mp4", fps=10)
    w.append(next(make_frames(1)))
    pid = w._pipe.pid
    w.abort()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert leftovers(tmp_path) == []
    with pytest.raises(RuntimeError, match="aborted"):
        w.append(next(make_frames(1)))


def test_forgotten_writer_is_cleaned_up(tmp_path):
    w = open_writer(tmp_path / "em.gif", fps=10)
    for f in make_frames(3):
        w.append(f)
    assert leftovers(tmp_path)  # scratch files exist while it runs
    del w
    gc.collect()
    assert leftovers(tmp_path) == []


def test_frames_are_not_kept(tmp_path):
    refs = []

    def frames():
        for f in make_frames(30):
            refs.append(weakref.ref(f))
            yield f
            del f
    w = open_writer(tmp_path / "em.mp4", fps=10)
    for f in frames():
        w.append(f)
    del f
    gc.collect()
    assert sum(r() is not None for r in refs) == 0  # streamed out, not held
    w.close()
