"""Jupyter manners (notebook-sized inline animations, GIF option, short reprs), runs from code and recorded runs."""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import animate_em
from animate_em import datasets
from animate_em.animation import NOTEBOOK_FPS, NOTEBOOK_HEIGHT, NOTEBOOK_WIDTH
from animate_em.scene import frame_source
from animate_em.scene.draw.panels import falls

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "course"))
import students as st  # noqa: E402

TINY = {"width": 320, "height": 180, "fps": 10, "frames_per_iteration": 1, "hold_start": 0.2, "hold_end": 0.3}
BLOBS = datasets.get("blobs")


def test_inline_animations_are_notebook_sized_unless_asked_otherwise():
    run = animate_em.fit(BLOBS.X, 3, seed=1, max_iter=3)
    default = animate_em.animate(run, BLOBS.X)
    assert (default.prepared.width, default.prepared.height, default.prepared.fps) == (
        NOTEBOOK_WIDTH, NOTEBOOK_HEIGHT, NOTEBOOK_FPS)
    assert animate_em.animate(run, BLOBS.X, format="gif").prepared.fps == 10
    preset = animate_em.animate(run, BLOBS.X, quality="l").prepared
    assert (preset.width, preset.height, preset.fps) == (854, 480, 15)
    assert animate_em.animate(run, BLOBS.X, fps=24).prepared.fps == 24
    with pytest.raises(animate_em.UserError, match="mp4 or gif"):
        animate_em.animate(run, BLOBS.X, format="webm")


def test_inline_gif_is_one_image_gif_bundle_and_the_text_form_is_one_line():
    run = animate_em.fit(BLOBS.X, 3, seed=1, max_iter=3)
    animation = animate_em.animate(run, BLOBS.X, format="gif", **TINY)
    bundle = animation._repr_mimebundle_()
    assert list(bundle) == ["image/gif"]
    assert base64.b64decode(bundle["image/gif"])[:6] == b"GIF89a"
    assert animation._repr_html_() is None          # not a second copy as HTML
    assert "\n" not in repr(animation) and len(repr(animation)) < 120
    video = animate_em.animate(run, BLOBS.X, **TINY)._repr_mimebundle_()
    assert list(video) == ["text/html"] and "data:video/mp4;base64," in video["text/html"]


def test_render_result_repr_is_one_line_per_written_file(tmp_path):
    run = animate_em.fit(BLOBS.X, 3, seed=1, max_iter=3)
    result = animate_em.render(run, tmp_path / "fit.mp4", data=BLOBS.X, still=True, **TINY)
    lines = repr(result).splitlines()
    written = [*result.paths, result.manifest, result.chapters]
    assert len(lines) == 1 + len(written)
    assert all(str(path) in line for path, line in zip(written, lines[1:]))
    assert len(repr(result)) < 150 * len(lines)


def test_the_manifest_of_a_run_from_code_records_that_runs_settings(tmp_path):
    run = animate_em.fit(BLOBS.X, 3, init="kmeans", seed=1, tol=1e-4, max_iter=5, reg_covar=1e-5)
    result = animate_em.render(run, tmp_path / "fit.mp4", data=BLOBS, **TINY)
    manifest = json.loads(result.manifest.read_text())
    model = manifest["scene"]["model"]
    assert (model["k"], model["init"], model["seed"], model["tol"], model["max_iter"], model["reg_covar"]) == (
        3, "kmeans", 1, 1e-4, 5, 1e-5)
    assert manifest["scene"]["data"]["source"] == "blobs" and manifest["scene"]["description"] == ""
    assert manifest["runs"][0]["settings"]["init"] == "kmeans" and manifest["data"]["kind"] == "code"
    # A Dataset names the axes of the frames.
    assert result.prepared.columns == tuple(BLOBS.columns)


def test_a_recorded_run_says_whose_it_is_and_marks_where_its_log_likelihood_fell():
    history = st.run_em(BLOBS.X, 3, n_iter=10, m_mistake="covariances_divided_by_n")
    run = animate_em.from_history(BLOBS.X, history, name="dave")
    expected = falls(run.log_likelihoods)
    assert len(expected) >= 1
    animation = animate_em.animate(run, BLOBS, **TINY)
    assert animation.prepared.scene.title == "dave: a recorded EM run"
    source = frame_source(animation.prepared)
    source.frame(len(source) - 1)
    xs, ys = source.trace.fall_marks[0].get_data()
    np.testing.assert_array_equal(xs, expected)
    np.testing.assert_array_equal(ys, run.log_likelihoods[expected])
    assert "log-likelihood fell" in source.note.get_text()
    # Halfway, only the falls the trace has reached are marked.
    source.frame(0)
    assert len(source.trace.fall_marks[0].get_data()[0]) == 0


def test_our_own_runs_are_never_marked_even_where_reg_covar_lowers_the_likelihood():
    # The collapse scene's regularised run falls by what reg_covar = 0.1 allows.
    prepared = animate_em.animation.as_prepared("collapse", overrides=TINY)
    assert any(len(falls(trace)) for trace in prepared.traces)
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    assert not source.trace.fall_marks and "fell" not in source.note.get_text()
