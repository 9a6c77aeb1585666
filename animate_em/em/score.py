"""Densities and responsibilities of any data under one snapshot.

Snapshots hold full covariance matrices, so every function here works from
those; they are computed on demand (never stored per iteration). A snapshot
is anything with ``weights``, ``means``, ``covariances``, ``n_components``
and ``n_features`` (:class:`~animate_em.em.types.Snapshot`); this module does
not import the types, which call into it.
"""
from __future__ import annotations

import math

import numpy as np

from animate_em.errors import UserError

from . import checks, estep, gaussian


def log_weighted_densities(X, weights, means, covariances) -> np.ndarray:
    """``log w_k + log N(x_n | mu_k, Sigma_k)`` for every point and component.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like of shape (n_components, n_features, n_features)

    Returns
    -------
    ndarray of shape (n_samples, n_components)
    """
    X = checks.check_data(X)
    means = np.asarray(means, dtype=float)
    k, d = means.shape
    if X.shape[1] != d:
        raise UserError(f"the data have {X.shape[1]} columns, the mixture has {d}")
    prepared = estep.Prepared(X, quadratic=False)
    try:
        U, log_det = gaussian.precision_cholesky(np.asarray(covariances, dtype=float), "full", k, d, 0.0,
                                                 gaussian.REL_PIVOT_USABLE)
    except gaussian.Singular as error:
        raise UserError(f"snapshot component {error.component}: {error.reason}") from None
    ops = estep.operands(prepared, np.asarray(weights, dtype=float), means - prepared.center, U, log_det)
    out = np.empty((X.shape[0], k))
    with np.errstate(all="ignore"):
        for rows, lp in estep.iter_log_prob(prepared, ops):
            out[rows] = lp.T
    return out


def _log_prob(X, snapshot) -> np.ndarray:
    """``log w_k + log N(x_n | k)`` under a snapshot, shape (n_samples, K)."""
    return log_weighted_densities(X, snapshot.weights, snapshot.means, snapshot.covariances)


def _log_normalise(log_prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        top = log_prob.max(axis=1, keepdims=True)
        top[~np.isfinite(top)] = 0.0
        log_norm = np.log(np.exp(log_prob - top).sum(axis=1, keepdims=True)) + top
    return log_prob - log_norm, log_norm[:, 0]


def log_responsibilities(X, snapshot) -> np.ndarray:
    """Log posterior probabilities of the components.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    snapshot : Snapshot

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        Computed with log-sum-exp: finite even for points thousands of
        standard deviations from every component.
    """
    return _log_normalise(_log_prob(X, snapshot))[0]


def responsibilities(X, snapshot) -> np.ndarray:
    """Posterior probabilities of the components, shape (n_samples, n_components); rows sum to 1."""
    return np.exp(log_responsibilities(X, snapshot))


def score_samples(X, snapshot) -> np.ndarray:
    """Log density of the mixture at every point, shape (n_samples,)."""
    return _log_normalise(_log_prob(X, snapshot))[1]


def mean_log_likelihood(X, snapshot) -> float:
    """Per-sample mean log-likelihood (scikit-learn's ``score``)."""
    return float(score_samples(X, snapshot).mean())


def log_likelihood(X, snapshot) -> float:
    """Total log-likelihood of X under the snapshot."""
    return float(score_samples(X, snapshot).sum())


def n_parameters(n_components: int, n_features: int, covariance_type: str) -> int:
    """Free parameters of the mixture (scikit-learn's count)."""
    k, d = n_components, n_features
    covariance = {
        "full": k * d * (d + 1) / 2.0,
        "diag": k * d,
        "tied": d * (d + 1) / 2.0,
        "spherical": k,
    }[covariance_type]
    return int(covariance + k * d + k - 1)


def bic(log_likelihood_total: float, n_params: int, n_samples: int) -> float:
    """Bayesian information criterion, lower is better."""
    return -2.0 * log_likelihood_total + n_params * math.log(n_samples)


def aic(log_likelihood_total: float, n_params: int) -> float:
    """Akaike information criterion, lower is better."""
    return -2.0 * log_likelihood_total + 2.0 * n_params


def sample(snapshot, n: int, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points from the mixture.

    Returns
    -------
    X : ndarray of shape (n, n_features)
    labels : ndarray of shape (n,) component of every point
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise UserError(f"the number of samples must be a non-negative integer, got {n!r}")
    rng = np.random.default_rng(seed)
    weights = np.asarray(snapshot.weights, dtype=float)
    labels = rng.choice(snapshot.n_components, size=n, p=weights / weights.sum())
    L = np.linalg.cholesky(np.asarray(snapshot.covariances))
    z = rng.standard_normal((n, snapshot.n_features))
    X = np.empty_like(z)
    for k in range(snapshot.n_components):
        mine = labels == k
        X[mine] = snapshot.means[k] + z[mine] @ L[k].T
    return X, labels
