"""Time is data: a :class:`Timeline` maps a frame number to a :class:`Moment` of EM.

Panels never count frames; they ask the timeline what one frame shows.

Layout of the frames (one shared clock over all runs)::

    | start hold | it 1: E | M | it 2: E | M | ... | it n: E | M | end hold |

``theta_t`` is snapshot ``t``. In iteration ``i`` the E beat recolours the
points from ``resp(theta_{i-2})`` (neutral grey when ``i == 1``) to
``resp(theta_{i-1})`` while the ellipses rest at ``theta_{i-1}``; the M beat
then glides the ellipses from ``theta_{i-1}`` to ``theta_i``. The last frame
of every beat shows its target exactly, so the log-likelihood marker sits on
the snapshot's value at the end of each iteration.

Runs of different lengths share the clock: iteration ``i`` occupies the same
frames in every run. A run that has converged before the others shows its
final state (``phase="end"``, ``finished=True``) while the others continue.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from animate_em.scene.timing.pacing import (
    SECONDS_PER_ITERATION,
    hold_frames,
    iteration_weights,
    pace_iterations,
    picture_change,
    split_beats,
)
from animate_em.scene.timing.steps import Step, check_steps
from animate_em.scene.timing.tween import ease

#: Length of the final recolouring (resp(theta_{n-1}) -> resp(theta_n)), in seconds.
END_RECOLOUR_SECONDS = 0.4

PHASES = ("start", "E", "M", "plain", "end")


@dataclass(frozen=True)
class Moment:
    """What one frame shows for one run.

    Attributes
    ----------
    t0 : int
        Snapshot index the parameters start from.
    t1 : int
        Snapshot index they move to (``t1 == t0`` when static).
    param_fraction : float
        Eased progress in [0, 1] from snapshot ``t0`` to ``t1`` (ellipses,
        means, log-likelihood marker).
    resp_from : int or None
        Snapshot whose responsibilities colour the points at
        ``resp_fraction == 0``; None means neutral grey (before the first E-step).
    resp_to : int or None
        Snapshot whose responsibilities colour the points at ``resp_fraction == 1``.
    resp_fraction : float
        Eased blend in [0, 1] of the point colours.
    phase : str
        One of ``"start"``, ``"E"``, ``"M"``, ``"plain"``, ``"end"``.
    iteration : int
        Iteration number for the caption (the EM iteration being performed or shown).
    finished : bool
        The run has converged and waits while other runs continue.
    """

    t0: int
    t1: int
    param_fraction: float
    resp_from: int | None
    resp_to: int | None
    resp_fraction: float
    phase: str
    iteration: int
    finished: bool = False

    @property
    def position(self) -> float:
        """Fractional snapshot index shown: ``t0 + param_fraction * (t1 - t0)``."""
        return self.t0 + self.param_fraction * (self.t1 - self.t0)


def marker_position(moment: Moment, trace: np.ndarray) -> tuple[float, float]:
    """Where the log-likelihood marker sits in a frame.

    Parameters
    ----------
    moment : Moment
    trace : ndarray of shape (n_iter + 1,)
        Log-likelihood of every snapshot of the run.

    Returns
    -------
    (x, y) : tuple of float
        ``x`` is the fractional iteration, ``y`` interpolates linearly between
        ``trace[t0]`` and ``trace[t1]`` (exact at snapshots).
    """
    trace = np.asarray(trace, dtype=float)
    u = moment.param_fraction if moment.t1 != moment.t0 else 0.0
    y = (1.0 - u) * trace[moment.t0] + u * trace[moment.t1]
    return moment.position, float(y)


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------

class Timeline:
    """Frame -> :class:`Moment` for every run, on one shared clock.

    Build with :meth:`Timeline.build`. The frame count is known up front
    (``len(timeline)``); everything is plain arithmetic, so the same traces
    and settings always give the same timeline.

    Attributes
    ----------
    fps : int
    n_frames : int
    iteration_start_frames : list of int
        Frame at which iteration ``i = 1 .. max(n_iter)`` begins (chapter marks).
    iteration_frames : list of int
        Number of frames of each iteration (0: an iteration that changed too
        little to earn a frame of its own; its result shows in the next one).
    e_frames : list of int
        Frames of each iteration's E beat (0: one plain frame, E-step and M-step at once).
    n_iters : tuple of int
        Iterations of each run.
    hold_start_frames, hold_end_frames : int
    plain : bool
        One frame per iteration, no E/M beats.
    """

    def __init__(self, *, fps: int, n_iters: Sequence[int], iteration_frames: Sequence[int],
                 hold_start_frames: int, hold_end_frames: int, plain: bool,
                 e_frames: Sequence[int] | None = None):
        self.fps = int(fps)
        self.n_iters = tuple(int(n) for n in n_iters)
        self.iteration_frames = [int(f) for f in iteration_frames]
        self.e_frames = ([int(e) for e in e_frames] if e_frames is not None else
                         [0 if plain else split_beats(f)[0] for f in self.iteration_frames])
        self.hold_start_frames = int(hold_start_frames)
        self.hold_end_frames = int(hold_end_frames)
        self.plain = bool(plain)
        starts = self.hold_start_frames + np.concatenate([[0], np.cumsum(self.iteration_frames)])
        self.iteration_start_frames = [int(s) for s in starts[:-1]]
        self.end_start_frame = int(starts[-1])
        self.n_frames = self.end_start_frame + self.hold_end_frames
        self._end_recolour = max(1, int(round(END_RECOLOUR_SECONDS * self.fps)))

    # -- construction -------------------------------------------------------
    @classmethod
    def for_scene(cls, scene, runs: Sequence, traces: Sequence[np.ndarray]) -> "Timeline":
        """The timeline of ``runs`` on ``scene``'s clock: its frame rate and ``[timing]`` table, paced by
        how much each iteration changes the picture (the EM and lower-bound kinds share it)."""
        timing = scene.timing
        return cls.build(traces, fps=scene.fps, frames_per_iteration=timing.frames_per_iteration,
                         duration=timing.duration, hold_start=timing.hold_start, hold_end=timing.hold_end,
                         changes=[picture_change(run.snapshots) for run in runs])

    @classmethod
    def build(cls, traces: Sequence[np.ndarray], *, fps: int, frames_per_iteration: int | None = None,
              duration: float | None = 12.0, hold_start: float = 1.0, hold_end: float = 2.0,
              changes: Sequence[np.ndarray] | None = None) -> "Timeline":
        """Lay out the frames for one or more runs.

        Parameters
        ----------
        traces : sequence of ndarray, each of shape (n_iter_r + 1,)
            Total log-likelihood per snapshot of each run.
        fps : int
            Frames per second.
        frames_per_iteration : int or None
            None paces automatically (see :mod:`.pacing`): each iteration gets
            time by how much the picture changes in it, the first iterations a
            sentence per beat, so the whole animation lasts about ``duration``
            seconds (longer when the story iterations need it). An int N gives
            every iteration N frames; 1 means plain frames without E/M beats.
        duration : float or None
            Target length in seconds, holds included (automatic pacing only).
            None uses about 0.8 s per iteration.
        hold_start, hold_end : float
            Seconds on the initial and final state (at least one frame each).
        changes : sequence of ndarray, optional
            Picture change of every iteration of each run (see
            :func:`~.pacing.picture_change`); without it only the log-likelihood paces.

        Returns
        -------
        Timeline
        """
        if fps < 1:
            raise ValueError(f"fps must be >= 1, got {fps}")
        if len(traces) == 0:
            raise ValueError("Timeline.build needs at least one trace")
        n_iters = [max(len(np.asarray(t)) - 1, 0) for t in traces]
        n_max = max(n_iters)
        hs, he = hold_frames(hold_start, fps), hold_frames(hold_end, fps)
        if frames_per_iteration is not None:
            if frames_per_iteration < 1:
                raise ValueError(f"frames_per_iteration must be >= 1, got {frames_per_iteration}")
            frames = [int(frames_per_iteration)] * n_max
            return cls(fps=fps, n_iters=n_iters, iteration_frames=frames, hold_start_frames=hs,
                       hold_end_frames=he, plain=frames_per_iteration == 1)
        if duration is None:
            budget = int(round(n_max * SECONDS_PER_ITERATION * fps))
        else:
            budget = int(round(duration * fps)) - hs - he
        frames, e_frames = pace_iterations(iteration_weights(traces, n_max, changes), budget, fps)
        return cls(fps=fps, n_iters=n_iters, iteration_frames=frames, hold_start_frames=hs,
                   hold_end_frames=he, plain=False, e_frames=e_frames)

    # -- queries ------------------------------------------------------------
    def __len__(self) -> int:
        return self.n_frames

    @property
    def n_runs(self) -> int:
        return len(self.n_iters)

    @property
    def seconds(self) -> float:
        """Length of the animation in seconds."""
        return self.n_frames / self.fps

    def iteration_at(self, frame: int) -> int:
        """Iteration whose frames contain ``frame`` (0 in the start hold, max+1 in the end hold)."""
        self._check(frame)
        if frame < self.hold_start_frames:
            return 0
        if frame >= self.end_start_frame:
            return len(self.iteration_frames) + 1
        return bisect_right(self.iteration_start_frames, frame)

    def moment(self, frame: int, run: int = 0) -> Moment:
        """What ``frame`` shows for ``run``.

        Parameters
        ----------
        frame : int
            0 <= frame < len(self).
        run : int
            Index of the run (order of the traces given to :meth:`build`).

        Returns
        -------
        Moment
        """
        self._check(frame)
        if not 0 <= run < self.n_runs:
            raise IndexError(f"run {run} out of range for {self.n_runs} runs")
        n = self.n_iters[run]
        i = self.iteration_at(frame)
        if i == 0:
            return Moment(0, 0, 0.0, None, None, 0.0, "start", 0)
        if i > n:
            return self._end_moment(frame, run, i)
        start = self.iteration_start_frames[i - 1]
        length = self.iteration_frames[i - 1]
        j = frame - start
        if self.plain:
            return Moment(i, i, 1.0, i, i, 1.0, "plain", i)
        prev = i - 2 if i >= 2 else None
        e = self.e_frames[i - 1]
        m = length - e
        if j < e:
            return Moment(i - 1, i - 1, 0.0, prev, i - 1, ease((j + 1) / e), "E", i)
        if length == 1:
            # One frame for the whole iteration: the E-step's colours and the M-step's parameters.
            return Moment(i - 1, i, 1.0, prev, i - 1, 1.0, "plain", i)
        return Moment(i - 1, i, ease((j - e + 1) / m), prev, i - 1, 1.0, "M", i)

    def _end_moment(self, frame: int, run: int, i: int) -> Moment:
        n = self.n_iters[run]
        finished = frame < self.end_start_frame
        if n == 0 or self.plain:
            resp = None if n == 0 else n
            return Moment(n, n, 1.0, resp, resp, 1.0, "end", n, finished)
        # The points still show resp(theta_{n-1}) after the last M beat; ease them
        # to resp(theta_n) at the start of the run's end segment.
        end_from = (self.iteration_start_frames[n] if n < len(self.iteration_frames)
                    else self.end_start_frame)
        u = min(1.0, (frame - end_from + 1) / self._end_recolour)
        return Moment(n, n, 1.0, n - 1, n, ease(u), "end", n, finished)

    def _check(self, frame: int) -> None:
        if not 0 <= frame < self.n_frames:
            raise IndexError(f"frame {frame} out of range for {self.n_frames} frames")

    def steps(self) -> list[Step]:
        """The beats a presenter advances through, in order; together they cover every frame.

        The initial state, then the E beat and the M beat of every iteration
        (``plain`` timelines, and iterations paced to a single frame: one
        ``plain`` step, E-step and M-step at once), then the final state. An
        iteration paced without a frame of its own is no step: its result
        shows in the next iteration's frames.

        Returns
        -------
        list of Step
        """
        n = len(self.iteration_frames)
        steps = [Step(0, self.hold_start_frames, "start", 0, "iteration 0 - initial state")]
        for i, (start, length) in enumerate(zip(self.iteration_start_frames, self.iteration_frames), start=1):
            if length == 0:
                continue
            e = self.e_frames[i - 1]
            if self.plain or (length == 1 and not e):
                steps.append(Step(start, start + length, "plain", i, f"iteration {i} - E-step and M-step"))
                continue
            if e:
                steps.append(Step(start, start + e, "E", i, f"iteration {i} - E-step"))
            steps.append(Step(start + e, start + length, "M", i, f"iteration {i} - M-step"))
        steps.append(Step(self.end_start_frame, self.n_frames, "end", n, f"iteration {n} - final state"))
        return check_steps(steps, self.n_frames)

    def marker(self, frame: int, trace: np.ndarray, run: int = 0) -> tuple[float, float]:
        """Log-likelihood marker (x, y) of ``run`` at ``frame``; see :func:`marker_position`."""
        return marker_position(self.moment(frame, run), trace)

    def __repr__(self) -> str:
        return (f"Timeline(n_frames={self.n_frames}, fps={self.fps}, n_iters={self.n_iters}, "
                f"plain={self.plain})")
