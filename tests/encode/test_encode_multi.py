"""One pass of frame generation feeding several targets."""

import numpy as np
import pytest
from encode_probe import Counting, H, W, decode, leftovers, make_frames, stream_info
from PIL import Image

from animate_em.encode import GifWriter, MultiWriter, RenderError, Target, open_writer, write_many
from animate_em.errors import UserError


def test_one_pass_feeds_every_format(tmp_path):
    src = Counting(list(make_frames(30, seed=5)))
    seen = []
    paths = write_many(src, [tmp_path / "em.mp4", tmp_path / "em.webm",
                             Target(tmp_path / "em.gif", options={"gif_width": 32}),
                             Target(tmp_path / "beamer", "png-seq", {"n_frames": 30}),
                             tmp_path / "last.png"],
                       fps=25, keyframe_interval=10, on_frame=seen.append)
    assert src.taken == 30
    assert seen == list(range(1, 31))
    assert paths == [tmp_path / n for n in ("em.mp4", "em.webm", "em.gif", "beamer", "last.png")]
    assert decode(paths[0]).shape == (30, H, W, 3)
    assert stream_info(paths[1])["codec"] == "vp9" and decode(paths[1]).shape[0] == 30
    with Image.open(paths[2]) as im:
        assert (im.n_frames, im.size, im.info["loop"]) == (30, (32, 24), 0)
    assert len(list(paths[3].glob("frame_*.png"))) == 30 and (paths[3] / "frame_029.png").exists()
    with Image.open(paths[4]) as im:
        assert np.array_equal(np.asarray(im), src.frames[-1])
    assert not [p for p in leftovers(tmp_path) if "tmp" in p]


def test_frames_are_drawn_lazily_one_at_a_time(tmp_path):
    sent = []

    def frames():
        for i, f in enumerate(make_frames(10)):
            # Frame i is drawn only after frame i-1 went to every target.
            assert len(sent) == i
            yield f
    write_many(frames(), [tmp_path / "a.mp4", tmp_path / "a.gif"], fps=10, on_frame=sent.append)
    assert sent == list(range(1, 11))


def test_an_unwritable_target_stops_everything_before_drawing(tmp_path):
    (tmp_path / "file").write_text("x")
    src = Counting(make_frames(5))
    with pytest.raises(UserError, match="file is a file"):
        write_many(src, [tmp_path / "ok.mp4", tmp_path / "file" / "bad.gif"], fps=10)
    assert src.taken == 0
    assert leftovers(tmp_path) == ["file"]


def test_all_or_nothing_when_one_target_fails_at_the_end(tmp_path, monkeypatch):
    def broken(self):
        raise RenderError("palette pass failed")
    monkeypatch.setattr(GifWriter, "_after_encode", broken)
    with pytest.raises(RenderError, match="palette"):
        write_many(make_frames(8), [tmp_path / "a.mp4", tmp_path / "a.gif", tmp_path / "seq"], fps=10)
    assert leftovers(tmp_path) == []


def test_source_failure_aborts_all_targets(tmp_path):
    with pytest.raises(RuntimeError):
        write_many(Counting(make_frames(10), fail_at=4), [tmp_path / "a.mp4", tmp_path / "a.webm",
                                                           tmp_path / "a.gif", tmp_path / "a.png"], fps=10)
    assert leftovers(tmp_path) == []


def test_multiwriter_by_hand(tmp_path):
    writers = [open_writer(tmp_path / "a.mp4", fps=20, size=(W, H), crf=23, preset="veryfast"),
               open_writer(tmp_path / "b.gif", fps=20)]
    with MultiWriter(writers) as multi:
        for f in make_frames(12, channels=4):  # rgba straight in
            multi.append(f)
    assert multi.n_frames == 12
    assert decode(tmp_path / "a.mp4").shape[0] == 12
    with Image.open(tmp_path / "b.gif") as im:
        assert im.n_frames == 12 and im.info["duration"] == 50


def test_per_target_options_stay_separate(tmp_path):
    paths = write_many(make_frames(4, width=128, height=96),
                       [Target(tmp_path / "small.gif", options={"gif_width": 32}),
                        Target(tmp_path / "big.gif")], fps=10)
    sizes = []
    for p in paths:
        with Image.open(p) as im:
            sizes.append(im.size)
    assert sizes == [(32, 24), (128, 96)]
