"""MP4 and WebM: read back and check what slide software and browsers need."""

import numpy as np
import pytest
from encode_probe import Counting, H, W, decode, key_frames, leftovers, make_frames, stream_info, top_level_boxes

from animate_em.encode import Mp4Writer, WebmWriter, open_writer, write
from animate_em.errors import UserError


def test_mp4_plays_in_slide_software(tmp_path):
    out = write(make_frames(30), tmp_path / "em.mp4", fps=25)
    assert out == tmp_path / "em.mp4"
    info = stream_info(out)
    assert info["codec"] == "h264"
    assert info["profile"] in ("High", "Main", "Baseline", "Constrained Baseline")
    assert info["pix_fmt"] == "yuv420p"
    assert info["size"] == (W, H)
    assert info["fps"] == 25
    assert not info["audio"]
    boxes = top_level_boxes(out)
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart
    assert leftovers(tmp_path) == ["em.mp4"]


def test_mp4_frames_match_input(tmp_path):
    src = list(make_frames(24, seed=3))
    out = write(iter(src), tmp_path / "em.mp4", fps=30)
    got = decode(out)
    assert got.shape == (24, H, W, 3)
    err = np.abs(got.astype(int) - np.stack(src).astype(int)).mean(axis=(1, 2, 3))
    assert err.max() < 4, err  # crf 18: close to the input, frame by frame
    # ... and frame order is kept: each decoded frame is nearest its own source.
    for i in (0, 11, 23):
        dists = [np.abs(got[i].astype(int) - s.astype(int)).mean() for s in src]
        assert int(np.argmin(dists)) == i


def test_rgba_frames_are_accepted_without_alpha(tmp_path):
    src = list(make_frames(10, channels=4))
    out = write(iter(src), tmp_path / "rgba.mp4", fps=10)
    got = decode(out)
    assert got.shape == (10, H, W, 3)
    assert np.abs(got.astype(int) - np.stack(src)[..., :3].astype(int)).mean() < 4


def test_keyframe_on_every_nth_frame(tmp_path):
    # A scene cut at frame 3 makes x264 start a new GOP there; keyframes must
    # still land on 0, 7, 14, ... (iteration starts), not only "every <= 7".
    a, b = make_frames(40, seed=1), make_frames(40, seed=2)
    src = [fa if i < 3 else 255 - fb for i, (fa, fb) in enumerate(zip(a, b))]
    out = write(src, tmp_path / "k.mp4", fps=25, keyframe_interval=7)
    keys = key_frames(out)
    assert set(range(0, 40, 7)) <= set(keys)
    gaps = np.diff(sorted(keys + [40]))
    assert gaps.max() <= 7


def test_keyframes_on_listed_frames(tmp_path):
    # Iterations of an auto-paced animation have different lengths: each one
    # must still start on a keyframe so a presenter can jump to it.
    starts = [0, 9, 14, 17, 19, 27, 33]
    out = write(make_frames(40, seed=3), tmp_path / "k.mp4", fps=25, keyframe_interval=starts)
    keys = set(key_frames(out))
    assert set(starts) <= keys
    assert np.diff(sorted(keys | {40})).max() <= 9


def test_webm_is_vp9_yuv420p(tmp_path):
    src = list(make_frames(20))
    out = write(iter(src), tmp_path / "em.webm", fps=20, keyframe_interval=5)
    info = stream_info(out)
    assert (info["codec"], info["pix_fmt"], info["size"], info["fps"]) == ("vp9", "yuv420p", (W, H), 20)
    assert not info["audio"]
    got = decode(out)
    assert got.shape[0] == 20
    assert np.abs(got.astype(int) - np.stack(src).astype(int)).mean() < 8
    assert set(range(0, 20, 5)) <= set(key_frames(out))


def test_crf_changes_size(tmp_path):
    rng = np.random.default_rng(1)
    src = [rng.integers(0, 256, (H, W, 3), dtype=np.uint8) for _ in range(8)]
    hi = write(iter(src), tmp_path / "hi.mp4", fps=8, crf=10, preset="ultrafast")
    lo = write(iter(src), tmp_path / "lo.mp4", fps=8, crf=40, preset="ultrafast")
    assert hi.stat().st_size > 2 * lo.stat().st_size


def test_fractional_fps(tmp_path):
    out = write(make_frames(6), tmp_path / "ntsc.mp4", fps=30000 / 1001)
    assert stream_info(out)["fps"] == pytest.approx(29.97)


@pytest.mark.parametrize("cls", [Mp4Writer, WebmWriter])
def test_odd_size_given_up_front_fails_before_frames(tmp_path, cls):
    with pytest.raises(UserError, match=r"even width and height.*65x48"):
        cls(tmp_path / f"odd.{cls.format}", fps=10, size=(65, 48))
    assert leftovers(tmp_path) == []


def test_odd_size_from_first_frame_leaves_nothing(tmp_path):
    src = Counting(make_frames(5, width=W, height=H - 1))
    with pytest.raises(UserError, match="even width"):
        write(src, tmp_path / "odd.mp4", fps=10)
    assert src.taken == 1
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("options, match", [
    ({"crf": 0}, "crf"),              # lossless = High 4:4:4, unplayable in PowerPoint
    ({"crf": 52}, "crf"),
    ({"preset": "warp"}, "preset"),
    ({"profile": "high444"}, "profile"),
    ({"keyframe_interval": 0}, "keyframe_interval"),
    ({"bitrate": "1M"}, "unknown option 'bitrate'"),
])
def test_bad_mp4_options_are_user_errors(tmp_path, options, match):
    with pytest.raises(UserError, match=match):
        open_writer(tmp_path / "x.mp4", fps=25, **options)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fps", [0, -5, float("nan"), float("inf"), "25", True])
def test_bad_fps_is_user_error(tmp_path, fps):
    with pytest.raises(UserError, match="fps"):
        open_writer(tmp_path / "x.mp4", fps=fps)
