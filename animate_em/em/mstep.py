"""The M-step: closed-form weights, means and covariances of every type.

The E-step hands over ``stats = resp.T @ [1, x, x_i*x_j]`` (soft counts, sums
and uncentred second moments of the centred data), so the M-step costs
O(K d^2) instead of a pass over the data per component. Where the uncentred
formula would cancel too many digits (a tight component far from the data's
centre) that component's scatter is recomputed centred, from its
responsibilities, exactly as scikit-learn computes it.
"""
from __future__ import annotations

import numpy as np

from . import estep, gaussian

EPS = gaussian.EPS

# The uncentred scatter loses about log10(second moment / variance) digits,
# and a Cholesky pivot of it loses log10(variance / pivot) more; beyond 1e6
# in all (10 digits left) the component is recomputed centred.
_CANCELLATION_LIMIT = 1e6


###############################################################################
# Sufficient statistics -> counts, means, scatter


def moments(stats: np.ndarray, n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the E-step statistics.

    Parameters
    ----------
    stats : ndarray of shape (K, 1 + d + d(d+1)/2)

    Returns
    -------
    resp_sum : (K,) soft counts; nk : (K,) counts + 10 eps (never zero, as
    scikit-learn); means : (K, d); second : (K, d, d) uncentred second moments.
    """
    d = n_features
    resp_sum = stats[:, 0]
    nk = resp_sum + 10 * EPS
    means = stats[:, 1 : 1 + d] / nk[:, np.newaxis]
    i, j = np.triu_indices(d)
    second = np.empty((stats.shape[0], d, d))
    second[:, i, j] = stats[:, 1 + d :]
    second[:, j, i] = stats[:, 1 + d :]
    return resp_sum, nk, means, second


def scatter_from_moments(resp_sum, nk, means, second):
    """Weighted scatter ``sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T``, shape (K, d, d).

    Algebraically exact for ``mu = sums / nk`` with ``nk = resp_sum + 10 eps``.
    """
    outer = means[:, :, np.newaxis] * means[:, np.newaxis, :]
    return second - (2 * nk - resp_sum)[:, np.newaxis, np.newaxis] * outer


def cancelled(second, scatter, nk, reg_covar, covariance_type: str = "full") -> np.ndarray:
    """Indices of components whose uncentred scatter lost too many digits.

    For full and tied covariances the digits a nearly flat component loses in
    its smallest Cholesky pivot count too, so every pivot the collapse test
    reads (see ``gaussian.REL_PIVOT``) is accurate to about 1e-9 of itself,
    never rounding noise of the second moments.
    """
    d = second.shape[1]
    idx = np.arange(d)
    magnitude = second[:, idx, idx]
    kept = scatter[:, idx, idx] + nk[:, np.newaxis] * reg_covar
    flatness = np.ones(len(kept))
    if covariance_type in ("full", "tied") and d > 1:
        kept_matrices = scatter.copy()
        kept_matrices[:, idx, idx] = kept
        with np.errstate(all="ignore"):
            # At least 1; NaN when a pivot is not positive, which fails below.
            flatness = np.max(kept / gaussian.pivots_squared(kept_matrices), axis=1)
    bad = ~(magnitude * flatness[:, np.newaxis] <= _CANCELLATION_LIMIT * kept)
    bad = bad.any(axis=1)
    return np.flatnonzero(bad)


def centred_scatter(X: np.ndarray, resp_chunks, means: np.ndarray, components) -> np.ndarray:
    """Scatter of ``components`` computed from centred differences.

    Parameters
    ----------
    X : ndarray of shape (n_samples, d)
    resp_chunks : iterable of (rows, resp (K, n_rows))
    means : ndarray of shape (K, d)
    components : sequence of int

    Returns
    -------
    ndarray of shape (len(components), d, d)
    """
    d = X.shape[1]
    out = np.zeros((len(components), d, d))
    for rows, resp in resp_chunks:
        block = X[rows]
        for slot, k in enumerate(components):
            diff = block - means[k]
            out[slot] += (resp[k] * diff.T) @ diff
    return out


###############################################################################
# Covariance estimators, one per type (scikit-learn's formulas)


def _covariances_full(nk, scatter, reg_covar):
    """(K, d, d) from scatter (K, d, d)."""
    cov = scatter / nk[:, np.newaxis, np.newaxis]
    d = cov.shape[1]
    cov[:, np.arange(d), np.arange(d)] += reg_covar
    return cov


def _covariances_tied(nk, scatter, reg_covar):
    """(d, d): the within-component scatter pooled over components."""
    cov = scatter.sum(axis=0) / nk.sum()
    cov[np.diag_indices_from(cov)] += reg_covar
    return cov


def _covariances_diag(nk, scatter, reg_covar):
    """(K, d): per-feature variances."""
    d = scatter.shape[1]
    return scatter[:, np.arange(d), np.arange(d)] / nk[:, np.newaxis] + reg_covar


def _covariances_spherical(nk, scatter, reg_covar):
    """(K,): the mean of the per-feature variances."""
    return _covariances_diag(nk, scatter, reg_covar).mean(axis=1)


ESTIMATORS = {
    "full": _covariances_full,
    "tied": _covariances_tied,
    "diag": _covariances_diag,
    "spherical": _covariances_spherical,
}


def _symmetrize(cov: np.ndarray, covariance_type: str) -> np.ndarray:
    # The uncentred path is symmetric by construction; the centred fallback
    # is symmetric only up to rounding, and snapshots must be exactly so.
    if covariance_type in ("full", "tied"):
        return 0.5 * (cov + np.swapaxes(cov, -1, -2))
    return cov


def estimate(nk: np.ndarray, resp_sum: np.ndarray, means: np.ndarray, scatter: np.ndarray,
             reg_covar: float, covariance_type: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and covariances from counts and scatter.

    Parameters
    ----------
    nk : (K,) counts + 10 eps; resp_sum : (K,) counts; means : (K, d);
    scatter : (K, d, d); reg_covar : float; covariance_type : str

    Returns
    -------
    weights : (K,) summing to 1; means : (K, d); covariances : type's shape.
    """
    weights = nk / nk.sum()
    cov = _symmetrize(ESTIMATORS[covariance_type](nk, scatter, reg_covar), covariance_type)
    return weights, means, cov


def m_step(prepared: estep.Prepared, stats: np.ndarray, ops: estep.Operands, reg_covar: float, covariance_type: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The M-step from the E-step's statistics.

    Parameters
    ----------
    prepared : estep.Prepared
    stats : ndarray of shape (K, 1 + d + d(d+1)/2)
    ops : estep.Operands
        The E-step operands that produced ``stats`` (needed only to
        recompute responsibilities for the rare centred fallback).
    reg_covar : float
    covariance_type : str

    Returns
    -------
    weights : (K,), means : (K, d) centred, covariances : the type's shape.
    """
    resp_sum, nk, means, second = moments(stats, prepared.n_features)
    scatter = scatter_from_moments(resp_sum, nk, means, second)
    redo = cancelled(second, scatter, nk, reg_covar, covariance_type)
    if redo.size:
        chunks = estep.iter_responsibilities(prepared, ops)
        scatter[redo] = centred_scatter(prepared.X, chunks, means, redo)
    return estimate(nk, resp_sum, means, scatter, reg_covar, covariance_type)
