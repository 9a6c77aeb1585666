"""Steps: the beats of a timeline a presenter advances one click at a time, and their speaker notes."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em.scene import Timeline, load_scene, prepare
from animate_em.scene.kinds import KINDS, get_kind
from animate_em.scene.kinds.sweep.timeline import SweepTimeline
from animate_em.scene.timing.steps import Step, check_steps


def em_like_trace(n_iter, start=-900.0, gain=300.0, rate=0.6):
    steps = gain * (1 - rate) * rate ** np.arange(n_iter)
    return np.concatenate([[start], start + np.cumsum(steps)])


def _tiles(steps, n_frames):
    assert steps[0].start == 0 and steps[-1].stop == n_frames
    assert all(a.stop == b.start for a, b in zip(steps, steps[1:]))


@pytest.mark.parametrize("fpi", [None, 2, 5])
def test_em_steps_are_start_then_e_and_m_of_every_iteration_then_end(fpi):
    # 20 s hold the first iterations' sentence-long beats and legible beats for the rest.
    timeline = Timeline.build([em_like_trace(6)], fps=15, frames_per_iteration=fpi, duration=20.0)
    steps = timeline.steps()
    _tiles(steps, len(timeline))
    assert [s.beat for s in steps] == ["start"] + ["E", "M"] * 6 + ["end"]
    assert [s.iteration for s in steps] == [0] + [i for i in range(1, 7) for _ in (0, 1)] + [6]
    assert steps[5].label == "iteration 3 - E-step" and steps[6].label == "iteration 3 - M-step"
    assert steps[0].label == "iteration 0 - initial state" and steps[-1].label == "iteration 6 - final state"


def test_every_step_ends_on_the_frame_that_completes_its_beat():
    timeline = Timeline.build([em_like_trace(5)], fps=20, duration=5.0)
    for step in timeline.steps():
        moment = timeline.moment(step.last)
        first = timeline.moment(step.start)
        if step.beat == "E":
            # The points are fully recoloured, the ellipses still on the previous snapshot.
            assert moment.phase == "E" and moment.resp_fraction == 1.0 and moment.t0 == moment.t1 == step.iteration - 1
        elif step.beat == "M":
            # The ellipses stand on the new snapshot: the marker sits on its log-likelihood.
            assert moment.phase == "M" and moment.param_fraction == 1.0 and moment.t1 == step.iteration
            assert first.phase == "M"
        else:
            # "plain": an iteration paced to one frame, its E-step colours with its M-step parameters.
            assert moment.phase == step.beat
        if step.beat in ("E", "M") and step.last + 1 < len(timeline):
            following = timeline.moment(step.last + 1)
            assert (following.phase, following.iteration) != (moment.phase, moment.iteration)


def test_plain_timeline_has_one_step_per_iteration():
    timeline = Timeline.build([em_like_trace(4)], fps=10, frames_per_iteration=1)
    steps = timeline.steps()
    _tiles(steps, len(timeline))
    assert [s.beat for s in steps] == ["start", "plain", "plain", "plain", "plain", "end"]
    assert all(s.n_frames == 1 for s in steps[1:-1])


def test_a_one_frame_iteration_is_one_plain_step_and_a_frameless_one_none():
    # 60 iterations in 4 s at 10 fps: many iterations get one frame (E-step and M-step at once),
    # the flattest none (their result shows in the next iteration's frame).
    timeline = Timeline.build([em_like_trace(60, rate=0.9)], fps=10, duration=4.0, hold_start=0.1, hold_end=0.1)
    steps = timeline.steps()
    _tiles(steps, len(timeline))
    single = [i for i, f in enumerate(timeline.iteration_frames, start=1) if f == 1]
    assert single, "the pacing should give some iterations a single frame"
    for i in single:
        beats = [s.beat for s in steps if s.iteration == i and s.beat != "end"]
        assert beats == ["plain"]
    frameless = [i for i, f in enumerate(timeline.iteration_frames, start=1) if f == 0]
    assert frameless and not [s for s in steps if s.iteration in frameless and s.beat != "end"]


def test_runs_of_different_lengths_share_the_steps_of_the_longest():
    timeline = Timeline.build([em_like_trace(3), em_like_trace(7)], fps=15, duration=8.0)
    steps = timeline.steps()
    assert [s.iteration for s in steps if s.beat in ("M", "plain")] == list(range(1, 8))


def test_sweep_steps_are_start_each_k_and_the_chosen_k():
    timeline = SweepTimeline.build(3, 1, fps=10, seconds_per_step=1.0, hold_start=0.5, hold_end=1.0,
                                   titles=["K = 2", "K = 4", "K = 6"], numbers=[2, 4, 6])
    steps = timeline.steps()
    _tiles(steps, len(timeline))
    assert [(s.beat, s.iteration, s.label) for s in steps] == [
        ("start", 0, "start - no fit yet"), ("K", 2, "K = 2 - fit"), ("K", 4, "K = 4 - fit"),
        ("K", 6, "K = 6 - fit"), ("end", 4, "K = 4 - chosen")]
    for step in steps[1:-1]:
        moment = timeline.moment(step.last)
        # At the end of a K's step its fit has morphed in and its point sits on the curve.
        assert moment.fraction == 1.0 and moment.position == steps.index(step)


def test_step_needs_frames_and_a_known_beat():
    with pytest.raises(ValueError, match="at least one frame"):
        Step(3, 3, "E", 1, "x")
    with pytest.raises(ValueError, match="unknown beat"):
        Step(0, 2, "Q", 1, "x")
    with pytest.raises(ValueError, match="leave frames 2..3 out"):
        check_steps([Step(0, 2, "start", 0, "a"), Step(4, 6, "end", 0, "b")], 6)


def test_every_kind_writes_notes_for_every_step():
    assert all(callable(kind.notes) for kind in KINDS.values())
    tiny = {"width": 320, "height": 180, "fps": 5, "max_iter": 3}
    em = prepare(load_scene("em-basics").with_overrides(tiny))
    notes = [get_kind("em").notes(em, step) for step in em.timeline.steps()]
    trace = em.traces[0]
    assert notes[0].startswith("Initial state") and f"{trace[0]:.2f}" in notes[0]
    m2 = next(n for s, n in zip(em.timeline.steps(), notes) if s.beat == "M" and s.iteration == 2)
    assert f"{trace[1]:.2f} -> {trace[2]:.2f} ({trace[2] - trace[1]:+.2f})" in m2
    assert f"BIC {em.runs[0].bic:.2f}" in notes[-1]

    sweep = prepare(load_scene("bic").with_overrides({**tiny, "fps": 2}))
    steps = sweep.timeline.steps()
    notes = [get_kind("sweep").notes(sweep, step) for step in steps]
    bics = [run.bic for run in sweep.runs]
    assert f"BIC {bics[2]:.2f}" in notes[3] and notes[3].startswith("K = 3:")
    best = int(np.argmin(bics))
    assert notes[-1].startswith(f"BIC is lowest at K = {best + 1}")
