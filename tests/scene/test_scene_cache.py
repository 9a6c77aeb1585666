"""Frame source caches: background + points layer, whole frames in holds, ghosts painted onto the background.

Every cache must give the pixels of a full redraw; these tests also check that
each cache is actually used where it should be (a cache that is never hit
would pass the equality tests trivially).
"""
import dataclasses
from types import SimpleNamespace

import matplotlib as mpl
import numpy as np
import pytest
from scene_probe import maker

from animate_em.scene.frames.source import frame_source
from animate_em.scene.timing.timeline import Timeline
from animate_em.scene.prepared import prepare
from animate_em.scene.spec.scene import load_scene


def _count_point_draws(source):
    """Wrap every panel's PointCloud.draw with a counter; returns the list of counts per panel."""
    source.frame(0)
    counts = [0] * len(source.panels)
    for r, panel in enumerate(source.panels):
        original = panel.points.draw

        def counted(renderer, _r=r, _draw=original):
            counts[_r] += 1
            return _draw(renderer)

        panel.points.draw = counted
    return counts


def _with_ghost_every(prepared, every):
    return dataclasses.replace(prepared, scene=prepared.scene.with_overrides({"ghost_every": every}))


@pytest.fixture(scope="module")
def prepared():
    return maker.baseline_prepared(width=320, height=180)


@pytest.fixture(scope="module")
def paced(prepared):
    """The baseline scene with 4-frame M beats, and holds long enough to rest."""
    timeline = Timeline.build(prepared.traces, fps=10, frames_per_iteration=6, hold_start=0.4, hold_end=1.0)
    return dataclasses.replace(prepared, timeline=timeline)


@pytest.fixture(scope="module")
def streamed(prepared):
    """Every frame of ``prepared``, streamed: the reference of the random-access and rcParams tests."""
    return list(frame_source(prepared))


@pytest.fixture(scope="module")
def paced_counted(paced):
    """``paced`` streamed once with the first panel's point draws counted, for the tests that read them.

    Returns the source, the point-draw counts, the stats before streaming, whether each frame
    painted the points, and a copy of every frame.
    """
    source = frame_source(paced, copy=False)
    counts = _count_point_draws(source)
    drawn_before = source.stats["points_drawn"]      # frame(0), drawn to build the figure
    drawn_at, frames = [], []
    before = counts[0]
    for frame in source:
        drawn_at.append(counts[0] > before)
        before = counts[0]
        frames.append(frame.copy())
    return SimpleNamespace(source=source, counts=counts, drawn_before=drawn_before, drawn_at=drawn_at,
                           frames=frames)


def _assert_stream_equals_full_redraws(prepared):
    streamed = frame_source(prepared, copy=False)
    reference = frame_source(prepared)
    reference._ensure_built()
    # A full redraw depends on the frame's moments alone: one per distinct moment (a hold is one).
    drawn = []
    for index, frame in enumerate(streamed):
        moments = reference._moments(index)
        full = next((pixels for seen, pixels in drawn if seen == moments), None)
        if full is None:
            full = reference.frame(index, full_redraw=True)
            drawn.append((moments, full))
        assert np.array_equal(frame, full), f"frame {index} ({prepared.timeline.moment(index).phase})"
    return streamed.stats


@pytest.mark.parametrize("scene", ["prepared", "paced"])
def test_every_frame_with_caches_equals_a_full_redraw(scene, request):
    prepared = request.getfixturevalue(scene)
    # The whole animation: start hold, E beats, M beats, ghost changes, end hold.
    phases = {prepared.timeline.moment(i).phase for i in range(len(prepared.timeline))}
    assert {"start", "E", "M", "end"} <= phases
    stats = _assert_stream_equals_full_redraws(prepared)
    # Each cache was exercised, so the equality above covers it.
    assert stats["layer_reused"] > 0 and stats["frame_reused"] > 0


def test_caches_with_ghosts_every_iteration_and_two_runs():
    # More ghosts than stay on screen: old ones go, the rest fade, every change redraws the background.
    prepared = prepare(load_scene("local-optimum").with_overrides(
        {"width": 480, "height": 270, "fps": 4, "frames_per_iteration": 1, "max_iter": 20, "ghost_every": 1}))
    assert len(prepared.runs) == 2
    stats = _assert_stream_equals_full_redraws(prepared)
    assert stats["background"] >= 6


def test_a_first_ghost_inside_the_panel_is_painted_onto_the_kept_background():
    # Later ghosts fade the earlier ones (a full draw); the first one alone can be painted on.
    prepared = maker.baseline_prepared(width=480, height=270)
    run = prepared.runs[0]
    tame = [dataclasses.replace(s, covariances=s.covariances * 0.05) for s in run.snapshots]
    prepared = dataclasses.replace(prepared, runs=[dataclasses.replace(run, snapshots=tuple(tame))])
    stats = _assert_stream_equals_full_redraws(prepared)
    assert stats["ghosts"] >= 1


def test_a_ghost_over_the_spines_falls_back_to_a_full_draw():
    prepared = maker.baseline_prepared(width=320, height=180)
    run = prepared.runs[0]
    first = run.snapshots[0]
    # A wild initial ellipse: the axis limits are capped, so its ghost crosses the spines.
    wild = dataclasses.replace(first, covariances=first.covariances * 12.0)
    prepared = dataclasses.replace(prepared, runs=[dataclasses.replace(run, snapshots=(wild, *run.snapshots[1:]))])
    stats = _assert_stream_equals_full_redraws(prepared)
    assert stats["background"] >= 3      # first frame, the wild ghost, the end
    assert stats["ghosts"] == 0          # the wild ghost crosses the spines; later ones fade it


def test_m_beat_frames_reuse_the_points_layer(paced, paced_counted):
    timeline = paced.timeline
    drawn_at = paced_counted.drawn_at
    m_frames = [i for i in range(len(timeline)) if timeline.moment(i).phase == "M"]
    assert m_frames
    # Colours rest during an M beat: at most its first frame paints the points
    # (and not even that when the E beat before it already ended on the same colours).
    for i in m_frames:
        if timeline.moment(i - 1).phase == "M":
            assert not drawn_at[i], f"M-beat frame {i} redrew the points"
    # E beats change the colours every frame: those frames must paint them.
    for i in range(len(timeline)):
        m = timeline.moment(i)
        if m.phase == "E" and 0.0 < m.resp_fraction < 1.0:
            assert drawn_at[i], f"E-beat frame {i} did not redraw the points"
    assert sum(drawn_at) < len(timeline) // 2


def test_holds_reuse_the_whole_frame(paced, paced_counted):
    source, counts, frames = paced_counted.source, paced_counted.counts, paced_counted.frames
    drawn_before = paced_counted.drawn_before
    timeline = paced.timeline
    # The end hold once its colours have settled: the same moment, frame after frame.
    last = timeline.moment(len(timeline) - 1)
    end = [i for i in range(len(timeline)) if timeline.moment(i) == last]
    assert len(end) >= 3
    assert source.stats["frame_reused"] >= len(end) - 1
    assert all(np.array_equal(frames[end[0]], frames[i]) for i in end)
    # Points painted once per colour change, never once per frame.
    assert counts[0] == source.stats["points_drawn"] - drawn_before < len(timeline) // 2


def test_random_access_through_the_caches_equals_streaming(prepared, streamed):
    source = frame_source(prepared)
    n = len(streamed)
    # Backwards (ghosts disappear), jumps into and out of beats and holds, repeats.
    order = [n - 1, n - 2, 0, 1, n // 2, n // 2 + 1, n // 2 + 1, 3, n - 1, 2, n // 3, n // 3 + 1]
    for index in order:
        assert np.array_equal(source.frame(index), streamed[index]), index
    # A full redraw in between does not leave a stale cache behind.
    source.frame(n // 2, full_redraw=True)
    for index in (n // 2, n // 2 + 1, n - 1, n - 2):
        assert np.array_equal(source.frame(index), streamed[index]), index


def test_streaming_leaves_the_callers_rcparams_alone_between_frames(prepared, streamed):
    reference = streamed
    user = {"path.simplify": False, "lines.linewidth": 7.0, "font.family": ["serif"], "text.antialiased": False}
    with mpl.rc_context(user):
        for index, frame in enumerate(frame_source(prepared, copy=False)):
            assert all(mpl.rcParams[k] == v for k, v in user.items()), index
            assert np.array_equal(frame, reference[index]), index
