"""animate_em.render(): scene or run in, finished files out (the glue of scene layer and renderer)."""
from __future__ import annotations

import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import animate_em
from animate_em.animation import as_prepared, output_paths, resolve_formats
from animate_em.errors import UserError
from animate_em.scene import frame_source

TINY = {"width": 320, "height": 180, "fps": 10, "frames_per_iteration": 1, "max_iter": 4,
        "hold_start": 0.2, "hold_end": 0.3}


def _frame_count(path: Path) -> int:
    return sum(1 for _ in iio.imiter(path, plugin="FFMPEG"))


def test_default_scene_renders_mp4_gif_poster_and_still(tmp_path):
    result = animate_em.render(formats=("mp4", "gif"), output_dir=tmp_path, poster=True, still=True, **TINY)
    names = [p.name for p in result.paths]
    assert names == ["em-basics.mp4", "em-basics.gif", "em-basics.png", "em-basics_poster.png"]
    assert all(p.exists() and p.stat().st_size > 0 for p in result.paths)
    # The frame count is known before rendering and is what the files hold.
    assert result.n_frames == len(result.prepared.timeline)
    assert _frame_count(tmp_path / "em-basics.mp4") == result.n_frames
    with Image.open(tmp_path / "em-basics.gif") as gif:
        assert gif.n_frames == result.n_frames  # 10 fps is a whole number of hundredths
        assert gif.info["loop"] == 0
    still = iio.imread(tmp_path / "em-basics.png")
    assert still.shape == (180, 320, 3)


def test_still_equals_last_frame_of_the_animation(tmp_path):
    result = animate_em.render(formats="png", output_dir=tmp_path, still=True, **TINY)
    frames = sorted((tmp_path / "em-basics_frames").glob("frame_*.png"))
    assert len(frames) == result.n_frames
    last = iio.imread(frames[-1])[..., :3]
    assert np.array_equal(last, iio.imread(tmp_path / "em-basics.png"))
    assert (tmp_path / "em-basics_frames" / "animation.tex").exists()


def test_a_fitted_run_renders_with_its_data(tmp_path):
    X = animate_em.datasets.get("blobs").X
    run = animate_em.fit(X, 3, seed=1, max_iter=5)
    # One frame per iteration and short holds: what is tested is the run and its data, not the pacing
    # (8 frames instead of the paced 125).
    result = animate_em.render(run, tmp_path / "fit.mp4", data=X, width=320, height=180, fps=10,
                               frames_per_iteration=1, hold_start=0.2, hold_end=0.3)
    assert result.paths == [tmp_path / "fit.mp4"]
    assert result.prepared.runs[0].n_iter == run.n_iter
    np.testing.assert_array_equal(result.prepared.X, X)


def test_rendering_a_run_without_its_data_is_a_user_error():
    run = animate_em.fit(animate_em.datasets.get("blobs").X, 3, seed=1, max_iter=2)
    with pytest.raises(UserError, match="data=X"):
        animate_em.render(run)


def test_same_scene_and_seed_give_identical_frames():
    a = frame_source(as_prepared("em-basics", overrides=TINY))
    b = frame_source(as_prepared("em-basics", overrides=TINY))
    assert len(a) == len(b)
    for index in (0, len(a) // 2, len(a) - 1):
        assert np.array_equal(a.frame(index), b.frame(index))


def test_a_different_seed_changes_the_frames():
    a = frame_source(as_prepared("em-basics", overrides=TINY))
    b = frame_source(as_prepared("em-basics", overrides={**TINY, "seed": 5}))
    assert not np.array_equal(a.frame(0), b.frame(0))


def test_unwritable_output_leaves_nothing_and_draws_no_frame(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="cannot write"):
        animate_em.render(formats=("mp4", "gif"), output_dir=blocker / "sub", **TINY)
    assert blocker.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_formats_and_paths():
    assert resolve_formats(None) == ("mp4",)
    assert resolve_formats(None, "x/y.gif") == ("gif",)
    assert resolve_formats("all") == ("mp4", "gif", "webm", "png")
    assert resolve_formats(("gif", "mp4", "gif")) == ("gif", "mp4")
    with pytest.raises(UserError, match="unknown format 'avi'"):
        resolve_formats(("avi",))
    paths = output_paths("s", ("mp4", "png"), path="out/talk.mp4")
    assert paths == {"mp4": Path("out/talk.mp4"), "png": Path("out/talk_frames")}
    assert output_paths("s", ("gif",)) == {"gif": Path("output/s.gif")}


def test_inline_animation_embeds_an_mp4(tmp_path):
    animation = animate_em.animate("em-basics", **TINY)
    html = animation._repr_html_()
    assert html.startswith("<video") and "data:video/mp4;base64," in html
    assert len(animation) == len(animation.prepared.timeline)
