"""The numbers a lower-bound scene draws: for every EM iteration, both curves on its slice.

Iteration ``i`` goes from theta_{i-1} to theta_i. Its slice is
:func:`animate_em.em.bound.parameter_path` through those two snapshots; on it:

- ``log_likelihood``: ln p(X | theta(s));
- ``bound``: L(q_{i-1}, theta(s)) with q_{i-1} the E-step's responsibilities at
  theta_{i-1}: it touches the log-likelihood at s = 0 and peaks at s = 1;
- ``bound_before``: the same bound with the responsibilities the points had
  before this E-step (those at theta_{i-2}; before the first E-step every
  point is undecided, q = 1/K): below the log-likelihood at s = 0 by the gap
  the E-step closes.

During the E beat the points' responsibilities move from the old q to the new
one; :meth:`IterationSlice.bound_during_e` is the exact bound of that blend
(L is linear in q apart from the entropy, so it costs one entropy per frame).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from animate_em.em.bound import bound_slice, entropy
from animate_em.em.score import responsibilities

#: Where the slice is drawn: a little beyond both snapshots.
S_MIN, S_MAX = -0.3, 1.3
#: Points per slice.
N_GRID = 65


def slice_grid() -> np.ndarray:
    """The s values of every slice; s = 0 and s = 1 are on it exactly."""
    grid = np.linspace(S_MIN, S_MAX, N_GRID)
    grid[np.argmin(np.abs(grid))] = 0.0
    grid[np.argmin(np.abs(grid - 1.0))] = 1.0
    return grid


@dataclass
class IterationSlice:
    """Both curves of one EM iteration on its slice (arrays of shape (N_GRID,), in nats).

    Attributes
    ----------
    iteration : int
        The EM iteration (1 = the first), from snapshot ``iteration - 1`` to ``iteration``.
    grid : ndarray
        s values; index ``at0`` is s = 0 (theta_{i-1}), ``at1`` is s = 1 (theta_i).
    log_likelihood, bound, bound_before : ndarray
    q_before, q : ndarray of shape (n_samples, n_components)
        Responsibilities before and after this iteration's E-step.
    """

    iteration: int
    grid: np.ndarray
    log_likelihood: np.ndarray
    bound: np.ndarray
    bound_before: np.ndarray
    at0: int
    at1: int
    q_before: np.ndarray = field(repr=False)
    q: np.ndarray = field(repr=False)

    @property
    def e_gain(self) -> float:
        """What the E-step adds to the bound at theta_{i-1}: the gap it closes (nats)."""
        return float(self.bound[self.at0] - self.bound_before[self.at0])

    @property
    def m_gain(self) -> float:
        """What the M-step adds to the bound: L(q, theta_i) - L(q, theta_{i-1}) (nats)."""
        return float(self.bound[self.at1] - self.bound[self.at0])

    @property
    def kl_after(self) -> float:
        """The gap KL the M-step opens: ln p(theta_i) - L(q, theta_i) (nats, >= 0)."""
        return float(self.log_likelihood[self.at1] - self.bound[self.at1])

    @property
    def ll_gain(self) -> float:
        """The log-likelihood's rise over the iteration: m_gain + kl_after (nats)."""
        return float(self.log_likelihood[self.at1] - self.log_likelihood[self.at0])

    def bound_during_e(self, u: float) -> np.ndarray:
        """The exact bound on the slice with q = (1 - u) q_before + u q (u in [0, 1])."""
        if u <= 0.0:
            return self.bound_before
        if u >= 1.0:
            return self.bound
        # L is linear in q apart from its entropy: blend the expected log joints (each bound less
        # its own entropy) and add the blend's entropy.
        blend = (1.0 - u) * self.q_before + u * self.q
        return ((1.0 - u) * (self.bound_before - entropy(self.q_before)) + u * (self.bound - entropy(self.q))
                + entropy(blend))


def _iteration_ends(X: np.ndarray, run, iteration: int) -> tuple:
    """(theta_{i-1}, theta_i, q before the E-step, q after it) of iteration ``iteration`` (1 .. n_iter).

    Before the first E-step nothing is assigned yet: q is uniform.
    """
    if not 1 <= iteration <= run.n_iter:
        raise ValueError(f"iteration must be in 1..{run.n_iter}, got {iteration}")
    start, end = run.snapshots[iteration - 1], run.snapshots[iteration]
    k = start.n_components
    q_before = (np.full((len(X), k), 1.0 / k) if iteration == 1
                else responsibilities(X, run.snapshots[iteration - 2]))
    return start, end, q_before, responsibilities(X, start)


def iteration_slice(X: np.ndarray, run, iteration: int) -> IterationSlice:
    """The slice of EM iteration ``iteration`` (1 .. run.n_iter) of ``run`` on data ``X`` (N, d)."""
    X = np.asarray(X, dtype=float)
    start, end, q_before, q = _iteration_ends(X, run, iteration)
    grid = slice_grid()
    at0, at1 = int(np.flatnonzero(grid == 0.0)[0]), int(np.flatnonzero(grid == 1.0)[0])
    ll, bound, before = bound_slice(X, start, end, q, grid, q_before)
    return IterationSlice(iteration, grid, ll, bound, before, at0, at1, q_before, q)


@dataclass(frozen=True)
class IterationGains:
    """The decomposition of one EM iteration in numbers (nats), from its two ends only.

    ``e_gain``: what the E-step adds to the bound at theta_{i-1} (the gap it
    closes); ``m_gain``: what the M-step adds to the bound; ``kl_after``: the
    gap the M-step opens; ``ll_start`` and ``ll_gain``: the log-likelihood
    before the iteration and its rise (m_gain + kl_after).
    """

    iteration: int
    ll_start: float
    e_gain: float
    m_gain: float
    kl_after: float

    @property
    def ll_gain(self) -> float:
        return self.m_gain + self.kl_after


def iteration_gains(X: np.ndarray, run, iteration: int) -> IterationGains:
    """:class:`IterationGains` of iteration ``iteration`` (1 .. run.n_iter): three E-steps, no slice."""
    X = np.asarray(X, dtype=float)
    start, end, q_before, q = _iteration_ends(X, run, iteration)
    # Both ends of the slice: s = 0 is theta_{i-1} exactly, s = 1 is theta_i.
    ll, bound, before = bound_slice(X, start, end, q, [0.0, 1.0], q_before)
    return IterationGains(iteration, float(ll[0]), float(bound[0] - before[0]), float(bound[1] - bound[0]),
                          float(ll[1] - bound[1]))


def values_at(X: np.ndarray, run, iteration: int, q: np.ndarray, s: float) -> tuple[float, float]:
    """(ln p, L(q, .)) at theta(s) of iteration ``iteration``: exact values for a caption."""
    ll, bound = bound_slice(X, run.snapshots[iteration - 1], run.snapshots[iteration], q, [float(s)])
    return float(ll[0]), float(bound[0])


def run_slices(X: np.ndarray, run, iterations: int | None = None) -> list[IterationSlice]:
    """The slices of the first ``iterations`` EM iterations of ``run`` (default: all), in order."""
    n = run.n_iter if iterations is None else min(iterations, run.n_iter)
    return [iteration_slice(X, run, i) for i in range(1, n + 1)]
