"""The clock of a sweep over K: which K's fit a frame shows, and how far the morph to it has gone.

A ``kind = "sweep"`` scene fits ``[model]`` once for every K of ``[sweep] k``.
The animation then walks through the K values one *step* at a time::

    | start hold | K1: morph, point | K2: morph, point | ... | end hold |

In a step the previous fit morphs into this K's fit (matched components glide,
new ones grow out of their means), then this K's criterion value joins the
curve. The end hold morphs back to the chosen K (lowest criterion) and
highlights it. Consecutive fits are aligned (:mod:`.fitting`) so a cluster
keeps its colour from one K to the next wherever it survives.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from animate_em.scene.timing.steps import Step, check_steps
from animate_em.scene.timing.tween import ease

#: Share of a step in which the previous fit morphs into this K's fit.
MORPH_SHARE = 0.45
#: Share of a step in which the criterion point travels onto the curve (after the morph).
POINT_SHARE = 0.25
#: Seconds of the end hold spent morphing to the chosen K.
END_MORPH_SECONDS = 0.8


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepMoment:
    """What one frame of a sweep shows.

    Attributes
    ----------
    source : int or None
        Step (index into the runs) whose fit the morph starts from; None = no
        fit yet (neutral points, no ellipses).
    target : int or None
        Step whose fit the morph ends at; None only in the start hold.
    fraction : float
        Eased morph progress in [0, 1].
    position : float
        Criterion points on the curve: ``floor(position)`` are placed, the
        next one is ``position - floor(position)`` of the way from its
        predecessor (0 .. n_steps).
    step : int
        Step named in the caption (-1 in the start hold).
    phase : str
        ``"start"``, ``"step"`` or ``"end"`` (the chosen K is highlighted).
    """

    source: int | None
    target: int | None
    fraction: float
    position: float
    step: int
    phase: str


class SweepTimeline:
    """Frame -> :class:`SweepMoment`: start hold, one step per K, end hold on the chosen K.

    Has the attributes of :class:`~animate_em.scene.timing.timeline.Timeline` that
    renderers and manifests read: ``fps``, ``n_frames`` / ``len()``,
    ``seconds``, ``iteration_start_frames`` (here: the first frame of every
    step, for keyframes and chapters), ``end_start_frame``,
    ``hold_start_frames``, ``hold_end_frames``; plus ``chapter_titles``
    (``"K = 1"``, ...), ``start_title``, ``chosen`` (step index) and ``numbers``
    (the K of every step).
    """

    #: Chapter title of the first frame (before the first K).
    start_title = "Start"

    def __init__(self, *, fps: int, n_steps: int, step_frames: int, hold_start_frames: int,
                 hold_end_frames: int, chosen: int, titles: Sequence[str] | None = None,
                 numbers: Sequence[int] | None = None):
        if n_steps < 1:
            raise ValueError("a sweep needs at least one step")
        if not 0 <= chosen < n_steps:
            raise ValueError(f"chosen step {chosen} out of range for {n_steps} steps")
        self.fps = int(fps)
        self.n_steps = int(n_steps)
        self.step_frames = int(step_frames)
        self.hold_start_frames = int(hold_start_frames)
        self.hold_end_frames = int(hold_end_frames)
        self.chosen = int(chosen)
        self.iteration_start_frames = [self.hold_start_frames + s * self.step_frames for s in range(self.n_steps)]
        self.iteration_frames = [self.step_frames] * self.n_steps
        self.end_start_frame = self.hold_start_frames + self.n_steps * self.step_frames
        self.n_frames = self.end_start_frame + self.hold_end_frames
        self.chapter_titles = list(titles) if titles is not None else [f"step {s + 1}" for s in range(n_steps)]
        self.numbers = [int(k) for k in numbers] if numbers is not None else list(range(1, n_steps + 1))
        if len(self.chapter_titles) != n_steps or len(self.numbers) != n_steps:
            raise ValueError(f"a sweep of {n_steps} steps needs {n_steps} titles and numbers")
        self.plain = False
        self._end_morph = max(1, min(self.hold_end_frames, int(round(END_MORPH_SECONDS * self.fps))))

    @classmethod
    def build(cls, n_steps: int, chosen: int, *, fps: int, seconds_per_step: float = 1.5,
              hold_start: float = 1.0, hold_end: float = 3.0,
              titles: Sequence[str] | None = None, numbers: Sequence[int] | None = None) -> "SweepTimeline":
        """Lay out the frames of a sweep of ``n_steps`` K values.

        Parameters
        ----------
        n_steps : int
            Number of K values.
        chosen : int
            Step the end hold highlights (the lowest criterion).
        fps : int
        seconds_per_step : float
            Length of each step; at least 3 frames (morph, point, rest).
        hold_start, hold_end : float
            Seconds before the first step and on the chosen K (at least one frame each).
        titles : sequence of str, optional
            Chapter title of every step.
        numbers : sequence of int, optional
            The K of every step (default 1, 2, ...): what a presenter types to jump to it.
        """
        step = max(3, int(round(seconds_per_step * fps)))
        return cls(fps=fps, n_steps=n_steps, step_frames=step,
                   hold_start_frames=max(1, int(round(hold_start * fps))),
                   hold_end_frames=max(1, int(round(hold_end * fps))), chosen=chosen, titles=titles,
                   numbers=numbers)

    def __len__(self) -> int:
        return self.n_frames

    @property
    def seconds(self) -> float:
        return self.n_frames / self.fps

    @property
    def n_runs(self) -> int:
        return self.n_steps

    def step_at(self, frame: int) -> int:
        """Step whose frames contain ``frame``: -1 in the start hold, ``n_steps`` in the end hold."""
        self._check(frame)
        if frame < self.hold_start_frames:
            return -1
        return min((frame - self.hold_start_frames) // self.step_frames, self.n_steps)

    def moment(self, frame: int, run: int = 0) -> SweepMoment:
        """What ``frame`` shows (``run`` is accepted for symmetry with :class:`Timeline` and ignored)."""
        s = self.step_at(frame)
        if s < 0:
            return SweepMoment(None, None, 0.0, 0.0, -1, "start")
        if s >= self.n_steps:
            j = frame - self.end_start_frame
            u = ease(min(1.0, (j + 1) / self._end_morph))
            last = self.n_steps - 1
            return SweepMoment(last, self.chosen, u, float(self.n_steps), self.chosen, "end")
        j = frame - self.iteration_start_frames[s]
        u = (j + 1) / self.step_frames
        morph = ease(min(1.0, u / MORPH_SHARE))
        point = ease(float(np.clip((u - MORPH_SHARE) / POINT_SHARE, 0.0, 1.0)))
        return SweepMoment(s - 1 if s else None, s, morph, s + point, s, "step")

    def _check(self, frame: int) -> None:
        if not 0 <= frame < self.n_frames:
            raise IndexError(f"frame {frame} out of range for {self.n_frames} frames")

    def steps(self) -> list[Step]:
        """The start, one step per K (its fit morphs in, its point joins the curve), the chosen K.

        Returns
        -------
        list of Step
            Together they cover every frame, in order.
        """
        steps = [Step(0, self.hold_start_frames, "start", 0, "start - no fit yet")]
        for start, title, number in zip(self.iteration_start_frames, self.chapter_titles, self.numbers):
            steps.append(Step(start, start + self.step_frames, "K", number, f"{title} - fit"))
        chosen = self.chapter_titles[self.chosen]
        steps.append(Step(self.end_start_frame, self.n_frames, "end", self.numbers[self.chosen],
                          f"{chosen} - chosen"))
        return check_steps(steps, self.n_frames)

    def __repr__(self) -> str:
        return (f"SweepTimeline(n_frames={self.n_frames}, fps={self.fps}, n_steps={self.n_steps}, "
                f"chosen={self.chosen})")
