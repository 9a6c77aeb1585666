"""Timeline: frame counts, pacing, moment semantics, the shared clock."""
import numpy as np
import pytest

from animate_em.scene.timing.pacing import allocate_frames
from animate_em.scene.timing.timeline import Moment, Timeline, marker_position


def em_like_trace(n_iter, start=-2000.0, gain=800.0, rate=0.7):
    """Monotone log-likelihoods with geometrically shrinking steps, like a converging EM run."""
    steps = gain * (1 - rate) * rate ** np.arange(n_iter)
    return np.concatenate([[start], start + np.cumsum(steps)])


# -- frame counts -------------------------------------------------------------

@pytest.mark.parametrize("fpi", [1, 2, 5, 12])
@pytest.mark.parametrize("fps", [15, 30])
def test_fixed_frames_per_iteration_gives_exact_count(fpi, fps):
    n_iter = 17
    timeline = Timeline.build([em_like_trace(n_iter)], fps=fps, frames_per_iteration=fpi,
                              hold_start=1.0, hold_end=2.0)
    assert len(timeline) == timeline.n_frames == round(1.0 * fps) + fpi * n_iter + round(2.0 * fps)
    assert timeline.iteration_start_frames == [round(fps) + fpi * i for i in range(n_iter)]


def test_fixed_pacing_ignores_duration():
    a = Timeline.build([em_like_trace(8)], fps=30, frames_per_iteration=6, duration=3.0)
    b = Timeline.build([em_like_trace(8)], fps=30, frames_per_iteration=6, duration=60.0)
    assert len(a) == len(b)


def _story_frames(fps):
    from animate_em.scene.timing.pacing import STORY_BEAT_SECONDS
    return 2 * round(STORY_BEAT_SECONDS * fps)


@pytest.mark.parametrize("n_iter", [10, 100])
@pytest.mark.parametrize("fps", [15, 30, 60])
def test_auto_pacing_stays_near_duration_and_shows_every_iteration(n_iter, fps):
    duration = 20.0
    timeline = Timeline.build([em_like_trace(n_iter)], fps=fps, duration=duration)
    assert abs(timeline.seconds - duration) <= 0.15 * duration
    assert len(timeline.iteration_frames) == n_iter
    assert min(timeline.iteration_frames) >= 1


def test_the_first_iterations_get_a_sentence_per_beat_even_beyond_the_duration():
    from animate_em.scene.timing.pacing import STORY_BEAT_SECONDS, STORY_ITERATIONS
    for fps in (15, 30, 60):
        timeline = Timeline.build([em_like_trace(40)], fps=fps, duration=6.0)
        for i in range(STORY_ITERATIONS):
            e = timeline.e_frames[i]
            m = timeline.iteration_frames[i] - e
            assert e / fps >= STORY_BEAT_SECONDS - 0.5 / fps and m / fps >= STORY_BEAT_SECONDS - 0.5 / fps
        assert timeline.seconds > 6.0


def test_beats_are_legible_whenever_an_iteration_has_more_than_one_frame():
    from animate_em.scene.timing.pacing import MIN_BEAT_SECONDS
    for n_iter, duration in ((12, 20.0), (40, 20.0), (100, 30.0)):
        for fps in (15, 30, 60):
            timeline = Timeline.build([em_like_trace(n_iter)], fps=fps, duration=duration)
            for frames, e in zip(timeline.iteration_frames, timeline.e_frames):
                if frames > 1:
                    assert min(e, frames - e) >= round(MIN_BEAT_SECONDS * fps), (n_iter, fps, frames, e)
                else:
                    assert e == 0


def test_auto_pacing_gives_early_iterations_more_time():
    timeline = Timeline.build([em_like_trace(40)], fps=30, duration=20.0)
    frames = np.array(timeline.iteration_frames)
    assert frames[0] > frames[-1]
    assert frames[:5].mean() > 2 * frames[-5:].mean()
    # Non-increasing when the log-likelihood steps shrink monotonically (no rhythm from rounding).
    assert np.all(np.diff(frames) <= 0)


def test_parameter_movement_earns_time_where_the_likelihood_is_flat():
    # A component sliding along a flat likelihood ridge: the picture changes, the trace barely does.
    trace = em_like_trace(30)
    change = np.r_[np.ones(5), np.zeros(15), np.full(5, 4.0), np.zeros(5)]
    moving = Timeline.build([trace], fps=30, duration=20.0, changes=[change])
    still = Timeline.build([trace], fps=30, duration=20.0)
    assert sum(moving.iteration_frames[20:25]) > 2 * sum(still.iteration_frames[20:25])


def test_a_long_run_shares_frames_between_iterations_that_change_little():
    # 300 iterations cannot each have a frame in 12 s: flat late ones share, the story keeps its time.
    timeline = Timeline.build([em_like_trace(300, rate=0.97)], fps=30, duration=12.0)
    frames = timeline.iteration_frames
    assert 0 in frames and frames[-1] >= 1
    assert abs(timeline.seconds - 12.0) <= 0.15 * 12.0 + 2 * _story_frames(30) / 30
    assert frames[0] == _story_frames(30)
    # Frames of skipped iterations show the next iteration that has frames.
    skipped = frames.index(0) + 1
    shown = timeline.moment(timeline.iteration_start_frames[skipped - 1])
    assert shown.iteration > skipped


def test_auto_pacing_caps_a_single_long_iteration():
    # One iteration (beyond the story ones) must not swallow ten seconds.
    from animate_em.scene.timing.pacing import MAX_SECONDS_PER_ITERATION, STORY_ITERATIONS
    timeline = Timeline.build([em_like_trace(STORY_ITERATIONS + 1)], fps=30, duration=30.0)
    assert timeline.iteration_frames[-1] <= MAX_SECONDS_PER_ITERATION * 30


def test_auto_pacing_without_duration_scales_with_iterations():
    short = Timeline.build([em_like_trace(10)], fps=30, duration=None)
    long = Timeline.build([em_like_trace(40)], fps=30, duration=None)
    assert sum(long.iteration_frames) > 2 * sum(short.iteration_frames)


def test_flat_trace_shares_frames_evenly_after_the_story():
    from animate_em.scene.timing.pacing import STORY_ITERATIONS
    timeline = Timeline.build([np.full(11, -500.0)], fps=30, duration=20.0)
    frames = timeline.iteration_frames[STORY_ITERATIONS:]
    assert max(frames) - min(frames) <= 1


def test_allocate_frames_respects_bounds_and_budget():
    weights = np.array([100.0, 1.0, 1.0, 1.0])
    frames = allocate_frames(weights, budget=60, minimum=2, maximum=30)
    assert frames.sum() == 60
    assert frames.max() == 30 and frames.min() >= 2


def test_picture_change_measures_movement_in_the_datas_spread():
    from animate_em.em.types import Snapshot
    from animate_em.scene.timing.pacing import picture_change
    means = np.array([[0.0, 0.0], [10.0, 0.0]])
    covs = np.array([np.eye(2), np.eye(2)])
    w = np.array([0.5, 0.5])
    snaps = [Snapshot(0, w, means, covs, -10.0), Snapshot(1, w, means + [1.0, 0.0], covs, -9.0),
             Snapshot(2, w, means + [1.0, 0.0], covs, -8.0)]
    change = picture_change(snaps)
    assert change[1] == 0.0 and change[0] > 0
    # Units do not matter: the same run in millimetres changes exactly as much.
    scaled = [Snapshot(s.iteration, s.weights, s.means * 1000, s.covariances * 1e6, s.log_likelihood)
              for s in snaps]
    assert np.allclose(picture_change(scaled), change)


def test_build_is_deterministic():
    traces = [em_like_trace(23), em_like_trace(31, rate=0.8)]
    a = Timeline.build(traces, fps=30)
    b = Timeline.build(traces, fps=30)
    assert a.iteration_frames == b.iteration_frames
    assert [a.moment(f, 1) for f in range(len(a))] == [b.moment(f, 1) for f in range(len(b))]


# -- moments ------------------------------------------------------------------

@pytest.fixture(params=[None, 5])
def timeline(request):
    return Timeline.build([em_like_trace(12)], fps=30, frames_per_iteration=request.param)


def test_first_frame_is_start_with_neutral_points(timeline):
    m = timeline.moment(0)
    assert m.phase == "start" and m.t0 == m.t1 == 0
    assert m.resp_from is None and m.resp_to is None and m.iteration == 0


def test_last_frame_is_end_at_final_snapshot(timeline):
    m = timeline.moment(len(timeline) - 1)
    assert m.phase == "end" and m.t0 == m.t1 == 12
    assert m.resp_to == 12 and m.resp_fraction == 1.0 and not m.finished


def test_beats_follow_the_documented_semantics(timeline):
    n = 12
    for i in range(1, n + 1):
        start = timeline.iteration_start_frames[i - 1]
        frames = range(start, start + timeline.iteration_frames[i - 1])
        moments = [timeline.moment(f) for f in frames]
        assert all(m.iteration == i for m in moments)
        if len(moments) == 1:
            # One plain frame: the E-step's colours with the M-step's parameters.
            m, = moments
            assert m.phase == "plain" and (m.t0, m.t1, m.param_fraction, m.resp_to) == (i - 1, i, 1.0, i - 1)
            continue
        e_beat = [m for m in moments if m.phase == "E"]
        m_beat = [m for m in moments if m.phase == "M"]
        assert e_beat and m_beat and len(e_beat) + len(m_beat) == len(moments)
        # E beat: points recolour, ellipses rest at theta_{i-1}.
        for m in e_beat:
            assert m.t0 == m.t1 == i - 1
            assert m.resp_from == (None if i == 1 else i - 2) and m.resp_to == i - 1
        assert e_beat[-1].resp_fraction == 1.0
        # M beat: ellipses glide theta_{i-1} -> theta_i, points rest at resp(theta_{i-1}).
        for m in m_beat:
            assert (m.t0, m.t1) == (i - 1, i)
            assert m.resp_to == i - 1 and m.resp_fraction == 1.0
        fractions = [m.param_fraction for m in m_beat]
        assert all(b > a for a, b in zip(fractions, fractions[1:]))
        assert fractions[-1] == 1.0 and fractions[0] > 0.0
        # All E frames come before all M frames.
        assert [m.phase for m in moments] == ["E"] * len(e_beat) + ["M"] * len(m_beat)


def test_marker_is_exact_at_snapshots_and_moves_monotonically(timeline):
    trace = em_like_trace(12)
    for i in range(1, 13):
        last = timeline.iteration_start_frames[i - 1] + timeline.iteration_frames[i - 1] - 1
        x, y = timeline.marker(last, trace)
        assert x == i and y == trace[i]
    xs = [timeline.marker(f, trace)[0] for f in range(len(timeline))]
    assert all(b >= a for a, b in zip(xs, xs[1:]))
    assert marker_position(timeline.moment(0), trace) == (0.0, trace[0])


def test_plain_frames_show_each_snapshot_once():
    timeline = Timeline.build([em_like_trace(7)], fps=10, frames_per_iteration=1)
    moments = [timeline.moment(f) for f in range(len(timeline))]
    plain = [m for m in moments if m.phase == "plain"]
    assert [(m.t0, m.t1, m.resp_to) for m in plain] == [(i, i, i) for i in range(1, 8)]


def test_end_hold_recolours_points_to_final_responsibilities():
    timeline = Timeline.build([em_like_trace(5)], fps=30, frames_per_iteration=4, hold_end=2.0)
    end = [timeline.moment(f) for f in range(timeline.end_start_frame, len(timeline))]
    assert end[0].resp_from == 4 and end[0].resp_to == 5
    fractions = [m.resp_fraction for m in end]
    assert all(b >= a for a, b in zip(fractions, fractions[1:]))
    assert fractions[-1] == 1.0 and fractions[0] < 1.0


def test_one_frame_iterations_land_on_the_snapshot():
    # 100 iterations at 15 fps in 12 s cannot have two frames each.
    trace = em_like_trace(100)
    timeline = Timeline.build([trace], fps=15, duration=12.0)
    single = [i for i, f in enumerate(timeline.iteration_frames, start=1) if f == 1]
    assert single
    i = single[-1]
    m = timeline.moment(timeline.iteration_start_frames[i - 1])
    assert (m.t0, m.t1, m.param_fraction, m.resp_to) == (i - 1, i, 1.0, i - 1)


def test_frame_out_of_range_raises(timeline):
    with pytest.raises(IndexError):
        timeline.moment(len(timeline))
    with pytest.raises(IndexError):
        timeline.moment(-1)


# -- shared clock -------------------------------------------------------------

def test_shared_clock_finished_flag():
    short, long = em_like_trace(5), em_like_trace(20)
    timeline = Timeline.build([short, long], fps=30, frames_per_iteration=4)
    assert timeline.n_iters == (5, 20)
    assert len(timeline.iteration_start_frames) == 20
    # During iteration 6..20 the short run waits at its final state.
    frame = timeline.iteration_start_frames[10]
    waiting, running = timeline.moment(frame, 0), timeline.moment(frame, 1)
    assert waiting.finished and waiting.phase == "end" and waiting.t0 == waiting.t1 == 5
    assert not running.finished and running.iteration == 11
    # Same frame, same iteration for both runs while both are running.
    frame = timeline.iteration_start_frames[3] + 1
    assert timeline.moment(frame, 0).iteration == timeline.moment(frame, 1).iteration == 4
    # In the final hold nobody is waiting any more.
    last = len(timeline) - 1
    assert not timeline.moment(last, 0).finished and not timeline.moment(last, 1).finished
    assert timeline.moment(last, 0).t1 == 5 and timeline.moment(last, 1).t1 == 20


def test_auto_pacing_shares_frames_across_runs():
    timeline = Timeline.build([em_like_trace(5), em_like_trace(60)], fps=30, duration=20.0)
    assert len(timeline.iteration_frames) == 60
    assert abs(timeline.seconds - 20.0) <= 0.15 * 20.0


def test_zero_iteration_run_holds_start_state():
    timeline = Timeline.build([np.array([-100.0])], fps=10)
    assert timeline.iteration_frames == []
    m = timeline.moment(len(timeline) - 1)
    assert m.phase == "end" and m.t0 == m.t1 == 0 and m.resp_to is None


def test_moment_is_frozen():
    m = Moment(0, 0, 0.0, None, None, 0.0, "start", 0)
    with pytest.raises(Exception):
        m.t0 = 1
