"""Frame sources: frame count, shapes, determinism, blitting against full redraws, geometry on screen."""

from types import SimpleNamespace

import numpy as np
import pytest
from scene_probe import maker

from animate_em.scene.draw.ellipse import ellipse_geometry
from animate_em.scene.frames.source import frame_source
from animate_em.scene.timing.tween import interpolate_parameters


@pytest.fixture(scope="module")
def prepared():
    return maker.baseline_prepared(width=320, height=180)


@pytest.fixture(scope="module")
def frames(prepared):
    return list(frame_source(prepared))


@pytest.fixture(scope="module")
def walked(prepared):
    """What the artists hold after ``frame(0)``, ``frame(1)``, ... on one fresh source, copied per frame.

    The tests of ellipses, axis limits and the trace marker each walked every frame on a source of
    their own; they read the same artists, so one walk serves them.
    """
    source = frame_source(prepared)
    states = []
    for index in range(len(source)):
        source.frame(index)
        panel, trace = source.panels[0], source.trace
        states.append(SimpleNamespace(
            ellipses=[(np.array(p.get_center()), p.get_width(), p.get_height(), p.get_angle())
                      for p in panel.ellipses],
            boxes=[_ellipse_box(p) for p in panel.ellipses],
            means=np.array(panel.means.get_offsets()),
            limits=(panel.ax.get_xlim(), panel.ax.get_ylim()),
            trace_limits=(trace.ax.get_xlim(), trace.ax.get_ylim()),
            marker=tuple(np.array(v) for v in trace.markers[0].get_data()),
            line=tuple(np.array(v) for v in trace.lines[0].get_data())))
    return states


def test_frame_count_matches_timeline(prepared, frames):
    source = frame_source(prepared)
    assert len(source) == prepared.timeline.n_frames == len(frames)


def test_frames_are_rgba_uint8_of_the_scene_size(frames):
    for frame in frames:
        assert frame.shape == (180, 320, 4)
        assert frame.dtype == np.uint8
        assert (frame[..., 3] == 255).all()


def test_two_sources_give_identical_frames(prepared, frames):
    again = list(frame_source(prepared))
    assert all(np.array_equal(a, b) for a, b in zip(frames, again))


def test_frames_change_during_the_animation(frames):
    assert not np.array_equal(frames[0], frames[-1])
    # Consecutive frames within a beat differ (something moves every frame).
    assert sum(not np.array_equal(a, b) for a, b in zip(frames, frames[1:])) > len(frames) // 2


def test_random_access_equals_streaming(prepared, frames):
    source = frame_source(prepared)
    for index in (len(frames) - 1, 0, 13, 5, 13):
        assert np.array_equal(source.frame(index), frames[index])


def test_blitted_frames_equal_full_redraws(prepared, frames):
    source = frame_source(prepared)
    for index in range(0, len(frames), 3):
        full = source.frame(index, full_redraw=True)
        assert np.array_equal(full, frames[index]), f"frame {index}: blitting differs from a full redraw"


def test_blitting_with_several_runs_equals_full_redraws():
    prepared = maker.baseline_prepared(width=480, height=270, n_runs=2)
    streamed = list(frame_source(prepared))
    source = frame_source(prepared)
    for index in (0, 7, 12, len(streamed) - 1):
        assert np.array_equal(source.frame(index, full_redraw=True), streamed[index])


def test_streaming_without_copy_yields_the_reused_buffer(prepared):
    source = frame_source(prepared, copy=False)
    iterator = iter(source)
    first = next(iterator)
    snapshot = first.copy()
    second = next(iterator)
    assert np.shares_memory(first, second)
    assert np.array_equal(second, frame_source(prepared).frame(1))
    assert np.array_equal(snapshot, frame_source(prepared).frame(0))


def test_ellipses_show_the_parameters_of_the_moment(prepared, walked):
    run = prepared.runs[0]
    timeline = prepared.timeline
    checked = 0
    for index, shown in enumerate(walked):
        m = timeline.moment(index)
        if m.t0 == m.t1 or m.param_fraction in (0.0, 1.0):
            snap = run.snapshots[m.t1 if m.param_fraction >= 1.0 else m.t0]
            means, covs = snap.means, snap.covariances
        else:
            _, means, covs = interpolate_parameters(run.snapshots[m.t0], run.snapshots[m.t1], m.param_fraction)
        for (patch_center, patch_width, patch_height, patch_angle), mean, cov in zip(shown.ellipses, means, covs):
            center, width, height, angle = ellipse_geometry(mean, cov, 2.0)
            assert np.allclose(patch_center, center)
            assert patch_width == pytest.approx(width)
            assert patch_height == pytest.approx(height)
            assert patch_angle == pytest.approx(angle)
        assert np.allclose(shown.means, means)
        checked += 1
    assert checked == len(frame_source(prepared))


def _ellipse_box(patch):
    # Corners of the bounding box of a rotated ellipse, in data coordinates.
    a, b = patch.get_width() / 2, patch.get_height() / 2
    t = np.radians(patch.get_angle())
    hx = np.hypot(a * np.cos(t), b * np.sin(t))
    hy = np.hypot(a * np.sin(t), b * np.cos(t))
    cx, cy = patch.get_center()
    return cx - hx, cx + hx, cy - hy, cy + hy


def test_axis_limits_are_fixed_and_hold_every_ellipse(prepared, walked):
    xlim, ylim = walked[0].limits
    trace_limits = walked[0].trace_limits
    X = prepared.X
    assert xlim[0] < X[:, 0].min() and X[:, 0].max() < xlim[1]
    assert ylim[0] < X[:, 1].min() and X[:, 1].max() < ylim[1]
    for shown in walked:
        assert shown.limits == (xlim, ylim)
        assert shown.trace_limits == trace_limits
        for x0, x1, y0, y1 in shown.boxes:
            assert xlim[0] <= x0 and x1 <= xlim[1] and ylim[0] <= y0 and y1 <= ylim[1]


def test_equal_aspect_for_comparable_ranges(prepared):
    source = frame_source(prepared)
    source.frame(0)
    ax = source.panels[0].ax
    bbox = ax.get_window_extent()
    x_scale = bbox.width / np.diff(ax.get_xlim())[0]
    y_scale = bbox.height / np.diff(ax.get_ylim())[0]
    assert x_scale == pytest.approx(y_scale, rel=1e-6)


def test_log_likelihood_marker_sits_on_the_trace_at_snapshots(prepared, walked):
    trace = prepared.traces[0]
    timeline = prepared.timeline
    seen = set()
    for index, shown in enumerate(walked):
        m = timeline.moment(index)
        (x,), (y,) = shown.marker
        if m.phase == "M" and m.param_fraction == 1.0 or m.phase in ("start", "end"):
            t = m.t1
            assert x == t and y == trace[t]
            seen.add(t)
        else:
            t0, t1 = m.t0, m.t1
            assert min(trace[t0], trace[t1]) <= y <= max(trace[t0], trace[t1])
        # The line is drawn up to the marker, not beyond.
        xs, ys = shown.line
        assert xs[-1] == pytest.approx(x) and ys[-1] == pytest.approx(y)
    assert seen == set(range(len(trace)))


def test_ghosts_every_fifth_iteration_at_the_end(prepared):
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    visible = {t for t, patches in source.panels[0].ghosts.items() if patches[0].get_visible()}
    assert visible == {0, 5}


def test_caption_names_iteration_phase_and_outcome(prepared):
    source = frame_source(prepared)
    timeline = prepared.timeline
    mid = next(i for i in range(len(source)) if timeline.moment(i).phase == "E"
               and timeline.moment(i).iteration == 3)
    source.frame(mid)
    texts = [t.get_text() for t in source.status.texts]
    assert "3" in texts and "E-step: reassign points" in texts
    assert any(t.startswith("\u2212") and t.count(".") == 1 and len(t.split(".")[1]) == 2 for t in texts)
    source.frame(len(source) - 1)
    assert source.end_line.texts[0].get_visible()
    assert "converged after 6 iterations" in source.end_line.texts[0].get_text()
    assert not any(t.get_visible() for t in source.status.texts)


def test_dark_theme_background_is_dark():
    light = frame_source(maker.baseline_prepared("light", width=320, height=180)).frame(0)
    dark = frame_source(maker.baseline_prepared("dark", width=320, height=180)).frame(0)
    lum = lambda px: (0.2126 * px[0] + 0.7152 * px[1] + 0.0722 * px[2]) / 255
    assert lum(dark[2, 2]) < 0.2
    assert lum(light[2, 2]) > 0.9


def test_finished_runs_show_a_badge():
    prepared = maker.baseline_prepared(width=640, height=360, n_runs=2)
    source = frame_source(prepared)
    source.frame(0)
    assert len(source.panels) == 2 and not any(b.get_visible() for b in source.badges)
    source.frame(len(source) - 1)
    assert all(b.get_visible() for b in source.badges)
    assert all("✓" in b.get_text() for b in source.badges)
    assert len(source.trace.lines) == 2


def test_frame_index_out_of_range(prepared):
    source = frame_source(prepared)
    with pytest.raises(IndexError):
        source.frame(len(source))
