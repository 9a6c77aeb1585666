"""One exact EM step of animate_em's own core, from any parameters.

The check of a recorded history asks, for every step t -> t + 1: what does
one EM iteration give when it starts from snapshot t? The answer comes from
the same E-step (log space, log-sum-exp) and M-step (closed form, every
covariance type, reg_covar on the diagonals) that :func:`animate_em.fit` runs,
and that the test suite holds to scikit-learn's trajectory to 1e-8.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from animate_em.em import estep, gaussian, mstep


class InvalidSnapshot(Exception):
    """Internal signal: a snapshot EM cannot start from (NaN, or a covariance that is not positive definite)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Step:
    """Parameters after one EM step and the log-likelihood of the parameters it started from.

    Attributes
    ----------
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, d)
    covariances : ndarray of shape (K, d, d)
        Full matrices (of the type's form: diagonal for ``diag``, ...).
    log_likelihood : float
        Total log-likelihood of the data at the *starting* parameters.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: float


def snapshot_problem(weights: np.ndarray, means: np.ndarray, covariances: np.ndarray) -> str | None:
    """Why EM cannot start from these parameters, in a student's words; None when it can."""
    for what, values in (("weights", weights), ("means", means), ("covariances", covariances)):
        bad = ~np.isfinite(values)
        if bad.any():
            component = int(np.argwhere(bad)[0][0])
            return f"{what} contain NaN or infinite values (component {component})"
    if (weights < 0).any():
        return f"weight of component {int(np.flatnonzero(weights < 0)[0])} is negative"
    if not (weights > 0).any():
        return "every weight is zero"
    if not np.allclose(covariances, np.swapaxes(covariances, 1, 2), rtol=1e-8, atol=0):
        component = int(np.flatnonzero(~np.isclose(covariances, np.swapaxes(covariances, 1, 2),
                                                   rtol=1e-8, atol=0).reshape(len(weights), -1).all(1))[0])
        return f"the covariance of component {component} is not symmetric"
    for k, matrix in enumerate(covariances):
        try:
            np.linalg.cholesky(matrix)
        except np.linalg.LinAlgError:
            return f"the covariance of component {k} is not positive definite"
    return None


class ReferenceEM:
    """animate_em's EM step on one data set, prepared once for every step of a history.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    covariance_type : {"full", "tied", "diag", "spherical"}
    """

    def __init__(self, X: np.ndarray, covariance_type: str) -> None:
        self.prepared = estep.Prepared(X)
        self.covariance_type = covariance_type

    def _operands(self, weights, means, covariances):
        problem = snapshot_problem(weights, means, covariances)
        if problem is not None:
            raise InvalidSnapshot(problem)
        k, d = means.shape
        try:
            U, log_det = gaussian.precision_cholesky(np.asarray(covariances, dtype=float), "full", k, d, 0.0,
                                                     gaussian.REL_PIVOT_USABLE)
        except gaussian.Singular as error:
            raise InvalidSnapshot(f"the covariance of component {error.component} is numerically singular") from None
        return estep.operands(self.prepared, np.asarray(weights, dtype=float), means - self.prepared.center,
                              U, log_det)

    def step(self, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray, reg_covar: float) -> Step:
        """One E-step and M-step from ``(weights (K,), means (K, d), covariances (K, d, d))``.

        Weights that do not sum to one are used as given (the responsibilities
        normalise them away; the log-likelihood does not).

        Raises
        ------
        InvalidSnapshot
            When EM cannot start from these parameters.
        """
        ops = self._operands(weights, means, covariances)
        with np.errstate(all="ignore"):
            ll, stats = estep.estep(self.prepared, ops, True)
            new_weights, new_means, cov = mstep.m_step(self.prepared, stats, ops, float(reg_covar),
                                                       self.covariance_type)
        k, d = new_means.shape
        full = gaussian.TO_FULL[self.covariance_type](cov, k, d)
        return Step(new_weights, new_means + self.prepared.center, np.array(full, dtype=float), float(ll))

    def log_likelihood(self, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray) -> float:
        """Total log-likelihood of the data at these parameters (NaN when EM cannot start from them)."""
        try:
            ops = self._operands(weights, means, covariances)
        except InvalidSnapshot:
            return float("nan")
        with np.errstate(all="ignore"):
            ll, _ = estep.estep(self.prepared, ops, False)
        return float(ll)
