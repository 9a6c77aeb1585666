"""The lower-bound scene: exact slices for every built-in run, frames that say true numbers, notes, poster."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em.em import responsibilities
from animate_em.em.bound import bound_slice, lower_bound, m_step_bound, parameter_path
from animate_em.scene import builtin_scenes, frame_source, load_scene, poster_image, prepare
from animate_em.scene.kinds.bound.slices import iteration_gains, iteration_slice, values_at
from animate_em.scene.kinds import get_kind

#: A coarse slice: beyond the start, s = 0, and either side of s = 1 (where the bound peaks);
#: tests/em/test_em_bound.py checks a fine slice on a few runs.
COARSE = np.array([-0.25, 0.0, 0.9, 1.0, 1.2])
S0, S1 = 1, 3
TINY = {"width": 320, "height": 180, "fps": 2, "max_iter": 5}


@pytest.fixture(scope="module")
def bound_scene():
    return prepare(load_scene("lower-bound").with_overrides(TINY))


def test_every_iteration_of_every_built_in_run_is_exact():
    checked = 0
    for name in sorted(builtin_scenes()):
        prepared = prepare(load_scene(name))
        X = np.asarray(prepared.X, dtype=float)
        for r, run in enumerate(prepared.runs):
            for t in range(run.n_iter):
                start, end = run.snapshots[t], run.snapshots[t + 1]
                q = responsibilities(X, start)
                ll, bound = bound_slice(X, start, end, q, COARSE)
                scale = abs(ll[S0]) + 1.0
                where = (name, r, t)
                assert np.all(bound <= ll + 1e-9 * scale), where
                assert bound[S0] == pytest.approx(ll[S0], abs=1e-9 * scale), where
                assert ll[S1] == pytest.approx(end.log_likelihood, rel=1e-10), where
                if run.settings["reg_covar"] <= 1e-6:
                    # The default reg_covar keeps the M-step a hair off the bound's exact maximiser;
                    # a large one (the collapse scene's 0.1) maximises a penalised bound instead.
                    assert bound[S1] >= bound.max() - 1e-6 * scale, where
                assert ll[S1] - ll[S0] >= bound[S1] - bound[S0] - 1e-9 * scale, where
                if run.covariance_type == "full":
                    # L(q_t, theta_t+1) is what the M-step's closed form gives from q_t alone.
                    reported = m_step_bound(X, q, run.settings["reg_covar"])
                    assert bound[S1] == pytest.approx(reported, abs=1e-8 * scale), where
                checked += 1
    assert checked > 300        # the long runs are in: this is every iteration, not a sample


def test_the_e_beat_draws_the_exact_bound_of_the_blended_responsibilities(bound_scene):
    X = np.asarray(bound_scene.X, dtype=float)
    run = bound_scene.runs[0]
    sl = iteration_slice(X, run, 2)
    for u in (0.0, 0.3, 0.7, 1.0):
        blend = (1 - u) * sl.q_before + u * sl.q
        curve = sl.bound_during_e(u)
        for j in (sl.at0, sl.at1, len(sl.grid) - 1):
            theta = parameter_path(run.snapshots[1], run.snapshots[2], float(sl.grid[j]))
            assert curve[j] == pytest.approx(lower_bound(X, blend, *theta), rel=1e-12, abs=1e-9)
    # Lifting q towards the posterior never lowers the bound at s = 0; at u = 1 it touches.
    lifts = [sl.bound_during_e(u)[sl.at0] for u in np.linspace(0, 1, 6)]
    assert np.all(np.diff(lifts) >= -1e-9)
    assert lifts[-1] == pytest.approx(sl.log_likelihood[sl.at0], abs=1e-8)


def test_m_beat_markers_sit_on_exact_values(bound_scene):
    X = np.asarray(bound_scene.X, dtype=float)
    run = bound_scene.runs[0]
    sl = iteration_slice(X, run, 1)
    ll, bound = values_at(X, run, 1, sl.q, 0.5)
    theta = parameter_path(run.snapshots[0], run.snapshots[1], 0.5)
    assert bound == pytest.approx(lower_bound(X, sl.q, *theta), rel=1e-12)
    assert ll >= bound
    assert ll == pytest.approx(bound + (ll - bound)) and sl.ll_gain == pytest.approx(sl.m_gain + sl.kl_after)


def test_frames_say_ln_p_equals_l_plus_kl_and_kl_is_zero_after_each_e_beat(bound_scene):
    source = frame_source(bound_scene)
    n = len(source)
    assert n == len(bound_scene.timeline)
    touched = 0
    for index in range(n):
        frame = source.frame(index)
        assert frame.shape == (180, 320, 4)
        m = source._moments(index)
        texts = [t.get_text() for t in source.status.texts]
        ll, bound, kl = (float(texts[j].replace("−", "-")) for j in (4, 6, 8))
        assert kl >= 0.0 and ll == pytest.approx(bound + kl, abs=0.011), (index, texts)
        if m.phase == "E" and m.resp_fraction >= 1.0 and m.param_fraction <= 0.0:
            assert kl == 0.0, (index, texts)
            touched += 1
    assert touched >= 1
    # The bar shares the slice's axis, which does not start at zero: its foot is drawn broken.
    source.frame(n - 1)
    assert source.slice.bar_break.get_visible()


def test_steps_and_notes_tell_the_bound_in_the_runs_own_numbers(bound_scene):
    X = np.asarray(bound_scene.X, dtype=float)
    run = bound_scene.runs[0]
    notes = get_kind("bound").notes
    steps = bound_scene.timeline.steps()
    said = {(s.beat, s.iteration): notes(bound_scene, s) for s in steps}
    first = iteration_gains(X, run, 1)
    sl = iteration_slice(X, run, 1)
    for name in ("e_gain", "m_gain", "kl_after", "ll_gain"):      # the notes' numbers are the slice's
        assert getattr(first, name) == pytest.approx(getattr(sl, name), abs=1e-8), name
    e1, m1 = said.get(("E", 1)), said.get(("M", 1))
    assert e1 and f"{first.e_gain:.2f}" in e1 and "KL = 0" in e1
    assert m1 and f"{first.m_gain:.2f}" in m1 and f"{first.ll_gain:.2f}" in m1 and f"{first.kl_after:.2f}" in m1
    assert any("Final state" in text and f"{run.final.log_likelihood:.2f}" in text for text in said.values())


def test_poster_shows_the_first_slices(bound_scene):
    picture = poster_image(bound_scene)
    assert picture.ndim == 3 and picture.shape[2] == 4 and picture.dtype == np.uint8
    background = picture[0, 0]
    drawn = np.any(picture != background, axis=2)
    # Six panels in two rows of three: ink in every third of the width in both halves of the height.
    h, w = drawn.shape
    for rows in (slice(int(0.2 * h), h // 2), slice(h // 2, int(0.95 * h))):
        for third in range(3):
            assert drawn[rows, third * w // 3:(third + 1) * w // 3].mean() > 0.01, (rows, third)


@pytest.mark.parametrize("quality, theme", [("l", "light"), ("m", "dark"), ("h", "light"), ("k", "dark")])
def test_every_preset_and_theme_draws_a_frame_of_its_size(quality, theme):
    prepared = prepare(load_scene("lower-bound").with_overrides({"quality": quality, "theme": theme,
                                                                 "max_iter": 3}))
    source = frame_source(prepared)
    frame = source.frame(len(source) // 2)
    assert frame.shape == (prepared.height, prepared.width, 4)
    from matplotlib.colors import to_rgb

    # The theme's ground, and not a blank canvas: the slice and the data are drawn on it.
    ground = np.round(np.array(to_rgb(prepared.theme.background)) * 255).astype(int)
    assert np.abs(frame[0, 0, :3].astype(int) - ground).max() <= 1
    assert (np.abs(frame[..., :3].astype(int) - ground).max(axis=2) > 40).mean() > 0.01
