"""Gaussian building blocks: precision Cholesky factors and full covariances.

Conventions (as scikit-learn): ``U`` is the Cholesky factor of a precision
matrix, upper triangular, with ``precision = U @ U.T``; the Mahalanobis
vector of ``x`` is ``(x - mean) @ U``, and ``log|U|`` is minus half the
log-determinant of the covariance.
"""
from __future__ import annotations

import math

import numpy as np

EPS = float(np.finfo(float).eps)
LOG_2PI = math.log(2.0 * math.pi)

# A covariance whose Cholesky pivot falls below this fraction of its diagonal
# has a condition number beyond ~1e13: every later density would be rounding
# noise, so it is treated as singular (a collapse), as scikit-learn does when
# its Cholesky fails.
REL_PIVOT = 1e-13


class Singular(Exception):
    """Internal signal: a covariance is not (numerically) positive definite."""

    def __init__(self, component: int, reason: str) -> None:
        super().__init__(reason)
        self.component = component
        self.reason = reason


###############################################################################
# Precision Cholesky factors, one function per covariance type


def _check_pivots(pivots_sq: np.ndarray, diagonal: np.ndarray, floor: float) -> None:
    """Raise :class:`Singular` for the first component with a bad pivot.

    pivots_sq, diagonal : ndarray of shape (n_components, n_features)
    """
    good = np.isfinite(pivots_sq) & (pivots_sq > floor) & (pivots_sq > REL_PIVOT * diagonal)
    if not good.all():
        component = int(np.flatnonzero(~good.all(axis=1))[0])
        raise Singular(component, "its covariance is not positive definite")


def _cholesky_full(covariances: np.ndarray, floor: float, n_components: int = 0,
                   d: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Precision Cholesky of full covariances.

    covariances : (K, d, d) -> U : (K, d, d), log|U| : (K,)
    """
    n_components, d, _ = covariances.shape
    if not np.isfinite(covariances).all():
        component = int(np.flatnonzero(~np.isfinite(covariances).reshape(n_components, -1).all(1))[0])
        raise Singular(component, "its covariance is not finite")
    diagonal = np.diagonal(covariances, axis1=1, axis2=2)
    if d == 2:
        # Closed form: for K small 2x2 matrices this is several times cheaper
        # than LAPACK's per-call overhead, and it is the only per-iteration
        # linear algebra of the lecture case.
        a, b, c = covariances[:, 0, 0], covariances[:, 1, 0], covariances[:, 1, 1]
        with np.errstate(all="ignore"):
            l11 = np.sqrt(a)
            l21 = b / l11
            l22_sq = c - l21 * l21
            _check_pivots(np.stack([a, l22_sq], axis=1), diagonal, floor)
            l22 = np.sqrt(l22_sq)
        U = np.zeros_like(covariances)
        U[:, 0, 0] = 1.0 / l11
        U[:, 0, 1] = -l21 / (l11 * l22)
        U[:, 1, 1] = 1.0 / l22
        return U, -np.log(l11) - np.log(l22)
    try:
        L = np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        for component in range(n_components):
            try:
                np.linalg.cholesky(covariances[component])
            except np.linalg.LinAlgError:
                raise Singular(component, "its covariance is not positive definite") from None
        raise Singular(0, "its covariance is not positive definite") from None
    pivots = np.diagonal(L, axis1=1, axis2=2)
    _check_pivots(pivots * pivots, diagonal, floor)
    U = np.linalg.inv(L).transpose(0, 2, 1)
    return U, -np.log(pivots).sum(axis=1)


def _cholesky_tied(covariance: np.ndarray, floor: float, n_components: int, d: int):
    """covariance : (d, d) -> U : (K, d, d), log|U| : (K,)"""
    try:
        U, log_det = _cholesky_full(covariance[np.newaxis], floor)
    except Singular as error:
        raise Singular(0, "the shared (tied) covariance is not positive definite") from error
    return np.broadcast_to(U, (n_components, d, d)), np.repeat(log_det, n_components)


def _cholesky_diag(variances: np.ndarray, floor: float, n_components: int, d: int):
    """variances : (K, d) -> U : (K, d, d), log|U| : (K,)"""
    _check_pivots(variances, variances, floor)
    inv_sd = 1.0 / np.sqrt(variances)
    U = np.zeros((n_components, d, d))
    U[:, np.arange(d), np.arange(d)] = inv_sd
    return U, np.log(inv_sd).sum(axis=1)


def _cholesky_spherical(variances: np.ndarray, floor: float, n_components: int, d: int):
    """variances : (K,) -> U : (K, d, d), log|U| : (K,)"""
    _check_pivots(variances[:, np.newaxis], variances[:, np.newaxis], floor)
    inv_sd = 1.0 / np.sqrt(variances)
    U = inv_sd[:, np.newaxis, np.newaxis] * np.eye(d)
    return U, d * np.log(inv_sd)


def precision_cholesky(covariances: np.ndarray, covariance_type: str, n_components: int,
                       n_features: int, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Precision Cholesky factors of covariances of any type.

    Parameters
    ----------
    covariances : ndarray
        full (K, d, d), tied (d, d), diag (K, d), spherical (K,).
    covariance_type : str
    n_components, n_features : int
    floor : float
        Pivots (variances) at or below this count as singular.

    Returns
    -------
    U : ndarray of shape (K, d, d)
    log_det : ndarray of shape (K,)
        ``log|U|`` = -0.5 log det(covariance).

    Raises
    ------
    Singular
        If a covariance is not numerically positive definite.
    """
    return PRECISION_CHOLESKY[covariance_type](covariances, floor, n_components, n_features)


PRECISION_CHOLESKY = {
    "full": _cholesky_full,
    "tied": _cholesky_tied,
    "diag": _cholesky_diag,
    "spherical": _cholesky_spherical,
}


###############################################################################
# Any covariance type as full matrices (snapshots always hold full ones)


def _full_from_full(cov, n_components, d):
    return cov


def _full_from_tied(cov, n_components, d):
    return np.repeat(cov[np.newaxis], n_components, axis=0)


def _full_from_diag(cov, n_components, d):
    full = np.zeros((n_components, d, d))
    full[:, np.arange(d), np.arange(d)] = cov
    return full


def _full_from_spherical(cov, n_components, d):
    return cov[:, np.newaxis, np.newaxis] * np.eye(d)


TO_FULL = {
    "full": _full_from_full,
    "tied": _full_from_tied,
    "diag": _full_from_diag,
    "spherical": _full_from_spherical,
}


