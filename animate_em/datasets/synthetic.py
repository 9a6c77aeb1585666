"""Seeded 2-D Gaussian mixtures with known parameters, one per teaching point.

- ``blobs``: three round, well separated clusters; EM finds them from any start.
- ``anisotropic``: four stretched, rotated clusters of unequal weight, the
  lecture default; k-means would cut them wrongly, EM with full covariances
  does not.
- ``overlap``: two pairs of overlapping clusters; random starts often end
  in a local optimum (one component spanning a pair, two splitting another).
- ``varied``: clusters of very different size, weight and spread.

Every generator draws the component sizes deterministically from the
weights (largest remainder rounding), samples each component from its
Gaussian and shuffles the points, all from ``numpy.random.default_rng(seed)``,
so the same ``(n_samples, seed)`` always gives the same data.
"""
from __future__ import annotations

import numpy as np

from animate_em.errors import UserError

from .dataset import Dataset

_COLUMNS = ("x", "y")


def _rotated(sd_major: float, sd_minor: float, degrees: float) -> np.ndarray:
    """Covariance of shape (2, 2) with the given axis standard deviations."""
    theta = np.deg2rad(degrees)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return rotation @ np.diag([sd_major**2, sd_minor**2]) @ rotation.T


def _counts(weights: np.ndarray, n_samples: int) -> np.ndarray:
    """Component sizes summing to n_samples, each at least 1 (largest remainder)."""
    exact = weights * n_samples
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n_samples - counts.sum()]] += 1
    # A tiny weight may round to nothing; every component keeps one point.
    for component in np.flatnonzero(counts == 0):
        counts[np.argmax(counts)] -= 1
        counts[component] = 1
    return counts


def sample_mixture(weights, means, covariances, n_samples: int, seed: int):
    """Draw points from a Gaussian mixture with exact, deterministic component sizes.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like of shape (n_components, n_features, n_features)
    n_samples : int
        At least n_components (every component gets a point).
    seed : int

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        Index of the component each point was drawn from.
    """
    weights = np.asarray(weights, dtype=float)
    means = np.asarray(means, dtype=float)
    covariances = np.asarray(covariances, dtype=float)
    k = len(weights)
    if isinstance(n_samples, bool) or int(n_samples) != n_samples or n_samples < k:
        raise UserError(f"n_samples must be an integer of at least {k}, got {n_samples!r}")
    rng = np.random.default_rng(seed)
    counts = _counts(weights / weights.sum(), int(n_samples))
    parts, labels = [], []
    for component, count in enumerate(counts):
        factor = np.linalg.cholesky(covariances[component])
        noise = rng.standard_normal((count, means.shape[1]))
        parts.append(means[component] + noise @ factor.T)
        labels.append(np.full(count, component))
    order = rng.permutation(int(n_samples))
    return np.concatenate(parts)[order], np.concatenate(labels)[order]


def _make(name, description, weights, means, covariances, n_samples, seed) -> Dataset:
    X, labels = sample_mixture(weights, means, covariances, n_samples, seed)
    true_params = {
        "weights": np.asarray(weights, dtype=float) / np.sum(weights),
        "means": np.asarray(means, dtype=float),
        "covariances": np.asarray(covariances, dtype=float),
    }
    return Dataset(
        name=name,
        X=X,
        labels=labels,
        true_params=true_params,
        columns=_COLUMNS,
        units=None,
        description=description,
        meta={"seed": seed, "n_samples": int(n_samples)},
    )


# Default seeds are fixed so that ``get("blobs")`` is the same data everywhere
# (lecture slides, tests, the README).

def blobs(n_samples: int = 300, seed: int | None = None) -> Dataset:
    """Three round, well separated, equally weighted clusters.

    Parameters
    ----------
    n_samples : int, default 300
    seed : int, optional
        Default 0.

    Returns
    -------
    Dataset
        X of shape (n_samples, 2) with labels and true parameters (K=3).
    """
    seed = 0 if seed is None else seed
    return _make(
        "blobs",
        "3 round, well separated clusters of equal weight",
        weights=[1 / 3, 1 / 3, 1 / 3],
        means=[[-4.0, -2.0], [0.0, 4.0], [4.0, -1.5]],
        covariances=[_rotated(1.0, 0.9, 20), _rotated(0.9, 0.8, -40), _rotated(1.0, 0.8, 70)],
        n_samples=n_samples,
        seed=seed,
    )


def anisotropic(n_samples: int = 500, seed: int | None = None) -> Dataset:
    """Four stretched, rotated clusters of unequal weight (the lecture default).

    Parameters
    ----------
    n_samples : int, default 500
    seed : int, optional
        Default 1.

    Returns
    -------
    Dataset
        X of shape (n_samples, 2) with labels and true parameters (K=4).
    """
    seed = 1 if seed is None else seed
    return _make(
        "anisotropic",
        "4 stretched, rotated clusters of unequal weight (lecture default)",
        weights=[0.35, 0.25, 0.25, 0.15],
        means=[[-4.0, 3.0], [3.5, 4.0], [-3.0, -4.0], [4.5, -3.0]],
        covariances=[
            _rotated(2.0, 0.4, 25),
            _rotated(1.6, 0.35, -50),
            _rotated(1.8, 0.45, -10),
            _rotated(1.4, 0.3, 75),
        ],
        n_samples=n_samples,
        seed=seed,
    )


def overlap(n_samples: int = 400, seed: int | None = None) -> Dataset:
    """Two pairs of overlapping clusters: random starts get trapped in local optima.

    Parameters
    ----------
    n_samples : int, default 400
    seed : int, optional
        Default 2.

    Returns
    -------
    Dataset
        X of shape (n_samples, 2) with labels and true parameters (K=4).
    """
    seed = 2 if seed is None else seed
    return _make(
        "overlap",
        "2 pairs of overlapping clusters; random starts often end in a local optimum",
        weights=[0.3, 0.2, 0.3, 0.2],
        means=[[0.0, 0.0], [2.6, 1.0], [6.0, 4.0], [8.0, 3.0]],
        covariances=[
            _rotated(1.0, 0.6, 20),
            _rotated(0.8, 0.6, -30),
            _rotated(1.0, 0.6, 60),
            _rotated(0.9, 0.5, 0),
        ],
        n_samples=n_samples,
        seed=seed,
    )


def varied(n_samples: int = 400, seed: int | None = None) -> Dataset:
    """Clusters of very different weight and spread: one broad, one medium, one tight.

    Parameters
    ----------
    n_samples : int, default 400
    seed : int, optional
        Default 3.

    Returns
    -------
    Dataset
        X of shape (n_samples, 2) with labels and true parameters (K=3).
    """
    seed = 3 if seed is None else seed
    return _make(
        "varied",
        "3 clusters of unequal size, weight and spread (broad, medium, tight)",
        weights=[0.6, 0.3, 0.1],
        means=[[0.0, 0.0], [6.0, 3.0], [5.0, -3.0]],
        covariances=[_rotated(2.0, 1.5, 30), _rotated(0.8, 0.6, -20), _rotated(0.3, 0.25, 0)],
        n_samples=n_samples,
        seed=seed,
    )
