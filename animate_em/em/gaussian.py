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

# Collapse is decided per column j on pivot j of the covariance's Cholesky
# factor, the variance of column j left once the earlier columns are known:
# the component is singular when that pivot is at most REL_PIVOT times the
# column's own variance (the Gaussian has flattened onto a line or plane:
# its conditional spread is below 1e-5 of its spread). The threshold is far
# above rounding: the M-step keeps every pivot accurate to about 1e-9 of
# itself (see mstep.cancelled), and a pivot recomputed from centred data is
# off by a few eps of the variance, 1e-5 of this threshold; so whether a
# component has collapsed never depends on summation order or SIMD, and
# every machine stops at the same iteration. It is also far below any
# healthy fit (a correlation of 1 - 5e-11).
REL_PIVOT = 1e-10

# Parameters handed in from outside (a snapshot to score, a recorded history,
# covariances_init) only need to be usable: singular to rounding is the limit.
REL_PIVOT_USABLE = 1e-13


class Singular(Exception):
    """Internal signal: a covariance is not (numerically) positive definite."""

    def __init__(self, component: int, reason: str) -> None:
        super().__init__(reason)
        self.component = component
        self.reason = reason


###############################################################################
# Precision Cholesky factors, one function per covariance type


def _check_pivots(pivots_sq: np.ndarray, diagonal: np.ndarray, floor, rel_pivot: float) -> None:
    """Raise :class:`Singular` for the first component with a bad pivot.

    pivots_sq, diagonal : ndarray of shape (n_components, n_features)
    floor : float or ndarray of shape (n_features,)
        Each column's absolute floor.
    rel_pivot : float
        Fraction of the column's variance a pivot must exceed.
    """
    good = np.isfinite(pivots_sq) & (pivots_sq > floor) & (pivots_sq > rel_pivot * diagonal)
    if not good.all():
        component = int(np.flatnonzero(~good.all(axis=1))[0])
        raise Singular(component, "its covariance is not positive definite")


def pivots_squared(covariances: np.ndarray) -> np.ndarray:
    """Squared Cholesky pivots of symmetric matrices, never raising.

    Pivot j is the variance of column j left once the earlier columns are
    known (the Schur complement).

    Parameters
    ----------
    covariances : ndarray of shape (K, d, d)

    Returns
    -------
    ndarray of shape (K, d)
        NaN for a pivot that is not positive and every later one (undefined).
    """
    n_components, d, _ = covariances.shape
    with np.errstate(all="ignore"):
        if d == 2:
            a, b, c = covariances[:, 0, 0], covariances[:, 1, 0], covariances[:, 1, 1]
            out = np.stack([a, c - b * b / a], axis=1)
            out[~(a > 0), 1] = np.nan
            out[~(out > 0)] = np.nan
            return out
        out = np.empty((n_components, d))
        L = np.zeros_like(covariances)
        for j in range(d):
            row = L[:, j, :j]
            pivot = covariances[:, j, j] - np.einsum("ki,ki->k", row, row)
            pivot[~(pivot > 0)] = np.nan
            out[:, j] = pivot
            root = np.sqrt(pivot)
            L[:, j, j] = root
            below = covariances[:, j + 1 :, j] - np.einsum("kri,ki->kr", L[:, j + 1 :, :j], row)
            L[:, j + 1 :, j] = below / root[:, np.newaxis]
    return out


def _cholesky_full(covariances: np.ndarray, floor, n_components: int = 0, d: int = 0,
                   rel_pivot: float = REL_PIVOT) -> tuple[np.ndarray, np.ndarray]:
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
            _check_pivots(np.stack([a, l22_sq], axis=1), diagonal, floor, rel_pivot)
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
    _check_pivots(pivots * pivots, diagonal, floor, rel_pivot)
    U = np.linalg.inv(L).transpose(0, 2, 1)
    return U, -np.log(pivots).sum(axis=1)


def _cholesky_tied(covariance: np.ndarray, floor, n_components: int, d: int, rel_pivot: float):
    """covariance : (d, d) -> U : (K, d, d), log|U| : (K,)"""
    try:
        U, log_det = _cholesky_full(covariance[np.newaxis], floor, rel_pivot=rel_pivot)
    except Singular as error:
        raise Singular(0, "the shared (tied) covariance is not positive definite") from error
    return np.broadcast_to(U, (n_components, d, d)), np.repeat(log_det, n_components)


def _cholesky_diag(variances: np.ndarray, floor, n_components: int, d: int, rel_pivot: float):
    """variances : (K, d) -> U : (K, d, d), log|U| : (K,)"""
    _check_pivots(variances, variances, floor, rel_pivot)
    inv_sd = 1.0 / np.sqrt(variances)
    U = np.zeros((n_components, d, d))
    U[:, np.arange(d), np.arange(d)] = inv_sd
    return U, np.log(inv_sd).sum(axis=1)


def _cholesky_spherical(variances: np.ndarray, floor, n_components: int, d: int, rel_pivot: float):
    """variances : (K,) -> U : (K, d, d), log|U| : (K,)"""
    # One variance serves every column, so it must clear the floor of each.
    _check_pivots(variances[:, np.newaxis], variances[:, np.newaxis], np.max(floor), rel_pivot)
    inv_sd = 1.0 / np.sqrt(variances)
    U = inv_sd[:, np.newaxis, np.newaxis] * np.eye(d)
    return U, d * np.log(inv_sd)


def precision_cholesky(covariances: np.ndarray, covariance_type: str, n_components: int,
                       n_features: int, floor, rel_pivot: float = REL_PIVOT) -> tuple[np.ndarray, np.ndarray]:
    """Precision Cholesky factors of covariances of any type.

    Parameters
    ----------
    covariances : ndarray
        full (K, d, d), tied (d, d), diag (K, d), spherical (K,).
    covariance_type : str
    n_components, n_features : int
    floor : float or ndarray of shape (n_features,)
        Pivot j (a variance of column j) at or below ``floor[j]`` counts as
        singular: each column has its own scale (see ``estep.Prepared``).
    rel_pivot : float
        A pivot at or below this fraction of its column's variance counts as
        singular: :data:`REL_PIVOT` (a collapse, decided with a margin) for
        what EM computes, :data:`REL_PIVOT_USABLE` for parameters handed in.

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
    return PRECISION_CHOLESKY[covariance_type](covariances, floor, n_components, n_features, rel_pivot)


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


