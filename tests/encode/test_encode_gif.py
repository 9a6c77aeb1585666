"""GIF: palette, loop flag, delays a GIF can hold, deterministic frame dropping."""

from fractions import Fraction

import numpy as np
import pytest
from encode_probe import H, W, leftovers, make_frames
from PIL import Image

from animate_em.encode import GifWriter, gif_fps, open_writer, write
from animate_em.errors import UserError


def gif_frames(path):
    """(frames (N, H, W, 3) uint8, delays in ms, loop) read with Pillow."""
    with Image.open(path) as im:
        loop = im.info.get("loop")
        frames, delays = [], []
        for i in range(im.n_frames):
            im.seek(i)
            delays.append(im.info["duration"])
            frames.append(np.asarray(im.convert("RGB")))
    return np.stack(frames), delays, loop


@pytest.mark.parametrize("fps, expected", [
    (25, 25), (30, 25), (60, 25), (50, 25), (24, 20), (20, 20), (12, Fraction(100, 9)), (10, 10), (7, Fraction(100, 15)),
    (1, 1), (0.5, 0.5),
])
def test_gif_fps_is_representable_and_capped(fps, expected):
    g = gif_fps(fps)
    assert g == expected
    assert (Fraction(100) / g).denominator == 1  # whole hundredths per frame
    assert g <= min(fps, 25)


def test_gif_fps_cap_can_be_raised():
    assert gif_fps(60, max_fps=50) == 50
    assert gif_fps(30, max_fps=50) == 25
    with pytest.raises(UserError):
        gif_fps(30, max_fps=100)


def test_gif_loops_with_exact_delays(tmp_path):
    src = list(make_frames(20))
    out = write(iter(src), tmp_path / "em.gif", fps=25)
    got, delays, loop = gif_frames(out)
    assert loop == 0
    assert got.shape == (20, H, W, 3)
    assert delays == [40] * 20
    # Flat colours and no dither: the palette should reproduce them closely.
    assert np.abs(got.astype(int) - np.stack(src).astype(int)).mean() < 3
    assert leftovers(tmp_path) == ["em.gif"]


def test_gif_at_30fps_drops_frames_but_keeps_duration(tmp_path):
    src = list(make_frames(60))
    w = GifWriter(tmp_path / "em.gif", fps=30)
    with w:
        for f in src:
            w.append(f)
    got, delays, _ = gif_frames(w.path)
    assert w.gif_fps == 25
    assert len(got) == w.n_gif_frames == 50
    assert delays == [40] * 50
    assert sum(delays) == pytest.approx(1000 * 60 / 30)
    # GIF frame k shows input frame floor(k * 30 / 25): check a few by content.
    for k in (0, 1, 5, 6, 49):
        j = (k * 30) // 25
        dists = [np.abs(got[k].astype(int) - s.astype(int)).mean() for s in src]
        assert int(np.argmin(dists)) == j, (k, j)


def test_gif_width_scales_down_keeping_aspect(tmp_path):
    out = write(make_frames(6, width=128, height=96), tmp_path / "small.gif", fps=10, gif_width=64)
    got, delays, _ = gif_frames(out)
    assert got.shape[1:3] == (48, 64)
    assert delays == [100] * 6


def test_gif_width_never_upscales(tmp_path):
    out = write(make_frames(3), tmp_path / "same.gif", fps=10, gif_width=1000)
    assert gif_frames(out)[0].shape[1:3] == (H, W)


def test_gif_accepts_odd_sizes_and_rgba(tmp_path):
    out = write(make_frames(4, width=33, height=21, channels=4), tmp_path / "odd.gif", fps=20)
    got, delays, _ = gif_frames(out)
    assert got.shape == (4, 21, 33, 3)
    assert delays == [50] * 4


def test_identical_frames_are_kept_as_frames(tmp_path):
    still = np.full((H, W, 3), 80, np.uint8)
    out = write([still] * 5, tmp_path / "still.gif", fps=10)
    got, delays, _ = gif_frames(out)
    assert len(got) == 5 and sum(delays) == 500


def test_bayer_dither_on_a_gradient(tmp_path):
    ramp = np.repeat(np.linspace(0, 255, W).astype(np.uint8)[None, :, None], H, axis=0)
    frame = np.concatenate([ramp, ramp[:, ::-1], np.full_like(ramp, 128)], axis=2)
    out = write([frame] * 3, tmp_path / "ramp.gif", fps=10, dither="bayer", bayer_scale=2)
    got, _, _ = gif_frames(out)
    assert np.abs(got[0].astype(int) - frame.astype(int)).mean() < 6


@pytest.mark.parametrize("options, match", [
    ({"dither": "fancy"}, "dither"),
    ({"gif_width": 1}, "gif_width"),
    ({"bayer_scale": 9, "dither": "bayer"}, "bayer_scale"),
    ({"crf": 18}, "unknown option 'crf' for gif"),
])
def test_bad_gif_options_are_user_errors(tmp_path, options, match):
    with pytest.raises(UserError, match=match):
        open_writer(tmp_path / "x.gif", fps=25, **options)
    assert leftovers(tmp_path) == []
