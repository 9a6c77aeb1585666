"""The records an EM fit produces: immutable snapshots and the run that holds them.

A :class:`Snapshot` is the state of the mixture after ``iteration`` M-steps
(``iteration == 0`` is the initial state). A :class:`Run` holds every
snapshot of one fit in order plus the settings that produced it.
Responsibilities are never stored per iteration; they are recomputed on
demand from a snapshot and the data (memory stays O(N*K)).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The mixture parameters after ``iteration`` M-steps.

    Attributes
    ----------
    iteration : int
        Number of M-steps taken; 0 is the initial state.
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray of shape (n_components, n_features, n_features)
        Always full matrices, whatever covariance type produced them.
    log_likelihood : float
        Total log-likelihood of the data at these parameters.
    """

    iteration: int
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", _frozen(self.weights))
        object.__setattr__(self, "means", _frozen(self.means))
        object.__setattr__(self, "covariances", _frozen(self.covariances))
        object.__setattr__(self, "log_likelihood", float(self.log_likelihood))
        object.__setattr__(self, "iteration", int(self.iteration))

    @property
    def n_components(self) -> int:
        return self.weights.shape[0]

    @property
    def n_features(self) -> int:
        return self.means.shape[1]


@dataclass(frozen=True)
class Collapse:
    """A component whose covariance became singular (the likelihood is unbounded).

    Attributes
    ----------
    iteration : int
        The M-step that produced the degenerate covariance; the run's last
        snapshot is the state before it.
    component : int
        Index of the collapsing component.
    message : str
        A sentence for a user: what happened and what to try.
    """

    iteration: int
    component: int
    message: str


@dataclass(frozen=True, eq=False)
class Run:
    """One EM fit: every snapshot in order and the settings that made them.

    Attributes
    ----------
    snapshots : tuple of Snapshot
        ``snapshots[t]`` is the state after t M-steps.
    settings : dict
        The arguments of :func:`animate_em.fit` that produced this run
        (k, covariance_type, init, seed, tol, max_iter, reg_covar, ...).
    converged : bool
        Whether the change of per-sample mean log-likelihood fell below tol.
    n_samples : int
        Number of data points the run was fitted to.
    collapse : Collapse or None
        Set when a component collapsed and EM stopped early.
    """

    snapshots: tuple
    settings: dict = field(default_factory=dict)
    converged: bool = False
    n_samples: int = 0
    collapse: Collapse | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------
    # Derived quantities (computed on demand; the record itself is frozen)

    @property
    def n_iter(self) -> int:
        """Number of M-steps taken (``len(snapshots) - 1``)."""
        return len(self.snapshots) - 1

    @property
    def final(self) -> Snapshot:
        """The last valid snapshot."""
        return self.snapshots[-1]

    @property
    def log_likelihoods(self) -> np.ndarray:
        """Total log-likelihood of every snapshot, shape (n_iter + 1,)."""
        return np.array([s.log_likelihood for s in self.snapshots], dtype=float)

    @property
    def covariance_type(self) -> str:
        return self.settings.get("covariance_type", "full")

    @property
    def n_parameters(self) -> int:
        """Free parameters of the fitted mixture (scikit-learn's count)."""
        from .score import n_parameters

        final = self.final
        return n_parameters(final.n_components, final.n_features, self.covariance_type)

    @property
    def bic(self) -> float:
        """Bayesian information criterion of the final snapshot (lower is better)."""
        from .score import bic

        return bic(self.final.log_likelihood, self.n_parameters, self.n_samples)

    @property
    def aic(self) -> float:
        """Akaike information criterion of the final snapshot (lower is better)."""
        from .score import aic

        return aic(self.final.log_likelihood, self.n_parameters)

    def responsibilities(self, X, t: int = -1) -> np.ndarray:
        """Responsibilities of snapshot ``t`` for X, shape (n_samples, n_components)."""
        from .score import responsibilities

        return responsibilities(X, self.snapshots[t])

    def predict(self, X) -> np.ndarray:
        """Most responsible component of the final snapshot, shape (n_samples,)."""
        return self.responsibilities(X).argmax(axis=1)

    def score_samples(self, X) -> np.ndarray:
        """Log density of the final mixture at every point, shape (n_samples,)."""
        from .score import score_samples

        return score_samples(X, self.final)

    def sample(self, n: int, seed=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw n points from the final mixture: (X (n, d), labels (n,))."""
        from .score import sample

        return sample(self.final, n, seed)
