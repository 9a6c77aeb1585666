"""Sweeps over K: one converged fit per number of components, and the clock that shows them.

A ``kind = "sweep"`` scene fits ``[model]`` once for every K of ``[sweep] k``.
The animation then walks through the K values one *step* at a time::

    | start hold | K1: morph, point | K2: morph, point | ... | end hold |

In a step the previous fit morphs into this K's fit (matched components glide,
new ones grow out of their means), then this K's criterion value joins the
curve. The end hold morphs back to the chosen K (lowest criterion) and
highlights it. Consecutive fits are aligned (:mod:`.matching`) so a cluster
keeps its colour from one K to the next wherever it survives.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from animate_em.scene.interpolate import ease
from animate_em.scene.matching import match_components, permute_run

#: Share of a step in which the previous fit morphs into this K's fit.
MORPH_SHARE = 0.45
#: Share of a step in which the criterion point travels onto the curve (after the morph).
POINT_SHARE = 0.25
#: Seconds of the end hold spent morphing to the chosen K.
END_MORPH_SECONDS = 0.8

CRITERION_NAMES = {"bic": "BIC", "aic": "AIC"}


# ---------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------

def align_consecutive(runs: Sequence) -> list:
    """Relabel each run's components to match the run before it (compared at final means).

    With K growing by one, the first K components of the new fit are the ones
    nearest the previous fit's, so they keep their colours; the new component
    comes last and takes the next colour.
    """
    aligned = []
    for run in runs:
        if aligned:
            run = permute_run(run, match_components(aligned[-1].final.means, run.final.means))
        aligned.append(run)
    return aligned


def fit_sweep(scene, X: np.ndarray) -> tuple[list, list[str]]:
    """Fit ``scene.model`` for every K of ``scene.sweep.k``; consecutive fits aligned.

    Parameters
    ----------
    scene : Scene
        A ``kind = "sweep"`` scene.
    X : ndarray of shape (n_samples, 2)

    Returns
    -------
    runs : list of Run
        One per K, in the order of ``scene.sweep.k``.
    labels : list of str
        ``"K = 1"``, ``"K = 2"``, ...

    Raises
    ------
    UserError
        A K larger than the number of points, or a fit the EM core refuses.
    """
    from animate_em.scene.prepare import fit_models

    runs, labels = fit_models(scene, X, where=lambda label: f"[sweep] {label}")
    return align_consecutive(runs), labels


def criterion_values(runs: Sequence, criterion: str = "bic") -> np.ndarray:
    """``Run.bic`` or ``Run.aic`` of every run, shape (n_runs,)."""
    if criterion not in CRITERION_NAMES:
        raise ValueError(f"criterion must be one of {', '.join(CRITERION_NAMES)}, got {criterion!r}")
    return np.array([float(getattr(run, criterion)) for run in runs])


def chosen_index(values: Sequence[float]) -> int:
    """Index of the lowest finite criterion value (the first of ties); 0 when none is finite."""
    values = np.asarray(values, dtype=float)
    finite = np.where(np.isfinite(values), values, np.inf)
    return int(np.argmin(finite))


def true_k(true_params) -> int | None:
    """Number of components of the generating mixture, None for real data."""
    if not true_params or true_params.get("weights") is None:
        return None
    return int(len(np.asarray(true_params["weights"])))


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

    Has the attributes of :class:`~animate_em.scene.timeline.Timeline` that
    renderers and manifests read: ``fps``, ``n_frames`` / ``len()``,
    ``seconds``, ``iteration_start_frames`` (here: the first frame of every
    step, for keyframes and chapters), ``end_start_frame``,
    ``hold_start_frames``, ``hold_end_frames``; plus ``chapter_titles``
    (``"K = 1"``, ...), ``chosen`` (step index) and ``kind = "sweep"``.
    """

    kind = "sweep"

    def __init__(self, *, fps: int, n_steps: int, step_frames: int, hold_start_frames: int,
                 hold_end_frames: int, chosen: int, titles: Sequence[str] | None = None):
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
        self.plain = False
        self._end_morph = max(1, min(self.hold_end_frames, int(round(END_MORPH_SECONDS * self.fps))))

    @classmethod
    def build(cls, n_steps: int, chosen: int, *, fps: int, seconds_per_step: float = 1.5,
              hold_start: float = 1.0, hold_end: float = 3.0,
              titles: Sequence[str] | None = None) -> "SweepTimeline":
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
        """
        step = max(3, int(round(seconds_per_step * fps)))
        return cls(fps=fps, n_steps=n_steps, step_frames=step,
                   hold_start_frames=max(1, int(round(hold_start * fps))),
                   hold_end_frames=max(1, int(round(hold_end * fps))), chosen=chosen, titles=titles)

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

    def __repr__(self) -> str:
        return (f"SweepTimeline(n_frames={self.n_frames}, fps={self.fps}, n_steps={self.n_steps}, "
                f"chosen={self.chosen})")
