"""Pacing: how many frames each EM iteration, beat and hold gets.

Automatic pacing spreads a target duration over the iterations in
proportion to how much each one changes the log-likelihood, within a floor
and a ceiling per iteration; an iteration's frames are then split into its
E beat and its M beat.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

#: Share of an iteration's frames given to the E beat (the rest is the M beat).
E_SHARE = 0.4


#: Seconds per iteration used when automatic pacing has no duration to fill.
SECONDS_PER_ITERATION = 0.8


#: Longest an automatically paced iteration may last, in seconds.
MAX_SECONDS_PER_ITERATION = 2.5


def hold_frames(seconds: float, fps: int) -> int:
    # At least one frame: the first and last frames are the posters of the animation.
    return max(1, int(round(seconds * fps)))


def split_beats(frames: int) -> tuple[int, int]:
    """(E frames, M frames) of an iteration; a one-frame iteration has no E beat."""
    if frames <= 1:
        return 0, frames
    e = min(frames - 1, max(1, int(round(E_SHARE * frames))))
    return e, frames - e


def iteration_weights(traces: Sequence[np.ndarray], n_iter: int) -> np.ndarray:
    """How much screen time each iteration deserves, shape (n_iter,).

    The weight of iteration ``i`` is the square root of the share of the run's
    total log-likelihood gain made in that step (the largest over runs): the
    root keeps late, nearly flat iterations visible while early, large moves
    get the most frames.
    """
    weights = np.zeros(n_iter)
    for trace in traces:
        trace = np.asarray(trace, dtype=float)
        steps = np.abs(np.diff(trace))
        steps = np.where(np.isfinite(steps), steps, 0.0)
        total = steps.sum()
        if total <= 0 or not np.isfinite(total):
            share = np.full(len(steps), 1.0 / max(len(steps), 1))
        else:
            share = steps / total
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

