"""The ready-made lecture scenes: each renders at a tiny size, tells its story, and matches a baseline.

Baselines of one characteristic frame per scene live in tests/baseline/scenes/
(a subfolder, so the drawing baselines of test_scene_images.py stay five).
Regenerate after a deliberate visual change with
``.venv/bin/python tests/scene/test_scene_lectures.py``; like
test_scene_images.py the comparison is skipped when the installed matplotlib
is not the recorded one.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from scene_probe import count_frames

from animate_em.scene import builtin_scenes, frame_source, load_scene, prepare
from animate_em.scene.draw.overlays import (
    CollapseNotice,
    GapLabel,
    RankBadge,
    collapse_text,
    gap_runs,
    optimum_groups,
    rank_order,
    ranks,
)

BASELINE = Path(__file__).resolve().parents[1] / "baseline" / "scenes"
TOLERANCE = 3.0
TINY = {"width": 320, "height": 180, "frames_per_iteration": 1, "fps": 4, "max_iter": 12}
LECTURES = ("em-basics", "local-optimum", "init-race", "restarts", "collapse", "faithful")


def tiny_prepared(name: str):
    return prepare(load_scene(name).with_overrides(TINY))


@pytest.fixture(scope="module")
def tiny():
    return {name: tiny_prepared(name) for name in LECTURES}


def test_every_lecture_scene_is_built_in_with_a_description():
    scenes = builtin_scenes()
    for name in LECTURES:
        assert name in scenes
        scene = load_scene(name)
        assert scene.description and "\n" not in scene.description
        assert len(scene.description) < 110


@pytest.mark.parametrize("name", LECTURES)
def test_scene_renders_tiny_with_the_frame_count_known_up_front(tiny, name):
    prepared = tiny[name]
    source = frame_source(prepared, copy=False)
    fps = prepared.fps
    holds = (max(1, round(prepared.scene.timing.hold_start * fps))
             + max(1, round(prepared.scene.timing.hold_end * fps)))
    expected = holds + max(run.n_iter for run in prepared.runs)
    assert len(source) == expected
    assert count_frames(source, (180, 320, 4)) == expected


def test_default_length_is_ten_to_twenty_seconds():
    for name in LECTURES:
        prepared = prepare(load_scene(name))
        assert 10.0 <= prepared.timeline.seconds <= 20.0, (name, prepared.timeline.seconds)


def test_local_optimum_labels_the_gap_between_the_two_final_values():
    prepared = prepare(load_scene("local-optimum").with_overrides({"width": 320, "height": 180, "fps": 4}))
    finals = [t[-1] for t in prepared.traces]
    assert finals[1] - finals[0] > 20.0          # the restarted run really is better
    source = frame_source(prepared)
    first, last = source.frame(0), source.frame(len(source) - 1)
    gap = [o for o in source.overlays_all if isinstance(o, GapLabel)]
    assert len(gap) == 1
    assert gap[0].gap == pytest.approx(finals[1] - finals[0])
    assert all(a.get_visible() for a in gap[0].artists)
    source.frame(0)
    assert not any(a.get_visible() for a in gap[0].artists)
    assert not np.array_equal(first, last)


@pytest.fixture(scope="module")
def restarts_480():
    """The restarts scene, whole (nine runs to convergence), at 480 x 270: the rank tests only read it."""
    return prepare(load_scene("restarts").with_overrides({"width": 480, "height": 270, "fps": 4,
                                                         "frames_per_iteration": 1}))


def test_restarts_rank_every_panel_runs_at_one_optimum_share_a_rank_and_only_the_best_is_framed(restarts_480):
    prepared = restarts_480
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    badges = [o for o in source.overlays_all if isinstance(o, RankBadge)]
    assert len(badges) == len(prepared.runs) == 9
    finals = np.array([t[-1] for t in prepared.traces])
    best = int(np.argmax(finals))
    same = finals >= finals[best] - 10 * 1e-4 * len(prepared.X)
    assert same.sum() == 6                                     # six restarts reach one optimum
    texts = [b.artists[0].get_text() for b in badges]
    assert {texts[i] for i in np.flatnonzero(same)} == {texts[best]}   # one rank, one number
    assert texts[best].startswith("#1 ")
    others = sorted(int(texts[i].split()[0][1:]) for i in np.flatnonzero(~same))
    assert others == [7, 8, 9]
    framed = [i for i, b in enumerate(badges) if len(b.artists) == 2]
    assert framed == [best]
    assert all(a.get_visible() for b in badges for a in b.artists)
    assert "6 of 9 reach" in source.end_line.texts[0].get_text()


def test_restart_panels_end_in_rank_order(restarts_480):
    prepared = restarts_480
    source = frame_source(prepared)
    timeline = prepared.timeline
    source.frame(timeline.end_start_frame)
    start = [panel.ax.get_position().frozen() for panel in source.panels]
    moved = [i for i in range(timeline.end_start_frame, len(source))
             if 0 < source._moments(i).move < 1]
    assert moved                                                  # the move is animated
    source.frame(moved[len(moved) // 2])
    half = [panel.ax.get_position().frozen() for panel in source.panels]
    source.frame(len(source) - 1)
    end = [panel.ax.get_position().frozen() for panel in source.panels]
    reading = sorted(range(9), key=lambda r: (-round(end[r].y0, 4), end[r].x0))
    assert [int(source.ranks[r]) for r in reading] == sorted(int(v) for v in source.ranks)
    assert {(round(b.x0, 6), round(b.y0, 6)) for b in end} == {(round(b.x0, 6), round(b.y0, 6)) for b in start}
    assert any(h.x0 != s.x0 and h.x0 != e.x0 for h, s, e in zip(half, start, end))   # really in between
    # Each panel's label travels with it.
    for r, panel in enumerate(source.panels):
        label = next(t for t in source.fig.texts if t.get_text() == prepared.labels[r])
        assert abs(label.get_position()[0] - panel.ax.get_position().x0) < 1e-9


def test_ranks_put_the_highest_first_and_a_non_finite_value_last():
    assert ranks([-3.0, -1.0, -2.0]).tolist() == [3, 1, 2]
    assert ranks([np.nan, -5.0]).tolist() == [2, 1]
    # Runs within the tolerance of a better one reached its optimum: they share its rank.
    assert ranks([-10.0, -10.02, -30.0, -10.01], tolerance=0.05).tolist() == [1, 1, 4, 1]
    assert optimum_groups([-10.0, -10.02, -30.0, -10.01], 0.05) == [[0, 3, 1], [2]]
    assert optimum_groups([np.nan, -1.0, np.nan], 1.0) == [[1], [0], [2]]
    assert rank_order([3, 1, 1, 4]) == [1, 2, 0, 3]
    assert gap_runs([np.array([0, -2.0]), np.array([0, -1.0])]) == (1, 0)
    assert gap_runs([np.array([-2.0]), np.array([5.0])], [False, True]) is None


def test_collapse_scene_catches_the_collapse_and_says_so(tiny):
    prepared = tiny["collapse"]
    broken, healthy = prepared.runs
    assert broken.settings["reg_covar"] == 0.0 and broken.collapse is not None
    assert healthy.settings["reg_covar"] > 0.0 and healthy.collapse is None
    # The data repeat one point three times; the collapsed component ends on it, alone.
    X = prepared.X
    values, counts = np.unique(X, axis=0, return_counts=True)
    repeated = values[counts == 3]
    assert len(X) == 32 and len(repeated) == 1 and counts.max() == 3
    last = broken.final
    j = broken.collapse.component
    np.testing.assert_allclose(last.means[j], repeated[0], atol=1e-4)
    assert last.weights[j] * len(X) == pytest.approx(3.0, abs=0.01)
    # Its determinant falls by orders of magnitude and the likelihood shoots up in the last valid step.
    dets = [np.linalg.det(s.covariances[j]) for s in broken.snapshots]
    assert dets[-1] < 1e-10 * dets[0] and dets[-2] < 1e-2 * dets[0]
    trace = prepared.traces[0]
    assert trace[-1] - trace[-2] > 3 * abs(trace[1] - trace[0])
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    notices = [o for _, o in source.overlays_run]
    assert len(notices) == 1 and isinstance(notices[0], CollapseNotice)
    text = " ".join(notices[0].text.get_text().split())        # in two or three lines, whichever hides less
    assert f"component {broken.collapse.component + 1} collapsed onto a single point" in text and "∞" in text
    assert notices[0].text.get_visible()
    assert "collapsed" in source.end_line.texts[0].get_text() or "highest" in source.end_line.texts[0].get_text()
    assert "reg_covar = 0.1" in source.end_line.texts[0].get_text()   # the collapsed run is never "best"


def test_collapse_scene_stops_at_the_same_iteration_whatever_the_row_order(tiny):
    """Reordering the rows changes only rounding; the scene must collapse where it always does."""
    from animate_em.em import fit

    prepared = tiny["collapse"]
    broken = prepared.runs[0]
    assert (broken.n_iter, broken.collapse.iteration) == (7, 8)
    model = prepared.scene.model
    start = fit(prepared.X, model.k, init=model.init, seed=model.seed, reg_covar=0.0, max_iter=0).final
    for order in range(5):
        rows = np.random.default_rng(order).permutation(len(prepared.X))
        run = fit(prepared.X[rows], model.k, tol=model.tol, reg_covar=0.0, weights_init=start.weights,
                  means_init=start.means, covariances_init=start.covariances)
        assert (run.n_iter, run.collapse.iteration) == (7, 8)


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
def test_the_collapse_notice_box_holds_its_text(size):
    # At 480p the box seemed to cut the notice's last glyph: its trailing colon drew as one stroke.
    width, height = size
    prepared = prepare(load_scene("collapse").with_overrides({"width": width, "height": height, "fps": 4,
                                                               "frames_per_iteration": 1}))
    source = frame_source(prepared)
    image = source.frame(len(source) - 1)[..., :3].astype(int)
    (notice,) = [o for _, o in source.overlays_run]
    renderer = source.canvas.get_renderer()
    text = notice.text.get_window_extent(renderer)
    box = notice.text.get_bbox_patch().get_window_extent(renderer)
    line = notice.text.get_bbox_patch().get_linewidth() * source.sizing.dpi / 72.0
    margin = line / 2 + 1.0                        # the outline's inner half and a pixel of air
    assert box.x0 + margin <= text.x0 and text.x1 <= box.x1 - margin, (text, box)
    assert box.y0 + margin <= text.y0 and text.y1 <= box.y1 - margin, (text, box)
    assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height
    # On the pixels: the box's outline (the component's colour) never crosses the text.
    colour = np.round(np.asarray(notice.colour)[:3] * 255)
    rows = slice(int(np.ceil(height - text.y1)), int(height - text.y0))
    cols = slice(int(np.ceil(text.x0)), int(text.x1))
    assert not (np.abs(image[rows, cols] - colour).max(axis=-1) <= 24).any()
    # Text a projector shows: at least 8 px, and no last glyph too fine to survive it.
    assert notice.text.get_fontsize() * source.sizing.dpi / 72.0 >= 8.0
    assert not any(ln.rstrip().endswith((":", ";", ".")) for ln in notice.text.get_text().splitlines())


def test_collapse_text_names_the_shape():
    first, second = collapse_text(1, "a line", 2)
    assert first.startswith("component 2 collapsed onto a line (2 points)")
    assert "∞" in second


def test_init_race_runs_wait_visibly_finished_on_one_clock(tiny):
    prepared = tiny["init-race"]
    n_iters = [run.n_iter for run in prepared.runs]
    assert len(set(n_iters)) == 3                     # three different race lengths
    fast = int(np.argmin(n_iters))
    frame = prepared.timeline.iteration_start_frames[max(n_iters) - 1]
    moments = [prepared.timeline.moment(frame, r) for r in range(3)]
    assert moments[fast].finished and not moments[int(np.argmax(n_iters))].finished
    source = frame_source(prepared)
    source.frame(frame)
    assert source.badges[fast].get_visible()
    assert "✓" in source.badges[fast].get_text()


def test_shared_badge_level_is_the_longest_that_fits_every_badge():
    from animate_em.scene.draw.captions import shared_badge_level
    forms = [["converged ✓ (20 iterations)", "converged ✓ (20 it.)", "✓ 20 it.", "✓"],
             ["stopped: collapse (7 iterations)", "collapse (7 it.)", "collapse"]]
    assert shared_badge_level(forms, lambda i, text: True) == 0
    assert shared_badge_level(forms, lambda i, text: len(text) <= 20) == 1
    assert shared_badge_level(forms, lambda i, text: len(text) <= 8) == 2      # the collapse keeps its last form
    assert shared_badge_level(forms, lambda i, text: False) == 3


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
def test_finished_badges_share_one_wording_and_keep_clear_of_the_labels(size):
    # "✓ 20 it." beside "converged ✓ (8 it.)" read as two kinds of outcome.
    from animate_em.scene.draw.captions import badge_texts
    width, height = size
    prepared = prepare(load_scene("init-race").with_overrides({"width": width, "height": height, "fps": 4,
                                                                "frames_per_iteration": 1}))
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    renderer = source.canvas.get_renderer()
    levels = set()
    for badge, run in zip(source.badges, prepared.runs):
        assert badge.get_visible()
        forms = badge_texts(run)
        levels.add(min(forms.index(badge.get_text()), len(forms) - 1))
        label = next(t for t in source.fig.texts if t.get_text() == prepared.labels[prepared.runs.index(run)])
        assert badge.get_bbox_patch().get_window_extent(renderer).x0 > label.get_window_extent(renderer).x1
    assert len(levels) == 1


def test_faithful_is_in_minutes_with_the_model_bic_prefers():
    from animate_em.em import select_k
    prepared = prepare(load_scene("faithful").with_overrides({"width": 320, "height": 180, "fps": 4}))
    assert prepared.units == "minutes"
    selection = select_k(prepared.X, range(1, 7), covariance_types=("full", "diag", "spherical", "tied"),
                         n_init=5, seed=0)
    model = prepared.scene.model
    assert (model.k, model.covariance_type) == (selection.best_k, selection.best_covariance_type)
    source = frame_source(prepared)
    source.frame(0)
    assert "minutes" in source.panels[0].ax.get_xlabel()


def test_components_are_matched_across_panels(tiny):
    prepared = tiny["local-optimum"]
    a, b = (run.final.means for run in prepared.runs)
    from animate_em.scene.runs.matching import match_components
    assert match_components(a, b).tolist() == list(range(len(a)))


# ---------------------------------------------------------------------------
# Image baselines: the last frame of every scene
# ---------------------------------------------------------------------------

def baseline_frame(name: str, prepared=None) -> np.ndarray:
    """The last frame of scene ``name`` drawn tiny (``prepared``: the scene already prepared so)."""
    source = frame_source(prepared if prepared is not None else tiny_prepared(name))
    return source.frame(len(source) - 1)[..., :3]


def _recorded_version() -> str | None:
    path = BASELINE / "VERSION"
    return path.read_text().strip() if path.exists() else None


@pytest.mark.parametrize("name", LECTURES)
def test_last_frame_matches_baseline(tiny, name, tmp_path):
    from matplotlib.testing.compare import compare_images
    from PIL import Image

    installed = f"matplotlib {matplotlib.__version__}"
    if _recorded_version() != installed:
        pytest.skip(f"scene baselines were drawn with {_recorded_version()}, this is {installed}")
    expected = BASELINE / f"scene_{name}.png"
    assert expected.exists(), f"missing {expected}; run tests/scene/test_scene_lectures.py"
    actual = tmp_path / expected.name
    Image.fromarray(baseline_frame(name, tiny[name])).save(actual)
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None


def regenerate() -> None:
    from PIL import Image

    BASELINE.mkdir(parents=True, exist_ok=True)
    for name in LECTURES:
        Image.fromarray(baseline_frame(name)).save(BASELINE / f"scene_{name}.png", optimize=True)
    (BASELINE / "VERSION").write_text(f"matplotlib {matplotlib.__version__}\n")
    print(f"wrote {len(LECTURES)} baselines to {BASELINE}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
