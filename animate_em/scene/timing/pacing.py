"""Pacing: how many frames each EM iteration, beat and hold gets.

Automatic pacing gives each iteration time in proportion to how much the
picture changes in it: the larger of its share of the run's log-likelihood
gain and its share of the run's parameter movement (means, ellipse shapes
and weights, in units of the data's spread; :func:`picture_change`). The
first iterations carry the story, so each of their beats lasts at least
:data:`STORY_BEAT_SECONDS`, long enough to say one sentence over it. An
iteration gets either one plain frame (E-step and M-step at once) or two
beats of at least :data:`MIN_BEAT_SECONDS` each, never beats too short to
read. When the duration cannot hold one frame per iteration, iterations that
change little share frames (the caption's iteration number jumps).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

#: Share of an iteration's frames given to the E beat (the rest is the M beat).
E_SHARE = 0.4

#: Seconds per iteration used when automatic pacing has no duration to fill.
SECONDS_PER_ITERATION = 0.8

#: Longest an automatically paced iteration may last, in seconds (the story iterations excepted).
MAX_SECONDS_PER_ITERATION = 2.5

#: Shortest beat that reads as one, in seconds: below two of these an iteration is one plain frame.
MIN_BEAT_SECONDS = 0.2

#: The first iterations carry the story: each of their beats lasts at least this long.
STORY_ITERATIONS = 2
STORY_BEAT_SECONDS = 1.5


def hold_frames(seconds: float, fps: int) -> int:
    # At least one frame: the first and last frames are the posters of the animation.
    return max(1, int(round(seconds * fps)))


def beat_frames(seconds: float, fps: int) -> int:
    """Frames of a beat of ``seconds`` at ``fps`` (at least one)."""
    return max(1, int(round(seconds * fps)))


def split_beats(frames: int, min_beat: int = 1) -> tuple[int, int]:
    """(E frames, M frames) of an iteration; a one-frame iteration has no E beat.

    Each beat gets at least ``min_beat`` frames when the iteration has room
    for two of them, else at least one.
    """
    if frames <= 1:
        return 0, frames
    least = min_beat if frames >= 2 * min_beat else 1
    e = min(frames - least, max(least, int(round(E_SHARE * frames))))
    return e, frames - e


def picture_change(snapshots) -> np.ndarray:
    """How much the drawn fit changes in each iteration, shape (n_iter,).

    For every component, the distance its mean moves plus the change of its
    covariance's square root (the ellipse's axes) in the Frobenius norm, plus
    the change of its weight; lengths are measured in standard deviations of
    the final mixture along each axis (after any M-step that is the data's
    own spread), so the axes' units do not matter.

    Parameters
    ----------
    snapshots : sequence of Snapshot
        ``n_iter + 1`` snapshots of one run (the first two coordinates are drawn).

    Returns
    -------
    ndarray of shape (n_iter,)
        Non-negative; 0 for an iteration that leaves the picture unchanged.
    """
    if len(snapshots) < 2:
        return np.zeros(0)
    final = snapshots[-1]
    w = np.asarray(final.weights, dtype=float)
    means = np.asarray(final.means, dtype=float)[:, :2]
    covs = np.asarray(final.covariances, dtype=float)[:, :2, :2]
    centre = w @ means
    offsets = means - centre
    spread = np.einsum("k,kij->ij", w, covs) + np.einsum("k,ki,kj->ij", w, offsets, offsets)
    scale = np.sqrt(np.maximum(np.diag(spread), 1e-300))
    unscale = 1.0 / scale

    def drawn(snap):
        m = np.asarray(snap.means, dtype=float)[:, :2] * unscale
        c = np.asarray(snap.covariances, dtype=float)[:, :2, :2] * np.outer(unscale, unscale)
        vals, vecs = np.linalg.eigh(0.5 * (c + np.swapaxes(c, -1, -2)))
        root = (vecs * np.sqrt(np.maximum(vals, 0.0))[..., None, :]) @ np.swapaxes(vecs, -1, -2)
        return m, root, np.asarray(snap.weights, dtype=float)

    shown = [drawn(s) for s in snapshots]
    change = np.zeros(len(snapshots) - 1)
    for i, ((m0, r0, w0), (m1, r1, w1)) in enumerate(zip(shown, shown[1:])):
        change[i] = (np.linalg.norm(m1 - m0, axis=1).sum() + np.linalg.norm(r1 - r0, axis=(1, 2)).sum()
                     + np.abs(w1 - w0).sum())
    return np.where(np.isfinite(change), change, 0.0)


def _shares(values: np.ndarray) -> np.ndarray:
    values = np.where(np.isfinite(values), np.abs(values), 0.0)
    total = values.sum()
    if total <= 0 or not np.isfinite(total):
        return np.full(len(values), 1.0 / max(len(values), 1))
    return values / total


def iteration_weights(traces: Sequence[np.ndarray], n_iter: int,
                      changes: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """How much screen time each iteration deserves, shape (n_iter,).

    The weight of iteration ``i`` is the square root of the larger of its
    share of the run's total log-likelihood gain and its share of the run's
    picture change (``changes``, see :func:`picture_change`), the largest over
    runs: the root keeps late, nearly flat iterations visible while early,
    large moves get the most frames.
    """
    weights = np.zeros(n_iter)
    changes = list(changes) if changes is not None else [None] * len(traces)
    for trace, change in zip(traces, changes):
        share = _shares(np.diff(np.asarray(trace, dtype=float)))
        if change is not None and len(change) == len(share):
            share = np.maximum(share, _shares(np.asarray(change, dtype=float)))
        weights[: len(share)] = np.maximum(weights[: len(share)], np.sqrt(share))
    if n_iter and weights.sum() <= 0:
        weights[:] = 1.0
    return weights


def _largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``shares`` summing exactly to ``total`` (deterministic)."""
    if total <= 0 or len(shares) == 0:
        return np.zeros(len(shares), dtype=int)
    exact = shares / shares.sum() * total
    base = np.floor(exact).astype(int)
    left = total - base.sum()
    # Stable sort: ties go to the earlier iteration, which matters most.
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    return base


def allocate_frames(weights: np.ndarray, budget: int, minimum: int, maximum: int) -> np.ndarray:
    """Share ``budget`` frames among iterations by weight, each within [minimum, maximum].

    Water-filling: iterations that would exceed ``maximum`` are capped and the
    surplus goes to the others. The result sums to ``budget`` unless the
    bounds make that impossible (then every iteration sits at a bound).
    """
    n = len(weights)
    frames = np.full(n, minimum, dtype=int)
    if n == 0:
        return frames
    extra = budget - minimum * n
    if extra <= 0:
        return frames
    free = np.ones(n, dtype=bool)
    w = np.asarray(weights, dtype=float) + 1e-12
    while extra > 0 and free.any():
        add = np.zeros(n, dtype=int)
        add[free] = _largest_remainder(w[free], extra)
        room = maximum - frames
        over = add > room
        if not over.any():
            frames += add
            break
        frames[over] = maximum
        extra -= int(room[over].sum())
        free &= ~over
        free &= frames < maximum
    return frames


def pace_iterations(weights: np.ndarray, budget: int, fps: int) -> tuple[list[int], list[int]]:
    """Frames of every iteration and of its E beat, about ``budget`` frames in all.

    Parameters
    ----------
    weights : ndarray of shape (n_iter,)
        Screen time each iteration deserves (see :func:`iteration_weights`).
    budget : int
        Frames to share (the duration without the holds).
    fps : int

    Returns
    -------
    frames : list of int
        Per iteration: 1 (a plain frame), at least two beats of
        :data:`MIN_BEAT_SECONDS`, or 0 when the budget cannot hold one frame per
        iteration and this one changes too little to earn one (never the last).
        The story iterations get two beats of :data:`STORY_BEAT_SECONDS` at least,
        even beyond the budget.
    e_frames : list of int
        Frames of the E beat of every iteration (0 for a plain frame).

    Notes
    -----
    Frames follow the weights monotonically (a heavier iteration never gets
    fewer frames, the story iterations aside): a scale on the weights is
    searched so that the frames fill the budget, rather than spreading
    rounding errors, which would make the beats' rhythm irregular.
    """
    n = len(weights)
    if n == 0:
        return [], []
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(n, 1.0 / n)
    min_beat = beat_frames(MIN_BEAT_SECONDS, fps)
    story_beat = beat_frames(STORY_BEAT_SECONDS, fps)
    legible, story = 2 * min_beat, 2 * story_beat
    maximum = max(legible, int(round(MAX_SECONDS_PER_ITERATION * fps)))
    n_story = min(STORY_ITERATIONS, n)
    # Not even one frame per iteration fits: iterations that change little share frames. (A short run
    # whose story outgrows the duration runs longer instead: skipping its iterations would hide them.)
    skip = budget < n
    base = 0.0 if skip else 1.0

    def frames_for(scale: float) -> np.ndarray:
        x = base + scale * w
        out = np.where(x < 0.75 * legible, 1, np.clip(np.round(x), legible, maximum)).astype(int)
        if skip:
            out[(x < 0.5)] = 0
        out[-1] = max(out[-1], 1)
        out[:n_story] = np.maximum(out[:n_story], story)
        return out

    lo, hi = 0.0, float(max(budget, 1)) * 4.0 + legible * n
    if frames_for(lo).sum() >= budget:
        frames = frames_for(lo)
    else:
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if frames_for(mid).sum() <= budget:
                lo = mid
            else:
                hi = mid
        frames = frames_for(lo)
    e_frames = [split_beats(int(f), story_beat if i < n_story else min_beat)[0] for i, f in enumerate(frames)]
    return [int(f) for f in frames], e_frames
