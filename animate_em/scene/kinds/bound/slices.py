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

from animate_em.em.bound import lower_bound, parameter_path
from animate_em.em.score import log_weighted_densities, responsibilities

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


def entropy(q: np.ndarray) -> float:
    """H(q) = -sum q ln q over every point and component (0 ln 0 = 0), in nats."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0).sum())


def _expected(q: np.ndarray, joint: np.ndarray) -> float:
    """sum q (ln pi + ln N): the bound without its entropy (a q of 0 adds 0 whatever the density)."""
    with np.errstate(invalid="ignore"):
        return float(np.where(q > 0, q * joint, 0.0).sum())


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
    _expected_before: np.ndarray = field(repr=False)
    _expected_after: np.ndarray = field(repr=False)

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
        blend = (1.0 - u) * self.q_before + u * self.q
        return (1.0 - u) * self._expected_before + u * self._expected_after + entropy(blend)


def iteration_slice(X: np.ndarray, run, iteration: int) -> IterationSlice:
    """The slice of EM iteration ``iteration`` (1 .. run.n_iter) of ``run`` on data ``X`` (N, d)."""
    X = np.asarray(X, dtype=float)
    if not 1 <= iteration <= run.n_iter:
        raise ValueError(f"iteration must be in 1..{run.n_iter}, got {iteration}")
    grid = slice_grid()
    at0, at1 = int(np.flatnonzero(grid == 0.0)[0]), int(np.flatnonzero(grid == 1.0)[0])
    start, end = run.snapshots[iteration - 1], run.snapshots[iteration]
    k = start.n_components
    q = responsibilities(X, start)
    q_before = (np.full((len(X), k), 1.0 / k) if iteration == 1
                else responsibilities(X, run.snapshots[iteration - 2]))
    ll = np.empty(len(grid))
    expected_before, expected_after = np.empty(len(grid)), np.empty(len(grid))
    for i, s in enumerate(grid):
        joint = log_weighted_densities(X, *parameter_path(start, end, float(s)))
        top = joint.max(axis=1, keepdims=True)
        ll[i] = float((np.log(np.exp(joint - top).sum(axis=1)) + top[:, 0]).sum())
        expected_before[i] = _expected(q_before, joint)
        expected_after[i] = _expected(q, joint)
    bound = expected_after + entropy(q)
    before = expected_before + entropy(q_before)
    return IterationSlice(iteration, grid, ll, bound, before, at0, at1, q_before, q, expected_before,
                          expected_after)


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
    if not 1 <= iteration <= run.n_iter:
        raise ValueError(f"iteration must be in 1..{run.n_iter}, got {iteration}")
    start, end = run.snapshots[iteration - 1], run.snapshots[iteration]
    k = start.n_components
    q = responsibilities(X, start)
    q_before = (np.full((len(X), k), 1.0 / k) if iteration == 1
                else responsibilities(X, run.snapshots[iteration - 2]))
    joint0 = log_weighted_densities(X, start.weights, start.means, start.covariances)
    joint1 = log_weighted_densities(X, end.weights, end.means, end.covariances)
    top0, top1 = joint0.max(axis=1, keepdims=True), joint1.max(axis=1, keepdims=True)
    ll0 = float((np.log(np.exp(joint0 - top0).sum(axis=1)) + top0[:, 0]).sum())
    ll1 = float((np.log(np.exp(joint1 - top1).sum(axis=1)) + top1[:, 0]).sum())
    h = entropy(q)
    bound_before = _expected(q_before, joint0) + entropy(q_before)
    bound0, bound1 = _expected(q, joint0) + h, _expected(q, joint1) + h
    return IterationGains(iteration, ll0, bound0 - bound_before, bound1 - bound0, ll1 - bound1)


def values_at(X: np.ndarray, run, iteration: int, q: np.ndarray, s: float) -> tuple[float, float]:
    """(ln p, L(q, .)) at theta(s) of iteration ``iteration``: exact values for a caption."""
    theta = parameter_path(run.snapshots[iteration - 1], run.snapshots[iteration], float(s))
    joint = log_weighted_densities(X, *theta)
    top = joint.max(axis=1, keepdims=True)
    ll = float((np.log(np.exp(joint - top).sum(axis=1)) + top[:, 0]).sum())
    return ll, lower_bound(X, q, *theta)


def run_slices(X: np.ndarray, run, iterations: int | None = None) -> list[IterationSlice]:
    """The slices of the first ``iterations`` EM iterations of ``run`` (default: all), in order."""
    n = run.n_iter if iterations is None else min(iterations, run.n_iter)
    return [iteration_slice(X, run, i) for i in range(1, n + 1)]
