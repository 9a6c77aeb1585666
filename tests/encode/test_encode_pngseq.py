"""PNG sequence for Beamer, stills and write_png."""

import re

import numpy as np
import pytest
from encode_probe import H, W, leftovers, make_frames
from PIL import Image

from animate_em.encode import PngSequenceWriter, infer_format, write, write_png, write_still
from animate_em.errors import UserError

SNIPPET = re.compile(r"\\animategraphics\[([^\]]*)\]\{([^}]*)\}\{([^}]*)\}\{(\d+)\}\{(\d+)\}")


def read_png(path):
    with Image.open(path) as im:
        return np.asarray(im)


def test_sequence_with_count_hint(tmp_path):
    src = list(make_frames(90))
    out = write(iter(src), tmp_path / "frames", fps=25, format="png-seq", n_frames=90)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["animation.tex"] + [f"frame_{i:03d}.png" for i in range(90)]
    for i in (0, 45, 89):  # lossless: exact pixels
        assert np.array_equal(read_png(out / f"frame_{i:03d}.png"), src[i])
    tex = (out / "animation.tex").read_text()
    m = SNIPPET.search(tex)
    assert m, tex
    options, fps, prefix, first, last = m.groups()
    assert options == r"loop,autoplay,controls,width=\linewidth"
    assert float(fps) == 25
    assert prefix == "frames/frame_"
    assert (first, last) == ("000", "089")
    assert (out / f"frame_{last}.png").exists() and not (out / "frame_090.png").exists()
    assert leftovers(tmp_path) == sorted(["frames"] + [f"frames/{n}" for n in names])


def test_sequence_without_hint_uses_four_digits(tmp_path):
    out = write(make_frames(12), tmp_path / "seq/", fps=12.5)
    assert infer_format(str(tmp_path / "seq") + "/") == "png-seq"
    frames = sorted(p.name for p in out.glob("frame_*.png"))
    assert frames == [f"frame_{i:04d}.png" for i in range(12)]
    first, last = SNIPPET.search((out / "animation.tex").read_text()).groups()[3:]
    assert (first, last) == ("0000", "0011")
    assert "{12.5}" in (out / "animation.tex").read_text()


def test_too_small_hint_widens_padding(tmp_path):
    src = list(make_frames(12))
    out = write(iter(src), tmp_path / "seq", fps=10, n_frames=5, prefix="f-")
    frames = sorted(p.name for p in out.glob("f-*.png"))
    assert frames == [f"f-{i:03d}.png" for i in range(12)]  # hint 5 -> 3 digits, 12 still fit
    w = PngSequenceWriter(tmp_path / "wide", fps=10, n_frames=3)
    assert w.digits == 3
    w.digits = 1  # force overflow past 9 to exercise the renaming
    with w:
        for f in src:
            w.append(f)
    names = sorted(p.name for p in (tmp_path / "wide").glob("frame_*.png"))
    assert names == [f"frame_{i:02d}.png" for i in range(12)]
    assert np.array_equal(read_png(tmp_path / "wide" / "frame_10.png"), src[10])
    assert SNIPPET.search((tmp_path / "wide" / "animation.tex").read_text()).groups()[3:] == ("00", "11")


def test_alpha_is_dropped_unless_asked(tmp_path):
    src = list(make_frames(2, channels=4))
    a = write(iter(src), tmp_path / "rgb", fps=5)
    b = write(iter(src), tmp_path / "rgba", fps=5, alpha=True)
    assert read_png(a / "frame_0000.png").shape == (H, W, 3)
    assert np.array_equal(read_png(b / "frame_0001.png"), src[1])


def test_existing_sequence_is_replaced_but_foreign_folder_refused(tmp_path):
    first = write(make_frames(8), tmp_path / "seq", fps=5)
    write(make_frames(3), first, fps=5, format="png-seq")
    assert sorted(p.name for p in first.iterdir()) == ["animation.tex"] + [f"frame_{i:04d}.png" for i in range(3)]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "lecture.tex").write_text("keep me")
    with pytest.raises(UserError, match="holds other files"):
        write(make_frames(3), tmp_path / "notes", fps=5)
    assert (tmp_path / "notes" / "lecture.tex").read_text() == "keep me"
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["lecture.tex"]


def test_sequence_is_deterministic(tmp_path):
    a = write(make_frames(5, seed=4), tmp_path / "a", fps=5, latex=False)
    b = write(make_frames(5, seed=4), tmp_path / "b", fps=5, latex=False)
    assert not (a / "animation.tex").exists()
    for name in (p.name for p in a.iterdir()):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_still_target_keeps_the_last_frame(tmp_path):
    src = list(make_frames(7, seed=2))
    out = write(iter(src), tmp_path / "last.png", fps=5)
    assert np.array_equal(read_png(out), src[-1])
    assert leftovers(tmp_path) == ["last.png"]


def test_still_target_copies_reused_buffers(tmp_path):
    buf = np.zeros((H, W, 4), np.uint8)

    def redraw():  # like a matplotlib canvas: one buffer, redrawn each frame
        for v in (10, 20, 30):
            buf[...] = v
            yield buf
        buf[...] = 99  # drawn after the last frame was handed over
    out = write(redraw(), tmp_path / "last.png", fps=5)
    assert np.all(read_png(out) == 30)


@pytest.mark.parametrize("shape", [(H, W), (H, W, 3), (H, W, 4)])
def test_write_png_roundtrip(tmp_path, shape):
    img = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    out = write_png(img, tmp_path / "sub" / "img.png")
    assert np.array_equal(read_png(out), img)
    assert np.array_equal(read_png(write_still(img, tmp_path / "still.png")), img)
    assert sorted(leftovers(tmp_path)) == ["still.png", "sub", "sub/img.png"]


def test_write_png_rejects_floats(tmp_path):
    with pytest.raises(ValueError, match="uint8"):
        write_png(np.zeros((4, 4, 3)), tmp_path / "x.png")
    assert leftovers(tmp_path) == []
