"""Checks of one piece of a hand-written EM: the responsibilities of an E-step, one log-likelihood.

The starter notebook calls these after each exercise; a whole EM step (E and
M together) is checked by :func:`animate_em.course.check` on the two
snapshots before and after it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from animate_em.em.checks import check_data
from animate_em.errors import UserError

from . import mistakes as classic
from .history import read_history
from .likelihood import compare_own
from .reference import ReferenceEM, snapshot_problem

#: Responsibilities agree with ours when no entry differs by more than this.
RESPONSIBILITY_ATOL = 1e-6


@dataclass(frozen=True)
class ExerciseCheck:
    """The verdict on one exercise: ``ok``, and a message that says what to change."""

    ok: bool
    message: str
    mistake: str | None = None

    def __str__(self) -> str:
        return ("correct: " if self.ok else "NOT correct: ") + self.message

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:    # IPython / Jupyter
        printer.text(str(self))

    def __bool__(self) -> bool:
        return self.ok


def _parameters(X, parameters, covariance_type):
    X = check_data(X)
    h = read_history([tuple(parameters)], covariance_type)
    if h.n_features != X.shape[1]:
        raise UserError(f"the means have d = {h.n_features} features, the data {X.shape[1]} columns")
    weights, means, covariances = h.snapshot(0)
    problem = snapshot_problem(weights, means, covariances)
    if problem is not None:
        raise UserError(f"these parameters are not a valid mixture: {problem}")
    return X, h, (weights, means, covariances)


def check_responsibilities(X, parameters, resp, covariance_type: str = "full") -> ExerciseCheck:
    """Check an E-step's responsibilities against ours.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    parameters : (weights (K,), means (K, d), covariances)
        The parameters the E-step was run at (covariances in the type's shape).
    resp : array-like of shape (n_samples, K)
        The responsibilities it returned.
    covariance_type : str

    Returns
    -------
    ExerciseCheck
    """
    X, h, params = _parameters(X, parameters, covariance_type)
    n, k = len(X), h.n_components
    try:
        resp = np.asarray(resp, dtype=float)
    except (TypeError, ValueError):
        return ExerciseCheck(False, "the responsibilities must be a numeric (N, K) array")
    if resp.shape != (n, k):
        hint = " (transposed? return resp.T)" if resp.shape == (k, n) else ""
        return ExerciseCheck(False, f"the responsibilities must have shape (N, K) = ({n}, {k}), got {resp.shape}{hint}")
    expected = classic.responsibilities(X, *params)
    far = classic.underflowing_points(X, *params)
    if not np.isfinite(resp).all():
        rows = np.flatnonzero(~np.isfinite(resp).all(axis=1))
        if far:
            return ExerciseCheck(False, f"{len(rows)} row(s) are NaN (first: point {rows[0]}), at the {far} point(s) "
                                 f"whose density underflows to 0 under every component. {classic.UNDERFLOW_ADVICE}",
                                 "estep_underflow")
        return ExerciseCheck(False, f"{len(rows)} row(s) contain NaN or inf (first: point {rows[0]})")
    sums = resp.sum(axis=1)
    if far and (sums == 0).any():
        return ExerciseCheck(False, f"{int((sums == 0).sum())} point(s) have responsibility 0 for every component. "
                             + classic.UNDERFLOW_ADVICE, "estep_underflow")
    difference = float(np.abs(resp - expected).max())
    if difference <= RESPONSIBILITY_ATOL:
        return ExerciseCheck(True, f"every responsibility agrees with ours (largest difference {difference:.2g})")
    densities = classic.naive_densities(X, *params)
    scale = np.abs(densities).max()
    if scale > 0 and np.abs(resp - densities).max() <= 1e-6 * scale:
        mistake = classic.BY_ID["responsibilities_not_normalised"]
        return ExerciseCheck(False, f"these are pi_k N(x_n | k), not yet responsibilities: {mistake.advice}",
                             mistake.id)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-6):
        worst = int(np.argmax(np.abs(sums - 1)))
        return ExerciseCheck(False, f"rows must sum to 1, point {worst}'s sums to {sums[worst]:.6g}: "
                             + classic.BY_ID["responsibilities_not_normalised"].advice, "responsibilities_not_normalised")
    unweighted = classic.responsibilities(X, np.full(k, 1.0 / k), *params[1:])
    if np.abs(resp - unweighted).max() <= RESPONSIBILITY_ATOL and not np.allclose(params[0], 1.0 / k):
        return ExerciseCheck(False, "the mixture weights are left out: r_nk is proportional to pi_k N(x_n | k)")
    n_worst, k_worst = np.unravel_index(int(np.argmax(np.abs(resp - expected))), resp.shape)
    return ExerciseCheck(False, f"responsibilities differ by up to {difference:.3g} (point {n_worst}, component "
                         f"{k_worst}: yours {resp[n_worst, k_worst]:.6g}, ours {expected[n_worst, k_worst]:.6g})")


def check_log_likelihood(X, parameters, value, covariance_type: str = "full") -> ExerciseCheck:
    """Check one log-likelihood value (total, or mean per point) against ours.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    parameters : (weights (K,), means (K, d), covariances)
    value : float
    covariance_type : str

    Returns
    -------
    ExerciseCheck
    """
    X, h, params = _parameters(X, parameters, covariance_type)
    try:
        own = np.array([float(value)])
    except (TypeError, ValueError):
        return ExerciseCheck(False, f"the log-likelihood must be one number, got {type(value).__name__}")
    ours = np.array([ReferenceEM(X, h.covariance_type).log_likelihood(*params)])
    verdict = compare_own(own, ours, X, lambda t: params)
    if verdict.agrees:
        return ExerciseCheck(True, f"{verdict.message}: {ours[0]:.6f}")
    return ExerciseCheck(False, f"ours is {ours[0]:.6f}, yours {own[0]:.6f}: {verdict.message}", verdict.formula)
