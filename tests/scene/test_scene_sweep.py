"""The sweep over K (``kind = "sweep"``, the built-in ``bic`` scene): fits, clock, frames, poster, baseline.

Regenerate the baseline after a deliberate visual change with
``.venv/bin/python tests/scene/test_scene_sweep.py`` (skipped, like the other
scene baselines, when the installed matplotlib is not the recorded one).
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from scene_probe import count_frames

from animate_em.errors import UserError
from animate_em.scene import Scene, builtin_scenes, frame_source, load_scene, poster_image, prepare
from animate_em.scene.kinds import get_kind
from animate_em.scene.kinds.sweep.fitting import align_consecutive, chosen_index
from animate_em.scene.kinds.sweep.frames import SweepFrameSource
from animate_em.scene.kinds.sweep.timeline import SweepTimeline

BASELINE = Path(__file__).resolve().parents[1] / "baseline" / "scenes"
TOLERANCE = 3.0
TINY = {"width": 320, "height": 180, "fps": 4}


@pytest.fixture(scope="module")
def tiny():
    return prepare(load_scene("bic").with_overrides(TINY))


def test_bic_is_a_built_in_sweep_with_a_description():
    assert "bic" in builtin_scenes()
    scene = load_scene("bic")
    assert scene.kind == "sweep" and scene.sweep.k == tuple(range(1, 8))
    assert scene.description and "\n" not in scene.description and len(scene.description) < 110
    labels = [label for label, _ in get_kind(scene.kind).models(scene)]
    assert labels == [f"K = {k}" for k in range(1, 8)]


def test_bic_picks_the_true_k_of_the_synthetic_data(tiny):
    bics = [run.bic for run in tiny.runs]
    assert [run.final.n_components for run in tiny.runs] == list(range(1, 8))
    assert tiny.labels == [f"K = {k}" for k in range(1, 8)]
    best = int(np.argmin(bics))
    assert tiny.timeline.chosen == best
    assert tiny.runs[best].final.n_components == len(tiny.true_params["weights"]) == 4
    assert sorted(bics)[1] - bics[best] > 10.0          # a clear minimum, not a coin toss


def test_frame_count_and_size_known_up_front(tiny):
    timeline = tiny.timeline
    fps = tiny.fps
    step = max(3, round(tiny.scene.sweep.seconds_per_step * fps))
    expected = round(tiny.scene.timing.hold_start * fps) + 7 * step + round(tiny.scene.timing.hold_end * fps)
    assert len(timeline) == tiny.n_frames == expected
    assert timeline.iteration_start_frames == [timeline.hold_start_frames + s * step for s in range(7)]
    source = frame_source(tiny, copy=False)
    assert isinstance(source, SweepFrameSource) and len(source) == expected
    assert count_frames(source, (180, 320, 4)) == expected


def test_default_length_is_ten_to_twenty_seconds():
    prepared = prepare(load_scene("bic"))
    assert (prepared.width, prepared.height, prepared.fps) == (1280, 720, 30)
    assert 10.0 <= prepared.timeline.seconds <= 20.0


def test_timeline_steps_morph_then_place_the_point():
    timeline = SweepTimeline.build(3, 1, fps=10, seconds_per_step=1.0, hold_start=0.5, hold_end=1.0)
    assert len(timeline) == 5 + 30 + 10
    assert timeline.moment(0).phase == "start" and timeline.moment(0).position == 0.0
    first = [timeline.moment(f) for f in range(5, 15)]
    assert all(m.target == 0 and m.source is None for m in first)
    assert first[-1].fraction == 1.0 and first[-1].position == 1.0
    positions = [timeline.moment(f).position for f in range(5, 35)]
    assert positions == sorted(positions) and positions[-1] == 3.0
    second = timeline.moment(15)
    assert (second.source, second.target, second.step) == (0, 1, 1) and second.position == 1.0
    end = [timeline.moment(f) for f in range(35, 45)]
    assert all(m.phase == "end" and m.target == 1 and m.source == 2 for m in end)
    assert end[-1].fraction == 1.0


def test_drawn_criterion_values_are_the_runs_bic_and_the_ring_is_on_the_argmin(tiny):
    source = frame_source(tiny)
    last = len(source) - 1
    source.frame(last)
    xs, ys = source.criterion.line.get_data()
    assert list(xs) == list(range(1, 8))
    np.testing.assert_allclose(ys, [run.bic for run in tiny.runs], rtol=0, atol=1e-9)
    oxs, oys = source.criterion.other_line.get_data()
    np.testing.assert_allclose(oys, [run.aic for run in tiny.runs], rtol=0, atol=1e-9)
    best = int(np.argmin(ys))
    ring = source.highlight.ring
    assert ring.get_visible() and ring.get_data()[0][0] == best + 1 and ring.get_data()[1][0] == ys[best]
    assert source.highlight.label.get_text() == f"BIC picks K = {best + 1}"
    assert "lower is better" in source.criterion.ax.get_ylabel()
    # The true K of the synthetic data is marked; the data panel ends on the chosen fit.
    true_line = source.highlight.true_line
    assert true_line is not None and true_line.get_visible() and true_line.get_xdata()[0] == 4
    assert "true K = 4" in source.highlight.true_label.get_text()
    shown = [e.get_visible() for e in source.panel.ellipses]
    assert shown == [True] * (best + 1) + [False] * (7 - best - 1)
    # Mid-sweep: no highlight yet, and only the points placed so far.
    step3 = tiny.timeline.iteration_start_frames[3] - 1
    source.frame(step3)
    assert not ring.get_visible() and not true_line.get_visible()
    assert len(source.criterion.line.get_data()[0]) == 3


def test_real_data_has_no_true_k_mark():
    d = load_scene("bic").with_overrides({**TINY, "sweep_k": [1, 2, 3]}).to_dict()
    d["data"] = {"source": "faithful"}
    scene = Scene.from_dict(d)
    prepared = prepare(scene)
    assert prepared.true_params is None
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    assert source.highlight.true_line is None
    assert source.highlight.ring.get_visible()


def test_frames_are_deterministic_and_blitting_matches_a_full_redraw(tiny):
    a, b = frame_source(tiny), frame_source(prepare(load_scene("bic").with_overrides(TINY)))
    picks = [0, tiny.timeline.iteration_start_frames[2] + 1, tiny.timeline.end_start_frame + 1, len(a) - 1]
    for i in picks:
        frame = a.frame(i)
        assert np.array_equal(frame, b.frame(i))
        assert np.array_equal(frame, a.frame(i, full_redraw=True))
    assert not np.array_equal(a.frame(picks[0]), a.frame(picks[-1]))


def test_consecutive_fits_keep_their_colours():
    prepared_runs = prepare(load_scene("bic").with_overrides(TINY)).runs
    for previous, run in zip(prepared_runs[2:], prepared_runs[3:]):
        # Each of the previous K clusters stays on its own component (nearest mean, same index).
        d = np.linalg.norm(previous.final.means[:, None] - run.final.means[None, :previous.final.n_components], axis=-1)
        assert (np.argmin(d, axis=1) == np.arange(previous.final.n_components)).mean() >= 0.5
    assert align_consecutive([]) == []


def test_poster_is_a_grid_of_every_k(tiny):
    image = poster_image(tiny)
    assert image.ndim == 3 and image.shape[1] == 320 and image.shape[2] == 4 and image.shape[0] % 2 == 0
    assert image.shape[0] > 180 * 0.8                      # two rows of panels


def test_each_poster_panel_marks_only_its_own_k_means(tiny, monkeypatch):
    # The poster's panels are made for the largest K; a smaller fit once wore every other
    # component's mark stacked on its means (a yellow X on orange, a pink plus on sky blue).
    import animate_em.scene.draw.poster as poster_module
    from matplotlib.colors import to_rgb
    panels = []

    class Recorded(poster_module.DataPanel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            panels.append(self)

    monkeypatch.setattr(poster_module, "DataPanel", Recorded)
    poster_image(tiny)
    ks = [run.final.n_components for run in tiny.runs]
    assert len(panels) == len(ks) and max(ks) >= 7          # shapes per component at the largest K
    for panel, k in zip(panels, ks):
        marks = panel.means
        # A PathCollection draws max(paths, offsets) marks, cycling paths and colours.
        assert len(marks.get_offsets()) == k and len(marks.get_paths()) <= k
        assert np.allclose(marks.get_facecolors()[:, :3], panel.rgb[:k])
        assert sum(e.get_visible() for e in panel.ellipses) == k
        assert [to_rgb(e.get_edgecolor()) for e in panel.ellipses if e.get_visible()] == \
            [tuple(c) for c in panel.rgb[:k]]


def test_sweep_keys_are_validated():
    with pytest.raises(UserError, match=r"\[sweep\] k must be a list of strictly increasing"):
        Scene.from_dict({"kind": "sweep", "sweep": {"k": [3, 2]}}, name="x")
    with pytest.raises(UserError, match=r"\[sweep\] k must be a list of integers from 1 to 20"):
        Scene.from_dict({"kind": "sweep", "sweep": {"k": [0, 1]}}, name="x")
    with pytest.raises(UserError, match=r"\[sweep\] criterion must be one of"):
        Scene.from_dict({"kind": "sweep", "sweep": {"criterion": "dic"}}, name="x")
    with pytest.raises(UserError, match=r"kind must be one of 'em', 'sweep'"):
        Scene.from_dict({"kind": "grid"}, name="x")
    with pytest.raises(UserError, match=r"remove the 1 \[\[runs\]\]"):
        Scene.from_dict({"kind": "sweep", "runs": [{"seed": 1}]}, name="x")
    scene = load_scene("bic")
    assert Scene.from_dict(scene.to_dict()) == scene
    assert scene.with_overrides({"criterion": "aic"}).sweep.criterion == "aic"


def test_aic_criterion_picks_its_own_argmin():
    prepared = prepare(load_scene("bic").with_overrides({**TINY, "criterion": "aic"}))
    aics = [run.aic for run in prepared.runs]
    assert prepared.timeline.chosen == chosen_index(aics) == int(np.argmin(aics))
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    assert source.criterion.other_line is None
    assert source.highlight.label.get_text().startswith("AIC picks K = ")


def test_cli_lists_the_bic_scene():
    from click.testing import CliRunner

    from animate_em.cli import main

    result = CliRunner().invoke(main, ["scenes"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.split()[0] == "bic")
    assert load_scene("bic").description in line


# ---------------------------------------------------------------------------
# Image baseline: the end hold (chosen K, ring, true-K mark)
# ---------------------------------------------------------------------------

def baseline_frame() -> np.ndarray:
    prepared = prepare(load_scene("bic").with_overrides(TINY))
    source = frame_source(prepared)
    return source.frame(len(source) - 1)[..., :3]


def _recorded_version() -> str | None:
    path = BASELINE / "VERSION"
    return path.read_text().strip() if path.exists() else None


def test_end_hold_matches_baseline(tmp_path):
    from matplotlib.testing.compare import compare_images
    from PIL import Image

    installed = f"matplotlib {matplotlib.__version__}"
    if _recorded_version() != installed:
        pytest.skip(f"scene baselines were drawn with {_recorded_version()}, this is {installed}")
    expected = BASELINE / "scene_bic.png"
    assert expected.exists(), f"missing {expected}; run tests/scene/test_scene_sweep.py"
    actual = tmp_path / expected.name
    Image.fromarray(baseline_frame()).save(actual)
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None


def regenerate() -> None:
    from PIL import Image

    BASELINE.mkdir(parents=True, exist_ok=True)
    Image.fromarray(baseline_frame()).save(BASELINE / "scene_bic.png", optimize=True)
    print(f"wrote {BASELINE / 'scene_bic.png'}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()


@pytest.mark.parametrize("override, flag", [({"k": 3}, "-k"), ({"frames_per_iteration": 2}, "--frames-per-iteration")])
def test_options_a_sweep_would_ignore_are_refused(override, flag):
    from animate_em.errors import UserError
    from animate_em.scene import load_scene

    with pytest.raises(UserError, match=f"option {flag} does not apply to the sweep scene 'bic'"):
        load_scene("bic").with_overrides(override)
