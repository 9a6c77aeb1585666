"""Input checks: every mistake a user can make becomes a one-line UserError."""
from __future__ import annotations

import numbers

import numpy as np

from animate_em.errors import UserError

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

# Squares of larger coordinates overflow in the second moments.
_MAX_ABS = 1e150

_COVARIANCE_SHAPES = {
    "full": lambda k, d: (k, d, d),
    "tied": lambda k, d: (d, d),
    "diag": lambda k, d: (k, d),
    "spherical": lambda k, d: (k,),
}


def check_data(X) -> np.ndarray:
    """Return X as a float array of shape (n_samples, n_features) or raise UserError."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise UserError("the data must be numbers (an N x d numeric array)") from None
    if X.ndim != 2:
        raise UserError(f"the data must be a 2-D array of shape (N, d), got {X.ndim}-D shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise UserError(f"the data are empty (shape {X.shape}); EM needs at least one point")
    # Two reductions with no temporary array: NaN propagates through min
    # and max, so finite extremes mean finite data.
    low, high = float(X.min()), float(X.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        bad = ~np.isfinite(X)
        rows = np.flatnonzero(bad.any(axis=1))
        raise UserError(
            f"the data contain {int(bad.sum())} NaN or infinite value(s) "
            f"(first in row {int(rows[0])}); drop or impute them first"
        )
    if max(-low, high) > _MAX_ABS:
        raise UserError(f"the data contain values beyond {_MAX_ABS:g}; rescale the data first")
    return X


def _count_distinct_at_least(X: np.ndarray, k: int) -> int:
    """Number of distinct rows, exactly when it is below k (cheap otherwise)."""
    # An evenly spaced sample rather than the first rows: sorted data (a
    # file ordered by a column) repeat themselves at the start.
    size = 50 * k + 1000
    sample = X[:: max(1, len(X) // size)][:size]
    distinct = len(np.unique(sample, axis=0))
    if distinct >= k or len(sample) == len(X):
        return distinct
    return len(np.unique(X, axis=0))


def check_k(X: np.ndarray, k) -> int:
    """Return k as int, or raise UserError if it is not 1 <= k <= distinct points."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise UserError(f"the number of components k must be an integer, got {k!r}")
    k = int(k)
    if k < 1:
        raise UserError(f"the number of components k must be at least 1, got {k}")
    if k > 1:
        distinct = _count_distinct_at_least(X, k)
        if k > distinct:
            raise UserError(f"k={k} components need at least {k} distinct data points, the data have {distinct}")
    return k


def check_options(covariance_type, init, n_init, tol, max_iter, reg_covar) -> None:
    """Raise UserError for an unknown or out-of-range option."""
    from .init import INIT_METHODS

    if covariance_type not in COVARIANCE_TYPES:
        raise UserError(f"unknown covariance_type {covariance_type!r}; choose one of {', '.join(COVARIANCE_TYPES)}")
    if init not in INIT_METHODS:
        raise UserError(f"unknown init {init!r}; choose one of {', '.join(INIT_METHODS)}")
    if isinstance(n_init, bool) or not isinstance(n_init, numbers.Integral) or n_init < 1:
        raise UserError(f"n_init must be a positive integer, got {n_init!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 0:
        raise UserError(f"max_iter must be a non-negative integer, got {max_iter!r}")
    for name, value in (("tol", tol), ("reg_covar", reg_covar)):
        if not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
            raise UserError(f"{name} must be a non-negative number, got {value!r}")


def _as_array(name: str, value, shape: tuple) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise UserError(f"{name} must be numeric") from None
    if array.shape != shape:
        raise UserError(f"{name} must have shape {shape}, got {array.shape}")
    if not np.isfinite(array).all():
        raise UserError(f"{name} contains NaN or infinite values")
    return array


def check_weights_init(weights, k: int) -> np.ndarray:
    weights = _as_array("weights_init", weights, (k,))
    if (weights < 0).any():
        raise UserError("weights_init must be non-negative")
    if abs(weights.sum() - 1.0) > 1e-6:
        raise UserError(f"weights_init must sum to 1, got {weights.sum():.6g}")
    return weights


def check_means_init(means, k: int, d: int) -> np.ndarray:
    return _as_array("means_init", means, (k, d))


def check_covariances_init(cov, k: int, d: int, covariance_type: str) -> np.ndarray:
    """Covariances in scikit-learn's shape for the type; symmetric positive definite."""
    shape = _COVARIANCE_SHAPES[covariance_type](k, d)
    cov = _as_array(f"covariances_init (covariance_type={covariance_type!r})", cov, shape)
    if covariance_type in ("full", "tied"):
        if not np.allclose(cov, np.swapaxes(cov, -1, -2), rtol=1e-10, atol=0):
            raise UserError("covariances_init must be symmetric matrices")
        matrices = cov.reshape(-1, d, d)
        for index, matrix in enumerate(matrices):
            try:
                np.linalg.cholesky(matrix)
            except np.linalg.LinAlgError:
                which = "the tied covariance" if covariance_type == "tied" else f"component {index}"
                raise UserError(f"covariances_init: {which} is not positive definite") from None
    elif (cov <= 0).any():
        index = int(np.flatnonzero((cov <= 0).reshape(k, -1).any(axis=1))[0])
        raise UserError(f"covariances_init: component {index} has a non-positive variance")
    return cov
