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

Everything is computed once, before the first frame, from the run itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from animate_em.em.bound import bound_slice
from animate_em.em.score import responsibilities

#: Where the slice is drawn: a little beyond both snapshots.
S_MIN, S_MAX = -0.3, 1.3
#: Points per slice (odd spacing keeps s = 0 and s = 1 on the grid).
N_GRID = 65


def slice_grid() -> np.ndarray:
    """The s values of every slice; s = 0 and s = 1 are on it exactly."""
    grid = np.linspace(S_MIN, S_MAX, N_GRID)
    grid[np.argmin(np.abs(grid))] = 0.0
    grid[np.argmin(np.abs(grid - 1.0))] = 1.0
    return grid


@dataclass(frozen=True)
class IterationSlice:
    """Both curves of one EM iteration on its slice (arrays of shape (N_GRID,), in nats).

    Attributes
    ----------
    iteration : int
        The EM iteration (1 = the first), from snapshot ``iteration - 1`` to ``iteration``.
    grid : ndarray
        s values; index ``at0`` is s = 0 (theta_{i-1}), ``at1`` is s = 1 (theta_i).
    log_likelihood, bound, bound_before : ndarray
    """

    iteration: int
    grid: np.ndarray
    log_likelihood: np.ndarray
    bound: np.ndarray
    bound_before: np.ndarray
    at0: int
    at1: int

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


def run_slices(X: np.ndarray, run, iterations: int | None = None) -> list[IterationSlice]:
    """The slices of the first ``iterations`` EM iterations of ``run`` (default: all).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data the run was fitted to.
    run : Run
    iterations : int, optional

    Returns
    -------
    list of IterationSlice
        One per iteration, in order.
    """
    X = np.asarray(X, dtype=float)
    grid = slice_grid()
    at0, at1 = int(np.flatnonzero(grid == 0.0)[0]), int(np.flatnonzero(grid == 1.0)[0])
    n = run.n_iter if iterations is None else min(iterations, run.n_iter)
    k = run.snapshots[0].n_components
    previous_q = np.full((len(X), k), 1.0 / k)
    slices = []
    for i in range(1, n + 1):
        start, end = run.snapshots[i - 1], run.snapshots[i]
        q = responsibilities(X, start)
        ll, bound, before = bound_slice(X, start, end, q, grid, previous_q)
        slices.append(IterationSlice(i, grid, ll, bound, before, at0, at1))
        previous_q = q
    return slices
