"""Initial states of EM: random responsibilities, data points, k-means++, k-means.

Every initialisation ends in the same place: a first guess of the means (or
of the responsibilities) turned into weights and covariances by the M-step
formulas. For the three mean-based methods each point is assigned to its
nearest mean (a hard assignment), so the first ellipses have the size of
their Voronoi cell: visible in a lecture and valid, unlike the near-zero
covariances scikit-learn starts from when it seeds with single points.
"""
from __future__ import annotations

import numpy as np

from . import gaussian, mstep

_LLOYD_MAX_ITER = 300


###############################################################################
# Distances and k-means


def squared_distances(X: np.ndarray, centers: np.ndarray, chunk: int = 1 << 15) -> np.ndarray:
    """Squared Euclidean distances, shape (n_samples, n_centers), O(N K) memory."""
    out = np.empty((X.shape[0], centers.shape[0]))
    for start in range(0, X.shape[0], chunk):
        block = X[start : start + chunk]
        for k, center in enumerate(centers):
            diff = block - center
            out[start : start + chunk, k] = np.einsum("ij,ij->i", diff, diff)
    return out


def nearest(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest center for every point, shape (n_samples,)."""
    return squared_distances(X, centers).argmin(axis=1)


def kmeans_plusplus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding (Arthur & Vassilvitskii; local trials as scikit-learn).

    Parameters
    ----------
    X : ndarray of shape (n_samples, d), at least k distinct rows
    k : int
    rng : numpy.random.Generator

    Returns
    -------
    centers : ndarray of shape (k, d), k distinct data points
    """
    n = X.shape[0]
    n_trials = 2 + int(np.log(k))
    centers = np.empty((k, X.shape[1]))
    centers[0] = X[rng.integers(n)]
    closest = squared_distances(X, centers[:1])[:, 0]
    for c in range(1, k):
        cumulative = np.cumsum(closest)
        # side="right" never picks a point at distance zero, so the centers
        # stay distinct (duplicated data points included).
        picks = np.searchsorted(cumulative, rng.random(n_trials) * cumulative[-1], side="right")
        picks = np.minimum(picks, np.flatnonzero(closest > 0)[-1])
        candidates = np.minimum(closest[:, np.newaxis], squared_distances(X, X[picks]))
        best = int(np.argmin(candidates.sum(axis=0)))
        centers[c] = X[picks[best]]
        closest = candidates[:, best]
    return centers


def lloyd(X: np.ndarray, centers: np.ndarray, max_iter: int = _LLOYD_MAX_ITER) -> np.ndarray:
    """Lloyd's k-means from ``centers`` until the assignment stops changing.

    An emptied cluster takes the point farthest from its center, so k stays k.

    Returns
    -------
    centers : ndarray of shape (k, d)
    """
    k, d = centers.shape
    centers = centers.copy()
    labels = None
    for _ in range(max_iter):
        dist = squared_distances(X, centers)
        new = dist.argmin(axis=1)
        counts = np.bincount(new, minlength=k)
        for empty in np.flatnonzero(counts == 0):
            far = int(np.argmax(dist[np.arange(len(X)), new]))
            new[far] = empty
            dist[far] = 0.0
            counts = np.bincount(new, minlength=k)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        for j in range(d):
            centers[:, j] = np.bincount(labels, weights=X[:, j], minlength=k) / counts
    return centers


def random_from_data(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k distinct data points chosen uniformly at random, shape (k, d)."""
    chosen: list[np.ndarray] = []
    for index in rng.permutation(X.shape[0]):
        point = X[index]
        if not any(np.array_equal(point, other) for other in chosen):
            chosen.append(point)
            if len(chosen) == k:
                break
    return np.array(chosen)


###############################################################################
# From a first guess to a full initial state


def scatter_from_labels(X: np.ndarray, labels: np.ndarray, means: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts (K,) and centred scatter (K, d, d) of a hard assignment."""
    k, d = means.shape
    counts = np.bincount(labels, minlength=k).astype(float)
    scatter = np.zeros((k, d, d))
    for c in range(k):
        diff = X[labels == c] - means[c]
        scatter[c] = diff.T @ diff
    return counts, scatter


def from_means(X: np.ndarray, means: np.ndarray, reg_covar: float, covariance_type: str):
    """Hard-assign every point to its nearest mean, then the M-step formulas.

    Returns weights (K,), means (K, d) (the given ones), covariances and the
    hard counts (K,).
    """
    labels = nearest(X, means)
    counts, scatter = scatter_from_labels(X, labels, means)
    nk = counts + 10 * mstep.EPS
    weights, _, cov = mstep.estimate(nk, counts, means, scatter, reg_covar, covariance_type)
    return weights, means.copy(), cov, counts


def from_random_responsibilities(X: np.ndarray, k: int, rng: np.random.Generator,
                                 reg_covar: float, covariance_type: str):
    """Random responsibilities, then an M-step: every component near the centre."""
    resp = rng.random((X.shape[0], k))
    resp /= resp.sum(axis=1, keepdims=True)
    resp_sum = resp.sum(axis=0)
    nk = resp_sum + 10 * mstep.EPS
    means = (resp.T @ X) / nk[:, np.newaxis]
    scatter = mstep.centred_scatter(X, [(slice(None), resp.T)], means, range(k))
    weights, _, cov = mstep.estimate(nk, resp_sum, means, scatter, reg_covar, covariance_type)
    return weights, means, cov, resp_sum


def _seed_kmeanspp(X, k, rng):
    return kmeans_plusplus(X, k, rng)


def _seed_kmeans(X, k, rng):
    return lloyd(X, kmeans_plusplus(X, k, rng))


MEAN_SEEDERS = {
    "random_from_data": random_from_data,
    "kmeans++": _seed_kmeanspp,
    "kmeans": _seed_kmeans,
}
INIT_METHODS = ("random", *MEAN_SEEDERS)


###############################################################################
# Keeping first ellipses visible


def fallback_covariance(X: np.ndarray, k: int, reg_covar: float) -> np.ndarray:
    """A visible, valid covariance for a component seeded on too few points.

    Axis-aligned, sized so that k such ellipses cover about the data's
    spread; shape (d, d).
    """
    d = X.shape[1]
    variances = X.var(axis=0)
    # Each column keeps its own scale (columns may differ by 1e24); only a
    # constant column borrows one from the others.
    borrowed = max(1e-6 * float(variances.mean()), 1e-300)
    variances = np.where(variances > 0, variances, borrowed) / k ** (2.0 / d)
    return np.diag(variances + reg_covar)


def repair(X: np.ndarray, weights, means, cov, counts, reg_covar: float, covariance_type: str,
           floor: float):
    """Replace initial covariances that are singular or fitted to < d+1 points.

    ``counts`` (K,) are the hard-assignment counts, or None to check only
    singularity (random responsibilities spread every component over all
    points).

    Returns the covariances (type's shape), valid for :func:`gaussian.precision_cholesky`.
    """
    k, d = means.shape
    cov = np.array(cov, dtype=float, copy=True)
    full_fallback = fallback_covariance(X, k, reg_covar)
    by_type = {
        "full": full_fallback,
        "tied": full_fallback,
        "diag": np.diag(full_fallback),
        "spherical": float(np.diag(full_fallback).mean()),
    }[covariance_type]
    if counts is not None and covariance_type != "tied":
        cov[counts < d + 1] = by_type
    for _ in range(k + 1):
        try:
            gaussian.precision_cholesky(cov, covariance_type, k, d, floor)
            return cov
        except gaussian.Singular as error:
            if covariance_type == "tied":
                cov = by_type
            else:
                cov[error.component] = by_type
    gaussian.precision_cholesky(cov, covariance_type, k, d, floor)
    return cov
